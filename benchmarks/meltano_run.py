"""Who sets the pace of a real pipeline: the API, the tap, or the loader?

    .venv/bin/python benchmarks/meltano_run.py                          # 100 campaigns, four streams, DuckDB
    .venv/bin/python benchmarks/meltano_run.py --streams all            # all ten streams (100 auto-callout tasks)
    .venv/bin/python benchmarks/meltano_run.py --target postgres        # into a throwaway PostgreSQL server
    .venv/bin/python benchmarks/meltano_run.py --quick                  # 30 campaigns (and 30 tasks)

Run from the project root with PYTHONPATH=.:emulator (the emulator, and tests/postgres.py for the
PostgreSQL server: Debian's binaries, see scripts/ensure_postgres.sh).

The emulator (in a process of its own, served.py) enforces 20 requests/s per action and answers
after 50 ms. The selected streams are read from scratch: by the tap alone (its output counted and
thrown away), then by `meltano run tap-ccc-campaign target-duckdb` (or `target-postgres`) in the
project's demo environment (state kept under its own id, so the demo's is untouched); the rows
loaded are counted in the warehouse afterwards. The floors come from the calls the emulator
accepted per action in that run: every action at once is the busiest action's calls at 20/s, the
fastest any client of one account could go (each action has its own 20/s); one action after
another is the sum. The tap syncs its selected streams side by side (one thread each,
run/side_by_side.py), so the tap alone should come near the every-action-at-once floor: rows/s
against the floor's rows/s is printed for each run (target: at least 0.85). If `meltano run` is
much slower than the tap alone, the loader sets the pace. Meltano's own start-up (and the
plugins') is measured as a run of one small stream, and a third run is reported less it. The tap
and the loader are installed first, as the demo does.
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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import psycopg
import served
from ccc_emulator.data import CampaignStore

from tap_ccc_campaign.streams import STREAMS as ALL_STREAMS
from tap_ccc_campaign.streams import name_of
from tap_ccc_campaign.tap import TapCCCCampaign
from tests import postgres

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEMO_ID, DEMO_KEY = "AKIDccc-emulator-demo-000000000000", "ccc-emulator-demo-secret-key"
FOUR = (
    "predictive_dialing_campaigns",
    "predictive_dialing_campaign_progress",
    "predictive_dialing_sessions",
    "predictive_dialing_calls",
)
EVERY = tuple(name_of(s) for s in ALL_STREAMS)
LIMIT = 20
TARGET_RATIO = 0.85  # rows/s over the every-action-at-once floor's rows/s
LOADER_SLACK = 1.10  # meltano run slower than the tap alone by more than this: the loader sets the pace


def requests_log(url: str) -> list[dict]:
    log = served.fetch(url + "/_emulator/requests")
    assert isinstance(log, list)
    return log


def accepted_calls(url: str, since: int) -> Counter:
    return Counter(e["action"] for e in requests_log(url)[since:] if e.get("outcome") == "ok")


def tap_alone(url: str, sdk_app_id: int, work: Path, streams: tuple[str, ...]) -> tuple[float, int, Counter]:
    config = {"secret_id": DEMO_ID, "secret_key": DEMO_KEY, "sdk_app_id": sdk_app_id, "api_url": url}
    catalog = TapCCCCampaign(config=config).catalog_dict
    for stream in catalog["streams"]:
        for entry in stream["metadata"]:
            if entry["breadcrumb"] == []:
                entry["metadata"]["selected"] = stream["tap_stream_id"] in streams
    (work / "config.json").write_text(json.dumps(config))
    (work / "catalog.json").write_text(json.dumps(catalog, default=str))
    since = len(requests_log(url))
    started = time.monotonic()
    command = [str(BIN / "tap-ccc-campaign"), "--config", str(work / "config.json")]
    process = subprocess.Popen(
        [*command, "--catalog", str(work / "catalog.json")], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    records = sum(1 for line in process.stdout if line.startswith(b'{"type":"RECORD"'))
    if process.wait() != 0:
        raise SystemExit("the tap failed")
    return time.monotonic() - started, records, accepted_calls(url, since)


class Warehouse:
    """Where `meltano run` loads: the loader's name, the environment it reads, and a row count."""

    loader: str

    def env(self) -> dict[str, str]:
        raise NotImplementedError

    def rows(self, streams: tuple[str, ...]) -> int:
        raise NotImplementedError


class DuckDB(Warehouse):
    loader = "target-duckdb"

    def __init__(self, work: Path) -> None:
        self.path = work / "warehouse.duckdb"

    def env(self) -> dict[str, str]:
        return {"TARGET_DUCKDB_FILEPATH": str(self.path)}

    def rows(self, streams: tuple[str, ...]) -> int:
        with duckdb.connect(str(self.path), read_only=True) as db:
            tables = db.execute(
                "select table_schema, table_name from information_schema.tables where table_name in "
                f"({', '.join('?' for _ in streams)})",
                list(streams),
            ).fetchall()
            return sum(db.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[0] for schema, name in tables)


class Postgres(Warehouse):
    loader = "target-postgres"

    def __init__(self, server: postgres.Server) -> None:
        self.server = server

    def env(self) -> dict[str, str]:
        return self.server.env()

    def rows(self, streams: tuple[str, ...]) -> int:
        server = self.server
        with psycopg.connect(host=server.host, port=server.port, user=server.user, dbname=server.database) as db:
            tables = db.execute(
                "select table_schema, table_name from information_schema.tables where table_name = any(%s)",
                [list(streams)],
            ).fetchall()
            return sum(db.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[0] for schema, name in tables)


