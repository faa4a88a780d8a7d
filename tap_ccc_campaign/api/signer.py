"""TC3-HMAC-SHA256 request signing, as Tencent Cloud API 3.0 specifies it.

Small pure functions, one per step of the algorithm, and a ``requests`` auth that
applies them to a prepared request. Written here rather than taken from Tencent's
SDK so the tap does not depend on the SDK's client stack at run time; the tests
prove every byte against the SDK.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import requests

ALGORITHM = "TC3-HMAC-SHA256"
SIGNED_HEADERS = "content-type;host"
CONTENT_TYPE = "application/json"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def utc_date(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, tz=UTC).strftime("%Y-%m-%d")


def credential_scope(timestamp: int, service: str) -> str:
    return f"{utc_date(timestamp)}/{service}/tc3_request"


def canonical_request(
    *,
    method: str,
    host: str,
    body: bytes,
    content_type: str = CONTENT_TYPE,
    uri: str = "/",
    query: str = "",
) -> str:
    canonical_headers = f"content-type:{content_type}\nhost:{host}\n"
    return "\n".join([method, uri, query, canonical_headers, SIGNED_HEADERS, sha256_hex(body)])


def string_to_sign(canonical: str, timestamp: int, service: str) -> str:
    return "\n".join(
        [
            ALGORITHM,
            str(timestamp),
            credential_scope(timestamp, service),
            sha256_hex(canonical.encode("utf-8")),
        ]
    )


def signing_key(secret_key: str, timestamp: int, service: str) -> bytes:
    k_date = _hmac(("TC3" + secret_key).encode("utf-8"), utc_date(timestamp))
    k_service = _hmac(k_date, service)
    return _hmac(k_service, "tc3_request")


def signature(secret_key: str, to_sign: str, timestamp: int, service: str) -> str:
    key = signing_key(secret_key, timestamp, service)
    return hmac.new(key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def authorization(secret_id: str, scope: str, sig: str) -> str:
    return f"{ALGORITHM} Credential={secret_id}/{scope}, SignedHeaders={SIGNED_HEADERS}, Signature={sig}"


def sign(
    *,
    secret_id: str,
    secret_key: str,
    service: str,
    host: str,
    body: bytes,
    timestamp: int,
    method: str = "POST",
    content_type: str = CONTENT_TYPE,
    query: str = "",
) -> str:
    """The Authorization header value for one request."""
    canonical = canonical_request(method=method, host=host, body=body, content_type=content_type, query=query)
    to_sign = string_to_sign(canonical, timestamp, service)
    return authorization(
        secret_id,
        credential_scope(timestamp, service),
        signature(secret_key, to_sign, timestamp, service),
    )


@dataclass(frozen=True)
class Credentials:
    secret_id: str
    secret_key: str
    token: str | None = None

    def __repr__(self) -> str:  # keep secrets out of tracebacks and debug logs
        return f"Credentials(secret_id={self.secret_id!r}, secret_key='***')"


class TC3Auth(requests.auth.AuthBase):
    """Signs a prepared request; runs on every attempt, so each retry is fresh."""

    def __init__(
        self,
        credentials: Credentials,
        service: str,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.credentials = credentials
        self.service = service
        self.clock = clock

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        timestamp = int(self.clock())
        # The Host we sign must be the Host we send; requests derives it from the URL.
        url: str = request.url or ""  # prepared from a str: requests keeps it one
        host = urlsplit(url).netloc
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        request.headers["Host"] = host
        request.headers["Content-Type"] = CONTENT_TYPE
        request.headers["X-TC-Timestamp"] = str(timestamp)
        if self.credentials.token:
            request.headers["X-TC-Token"] = self.credentials.token
        request.headers["Authorization"] = sign(
            secret_id=self.credentials.secret_id,
            secret_key=self.credentials.secret_key,
            service=self.service,
            host=host,
            body=body,
            timestamp=timestamp,
            method=request.method or "POST",
        )
        return request
