"""A large account: every action against its floor, wall time, the tap's memory and its state.

    .venv/bin/python benchmarks/big_account.py                 # the issue's size (~45 min, see below)
    .venv/bin/python benchmarks/big_account.py --scale 0.1     # a tenth of it (~5 min)
    .venv/bin/python benchmarks/big_account.py --scale 1 --streams predictive_dialing_sessions,predictive_dialing_calls
    .venv/bin/python benchmarks/big_account.py --emulator-memory   # the emulator alone, walked whole

The emulator (in this process) serves ``CampaignStore.large(scale)``: at scale 1, 500 campaigns of
which 20 run with 50,000 sessions each (a million sessions, all within DescribeTelCdr's reach),
1,000 agents with 181 days of status history, 5,000 auto-callout tasks of 50 callees; 20 requests/s
per action, 50 ms latency. The tap (its own process) syncs all ten streams (or ``--streams``) from scratch.

Per action it prints the calls made, the floor (the fewest calls the data needs: ceil(N/page) per
list; one read per campaign and per task; ceil(S/1000) session pages per campaign that started;
ceil(R/100) call-record pages per campaign or task, R its records within the tap's 178 days; agents
x 26 status windows of under 7 days, each under 100 changes, read to the empty page that proves
its end), their ratio, the share answered
RequestLimitExceeded, and the floor's time at 20/s. Then the wall time against (a) the busiest
action's floor, what a tap reading every action side by side could reach, and (b) the sum of the
floors, what one action after another costs; the tap's peak RSS; the RECORD and STATE bytes it
wrote and their ratio; the final state's size and its bytes per session. Ratios, never asserted.

At scale 1 the floors add up to about 3,800 s (the status history 52,000 calls, the call records
about 16,800, the task details 5,000); the streams run side by side, so a sync takes about the
busiest action's floor (the status history's, 43 minutes); scale 0.1 took 273 s on this project's
machine (docs/benchmarks.md).
``--emulator-memory`` walks the whole account through the actions
(every session page, call record, status window and task detail) without HTTP and prints the
emulator's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from calls import BIN, DEMO_ID, DEMO_KEY, catalog
from ccc_emulator import Emulator
from ccc_emulator.actions import ACTIONS
from ccc_emulator.big import BigAccount
from ccc_emulator.data import CampaignStore
from people_and_tasks import FINAL

from tap_ccc_campaign.api.status_history import SPAN
from tap_ccc_campaign.api.windows import REACH, covering
from tap_ccc_campaign.api.windows import SPAN as CDR_SPAN
from tap_ccc_campaign.streams import STREAMS, name_of
from tap_ccc_campaign.streams.agent_status import SETTLE
from tap_ccc_campaign.streams.calls import unix_seconds

LIMIT = 20
BLIND = "DescribeTelCdr, not knowing windows"  # its floor for a tap that cannot see a call's time
ALL = tuple(name_of(stream) for stream in STREAMS)
ORDER = (
    "DescribePredictiveDialingCampaigns",
    "DescribePredictiveDialingCampaign",
    "DescribePredictiveDialingSessions",
    "DescribeTelCdr",
    "DescribeSkillGroupInfoList",
    "DescribeStaffInfoList",
    "DescribeStaffStatusHistory",
    "DescribeAutoCalloutTasks",
    "DescribeAutoCalloutTask",
)


def floors(store: BigAccount, now: int, streams: tuple[str, ...] = ALL) -> tuple[dict[str, int], int]:
    """The fewest calls per action the selected streams need, and the account's predictive sessions."""
    oldest = now - REACH
    ids = store.ids()
    started = [cid for cid in ids if store.campaign(cid)["Status"] != 0]
    counts = {cid: store.session_page(cid, 0, 0)[0] for cid in started}
    newer = now - CDR_SPAN  # the tap's newest window of call records begins here
    in_reach: Counter[int] = Counter()
    older: Counter[int] = Counter()
    for cid in started:
        for i in range(counts[cid]):
            at = store.session_time(cid, i)
            in_reach[cid] += at >= oldest
            older[cid] += oldest <= at < newer
    # A session list carries no times: a tap cannot know which window holds a session's record
    # before asking. At best each 100 are asked in the window holding most of their campaign's
    # calls, and those it lacks once more, 100 at a time, in the other.
    blind = 0
    if "predictive_dialing_calls" in streams:
        blind += sum(math.ceil(n / 100) + math.ceil(min(older[c], n - older[c]) / 100) for c, n in in_reach.items())
    if "auto_callout_calls" in streams:  # a task's calls in the windows covering its own span
        blind += sum(task_blind_floor(store, t, now) for t in store.tasks.ids())
    book = store.tasks
    task_sessions = [len(book.sessions(t)) for t in book.ids()]  # tasks ran within the reach (big.TASK_DAYS)
    agents = len(store.directory.agent_mails())
    found = {
        "DescribePredictiveDialingCampaigns": math.ceil(len(ids) / 100),
        # The campaigns stream reads every campaign; the calls stream alone reads a few spans.
        "DescribePredictiveDialingCampaign": len(ids) if "predictive_dialing_campaigns" in streams else 0,
        "DescribePredictiveDialingSessions": sum(max(1, math.ceil(n / 1000)) for n in counts.values()),
        "DescribeTelCdr": sum(math.ceil(n / 100) for n in in_reach.values()) * ("predictive_dialing_calls" in streams)
        + sum(math.ceil(n / 100) for n in task_sessions) * ("auto_callout_calls" in streams),
        "DescribeSkillGroupInfoList": math.ceil(len(store.directory.skill_groups()) / 100),
        "DescribeStaffInfoList": math.ceil(agents / 1000),
        # No TotalCount and no documented page maximum: a short page does not prove a window's end,
        # an empty page does (API-FACTS). Every window of this account has changes (five working
        # days a week), under a page of them: its page, then the empty one.
        "DescribeStaffStatusHistory": agents * math.ceil((REACH - SETTLE) / SPAN) * 2,
        "DescribeAutoCalloutTasks": math.ceil(len(book.ids()) / 100),
        "DescribeAutoCalloutTask": len(book.ids()),
    }
    found[BLIND] = blind
    return found, sum(counts.values())


