"""Skill groups, agents, their status history and auto-callout tasks: calls per action against the floor.

    .venv/bin/python benchmarks/people_and_tasks.py           # 250 campaigns' groups, 300 tasks (~2 min)
    .venv/bin/python benchmarks/people_and_tasks.py --quick   # 60 campaigns, 60 tasks

The emulator (in this process) enforces 20 requests/s per action and answers after 50 ms; the tap
(its own process) syncs skill_groups, agents, agent_status_history and the three auto-callout
streams in one run, then again with nothing changed. The floors: ceil(N/page) calls per list
(100 groups, 1,000 agents, 100 tasks a page), one detail read per task, ceil(S/100) call-record
calls per task, agents x windows for the status history (a window is under 7 days; the first sync
reads 178 days back). Wall time is set against the busiest action's floor at 20/s.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from ccc_emulator import Emulator
from ccc_emulator.data import CampaignStore

from tap_ccc_campaign.api.status_history import SPAN
from tap_ccc_campaign.api.windows import REACH
from tap_ccc_campaign.streams.agent_status import SETTLE
from tap_ccc_campaign.tap import TapCCCCampaign

BIN = Path(sys.executable).parent
DEMO_ID, DEMO_KEY = "AKIDccc-emulator-demo-000000000000", "ccc-emulator-demo-secret-key"
STREAMS = (
    "skill_groups",
    "agents",
    "agent_status_history",
    "auto_callout_tasks",
    "auto_callout_callees",
    "auto_callout_calls",
)
FINAL = (2, 4)


def sync(emulator: Emulator, work: Path, state: dict | None) -> tuple[float, Counter, Counter, dict]:
    config = {"secret_id": DEMO_ID, "secret_key": DEMO_KEY, "sdk_app_id": emulator.store.sdk_app_id}
    config["api_url"] = emulator.url
    catalog = TapCCCCampaign(config=config).catalog_dict
    for stream in catalog["streams"]:
        for entry in stream["metadata"]:
            if entry["breadcrumb"] == []:
                entry["metadata"]["selected"] = stream["tap_stream_id"] in STREAMS
    (work / "config.json").write_text(json.dumps(config))
    (work / "catalog.json").write_text(json.dumps(catalog, default=str))
    command = [str(BIN / "tap-ccc-campaign"), "--config", str(work / "config.json")]
    command += ["--catalog", str(work / "catalog.json")]
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
    if process.wait() != 0:
        raise SystemExit("the tap failed")
    wall = time.monotonic() - started
    return wall, Counter(e["action"] for e in emulator.requests_log()[before:]), records, last_state


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    campaigns, tasks = (60, 60) if args.quick else (250, 300)
    store = CampaignStore(count=campaigns, callees=5, history_days=60, seed=21, tasks=tasks)
    groups = len(store.directory.skill_groups())
    agents = len(store.directory.agent_mails())
    book = store.tasks
    sessions = {t: len(book.sessions(t)) for t in book.ids()}
    windows = math.ceil((REACH - SETTLE) / SPAN)
    floors = {
        "DescribeSkillGroupInfoList": math.ceil(groups / 100),
        "DescribeStaffInfoList": math.ceil(agents / 1000),
        "DescribeStaffStatusHistory": agents * windows,
        "DescribeAutoCalloutTasks": math.ceil(tasks / 100),
        "DescribeAutoCalloutTask": tasks,
        "DescribeTelCdr": sum(math.ceil(n / 100) for n in sessions.values()),
    }
    open_tasks = sum(1 for t in book.ids() if book.summary(t)["State"] not in FINAL)
    print(
        f"{groups} skill groups, {agents} agents, {tasks} auto-callout tasks ({open_tasks} not final), "
        f"{sum(sessions.values())} task calls; 50 ms latency, 20/s per action"
    )
    with tempfile.TemporaryDirectory() as tmp, Emulator(store=store, latency=0.05, rate_limit=20) as emulator:
        wall, calls, records, state = sync(emulator, Path(tmp), None)
        busiest = max(floors.values()) / 20
        print(
            f"first sync: {wall:.1f} s against the {busiest:.1f} s floor of the busiest action (ratio {wall / busiest:.2f})"
        )
        rejected = emulator.stats()["rejections"]
        for action, least in floors.items():
            print(
                f"   {action:<30}{calls[action]:>6} calls (floor {least}; {rejected.get(action, 0)} RequestLimitExceeded)"
            )
        print("   records: " + ", ".join(f"{s} {records[s]}" for s in STREAMS))
        wall, calls, records, _ = sync(emulator, Path(tmp), state)
        print(f"second sync, nothing changed: {wall:.1f} s")
        second = {
            "DescribeSkillGroupInfoList": 1,
            "DescribeStaffInfoList": 2,
            "DescribeStaffStatusHistory": agents,
            "DescribeAutoCalloutTasks": math.ceil(tasks / 100),
            "DescribeAutoCalloutTask": open_tasks,
            "DescribeTelCdr": 0,
        }
        for action, least in second.items():
            print(f"   {action:<30}{calls[action]:>6} calls (expected {least})")
        print("   records: " + ", ".join(f"{s} {records[s]}" for s in STREAMS))


if __name__ == "__main__":
    main()
