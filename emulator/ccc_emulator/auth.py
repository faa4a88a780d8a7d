"""TC3-HMAC-SHA256 verification, answering with the codes Tencent uses.

Its own implementation, not the tap's: the canonical request and string to sign are built here
from Tencent's documented steps, and the key derivation and signature come from the official SDK
(``tencentcloud.common.sign.Sign.sign_tc3``). A signing bug in the tap then fails against it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass

from tencentcloud.common.sign import Sign

from ccc_emulator.protocol import ApiError

SIGNED_HEADERS = "content-type;host"

MAX_CLOCK_SKEW = 300
_AUTHORIZATION = re.compile(
    r"^TC3-HMAC-SHA256 Credential=(?P<id>[^/\s]+)/(?P<date>\d{4}-\d{2}-\d{2})/(?P<service>[a-z]+)/tc3_request,"
    r" ?SignedHeaders=(?P<signed>[a-z0-9;-]+), ?Signature=(?P<sig>[0-9a-f]{64})$"
)


@dataclass(frozen=True)
class Credential:
    secret_id: str
    secret_key: str
    token: str | None = None


DEMO_CREDENTIAL = Credential("AKIDccc-emulator-demo-000000000000", "ccc-emulator-demo-secret-key")


@dataclass(frozen=True)
class SignedRequest:
    method: str
    query: str
    headers: Mapping[str, str]  # lower-case names
    body: bytes


def verify(request: SignedRequest, credentials: Mapping[str, Credential], now: float, service: str) -> None:
    """Return if the request is signed by a known credential; raise ApiError otherwise."""
    header = request.headers.get("authorization", "")
    match = _AUTHORIZATION.match(header)
    if not match:
        raise ApiError("AuthFailure.InvalidAuthorization", "Authorization header is missing or malformed.")
    try:
        timestamp = int(request.headers.get("x-tc-timestamp", ""))
    except ValueError:
        raise ApiError("AuthFailure.InvalidAuthorization", "X-TC-Timestamp is missing or not an integer.") from None
    if abs(now - timestamp) > MAX_CLOCK_SKEW:
        raise ApiError(
            "AuthFailure.SignatureExpire",
            f"Signature expired: the timestamp {timestamp} is more than 5 minutes from the server time {int(now)}.",
        )
    credential = credentials.get(match["id"])
    if credential is None:
        raise ApiError("AuthFailure.SecretIdNotFound", "The SecretId is not found, please ensure it exists.")
    if match["signed"] != SIGNED_HEADERS or match["service"] != service:
        raise ApiError("AuthFailure.SignatureFailure", "The provided credentials could not be validated.")
    if credential.token is not None and request.headers.get("x-tc-token") != credential.token:
        raise ApiError("AuthFailure.TokenFailure", "The session token is invalid or does not match the SecretId.")
    payload = request.body
    if request.headers.get("x-tc-content-sha256") == "UNSIGNED-PAYLOAD":
        payload = b"UNSIGNED-PAYLOAD"
    canonical = "\n".join(
        [
            request.method,
            "/",
            request.query,
            f"content-type:{request.headers.get('content-type', '')}\nhost:{request.headers.get('host', '')}\n",
            SIGNED_HEADERS,
            hashlib.sha256(payload).hexdigest(),
        ]
    )
    date = time.strftime("%Y-%m-%d", time.gmtime(timestamp))
    to_sign = "\n".join(
        [
            "TC3-HMAC-SHA256",
            str(timestamp),
            f"{date}/{service}/tc3_request",
            hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
        ]
    )
    expected = Sign.sign_tc3(credential.secret_key, date, service, to_sign)
    if match["date"] != date or not hmac.compare_digest(expected, match["sig"]):
        raise ApiError("AuthFailure.SignatureFailure", "The provided credentials could not be validated.")
