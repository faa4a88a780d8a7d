"""The HTTP server: routing, authentication, rate limit, latency, faults and counters."""

from __future__ import annotations

import gzip
import json
import socket
import ssl
import sys
import threading
import time
import zlib
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ccc_emulator import protocol, status
from ccc_emulator.actions import ACTIONS, HISTORY_PAGE, LIST_FIELDS
from ccc_emulator.auth import DEMO_CREDENTIAL, Credential, SignedRequest, verify
from ccc_emulator.data import MISSING_MESSAGE, CampaignStore
from ccc_emulator.faults import FaultPlan
from ccc_emulator.neighbour import Neighbour
from ccc_emulator.protocol import ApiError
from ccc_emulator.ratelimit import TrailingWindow
from ccc_emulator.rendezvous import Rendezvous

SERVICE = "ccc"
VERSION = "2020-02-10"
EXTRA_FIELD = ("NewerVersionField", 7)  # stands for a field a newer API version might add


@dataclass
class Counters:
    requests: Counter[str] = field(default_factory=Counter)
    rejections: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    faults: Counter[str] = field(default_factory=Counter)
    signature_failures: int = 0
    in_flight: int = 0
    peak_in_flight: int = 0  # most answers being prepared at once: concurrency, counted not timed


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    emulator: Emulator

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that went away mid-answer (a stopped tap, a timeout) is not the emulator's error.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class Emulator:
    """A CCC API 3.0 endpoint on 127.0.0.1. Use as a context manager, or start()/stop()."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        store: CampaignStore | None = None,
        stores: Iterable[CampaignStore] = (),
        credentials: Iterable[Credential] = (DEMO_CREDENTIAL,),
        rate_limit: int | None = 20,
        latency: float = 0.0,
        faults: FaultPlan | None = None,
        clock: Callable[[], float] = time.time,
        log_size: int = 200_000,
        tls: ssl.SSLContext | None = None,
        encoding: str | None = "gzip",
    ) -> None:
        apps = [*([store] if store else []), *stores] or [CampaignStore()]
        self.store = apps[0]  # the first app: most tests need one
        self.stores = {app.sdk_app_id: app for app in apps}
        self.credentials = {c.secret_id: c for c in credentials}
        self.window = TrailingWindow(rate_limit)
        self.latency = latency
        # How answers are compressed for a client whose Accept-Encoding allows it (gzip, deflate, or None).
        self.encoding = encoding
        self.faults = faults or FaultPlan()
        self.clock = clock
        self.counters = Counters()
        self.log: deque[dict[str, Any]] = deque(maxlen=log_size)
        self._attempts: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()
        self._server = _Server((host, port), _Handler)
        self._server.emulator = self
        self._scheme = "http"
        if tls is not None:
            # For clients that only speak https, such as tccli.
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
            self._scheme = "https"
        self._thread: threading.Thread | None = None
        self._started = time.monotonic()
        self.neighbours: list[Neighbour] = []
        self.rendezvous: Rendezvous | None = None  # actions whose first requests must meet (tests)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{self._scheme}://{host}:{port}"

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def start(self) -> Emulator:
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="ccc-emulator", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        for neighbour in self.neighbours:
            neighbour.stop()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": dict(self.counters.requests),
                "rejections": dict(self.counters.rejections),
                "errors": dict(self.counters.errors),
                "faults": dict(self.counters.faults),
                "signature_failures": self.counters.signature_failures,
                "peak_per_second": dict(self.window.peak),
                "peak_in_flight": self.counters.peak_in_flight,
                "neighbours": [n.summary() for n in self.neighbours],
            }

    def add_neighbour(self, action: str, rate: float, seconds: float) -> Neighbour:
        """Another client of the account, taking ``rate`` calls/s of ``action``'s budget for ``seconds``."""
        neighbour = Neighbour(self.window, action, rate, seconds, since=lambda: time.monotonic() - self._started)
        with self._lock:
            self.neighbours.append(neighbour)
        return neighbour.start()

    @contextmanager
    def in_flight(self) -> Iterator[None]:
        with self._lock:
            self.counters.in_flight += 1
            self.counters.peak_in_flight = max(self.counters.peak_in_flight, self.counters.in_flight)
        try:
            yield
        finally:
            with self._lock:
                self.counters.in_flight -= 1

    def requests_log(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.log)

    # Called by the handler, one thread per connection.

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes, str | None]:
        """(HTTP status, body, fault kind needing transport-level handling) for one API request."""
        arrived = time.monotonic() - self._started
        request_id = protocol.new_request_id()
        split = urlsplit(target)
        params: dict[str, Any] = dict(parse_qsl(split.query)) if method == "GET" else {}
        action = headers.get("x-tc-action") or str(params.pop("Action", ""))
        entry: dict[str, Any] = {"t": round(arrived, 6), "action": action, "request_id": request_id}
        fault: str | None = None
        try:
            if method == "POST":
                try:
                    params = json.loads(body or b"{}")
                except ValueError:
                    raise ApiError("InvalidParameter", "The request body is not valid JSON.") from None
                if not isinstance(params, dict):
                    raise ApiError("InvalidParameter", "The request body must be a JSON object.")
            if not action:
                raise ApiError("MissingParameter", "The request is missing a required parameter `Action`.")
            if action not in ACTIONS:
                raise ApiError("InvalidAction", f"The action `{action}` is not found in version {VERSION}.")
            version = headers.get("x-tc-version") or params.pop("Version", None)
            if version != VERSION:
                raise ApiError(
                    "NoSuchVersion", f"The requested version `{version}` of service `{SERVICE}` does not exist."
                )
            entry["campaign_id"] = params.get("CampaignId")
            if isinstance(params.get("SessionIds"), list):
                entry["session_ids"] = params["SessionIds"]
            if "StartTimeStamp" in params and "EndTimeStamp" in params:
                entry["window"] = [params["StartTimeStamp"], params["EndTimeStamp"]]
            if "ModifiedTime" in params:
                entry["modified_time"] = params["ModifiedTime"]
            if not self.window.admit(action):
                with self._lock:
                    self.counters.rejections[action] += 1
                raise ApiError(
                    "RequestLimitExceeded", "Your current request times exceeds the limit, please try again later."
                )
            try:
                verify(SignedRequest(method, split.query, headers, body), self.credentials, self.clock(), SERVICE)
            except ApiError:
                with self._lock:
                    self.counters.signature_failures += 1
                raise
            if self.rendezvous is not None:
                self.rendezvous.arrive(action)
            fault = self._fault(action, params, body)
            if fault == "dberror":
                raise ApiError("InternalError.DBError", "Internal database access failure.")
            if fault == "denied":  # as CAM answers a sub-user whose policy lacks the action: over two lines
                raise ApiError(
                    "AuthFailure.UnauthorizedOperation",
                    f"you are not authorized to perform operation (ccc:{action})\n"
                    f"resource (qcs::ccc::uin/100000000001:sdkappid/{params.get('SdkAppId')}) has no permission",
                )
            if fault == "ratelimit":
                raise ApiError(
                    "RequestLimitExceeded", "Your current request times exceeds the limit, please try again later."
                )
            if fault == "badparam":
                raise ApiError("InvalidParameterValue", "PageSize out of range.")
            if fault == "migrating":
                app = params.get("SdkAppId")
                raise ApiError("InvalidParameterValue", f"SdkAppId {app} is being migrated, please try again later.")
            if fault in ("othermissing", "saysgone") and isinstance(params.get("CampaignId"), int):
                raise _campaign_answered_missing(self.stores.get(params.get("SdkAppId")), params["CampaignId"], fault)
            if fault == "repeatpage" and isinstance(params.get("PageNumber"), int) and params["PageNumber"] > 0:
                params = {**params, "PageNumber": params["PageNumber"] - 1}  # the page before, again
            params = self._paged(action, params)
            fields = ACTIONS[action](self.stores, params, self.clock())
            if self.faults.page_cap is not None and isinstance(fields.get(LIST_FIELDS.get(action, "")), list):
                fields = {**fields, LIST_FIELDS[action]: fields[LIST_FIELDS[action]][: self.faults.page_cap]}
            if fault == "emptylist":
                fields = {"TotalCount": 0, "CampaignList": []}
            if fault == "overcount" and isinstance(fields.get("TotalCount"), int):
                fields = {**fields, "TotalCount": fields["TotalCount"] + 1}
            if action == "DescribeTelCdr" and fault in ("wrongtype", "nosessionid"):
                fields = {**fields, "TelCdrList": [_spoilt(r, fault) for r in fields["TelCdrList"]]}
            if action == "DescribePredictiveDialingCampaign":
                if fault == "wrongtype":
                    fields = {**fields, "Priority": "high"}
                if fault == "empty":
                    fields = {}
                if fault == "badtimes":
                    fields = {**fields, "EndTime": 86400}
            if self.faults.extra_field and fields:
                fields = _with_extra_field(fields)
            payload, status = protocol.success(fields, request_id), 200
            entry["outcome"] = "ok"
        except ApiError as err:
            payload, status = protocol.error(err, request_id), 200
            entry["outcome"] = err.code
            with self._lock:
                self.counters.errors[err.code] += 1
        if fault and fault not in (
            "dberror",
            "ratelimit",
            "wrongtype",
            "empty",
            "badtimes",
            "badparam",
            "migrating",
            "othermissing",
            "saysgone",
            "repeatpage",
            "emptylist",
            "denied",
            "overcount",
        ):
            entry["outcome"] = fault
        with self._lock:
            self.counters.requests[action or "(none)"] += 1
            self.log.append(entry)
        return status, payload, fault

    def _paged(self, action: str, params: dict[str, Any]) -> dict[str, Any]:
        """The paging a list request gets under the page faults: PageSize clamped to the cap, or a
        status-history cursor sent back to the first page once it is ``cursor_cycle_after`` pages in."""
        cap, size = self.faults.page_cap, params.get("PageSize")
        if action == "DescribeStaffStatusHistory" and size is None:
            size = HISTORY_PAGE
        if cap is not None and self.faults.page_cap_clamps and action in LIST_FIELDS and isinstance(size, int):
            size = min(size, cap)
            params = {**params, "PageSize": size}
        cycle, cursor = self.faults.cursor_cycle_after, params.get("Cursor")
        if action != "DescribeStaffStatusHistory" or cycle is None or not isinstance(cursor, str) or not cursor:
            return params
        store, agent = self.stores.get(params.get("SdkAppId")), params.get("StaffUserId")
        start, end = params.get("StartTimestamp"), params.get("EndTimestamp")
        if store is None or not isinstance(agent, str) or not isinstance(start, int) or not isinstance(end, int):
            return params  # the action answers the bad request as it would
        served = status.served(store.status_events(agent, start, end), start, end, cursor)
        if isinstance(size, int) and size > 0 and served >= cycle * min(size, cap or size):
            params = {key: value for key, value in params.items() if key != "Cursor"}
        return params

    def _fault(self, action: str, params: dict[str, Any], body: bytes) -> str | None:
        campaign_id = params.get("CampaignId") if isinstance(params.get("CampaignId"), int) else None
        key = str(campaign_id) if campaign_id is not None else body.decode("utf-8", "replace")
        with self._lock:
            self._attempts[(action, key)] += 1
            attempt = self._attempts[(action, key)]
        app = params.get("SdkAppId") if isinstance(params.get("SdkAppId"), int) else None
        fault = self.faults.pick(action, key, attempt, campaign_id, app)
        if fault:
            with self._lock:
                self.counters.faults[fault] += 1
        return fault


