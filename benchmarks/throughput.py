"""Throughput and memory of the installed tap against the local emulator.

    .venv/bin/python benchmarks/throughput.py            # the full run (~2 min of waiting on the limit)
    .venv/bin/python benchmarks/throughput.py --quick    # smaller counts, for a smoke check

1. The emulator answers after 250 ms and enforces Tencent's 20 requests/s; the tap reads 1,000
   campaigns at requests_per_second=20. Printed: achieved calls/s and its ratio to the limit,
   rejections, wall time, p50/p99 call latency, peak RSS.
2. The same figures for a one-at-a-time baseline (one signed call after another, as a plain
   loop or a loop of tccli calls does), on 100 campaigns.
3. Discovery: no campaign_ids, 2,000 campaigns (sparse ids, shuffled list) at 250 ms: wall time
   against the N/20 s floor, and calls per action (the list should cost ceil(N/100) calls, read
   while the settings are being read, not before).
4. Two taps at once on one account (one emulator, 20/s), each told 20/s, 400 campaigns each:
   both must finish with every record; printed: rejections (the taps back off on
   RequestLimitExceeded) and the peak calls in any trailing second at the server.
5. Peak RSS of the tap at 1,000 and at 20,000 campaigns (no latency, limit raised), to show
   memory stays flat.

Run it beside busy loops to see pacing on a loaded machine, as CI's often is:
    ../shared/tools/under-load .venv/bin/python benchmarks/throughput.py --quick
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import served

BIN = Path(sys.executable).parent
DEMO_ID, DEMO_KEY = "AKIDccc-emulator-demo-000000000000", "ccc-emulator-demo-secret-key"

BASELINE = textwrap.dedent(
    f"""
    import json, sys, time, requests
    from tap_ccc_campaign.api.signer import Credentials, TC3Auth
    url, ids = sys.argv[1], json.loads(sys.argv[2])
    auth, session = TC3Auth(Credentials({DEMO_ID!r}, {DEMO_KEY!r}), "ccc"), requests.Session()
    for cid in ids:
        started = time.monotonic()
        r = session.post(url, data=json.dumps({{"SdkAppId": 1400000000, "CampaignId": cid}}).encode(),
                         headers={{"X-TC-Action": "DescribePredictiveDialingCampaign", "X-TC-Version": "2020-02-10"}},
                         auth=auth, timeout=30)
        r.raise_for_status()
        print(json.dumps({{"CampaignId": r.json()["Response"]["CampaignId"]}}))
        print(f"METRIC: {{{{\\"metric\\": \\"http_request_duration\\", \\"value\\": {{time.monotonic() - started}}}}}}", file=sys.stderr)
    """
)


@dataclass
class Result:
    label: str
    campaigns: int
    records: int
    wall: float
    rate: float  # calls per second of wall time, process start to exit
    rejections: int
    peak: int
    p50: float
    p99: float
    rss_mib: float


@contextmanager
def emulator(campaigns: int, latency_ms: int, rate_limit: int, *extra: str) -> Iterator[str]:
    options = ["--campaigns", str(campaigns), "--latency-ms", str(latency_ms), "--rate-limit", str(rate_limit)]
    with served.emulator(*options, *extra) as url:
        yield url


def measure(label: str, command: list[str], url: str, campaigns: int) -> Result:
    """Run a command, counting its records and reading its peak RSS from wait4."""
    with tempfile.TemporaryFile("w+") as err:
        started = time.monotonic()
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=err, text=True)
        records = sum(1 for line in process.stdout if line.startswith(('{"type":"RECORD"', '{"CampaignId"')))
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        wall = time.monotonic() - started
        err.seek(0)
        durations = sorted(
            json.loads(line.split("METRIC: ", 1)[1])["value"]
            for line in err
            if "METRIC: " in line and "http_request_duration" in line
        )
    if process.returncode != 0:
        raise SystemExit(f"{label}: exited {process.returncode}")
    stats = served.fetch(url + "/_emulator/stats")
    calls = len(served.fetch(url + "/_emulator/requests"))
    return Result(
        label,
        campaigns,
        records,
        wall,
        calls / wall,
        sum(stats["rejections"].values()),
        max(stats["peak_per_second"].values(), default=0),
        statistics.median(durations) if durations else float("nan"),
        durations[min(len(durations) - 1, int(len(durations) * 0.99))] if durations else float("nan"),
        usage.ru_maxrss / 1024,
    )


def run_together(commands: list[list[str]]) -> list[int]:
    """Start the commands at once; the records each wrote (every one must exit 0)."""
    processes = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) for command in commands
    ]
    outputs = [process.communicate()[0] for process in processes]
    for process in processes:
        if process.returncode != 0:
            raise SystemExit(f"a shared-account tap exited {process.returncode}")
    return [sum(1 for line in out.splitlines() if line.startswith('{"type":"RECORD"')) for out in outputs]


def tap(url: str, ids: list[int] | None, rate: float, work: Path) -> list[str]:
    """The tap reading ``ids``, or discovering every campaign when ids is None."""
    work.mkdir(exist_ok=True)
    config = work / f"config-{len(ids) if ids is not None else 'discovery'}.json"
    settings = {
        "secret_id": DEMO_ID,
        "secret_key": DEMO_KEY,
        "sdk_app_id": 1400000000,
        "api_url": url,
        "requests_per_second": rate,
        "log_metrics": True,  # the per-call timers give the latency percentiles
    }
    if ids is not None:
        settings["campaign_ids"] = ids
    config.write_text(json.dumps(settings))
    return [str(BIN / "tap-ccc-campaign"), "--config", str(config)]


def show(result: Result, limit: float | None) -> None:
    ratio = f"{result.rate / limit:.3f}" if limit else "n/a"
    print(
        f"{result.label:<30}{result.campaigns:>8}{result.records:>9}{result.wall:>9.1f}s{result.rate:>9.2f}"
        f"{ratio:>7}{result.rejections:>6}{result.peak:>6}{result.p50 * 1000:>8.0f}{result.p99 * 1000:>8.0f}"
        f"{result.rss_mib:>9.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--quick", action="store_true", help="200 / 20 / 2,000 campaigns instead of 1,000 / 100 / 20,000"
    )
    args = parser.parse_args()
    paced, baseline_n, big = (200, 20, 2_000) if args.quick else (1_000, 100, 20_000)
    first = 2569
    print(
        f"{'run':<30}{'ids':>8}{'records':>9}{'wall':>10}{'calls/s':>9}{'ratio':>7}{'rej':>6}{'peak':>6}"
        f"{'p50 ms':>8}{'p99 ms':>8}{'RSS MiB':>9}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with emulator(paced, 250, 20) as url:
            tap_result = measure(
                "tap, 250 ms, limit 20/s", tap(url, list(range(first, first + paced)), 20, work), url, paced
            )
            show(tap_result, 20)
        with emulator(baseline_n, 250, 20) as url:
            ids = json.dumps(list(range(first, first + baseline_n)))
            base = measure("one-at-a-time, 250 ms", [sys.executable, "-c", BASELINE, url, ids], url, baseline_n)
            show(base, 20)
        discovered = 500 if args.quick else 2_000
        with emulator(discovered, 250, 20, "--id-step", "9", "--list-order", "shuffled") as url:
            found = measure("discovery, 250 ms, 20/s", tap(url, None, 20, work / "d"), url, discovered)
            show(found, 20)
            per_action = served.fetch(url + "/_emulator/stats")["requests"]
        shared_n = 100 if args.quick else 400
        with emulator(shared_n, 50, 20) as url:
            ids = list(range(first, first + shared_n))
            commands = [tap(url, ids, 20, work / name) for name in ("a", "b")]
            shared = run_together(commands)
            stats = served.fetch(url + "/_emulator/stats")
            calls = sum(stats["requests"].values())
            shared_rejections = sum(stats["rejections"].values())
            shared_peak = max(stats["peak_per_second"].values(), default=0)
            print(
                f"{'two taps at once, 50 ms':<30}{2 * shared_n:>8}{sum(shared):>9}{'':>10}{'':>9}{'':>7}"
                f"{shared_rejections:>6}{shared_peak:>6}"
            )
        rss = {}
        for count in (paced, big):
            with emulator(count, 0, 0) as url:
                result = measure(
                    f"tap, no latency, {count:,} ids",
                    tap(url, list(range(first, first + count)), 5000, work),
                    url,
                    count,
                )
                show(result, None)
                rss[count] = result.rss_mib
    print()
    print(
        f"achieved / limit at 250 ms latency: {tap_result.rate / 20:.3f} (target >= 0.95), "
        f"rejections: {tap_result.rejections} (target 0), peak at the server: {tap_result.peak} (limit 20)"
    )
    print(
        f"speed-up over one-at-a-time: {tap_result.rate / base.rate:.1f}x "
        f"(one-at-a-time would take {paced / base.rate:.0f} s for {paced:,} campaigns; the tap took {tap_result.wall:.0f} s)"
    )
    floor = discovered / 20
    print(
        f"discovery of {discovered:,} campaigns: {found.wall:.1f} s against the N/20 floor of {floor:.0f} s "
        f"(ratio {found.wall / floor:.3f}); calls: "
        + ", ".join(f"{action} {count}" for action, count in sorted(per_action.items()))
        + f" (list floor ceil(N/100) = {-(-discovered // 100)})"
    )
    print(
        f"two taps sharing one account: {sum(shared)} of {2 * shared_n} records, "
        f"{shared_rejections} rejections in {calls} calls ({100 * shared_rejections / calls:.1f}%), "
        f"peak {shared_peak} calls in a trailing second at the server"
    )
    print(f"peak RSS {big:,} / {paced:,} campaigns: {rss[big] / rss[paced]:.3f} (target <= 1.20)")


if __name__ == "__main__":
    main()
