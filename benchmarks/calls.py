"""Sessions and calls at scale: calls per action and wall time against the per-action floors.

    .venv/bin/python benchmarks/calls.py           # 200 campaigns, ~100,000 sessions (~2 min)
    .venv/bin/python benchmarks/calls.py --quick   # 50 campaigns

The emulator (in this process) enforces 20 requests/s per action and answers after 50 ms; the
tap (its own process) syncs predictive_dialing_sessions and predictive_dialing_calls in discovery
mode. The floors: listing the campaigns takes ceil(N/100) calls, a campaign's sessions
ceil(S/1000) calls each (campaigns never started: none), its calls ceil(S/100) DescribeTelCdr
calls each (all calls are within one 89-day window here); each action has its own 20/s, so the
wall-time floor is the largest action's calls / 20. A second sync, with nothing new, shows what
an unchanged world costs.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from ccc_emulator import Emulator
from ccc_emulator.data import CampaignStore

from tap_ccc_campaign.tap import TapCCCCampaign

BIN = Path(sys.executable).parent
DEMO_ID, DEMO_KEY = "AKIDccc-emulator-demo-000000000000", "ccc-emulator-demo-secret-key"
STREAMS = ("predictive_dialing_sessions", "predictive_dialing_calls")


def catalog(config: dict, streams: tuple[str, ...] = STREAMS) -> dict:
    """The tap's catalog with ``streams`` selected and no other (other benchmarks use it too)."""
    found = TapCCCCampaign(config=config).catalog_dict
    for stream in found["streams"]:
        for entry in stream["metadata"]:
            if entry["breadcrumb"] == []:
                entry["metadata"]["selected"] = stream["tap_stream_id"] in streams
    return json.loads(json.dumps(found, default=str))


def sync(emulator: Emulator, work: Path, state: dict | None) -> tuple[float, Counter, dict, float]:
    config = {
        "secret_id": DEMO_ID,
        "secret_key": DEMO_KEY,
        "sdk_app_id": emulator.store.sdk_app_id,
        "api_url": emulator.url,
    }
    (work / "config.json").write_text(json.dumps(config))
    (work / "catalog.json").write_text(json.dumps(catalog(config)))
    command = [
        str(BIN / "tap-ccc-campaign"),
        "--config",
        str(work / "config.json"),
        "--catalog",
        str(work / "catalog.json"),
    ]
    if state is not None:
        (work / "state.json").write_text(json.dumps(state))
        command += ["--state", str(work / "state.json")]
    before = len(emulator.requests_log())
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    records: Counter = Counter()
    last_state: dict = {}
    for line in process.stdout:
        message = json.loads(line)
        if message["type"] == "RECORD":
            records[message["stream"]] += 1
        elif message["type"] == "STATE":
            last_state = message["value"]
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.monotonic() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("the tap failed")
    calls = Counter(e["action"] for e in emulator.requests_log()[before:])
    return wall, calls + Counter({f"records {k}": v for k, v in records.items()}), last_state, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="50 campaigns instead of 200")
    args = parser.parse_args()
    count = 50 if args.quick else 200
    store = CampaignStore(count=count, callees=1630, history_days=60, seed=12)
    sessions = {cid: len(store.sessions(cid)) for cid in store.ids()}
    listed = [cid for cid in store.ids() if store.campaign(cid)["Status"] != 0]
    floors = {
        "DescribePredictiveDialingCampaigns": math.ceil(count / 100),
        "DescribePredictiveDialingSessions": sum(max(1, math.ceil(sessions[c] / 1000)) for c in listed),
        "DescribeTelCdr": sum(math.ceil(sessions[c] / 100) for c in listed),
    }
    print(f"{count} campaigns, {sum(sessions.values()):,} sessions, 50 ms latency, 20/s per action")
    with tempfile.TemporaryDirectory() as tmp, Emulator(store=store, latency=0.05, rate_limit=20) as emulator:
        wall, calls, state, rss = sync(emulator, Path(tmp), None)
        floor = max(floors.values()) / 20
        print(
            f"first sync: {wall:.1f} s against the {floor:.1f} s floor (ratio {wall / floor:.3f}), peak RSS {rss:.0f} MiB"
        )
        rejected = emulator.stats()["rejections"]
        for action, least in floors.items():
            print(
                f"   {action:<36}{calls[action]:>7} calls (floor {least}; {rejected.get(action, 0)} answered RequestLimitExceeded)"
            )
        print(
            f"   records: {calls['records predictive_dialing_sessions']:,} sessions, {calls['records predictive_dialing_calls']:,} calls"
        )
        print(f"   STATE: {len(json.dumps(state)) / 1024:.0f} KiB")
        wall, calls, _, _ = sync(emulator, Path(tmp), state)
        print(
            f"second sync, nothing new: {wall:.1f} s; calls: "
            + ", ".join(f"{action} {calls[action]}" for action in floors)
            + f"; records: {calls['records predictive_dialing_calls']} calls"
        )


if __name__ == "__main__":
    main()