def _campaign_answered_missing(store: CampaignStore | None, campaign_id: int, fault: str) -> ApiError:
    """What a read of a campaign that is there answers with the ``othermissing`` fault (its message names
    the campaign and another object that is missing) or ``saysgone`` (the answer for a deleted one)."""
    if fault == "saysgone" or store is None or not store.has(campaign_id):
        message = (store.missing_message if store is not None else MISSING_MESSAGE).format(campaign_id=campaign_id)
        return ApiError("InvalidParameterValue", message)
    group = store.campaign(campaign_id)["SkillGroupId"]
    return ApiError("InvalidParameterValue", f"CampaignId {campaign_id}: its SkillGroupId {group} does not exist.")


def _with_extra_field(fields: dict[str, Any]) -> dict[str, Any]:
    """An answer as a newer API version might give it: one more field on the answer, on every object
    inside its records, and on every other record itself (so some records carry it only nested)."""

    def grown(value: Any, top: bool = True) -> Any:
        if isinstance(value, dict):
            inner = {k: grown(v) for k, v in value.items()}
            return {**inner, EXTRA_FIELD[0]: EXTRA_FIELD[1]} if top else inner
        if isinstance(value, list):
            return [grown(v, top=i % 2 == 0) for i, v in enumerate(value)]
        return value

    return grown(fields)


