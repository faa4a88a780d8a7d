"""The tap's own CPU per record, for each stream, against a bare json.loads + json.dumps of the same records.

    .venv/bin/python benchmarks/cpu.py           # 3,000 campaigns; 25 of 1,600 and 200 of 200 callees (~4 min)
    .venv/bin/python benchmarks/cpu.py --quick   # 500 campaigns; 5 and 20 campaigns

The emulator runs in this process with no rate limit and no latency; the tap runs in its own
process, one stream selected at a time, its output to a file. Its CPU (user + system, from the
child's rusage: the emulator's is not counted) is taken for a small and a large app, and the
difference divided by the difference in records: the marginal CPU per record, start-up left out.
The floor is parsing and writing the same records with the standard library, timed in this process
on the large run's output: the ratio says how much the tap adds to what any Singer tap must do.
Each measurement is repeated (the machine is shared: single runs vary by 20 % and more) and the
median ratio printed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ccc_emulator import Emulator
from ccc_emulator.auth import DEMO_CREDENTIAL
from ccc_emulator.data import CampaignStore

from tap_ccc_campaign.tap import TapCCCCampaign

BIN = Path(sys.executable).parent
STREAMS = (
    "predictive_dialing_campaigns",
    "predictive_dialing_campaign_progress",
    "predictive_dialing_sessions",
    "predictive_dialing_calls",
)


def config_for(emulator: Emulator) -> dict:
    return {
        "secret_id": DEMO_CREDENTIAL.secret_id,
        "secret_key": DEMO_CREDENTIAL.secret_key,
        "sdk_app_id": emulator.store.sdk_app_id,
        "api_url": emulator.url,
        "requests_per_second": 1000,
    }


def catalog(config: dict, stream: str) -> dict:
    found = TapCCCCampaign(config=config).catalog_dict
    for entry in found["streams"]:
        for meta in entry["metadata"]:
            if meta["breadcrumb"] == []:
                meta["metadata"]["selected"] = entry["tap_stream_id"] == stream
    return found


def run_tap(store: CampaignStore, stream: str, work: Path) -> tuple[float, list[str]]:
    """(CPU seconds of the tap's process, the RECORD lines of ``stream``)."""
    with Emulator(store=store, rate_limit=None) as emulator:
        config = config_for(emulator)
        (work / "config.json").write_text(json.dumps(config))
        (work / "catalog.json").write_text(json.dumps(catalog(config, stream)))
        out = work / "out.jsonl"
        with out.open("w") as sink:
            process = subprocess.Popen(
                [
                    str(BIN / "tap-ccc-campaign"),
                    "--config",
                    str(work / "config.json"),
                    "--catalog",
                    str(work / "catalog.json"),
                ],
                stdout=sink,
                stderr=subprocess.DEVNULL,
            )
            _, status, usage = os.wait4(process.pid, 0)
        if status != 0:
            raise SystemExit(f"the tap failed on {stream} (status {status})")
    lines = [line for line in out.read_text().splitlines() if line.startswith('{"type":"RECORD"')]
    return usage.ru_utime + usage.ru_stime, lines


def bare_cost(lines: list[str]) -> float:
    """CPU seconds to parse each record's JSON and write it again, the least any tap does."""
    records = [json.dumps(json.loads(line)["record"]) for line in lines]
    started = time.process_time()
    for _ in range(3):
        for text in records:
            json.dumps(json.loads(text))
    return (time.process_time() - started) / 3


def marginal(stream: str, small: CampaignStore, large: CampaignStore, work: Path) -> tuple[float, list[str]]:
    """The tap's CPU seconds per record beyond the small run's, and the large run's RECORD lines."""
    small_cpu, few = run_tap(small, stream, work)
    large_cpu, many = run_tap(large, stream, work)
    if len(many) <= len(few):
        raise SystemExit(f"{stream}: no records beyond the small run")
    return (large_cpu - small_cpu) / (len(many) - len(few)), many


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="runs per stream; the median is printed")
    args = parser.parse_args()
    # Campaigns and their progress: one record per campaign. Sessions and calls: campaigns of 1,600
    # callees, as a predictive campaign's are (full pages of 100 call records), and of 200 (pages
    # part-filled: the cost of each call spread over fewer records).
    shapes = (
        [(stream, 2, 500 if args.quick else 3000, 200, f"{stream}") for stream in STREAMS[:2]]
        + [(stream, 2, 5 if args.quick else 25, 1600, f"{stream}, 1,600 callees") for stream in STREAMS[2:]]
        + [(stream, 2, 20 if args.quick else 200, 200, f"{stream}, 200 callees") for stream in STREAMS[2:]]
    )
    print(
        f"{'stream':<52} {'records':>8} {'tap µs/rec':>11} {'bare µs/rec':>12} {'ratio':>6}  (median of {args.repeat})"
    )
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for stream, few, many, callees, label in shapes:
            ratios = []
            for _ in range(args.repeat):
                per_record, lines = marginal(
                    stream,
                    CampaignStore(count=few, callees=callees, history_days=60, seed=1),
                    CampaignStore(count=many, callees=callees, history_days=60, seed=1),
                    work,
                )
                bare = bare_cost(lines) / len(lines)
                ratios.append((per_record / bare, per_record, bare))
            ratio, per_record, bare = statistics.median_low(ratios)
            print(f"{label:<52} {len(lines):>8} {per_record * 1e6:>11.1f} {bare * 1e6:>12.1f} {ratio:>6.1f}")


if __name__ == "__main__":
    main()