@contextmanager
def warehouse(kind: str, work: Path) -> Iterator[Warehouse]:
    if kind == "duckdb":
        yield DuckDB(work)
        return
    bin_dir = postgres.server_bin()
    if bin_dir is None:
        raise SystemExit("PostgreSQL server binaries not found (scripts/ensure_postgres.sh installs them)")
    with postgres.running_server(bin_dir) as server:
        yield Postgres(server)


def meltano_run(url: str, into: Warehouse, streams: tuple[str, ...]) -> tuple[float, int, Counter]:
    # The plugins run in their own virtual environments: this process's PYTHONPATH stays out of them.
    inherited = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env = {
        **inherited,
        "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false",
        "TAP_CCC_CAMPAIGN_API_URL": url,
        "TAP_CCC_CAMPAIGN__SELECT": json.dumps([f"{s}.*" for s in streams]),
        "MELTANO_ENVIRONMENT": "demo",
        **into.env(),
    }
    since = len(requests_log(url))
    started = time.monotonic()
    command = [str(BIN / "meltano"), "run", "--full-refresh", "--state-id-suffix", "benchmark"]
    done = subprocess.run(
        [*command, "tap-ccc-campaign", into.loader], cwd=ROOT, env=env, capture_output=True, text=True
    )
    wall = time.monotonic() - started
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-4000:])
        raise SystemExit("meltano run failed")
    return wall, into.rows(streams), accepted_calls(url, since)


def report(label: str, wall: float, rows: int, calls: Counter) -> float:
    """One run against the every-action-at-once floor of its own accepted calls."""
    floor = calls.most_common(1)[0][1] / LIMIT
    print(
        f"{label:<32}{rows:>8,} rows {wall:>7.1f} s {rows / wall:>7,.0f} rows/s   "
        f"floor {floor:>5.1f} s ({rows / floor:>6,.0f} rows/s): rows/s / floor's {floor / wall:.2f} "
        f"(target >= {TARGET_RATIO})"
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


def install(loader: str) -> None:
    for kind, name in (("extractor", "tap-ccc-campaign"), ("loader", loader)):
        done = subprocess.run([str(BIN / "meltano"), "install", kind, name], cwd=ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            sys.stderr.write(done.stderr[-4000:])
            raise SystemExit(f"meltano install {kind} {name} failed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="30 campaigns instead of 100 (and 30 tasks, not 100)")
    parser.add_argument("--target", choices=("duckdb", "postgres"), default="duckdb", help="the loader (duckdb)")
    parser.add_argument(
        "--streams", choices=("four", "all"), default="four", help="the four predictive streams, or all ten"
    )
    parser.add_argument("--campaigns", type=int, help="campaigns (default 100; --quick 30)")
    parser.add_argument("--batch-rows", type=int, help="target-duckdb's batch_size_rows (its default: 100,000)")
    args = parser.parse_args()
    if args.batch_rows:
        os.environ["TARGET_DUCKDB_BATCH_SIZE_ROWS"] = str(args.batch_rows)
    count = args.campaigns or (30 if args.quick else 100)
    streams = EVERY if args.streams == "all" else FOUR
    loader = f"target-{args.target}"
    install(loader)
    # Tasks feed the auto-callout streams (auto_callout_*): as many as campaigns when they are read.
    tasks = count if args.streams == "all" else 12
    store = CampaignStore(count=count, callees=800, history_days=60, seed=12, tasks=tasks)
    served_as = [f"--campaigns={count}", "--callees=800", "--history-days=60", "--seed=12", f"--tasks={tasks}"]
    sessions = sum(len(store.sessions(cid)) for cid in store.ids())
    which = f"all {len(streams)} streams ({tasks} auto-callout tasks)" if args.streams == "all" else "four streams"
    print(f"{count} campaigns, {sessions:,} sessions, 50 ms latency, {LIMIT}/s per action, {which}, {loader}")
    with (
        tempfile.TemporaryDirectory() as tmp,
        served.emulator(*served_as, "--latency-ms=50", f"--rate-limit={LIMIT}") as url,
        warehouse(args.target, Path(tmp)) as into,
    ):
        wall, rows, calls = tap_alone(url, store.sdk_app_id, Path(tmp), streams)
        floors(calls)
        alone = report("tap alone (output discarded)", wall, rows, calls)
        piped = report(f"meltano run ... {loader}", *meltano_run(url, into, streams))
        # Meltano's own start-up and the plugins': a run of one small stream (a page of skill groups).
        startup = meltano_run(url, into, ("skill_groups",))[0]
        wall, rows, calls = meltano_run(url, into, streams)
        loading = report("meltano run, less its start-up", wall - startup, rows, calls)
        print(f"   (the start-up: {startup:.1f} s, a meltano run of one small stream; the run above took {wall:.1f} s)")
        stats = served.fetch(url + "/_emulator/stats")
        assert isinstance(stats, dict)
        rejected = sum(stats["rejections"].values())
    verdict = (
        f"the loader sets the pace: {loading - alone:.1f} s more than the tap alone"
        if loading / alone > LOADER_SLACK
        else "the loader keeps up with the tap"
    )
    print(
        f"meltano run / tap alone: {piped / alone:.2f}, {loading / alone:.2f} less Meltano's start-up: {verdict}; "
        f"{rejected} calls answered RequestLimitExceeded"
    )


if __name__ == "__main__":
    main()