def _spoilt(record: dict[str, Any], fault: str) -> dict[str, Any]:
    """A call record as a faulty answer gives it: the agent's Role as a string, or no SessionId."""
    if fault == "nosessionid":
        return {k: v for k, v in record.items() if k != "SessionId"}
    if record.get("SeatUser"):
        return {**record, "SeatUser": {**record["SeatUser"], "Role": "staff"}}
    return record


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    server_version = "ccc-emulator"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_GET(self) -> None:
        emulator = self.server.emulator
        path = urlsplit(self.path).path
        if path == "/_emulator/stats":
            self._send(200, json.dumps(emulator.stats()).encode(), "application/json")
        elif path == "/_emulator/requests":
            self._send(200, json.dumps(emulator.requests_log()).encode(), "application/json")
        elif path == "/_emulator/health":
            self._send(200, b'{"ok": true}', "application/json")
        else:
            self._api("GET", b"")

    def do_POST(self) -> None:
        if urlsplit(self.path).path == "/_emulator/neighbour":
            self._add_neighbour(self._read_body())
            return
        self._api("POST", self._read_body())

    def _add_neighbour(self, body: bytes) -> None:
        try:
            asked = json.loads(body)
            action = str(asked.get("action", "DescribePredictiveDialingCampaign"))
            neighbour = self.server.emulator.add_neighbour(action, float(asked["rate"]), float(asked["seconds"]))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            self._send(400, json.dumps({"error": f"bad neighbour: {exc}"}).encode(), "application/json")
            return
        self._send(200, json.dumps(neighbour.summary()).encode(), "application/json")

    def _api(self, method: str, body: bytes) -> None:
        emulator = self.server.emulator
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, payload, fault = emulator.handle(method, self.path, headers, body)
        with emulator.in_flight():
            if emulator.latency:
                time.sleep(emulator.latency)
        try:
            self._deliver(status, payload, fault, emulator.faults.slow_seconds)
        except OSError:  # the client gave up first (timeouts, drops): nothing to answer
            self.close_connection = True

    def _deliver(self, status: int, payload: bytes, fault: str | None, slow: float) -> None:
        if fault == "drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault in ("http502", "http503", "http504"):
            code = int(fault[4:])
            self._send(code, f"<html><body>{code} gateway error</body></html>".encode(), "text/html")
            return
        if fault == "notjson":
            self._send(200, b"<html><body>upstream error</body></html>", "text/html")
            return
        if fault == "noresponse":
            self._send(200, json.dumps({"RequestId": protocol.new_request_id()}).encode(), "application/json")
            return
        if fault == "slow":
            time.sleep(slow)
        if fault == "stall":
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload[: len(payload) // 2])
            self.wfile.flush()
            time.sleep(slow)
            self.wfile.write(payload[len(payload) // 2 :])
            return
        self._send(status, payload, "application/json")

    def _send(self, status: int, payload: bytes, content_type: str) -> None:
        encoding = self.server.emulator.encoding
        accepted = {part.split(";")[0].strip() for part in self.headers.get("Accept-Encoding", "").split(",")}
        self.send_response(status)
        if encoding in accepted:
            payload = gzip.compress(payload) if encoding == "gzip" else zlib.compress(payload)
            self.send_header("Content-Encoding", encoding)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