def task_blind_floor(store: BigAccount, task_id: int, now: int) -> int:
    """A task's call-record calls for a tap that cannot see a call's time: ceil(n/100) in the window
    of its span holding most of its calls, and those it lacks once more in the others."""
    summary = store.tasks.summary(task_id)
    spans = covering(now, None, unix_seconds(summary["NotBefore"]), unix_seconds(summary["NotAfter"]))
    held: Counter[int] = Counter()
    for session in store.tasks.sessions(task_id):
        record = store.call(session)
        at = record["Time"] if record else None
        held[next((i for i, (a, b) in enumerate(spans) if at is not None and a <= at <= b), -1)] += 1
    n = sum(held.values())
    return math.ceil(n / 100) + math.ceil((n - max(held.values(), default=0)) / 100)


def run_tap(emulator: Emulator, work: Path, streams: tuple[str, ...] = ALL) -> dict:
    """One sync of ``streams`` from scratch: wall time, peak RSS, bytes per message type, last STATE."""
    config = {"secret_id": DEMO_ID, "secret_key": DEMO_KEY, "sdk_app_id": emulator.store.sdk_app_id}
    config["api_url"] = emulator.url
    (work / "config.json").write_text(json.dumps(config))
    (work / "catalog.json").write_text(json.dumps(catalog(config, streams)))
    command = [str(BIN / "tap-ccc-campaign"), "--config", str(work / "config.json")]
    command += ["--catalog", str(work / "catalog.json")]
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    sizes: Counter = Counter()
    records: Counter = Counter()
    states, last_state = 0, b"{}"
    for line in process.stdout:
        if line.startswith(b'{"type":"RECORD"'):
            sizes["RECORD"] += len(line)
            records[line.split(b'"', 8)[7].decode()] += 1
        elif line.startswith(b'{"type":"STATE"'):
            sizes["STATE"] += len(line)
            states += 1
            last_state = line
        else:
            sizes["other"] += len(line)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.monotonic() - started
    if os.waitstatus_to_exitcode(status) != 0:
        print(f"the tap exited {os.waitstatus_to_exitcode(status)}: figures below are of a failed sync")
    value = json.loads(last_state).get("value", {})
    return {
        "wall": wall,
        "rss": usage.ru_maxrss / 1024,
        "sizes": sizes,
        "records": records,
        "states": states,
        "state": len(json.dumps(value, separators=(",", ":"))),
    }


def report(
    store: BigAccount, least: dict[str, int], sessions: int, emulator: Emulator, sync: dict, streams: tuple[str, ...]
) -> None:
    called = {action for stream in STREAMS if name_of(stream) in streams for action in stream.actions}
    blind = least.get(BLIND)
    least = {action: n for action, n in least.items() if action in called and n}
    stats = emulator.stats()
    made, rejected = Counter(stats["requests"]), Counter(stats["rejections"])
    print(f"{'action':<36}{'calls':>8}{'floor':>8}{'calls/floor':>13}{'rejected':>10}{'floor s':>9}")
    for action in (a for a in ORDER if a in least):
        share = rejected[action] / made[action] if made[action] else 0.0
        ratio = f"{made[action] / least[action]:.3f}" if least[action] else "-"
        print(
            f"{action:<36}{made[action]:>8,}{least[action]:>8,}{ratio:>13}{share:>10.2%}{least[action] / LIMIT:>9.1f}"
        )
    if blind:
        action = "DescribeTelCdr"
        print(
            f"  (its floor not knowing which window holds each call: {blind:,}, calls / that {made[action] / blind:.3f})"
        )
    busiest = max(least, key=least.__getitem__)
    floor_max, floor_sum = least[busiest] / LIMIT, sum(least.values()) / LIMIT
    wall = sync["wall"]
    print(
        f"wall {wall:.1f} s: {wall / floor_max:.2f} x the busiest action's floor ({busiest}, {floor_max:.1f} s), "
        f"{wall / floor_sum:.2f} x the sum of the floors ({floor_sum:.1f} s)"
    )
    made_time = sum(made[a] for a in least) / LIMIT
    print(
        f"the calls made, one action after another at {LIMIT}/s: {made_time:.1f} s (wall / that {wall / made_time:.2f})"
    )
    print(f"tap peak RSS {sync['rss']:.0f} MiB; emulator and this script {_rss():.0f} MiB")
    record, state = sync["sizes"]["RECORD"], sync["sizes"]["STATE"]
    print(
        f"RECORD {record / 2**20:,.1f} MiB in {sum(sync['records'].values()):,} records; STATE {state / 2**20:,.1f} MiB "
        f"in {sync['states']} messages; STATE / RECORD {state / max(1, record):.1%}"
    )
    running = len(store.running_ids) * store.sessions_per_running
    print(
        f"final state {sync['state'] / 1024:,.0f} KiB: {sync['state'] / max(1, sessions):.1f} bytes per session "
        f"({sessions:,} sessions, {running:,} of them in running campaigns)"
    )
    print("records: " + ", ".join(f"{name} {sync['records'][name]:,}" for name in streams))


