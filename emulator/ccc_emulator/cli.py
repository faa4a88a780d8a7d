"""ccc-emulator: run the emulator from a shell, until SIGINT or SIGTERM."""

from __future__ import annotations

import argparse
import signal
import ssl
import sys
import threading
from pathlib import Path
from types import FrameType

from ccc_emulator.auth import DEMO_CREDENTIAL, Credential
from ccc_emulator.data import DEFAULT_FIRST_ID, DEFAULT_SDK_APP_ID, LIST_ORDERS, CampaignStore
from ccc_emulator.faults import KINDS, FaultPlan
from ccc_emulator.server import Emulator


def _pair(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return key, value


def _app_action(text: str) -> tuple[int, str]:
    app, sep, action = text.partition(":")
    if not sep or not app.isdigit() or not action:
        raise SystemExit(f"ccc-emulator: --fault-app-action: expected SDKAPPID:ACTION=KIND, got {text!r}")
    return int(app), action


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="ccc-emulator",
        description="Local emulator of Tencent Cloud CCC's predictive-dialing read actions (API 2020-02-10).",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=0, help="port; 0 picks a free one and prints it (default 0)")
    p.add_argument("--port-file", type=Path, help="also write the chosen port to this file once listening")
    p.add_argument("--campaigns", type=int, help="number of campaigns (default 100; --large: 500 x --scale)")
    p.add_argument("--tasks", type=int, help="auto-callout tasks per app (default 12; --large: 5,000 x --scale)")
    p.add_argument("--callees", type=int, help="the largest campaign's callees (default 200; not with --large)")
    p.add_argument(
        "--history-days", type=int, help="days back the campaigns began, at most (default 400; not with --large)"
    )
    big = p.add_argument_group("a large account, computed on demand (--large)")
    big.add_argument(
        "--large",
        action="store_true",
        help="serve a large account: 500 campaigns of which 20 run with 50,000 sessions each, 1,000 agents, "
        "5,000 tasks of 50 callees, times --scale; nothing that grows with the sessions is held in memory",
    )
    big.add_argument("--scale", type=float, default=1.0, help="--large: every count times this (default 1)")
    big.add_argument("--running", type=int, help="--large: running campaigns (default 20 x --scale)")
    big.add_argument(
        "--sessions",
        type=int,
        help="--large: sessions of each running campaign (default 1,000,000 x --scale / running)",
    )
    big.add_argument("--agents", type=int, help="--large: agents (default 1,000 x --scale)")
    big.add_argument("--task-callees", type=int, help="--large: callees of each auto-callout task (default 50)")
    p.add_argument(
        "--first-campaign-id", type=int, default=DEFAULT_FIRST_ID, help="first CampaignId (default %(default)s)"
    )
    p.add_argument(
        "--sdk-app-id", type=int, default=DEFAULT_SDK_APP_ID, help="the first known SdkAppId (default %(default)s)"
    )
    p.add_argument(
        "--apps",
        type=int,
        default=1,
        help="number of apps, SdkAppId, SdkAppId+1, ... each with --campaigns (default 1)",
    )
    p.add_argument(
        "--id-step",
        type=int,
        default=1,
        help="spread campaign ids apart: random gaps of 1 to N (default 1: consecutive ids)",
    )
    p.add_argument(
        "--list-order",
        choices=LIST_ORDERS,
        default="id",
        help="order of DescribePredictiveDialingCampaigns (default id)",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the data set and of fault injection (default 0)")
    p.add_argument("--secret-id", default=DEMO_CREDENTIAL.secret_id, help="accepted SecretId (default: the demo one)")
    p.add_argument("--secret-key", default=DEMO_CREDENTIAL.secret_key, help="its SecretKey (default: the demo one)")
    p.add_argument("--token", help="require this X-TC-Token with the credential")
    p.add_argument(
        "--rate-limit", type=int, default=20, help="requests per action per trailing second; 0 for none (default 20)"
    )
    p.add_argument(
        "--latency-ms", type=float, default=0, help="added latency per answer, served concurrently (default 0)"
    )
    p.add_argument(
        "--fault",
        type=_pair,
        action="append",
        default=[],
        metavar="KIND=RATE",
        help=f"inject a transient fault with this probability per attempt; KIND is one of {', '.join(KINDS)}",
    )
    p.add_argument(
        "--fault-campaign",
        type=_pair,
        action="append",
        default=[],
        metavar="ID=KIND",
        help="inject KIND on every attempt for this CampaignId",
    )
    p.add_argument(
        "--fault-action",
        type=_pair,
        action="append",
        default=[],
        metavar="ACTION=KIND",
        help="inject KIND on every attempt of this action (e.g. DescribeTelCdr=notjson)",
    )
    p.add_argument(
        "--fault-app-action",
        type=_pair,
        action="append",
        default=[],
        metavar="SDKAPPID:ACTION=KIND",
        help="inject KIND on every attempt of this action for this SdkAppId only (e.g. 1400000001:DescribeStaffInfoList=dberror)",
    )
    p.add_argument(
        "--encoding",
        choices=["gzip", "deflate", "none"],
        default="gzip",
        help="compress answers this way when the client accepts it (default gzip)",
    )
    p.add_argument(
        "--max-consecutive-faults",
        type=int,
        default=2,
        help="transient faults per campaign in a row at most, so retries succeed (default 2)",
    )
    p.add_argument("--slow-seconds", type=float, default=5.0, help="delay of the slow and stall faults (default 5)")
    p.add_argument(
        "--page-cap",
        type=int,
        help="every list action answers at most N items a page, whatever PageSize asks: the page asked is "
        "placed by the PageSize sent, then cut to N",
    )
    p.add_argument(
        "--page-cap-clamps",
        action="store_true",
        help="with --page-cap: lower PageSize to N before placing the page instead",
    )
    p.add_argument(
        "--cursor-cycle-after",
        type=int,
        metavar="K",
        help="DescribeStaffStatusHistory: a page asked after K pages of a window answers its first page again",
    )
    p.add_argument("--tls-cert", type=Path, help="serve https with this PEM certificate (for tccli)")
    p.add_argument("--tls-key", type=Path, help="the certificate's PEM private key")
    p.add_argument("--extra-field", action="store_true", help="add a field the tap's schema does not know")
    return p


def _store(args: argparse.Namespace, sdk_app_id: int) -> CampaignStore:
    common = {"sdk_app_id": sdk_app_id, "seed": args.seed, "first_id": args.first_campaign_id}
    common |= {"id_step": args.id_step, "order": args.list_order}
    if not args.large:
        sizes = {"callees": args.callees, "history_days": args.history_days}
        sizes = {k: v for k, v in sizes.items() if v is not None}
        return CampaignStore(
            count=args.campaigns or 100, tasks=12 if args.tasks is None else args.tasks, **common, **sizes
        )
    knobs = {"count": args.campaigns, "tasks": args.tasks, "running": args.running, "sessions": args.sessions}
    knobs |= {"agents": args.agents, "task_callees": args.task_callees}
    return CampaignStore.large(args.scale, **common, **{k: v for k, v in knobs.items() if v is not None})


def build(args: argparse.Namespace) -> Emulator:
    faults = FaultPlan(
        rates={kind: float(rate) for kind, rate in args.fault},
        seed=args.seed,
        max_consecutive=args.max_consecutive_faults,
        persistent={int(cid): kind for cid, kind in args.fault_campaign},
        actions=dict(args.fault_action),
        app_actions={_app_action(target): kind for target, kind in args.fault_app_action},
        extra_field=args.extra_field,
        slow_seconds=args.slow_seconds,
        page_cap=args.page_cap,
        page_cap_clamps=args.page_cap_clamps,
        cursor_cycle_after=args.cursor_cycle_after,
    )
    tls = None
    if args.tls_cert:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(args.tls_cert, args.tls_key)
    return Emulator(
        tls=tls,
        host=args.host,
        port=args.port,
        stores=[_store(args, args.sdk_app_id + n) for n in range(args.apps)],
        credentials=[Credential(args.secret_id, args.secret_key, args.token)],
        rate_limit=args.rate_limit or None,
        latency=args.latency_ms / 1000,
        faults=faults,
        encoding=None if args.encoding == "none" else args.encoding,
    )


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    try:
        emulator = build(args)
    except (ValueError, OSError) as exc:
        sys.exit(f"ccc-emulator: error: {exc}")
    done = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        done.set()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    with emulator:
        if args.port_file:
            args.port_file.write_text(str(emulator.port))
        print(
            f"ccc-emulator listening on {emulator.url} (SdkAppId {', '.join(map(str, emulator.stores))}, "
            f"{emulator.store.count} campaigns each from {args.first_campaign_id}, SecretId {args.secret_id})",
            flush=True,
        )
        done.wait()
    print(f"ccc-emulator stopped: {emulator.stats()}", flush=True)
