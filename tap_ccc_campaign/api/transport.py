"""What happened on the wire, told without secrets: HTTP statuses, bodies read by a deadline, failures.

requests' exception texts can carry the request's headers (an invalid header value is
quoted whole, Authorization and X-TC-Token included) and proxy URLs with passwords, so
no exception text from it is ever passed on: each failure is summarised here instead.
"""

from __future__ import annotations

import re
import ssl
import time
from urllib.parse import urlsplit

import requests
import urllib3

from tap_ccc_campaign.api.errors import TransportError

_CHUNK = 64 * 1024


def check_status(response: requests.Response) -> None:
    """Raise at once for answers no retry can change: redirects and client errors other than 408/429."""
    status = response.status_code
    if 300 <= status < 400:
        location = response.headers.get("Location", "")
        target = redact_url(location) if location else "(no Location)"
        raise TransportError(
            f"api_url: the endpoint redirects (HTTP {status} to {target}); set api_url to the final address",
            http_status=status,
            fatal=True,
        )
    if 400 <= status < 500 and status not in (408, 429):
        raise TransportError(
            f"api_url: HTTP {status} from {redact_url(response.url)}: "
            "is this a Tencent Cloud API endpoint (they answer errors with HTTP 200)?",
            http_status=status,
            fatal=True,
        )


def read_body(response: requests.Response, deadline: float) -> bytes:
    """The whole body, or TransportError once ``deadline`` (time.monotonic) passes.

    Each socket read is bounded by the request timeout; reading in read1 steps bounds the call:
    a server that trickles a byte at a time cannot hold it open past the deadline. A body sent
    with Content-Encoding gzip or deflate (requests asks for both) is decoded as it is read.
    """
    check_status(response)
    chunks: list[bytes] = []
    while True:
        if time.monotonic() > deadline:
            raise TransportError("the answer did not arrive in full within request_timeout")
        chunk = _read1(response.raw)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _read1(raw: object) -> bytes:
    if isinstance(raw, urllib3.response.BaseHTTPResponse):
        return raw.read1(_CHUNK, decode_content=True)
    # A replayed answer (vcrpy) holds its body as recorded, in a plain file-like object.
    return raw.read1(_CHUNK)  # type: ignore[attr-defined]


def redact_url(url: str) -> str:
    """A URL without user:password and without its query string."""
    parts = urlsplit(url)
    if not parts.netloc:  # not a URL at all: show it without query and anything like user:password@
        return url.split("?")[0].split("#")[0].rpartition("@")[2]
    host = parts.netloc.rpartition("@")[2]
    return f"{parts.scheme}://{host}{parts.path}"


_ERRNO = re.compile(r"\[Errno -?\d+\] [^'\")\]]+|Name or service not known|Remote end closed connection[^'\")]*")
_TLS_REASON = re.compile(r"certificate verify failed: [^'\")(]+|wrong version number|[A-Z_]{6,}")


def describe_failure(exc: BaseException, timeout: float) -> TransportError:
    """A TransportError naming what failed, with no text that could hold a header or a password."""
    if isinstance(exc, requests.exceptions.ProxyError):
        return TransportError(f"cannot reach the proxy (HTTP(S)_PROXY): {_reason(exc)}")
    if isinstance(exc, requests.exceptions.SSLError) or _has_cause(exc, ssl.SSLError):
        found = _TLS_REASON.findall(str(exc))
        reason = found[0] if found else "TLS handshake failed"
        return TransportError(
            f"TLS error talking to api_url: {reason} (a proxy or an outdated CA bundle? "
            "REQUESTS_CA_BUNDLE points requests at another one)",
            fatal=True,
        )
    if isinstance(exc, requests.Timeout):
        return TransportError(f"no answer within {timeout:g} s")
    if isinstance(exc, requests.exceptions.InvalidHeader | ValueError | UnicodeError):
        return TransportError(
            "a request header could not be sent: a credential or setting holds a character "
            "HTTP headers cannot carry (non-ASCII or a line break)",
            fatal=True,
        )
    if isinstance(exc, requests.RequestException):
        return TransportError(f"connection failed: {_reason(exc)}")
    return TransportError(f"the request failed: {type(exc).__name__}")


def _reason(exc: BaseException) -> str:
    """The innermost cause of a requests failure, without urllib3's wrapping."""
    found = _ERRNO.findall(str(exc))
    return found[-1].strip() if found else type(exc).__name__


def _has_cause(exc: BaseException, kind: type[BaseException]) -> bool:
    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < 10:
        if isinstance(current, kind):
            return True
        current = current.__cause__ or current.__context__
        seen += 1
    return False