def _rss() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def walk(store: BigAccount) -> None:
    """Every answer the account holds, through the actions (no HTTP): the emulator's memory at its size."""
    app, world, now = store.sdk_app_id, {store.sdk_app_id: store}, time.time()
    started, before = time.monotonic(), _rss()
    pages = records = changes = 0
    for cid in store.ids():
        number, sessions = 0, []
        while True:
            asked = {"SdkAppId": app, "CampaignId": cid, "PageSize": 1000, "PageNumber": number}
            page = ACTIONS["DescribePredictiveDialingSessions"](world, asked, now)["SessionList"]
            pages += 1
            if not page:
                break
            sessions, number = page, number + 1
            for i in range(0, len(sessions), 100):  # each record is made, then kept if in the window
                window = {"StartTimeStamp": int(now) - 89 * 86400, "EndTimeStamp": int(now)}
                asked = {"SdkAppId": app, "PageSize": 100, "PageNumber": 0, "SessionIds": sessions[i : i + 100]}
                ACTIONS["DescribeTelCdr"](world, {**asked, **window}, now)
                records += len(asked["SessionIds"])
    for mail in store.directory.agent_mails():
        end = int(now) - SETTLE
        while end > now - REACH:
            asked = {
                "SdkAppId": app,
                "StaffUserId": mail,
                "StartTimestamp": max(end - SPAN, int(now) - REACH),
                "EndTimestamp": end,
            }
            changes += len(ACTIONS["DescribeStaffStatusHistory"](world, asked, now)["Data"])
            end -= SPAN + 1
    callees = sum(len(store.tasks.detail(t)["Callees"]) for t in store.tasks.ids())
    print(
        f"walked {store.count} campaigns ({len(store.running_ids)} running), {pages:,} session pages, "
        f"{records:,} call records made, {changes:,} status changes of {len(store.directory.agent_mails()):,} agents, "
        f"{callees:,} callees of {len(store.tasks.ids()):,} tasks in {time.monotonic() - started:.0f} s"
    )
    print(f"emulator peak RSS {_rss():.0f} MiB (before the walk {before:.0f} MiB); tasks held {store.tasks.held()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="the issue's account times this (default 1)")
    parser.add_argument("--latency-ms", type=float, default=50, help="added latency per answer (default 50)")
    parser.add_argument("--seed", type=int, default=27)
    parser.add_argument("--emulator-memory", action="store_true", help="walk the account without the tap")
    parser.add_argument("--streams", default=",".join(ALL), help="the streams to sync (default: all ten)")
    args = parser.parse_args()
    streams = tuple(args.streams.split(","))
    store = CampaignStore.large(args.scale, seed=args.seed)
    assert isinstance(store, BigAccount)
    if args.emulator_memory:
        walk(store)
        return
    least, sessions = floors(store, int(time.time()), streams)
    book = store.tasks
    open_tasks = sum(1 for t in book.ids() if book.summary(t)["State"] not in FINAL)
    print(
        f"scale {args.scale}: {store.count} campaigns ({len(store.running_ids)} running with "
        f"{store.sessions_per_running:,} sessions each), {sessions:,} sessions, "
        f"{len(store.directory.agent_mails()):,} agents, {len(book.ids()):,} tasks ({open_tasks:,} not final) "
        f"of {store.task_callees} callees; {args.latency_ms:.0f} ms latency, {LIMIT}/s per action, "
        + ("all ten streams" if streams == ALL else ", ".join(streams))
    )
    with (
        tempfile.TemporaryDirectory() as tmp,
        Emulator(store=store, latency=args.latency_ms / 1000, rate_limit=LIMIT, log_size=1000) as emulator,
    ):
        sync = run_tap(emulator, Path(tmp), streams)
        report(store, least, sessions, emulator, sync, streams)


if __name__ == "__main__":
    sys.exit(main())
