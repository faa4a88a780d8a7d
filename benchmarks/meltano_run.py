"""Who sets the pace of a real pipeline: the API, the tap, or the loader?

    .venv/bin/python benchmarks/meltano_run.py           # 100 campaigns, ~40,000 sessions (~3 min)
    .venv/bin/python benchmarks/meltano_run.py --quick   # 30 campaigns

The emulator (in this process) enforces 20 requests/s per action and answers after 50 ms. The
four streams are read twice, each time from scratch: by the tap alone (its output counted and
thrown away), then by `meltano run tap-ccc-campaign target-duckdb` in the project's demo
environment (state kept under its own id, so the demo's is untouched). Rows loaded per second are
printed beside the API's floor: the busiest action's accepted calls at 20/s, the fastest any
client of one account could go (each action has its own 20/s), and the floor if the actions were
read one after another (singer-sdk syncs one stream at a time; the tap reads a stream's lists and
records side by side). The tap and the loader are installed first, as the demo does.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import duckdb
from ccc_emulator import Emulator
from ccc_emulator.data import CampaignStore

from tap_ccc_campaign.tap import TapCCCCampaign

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEMO_ID, DEMO_KEY = "AKIDccc-emulator-demo-000000000000", "ccc-emulator-demo-secret-key"
STREAMS = (
    "predictive_dialing_campaigns",
    "predictive_dialing_campaign_progress",
    "predictive_dialing_sessions",
    "predictive_dialing_calls",
)
LIMIT = 20


def accepted_calls(emulator: Emulator, since: int) -> Counter:
    return Counter(e["action"] for e in emulator.requests_log()[since:] if e.get("outcome") == "ok")


def tap_alone(emulator: Emulator, work: Path) -> tuple[float, int, Counter]:
    config = {"secret_id": DEMO_ID, "secret_key": DEMO_KEY, "sdk_app_id": emulator.store.sdk_app_id}
    config["api_url"] = emulator.url
    catalog = TapCCCCampaign(config=config).catalog_dict
    for stream in catalog["streams"]:
        for entry in stream["metadata"]:
            if entry["breadcrumb"] == []:
                entry["metadata"]["selected"] = stream["tap_stream_id"] in STREAMS
    (work / "config.json").write_text(json.dumps(config))
    (work / "catalog.json").write_text(json.dumps(catalog, default=str))
    since = len(emulator.requests_log())
    started = time.monotonic()
    command = [str(BIN / "tap-ccc-campaign"), "--config", str(work / "config.json")]
    process = subprocess.Popen(
        [*command, "--catalog", str(work / "catalog.json")], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    records = sum(1 for line in process.stdout if line.startswith(b'{"type":"RECORD"'))
    if process.wait() != 0:
        raise SystemExit("the tap failed")
    return time.monotonic() - started, records, accepted_calls(emulator, since)


def meltano_run(emulator: Emulator, work: Path) -> tuple[float, int, Counter]:
    database = work / "warehouse.duckdb"
    env = {
        **os.environ,
        "TAP_CCC_CAMPAIGN_API_URL": emulator.url,
        "TAP_CCC_CAMPAIGN__SELECT": json.dumps([f"{s}.*" for s in STREAMS]),
        "TARGET_DUCKDB_FILEPATH": str(database),
        "MELTANO_ENVIRONMENT": "demo",
    }
    since = len(emulator.requests_log())
    started = time.monotonic()
    command = [str(BIN / "meltano"), "run", "--full-refresh", "--state-id-suffix", "benchmark"]
    done = subprocess.run(
        [*command, "tap-ccc-campaign", "target-duckdb"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    wall = time.monotonic() - started
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-4000:])
        raise SystemExit("meltano run failed")
    with duckdb.connect(str(database), read_only=True) as db:
        tables = db.execute(
            "select table_schema, table_name from information_schema.tables where table_name in "
            f"({', '.join('?' for _ in STREAMS)})",
            list(STREAMS),
        ).fetchall()
        rows = sum(db.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[0] for schema, name in tables)
    return wall, rows, accepted_calls(emulator, since)


def report(label: str, wall: float, rows: int, calls: Counter) -> float:
    floor = calls.most_common(1)[0][1] / LIMIT
    print(
        f"{label:<32}{rows:>8,} rows {wall:>7.1f} s {rows / wall:>7,.0f} rows/s   "
        f"floor {floor:>5.1f} s ({rows / floor:>6,.0f} rows/s): wall / floor {wall / floor:.2f}"
    )
    return wall


def floors(calls: Counter) -> None:
    """The API's floors: every action at once (the busiest one's calls at 20/s), or one after another."""
    for action, count in calls.most_common():
        print(f"   {action:<40}{count:>6} calls  {count / LIMIT:>6.1f} s at {LIMIT}/s")
    print(
        f"   floor, every action at once: {calls.most_common(1)[0][1] / LIMIT:.1f} s; "
        f"one action after another: {sum(calls.values()) / LIMIT:.1f} s"
    )


def install() -> None:
    for kind, name in (("extractor", "tap-ccc-campaign"), ("loader", "target-duckdb")):
        done = subprocess.run([str(BIN / "meltano"), "install", kind, name], cwd=ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            sys.stderr.write(done.stderr[-4000:])
            raise SystemExit(f"meltano install {kind} {name} failed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="30 campaigns instead of 100")
    args = parser.parse_args()
    count = 30 if args.quick else 100
    install()
    store = CampaignStore(count=count, callees=800, history_days=60, seed=12)
    sessions = sum(len(store.sessions(cid)) for cid in store.ids())
    print(f"{count} campaigns, {sessions:,} sessions, 50 ms latency, {LIMIT}/s per action, all four streams")
    with tempfile.TemporaryDirectory() as tmp, Emulator(store=store, latency=0.05, rate_limit=LIMIT) as emulator:
        wall, rows, calls = tap_alone(emulator, Path(tmp))
        floors(calls)
        alone = report("tap alone (output discarded)", wall, rows, calls)
        piped = report("meltano run ... target-duckdb", *meltano_run(emulator, Path(tmp)))
        rejected = sum(emulator.stats()["rejections"].values())
    print(
        f"meltano run / tap alone: {piped / alone:.2f} (the loader's share of the wall time); "
        f"{rejected} calls answered RequestLimitExceeded"
    )


if __name__ == "__main__":
    main()
