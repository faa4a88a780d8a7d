"""What a sync costs once campaigns pile up: full vs incremental, resume, a shared quota, memory, state.

    .venv/bin/python benchmarks/incremental.py           # ~25 min, most of it the 20,000-campaign full sync at 20/s
    .venv/bin/python benchmarks/incremental.py --quick   # smaller counts, ~4 min

The emulator runs in this process (so the world can move on between syncs); the tap runs as its
own process, in discovery mode (no campaign_ids), as a user with a long history would run it.

1. Full vs incremental: N campaigns, 95% of them finished or aborted, 50 ms latency, 20/s per action.
   A first sync reads them all; then the world moves on (1% new campaigns, a few deleted, half of
   the running and paused ones move, a few not-started ones edited) and a second sync, with the
   first one's STATE, reads only what can have changed. Printed: wall time and calls per action.
2. Resume: 2,000 campaigns; the sync is stopped with SIGTERM after 1,000 records and run again
   with its last STATE. Printed: what the second run read against what the first had not emitted.
3. A shared quota: another client of the account takes 8 of the 20 calls/s of
   DescribePredictiveDialingCampaign for 60 s (30 s with --quick), then stops. Printed: the tap's accepted calls/s
   during and after, against what the other client left, and its rejections.
4. Memory and state: peak RSS at 1,000 and at 50,000 campaigns (no limit, no latency), the final
   STATE's size, and the largest STATE written by a full re-read of 50,000 (loaded ids + cycle).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ccc_emulator import Emulator
from ccc_emulator.data import CampaignStore

BIN = Path(sys.executable).parent
DEMO_ID, DEMO_KEY = "AKIDccc-emulator-demo-000000000000", "ccc-emulator-demo-secret-key"
READ, LIST = "DescribePredictiveDialingCampaign", "DescribePredictiveDialingCampaigns"


@dataclass
class Run:
    records: int
    wall: float
    rss_mib: float
    state: dict
    largest_state: int  # bytes of the largest STATE message
    calls: dict[str, int]
    log: list[dict]


def run_tap(
    emulator: Emulator, work: Path, state: dict | None = None, stop_after: int | None = None, **settings
) -> Run:
    config = {
        "secret_id": DEMO_ID,
        "secret_key": DEMO_KEY,
        "sdk_app_id": emulator.store.sdk_app_id,
        "api_url": emulator.url,
        "requests_per_second": 20,
        **settings,
    }
    (work / "config.json").write_text(json.dumps(config))
    command = [str(BIN / "tap-ccc-campaign"), "--config", str(work / "config.json")]
    if state is not None:
        (work / "state.json").write_text(json.dumps(state))
        command += ["--state", str(work / "state.json")]
    before = len(emulator.requests_log())
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    records, largest, last_state = 0, 0, {}
    for line in process.stdout:
        if line.startswith('{"type":"RECORD"'):
            records += 1
            if records == stop_after:
                process.send_signal(signal.SIGTERM)
        elif line.startswith('{"type":"STATE"'):
            largest = max(largest, len(line))
            last_state = json.loads(line)["value"]
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.monotonic() - started
    code = os.waitstatus_to_exitcode(status)
    if code != (-signal.SIGTERM if stop_after else 0) and code != (143 if stop_after else 0):
        raise SystemExit(f"the tap exited {code}")
    log = emulator.requests_log()[before:]
    calls: dict[str, int] = {}
    for entry in log:
        calls[entry["action"]] = calls.get(entry["action"], 0) + 1
    return Run(records, wall, usage.ru_maxrss / 1024, last_state, largest, calls, log)


def move_on(store: CampaignStore) -> dict[str, int]:
    """The world a few hours later: new campaigns, some deleted, running ones moving, drafts edited."""
    ids = store.ids()
    moved = {"created": len(store.create(max(1, len(ids) // 100))), "deleted": 0, "status": 0, "edited": 0}
    for cid in ids[:: max(1, len(ids) // 10)][:10]:
        store.delete(cid)
        moved["deleted"] += 1
    for cid in store.ids():
        status = store.campaign(cid)["Status"]
        if status in (1, 2) and cid % 2:
            store.set_status(cid, 4 if status == 1 else 1)
            moved["status"] += 1
        elif status == 0 and moved["edited"] < 20 and cid % 3 == 0:
            store.edit(cid, Priority=1)
            moved["edited"] += 1
    return moved


def calls_text(run: Run) -> str:
    return f"{run.calls.get(READ, 0):>7} reads {run.calls.get(LIST, 0):>5} lists"


def full_vs_incremental(count: int, work: Path) -> None:
    store = CampaignStore(count=count, id_step=3, order="shuffled", finished=0.95, seed=7)
    with Emulator(store=store, latency=0.05, rate_limit=20) as emulator:
        full = run_tap(emulator, work)
        moved = move_on(store)
        can_change = sum(1 for cid in store.ids() if store.campaign(cid)["Status"] in (0, 1, 2))
        incremental = run_tap(emulator, work, state=full.state)
    print(f"1. {count:,} campaigns, 95% finished, 50 ms latency, 20/s per action")
    print(f"   full sync         {full.wall:>8.1f} s {calls_text(full)} {full.records:>7} records")
    print(f"   incremental sync  {incremental.wall:>8.1f} s {calls_text(incremental)} {incremental.records:>7} records")
    print(
        f"   incremental / full: wall {incremental.wall / full.wall:.3f}, calls "
        f"{sum(incremental.calls.values()) / sum(full.calls.values()):.3f}; the world moved: {moved}; "
        f"{can_change} campaigns not ended after it (not started, running or paused)"
    )


def resume(work: Path) -> None:
    store = CampaignStore(count=2000, id_step=2, order="shuffled", seed=5)
    with Emulator(store=store, latency=0.05, rate_limit=20) as emulator:
        first = run_tap(emulator, work, stop_after=1000)
        second = run_tap(emulator, work, state=first.state)
    missing = 2000 - first.records
    print("2. resume: 2,000 campaigns, stopped by SIGTERM after 1,000 records, run again with its last STATE")
    print(
        f"   first run {first.records} records in {first.wall:.1f} s; second run read {second.calls.get(READ, 0)} "
        f"campaigns for the {missing} not emitted (extra: {second.calls.get(READ, 0) - missing}), "
        f"{second.records} records in {second.wall:.1f} s; both runs {first.wall + second.wall:.1f} s "
        f"against the 2,000 / 20 = 100 s floor"
    )


def shared(work: Path, count: int, seconds: float) -> None:
    store = CampaignStore(count=count, seed=9)
    with Emulator(store=store, latency=0.05, rate_limit=20) as emulator:
        neighbour = emulator.add_neighbour(READ, rate=8, seconds=seconds)
        run = run_tap(emulator, work, campaign_ids=store.ids())
        neighbour.wait()
    reads = [e for e in run.log if e["action"] == READ]
    start, stop, end = neighbour.started, neighbour.ended, reads[-1]["t"]
    left = 20 - neighbour.accepted / (stop - start)
    if end <= stop:
        raise SystemExit("the tap finished before the other client stopped: give it more campaigns")

    def accepted(a: float, b: float) -> float:
        return sum(1 for e in reads if a <= e["t"] < b and e["outcome"] != "RequestLimitExceeded") / (b - a)

    rejected = sum(1 for e in reads if e["outcome"] == "RequestLimitExceeded")
    print(
        f"3. a shared quota: another client takes 8 calls/s of {READ} for {seconds:.0f} s; the tap reads {count:,} campaigns"
    )
    print(
        f"   during: {accepted(start, stop):.2f} calls/s accepted of the {left:.2f} left ({accepted(start, stop) / left:.3f}); "
        f"after: {accepted(stop, end):.2f} of 20 ({accepted(stop, end) / 20:.3f}); rejections {rejected} of "
        f"{len(reads)} calls ({100 * rejected / len(reads):.2f}%); {run.records} records"
    )


def memory_and_state(small: int, big: int, work: Path) -> None:
    rss, sizes = {}, {}
    for count in (small, big):
        store = CampaignStore(count=count, id_step=3, order="shuffled", seed=3)
        with Emulator(store=store, rate_limit=None) as emulator:
            first = run_tap(emulator, work, requests_per_second=5000)
            rss[count] = first.rss_mib
            if count == big:
                again = run_tap(emulator, work, state=first.state, requests_per_second=5000, full_refresh=True)
                sizes = {"final": len(json.dumps(first.state)), "largest": again.largest_state}
    print("4. memory and state (no latency, no limit)")
    print(
        f"   peak RSS {small:,}: {rss[small]:.1f} MiB, {big:,}: {rss[big]:.1f} MiB, ratio {rss[big] / rss[small]:.3f} "
        f"(target <= 1.20)"
    )
    print(
        f"   STATE at {big:,} campaigns: {sizes['final'] / 1024:.0f} KiB after a sync; largest during a full "
        f"re-read {sizes['largest'] / 1024:.0f} KiB (target < 1 MiB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--quick", action="store_true", help="2,000 / 900 / 5,000 campaigns instead of 20,000 / 2,000 / 50,000"
    )
    parser.add_argument("--only", type=int, choices=(1, 2, 3, 4), help="run one part")
    args = parser.parse_args()
    count, sharing, seconds, big = (2_000, 900, 30, 5_000) if args.quick else (20_000, 2_000, 60, 50_000)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        parts = {
            1: lambda: full_vs_incremental(count, work),
            2: lambda: resume(work),
            3: lambda: shared(work, sharing, seconds),
            4: lambda: memory_and_state(1_000, big, work),
        }
        for number, part in parts.items():
            if args.only in (None, number):
                part()
                sys.stdout.flush()


if __name__ == "__main__":
    main()
