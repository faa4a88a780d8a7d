"""A scripted HTTP server on 127.0.0.1 for answers the emulator does not give (redirects, 404, trickles)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    byte_interval: float = 0.0  # > 0: send the body one byte at a time, this many seconds apart


@dataclass
class Stub:
    url: str
    calls: int = 0
    bytes_sent: int = 0
    bodies: list[bytes] = field(default_factory=list)


@contextmanager
def serve(script: Callable[[int], Reply]) -> Iterator[Stub]:
    """Answer the n-th request (from 1) with ``script(n)``."""
    stub = Stub(url="")
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with lock:
                stub.calls += 1
                stub.bodies.append(body)
                reply = script(stub.calls)
            self.send_response(reply.status)
            for name, value in {"Content-Type": "application/json", **reply.headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            try:
                if reply.byte_interval <= 0:
                    self.wfile.write(reply.body)
                    stub.bytes_sent += len(reply.body)
                    return
                for byte in reply.body:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    stub.bytes_sent += 1
                    time.sleep(reply.byte_interval)  # the server's pace, not the test's
            except OSError:
                self.close_connection = True

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    stub.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()


def ok(fields: str = '"CampaignId": 1') -> Reply:
    return Reply(body=('{"Response": {' + fields + ', "RequestId": "r"}}').encode())


def throttled() -> Reply:
    return Reply(
        body=b'{"Response": {"Error": {"Code": "RequestLimitExceeded", "Message": "slow down"}, "RequestId": "t"}}'
    )
