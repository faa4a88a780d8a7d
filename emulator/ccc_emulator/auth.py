"""TC3-HMAC-SHA256 verification, answering with the codes Tencent uses."""

from __future__ import annotations

import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass

from ccc_emulator.protocol import ApiError
from tap_ccc_campaign import signer

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
    if match["signed"] != signer.SIGNED_HEADERS or match["service"] != service:
        raise ApiError("AuthFailure.SignatureFailure", "The provided credentials could not be validated.")
    if credential.token is not None and request.headers.get("x-tc-token") != credential.token:
        raise ApiError("AuthFailure.TokenFailure", "The session token is invalid or does not match the SecretId.")
    payload = request.body
    if request.headers.get("x-tc-content-sha256") == "UNSIGNED-PAYLOAD":
        payload = b"UNSIGNED-PAYLOAD"
    canonical = signer.canonical_request(
        method=request.method,
        host=request.headers.get("host", ""),
        body=payload,
        content_type=request.headers.get("content-type", ""),
        query=request.query,
    )
    to_sign = signer.string_to_sign(canonical, timestamp, service)
    expected = signer.signature(credential.secret_key, to_sign, timestamp, service)
    if match["date"] != signer.utc_date(timestamp) or not hmac.compare_digest(expected, match["sig"]):
        raise ApiError("AuthFailure.SignatureFailure", "The provided credentials could not be validated.")
