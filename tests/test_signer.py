"""The signer matches Tencent's official SDK byte for byte."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st
from tencentcloud.ccc.v20200210 import ccc_client
from tencentcloud.common import abstract_client, credential
from tencentcloud.common.http.request import RequestInternal
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.common.sign import Sign

from tap_ccc_campaign.api import signer

# The known-answer vector of ../shared/reference/API-FACTS.md.
SECRET_ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"
SECRET_KEY = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"
TIMESTAMP = 1551113065
HOST = "ccc.tencentcloudapi.com"
BODY = b'{"SdkAppId": 1400000000, "CampaignId": 2569}'


def test_known_answer_payload_hash():
    assert signer.sha256_hex(BODY) == "f0dde6702212f4edc7c3a1f1681a654d9ebdc707b7b661307253f1e3254e3dc1"


def test_known_answer_string_to_sign():
    canonical = signer.canonical_request(method="POST", host=HOST, body=BODY)
    to_sign = signer.string_to_sign(canonical, TIMESTAMP, "ccc")
    assert to_sign.splitlines() == [
        "TC3-HMAC-SHA256",
        "1551113065",
        "2019-02-25/ccc/tc3_request",
        "929e8628f123851466235f3a228713b4e229eccec87b74c69e1d5ae4da718ce2",
    ]


def test_known_answer_authorization():
    assert signer.sign(
        secret_id=SECRET_ID, secret_key=SECRET_KEY, service="ccc", host=HOST, body=BODY, timestamp=TIMESTAMP
    ) == (
        "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/ccc/tc3_request, "
        "SignedHeaders=content-type;host, "
        "Signature=3fef603ed7681a327d7b9c837e364a1a350e73e1170d5e5a30e3c3395d5970a6"
    )


def sdk_signed_request(
    monkeypatch: pytest.MonkeyPatch, endpoint: str, params: dict, timestamp: int, secret_key: str = SECRET_KEY
) -> RequestInternal:
    """What the official SDK's client puts on the wire, with its clock frozen."""
    monkeypatch.setattr(abstract_client, "time", SimpleNamespace(time=lambda: timestamp))
    client = ccc_client.CccClient(
        credential.Credential(SECRET_ID, secret_key), "", ClientProfile(httpProfile=HttpProfile(endpoint=endpoint))
    )
    request = RequestInternal(endpoint, "POST", "/")
    client._build_req_with_tc3_signature("DescribePredictiveDialingCampaign", params, request)
    return request


# Timestamps within a minute of a UTC midnight, on either side, and anywhere else.
_MIDNIGHT = 1767225600  # 2026-01-01T00:00:00Z
timestamps = st.one_of(
    st.integers(_MIDNIGHT - 60, _MIDNIGHT + 60),
    st.integers(_MIDNIGHT + 86400 * 200 - 60, _MIDNIGHT + 86400 * 200 + 60),
    st.integers(1_000_000_000, 4_000_000_000),
)
hosts = st.one_of(
    st.sampled_from(
        ["ccc.tencentcloudapi.com", "ccc.intl.tencentcloudapi.com", "ccc.ap-guangzhou.tencentcloudapi.com"]
    ),
    st.builds(lambda port: f"127.0.0.1:{port}", st.integers(1, 65535)),
    st.builds(lambda port: f"localhost:{port}", st.integers(1, 65535)),
)
params = st.fixed_dictionaries(
    {"SdkAppId": st.integers(1, 2**31), "CampaignId": st.integers(1, 2**31)},
    optional={"Name": st.text(), "Note": st.text(alphabet=st.characters(min_codepoint=0x80))},
)
secret_keys = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=40)


@settings(max_examples=150, deadline=None)
@given(endpoint=hosts, body_params=params, timestamp=timestamps, secret_key=secret_keys)
def test_sign_equals_the_sdk_client(endpoint, body_params, timestamp, secret_key):
    with pytest.MonkeyPatch.context() as mp:
        sent = sdk_signed_request(mp, endpoint, body_params, timestamp, secret_key)
    ours = signer.sign(
        secret_id=SECRET_ID,
        secret_key=secret_key,
        service="ccc",
        host=sent.header["Host"],
        body=sent.data.encode("utf-8"),
        timestamp=timestamp,
    )
    assert ours == sent.header["Authorization"]


@settings(max_examples=100, deadline=None)
@given(
    date=st.dates(date(1970, 1, 2), date(2100, 12, 31)).map(lambda d: d.isoformat()),
    to_sign=st.text(),
    secret_key=secret_keys,
)
def test_signature_equals_sdk_sign_tc3(date, to_sign, secret_key):
    # Drive our HMAC chain with the same date the SDK gets: pick a timestamp on that date.
    timestamp = int(datetime.fromisoformat(date).replace(tzinfo=UTC).timestamp()) + 43200
    assert signer.signature(secret_key, to_sign, timestamp, "ccc") == Sign.sign_tc3(secret_key, date, "ccc", to_sign)


@settings(max_examples=80, deadline=None)
@given(endpoint=hosts, body_params=params, timestamp=timestamps)
def test_auth_on_a_prepared_request_equals_the_sdk(endpoint, body_params, timestamp):
    with pytest.MonkeyPatch.context() as mp:
        sent = sdk_signed_request(mp, endpoint, body_params, timestamp)
    auth = signer.TC3Auth(signer.Credentials(SECRET_ID, SECRET_KEY), "ccc", clock=lambda: timestamp + 0.9)
    prepared = requests.Request("POST", f"https://{endpoint}/", data=sent.data.encode("utf-8")).prepare()
    auth(prepared)
    assert prepared.headers["Authorization"] == sent.header["Authorization"]
    assert prepared.headers["Host"] == sent.header["Host"]
    assert prepared.headers["X-TC-Timestamp"] == str(timestamp)


def test_auth_signs_the_utf8_bytes_it_sends_as_an_independent_verifier_checks_them():
    from ccc_emulator.auth import Credential, SignedRequest, verify

    body = json.dumps({"SdkAppId": 1, "CampaignId": 2, "Name": "新能源"}, ensure_ascii=False).encode("utf-8")
    prepared = requests.Request(
        "POST", "http://127.0.0.1:8080/", data=body, headers={"Content-Type": "application/json"}
    ).prepare()
    signer.TC3Auth(signer.Credentials(SECRET_ID, SECRET_KEY), "ccc", clock=lambda: TIMESTAMP)(prepared)
    headers = {k.lower(): v for k, v in prepared.headers.items()} | {"host": "127.0.0.1:8080"}
    known = {SECRET_ID: Credential(SECRET_ID, SECRET_KEY)}
    verify(SignedRequest("POST", "", headers, prepared.body), known, TIMESTAMP, "ccc")  # raises if not
    tampered = body.replace("新能源".encode(), "新能汽".encode())
    with pytest.raises(Exception, match="could not be validated"):
        verify(SignedRequest("POST", "", headers, tampered), known, TIMESTAMP, "ccc")


def test_auth_sends_the_token_header_only_when_set():
    prepared = requests.Request("POST", "https://ccc.tencentcloudapi.com/", data=BODY).prepare()
    signer.TC3Auth(signer.Credentials(SECRET_ID, SECRET_KEY, "sts-token"), "ccc")(prepared)
    assert prepared.headers["X-TC-Token"] == "sts-token"
    bare = requests.Request("POST", "https://ccc.tencentcloudapi.com/", data=BODY).prepare()
    signer.TC3Auth(signer.Credentials(SECRET_ID, SECRET_KEY), "ccc")(bare)
    assert "X-TC-Token" not in bare.headers


def test_credentials_repr_hides_the_key():
    assert SECRET_KEY not in repr(signer.Credentials(SECRET_ID, SECRET_KEY, "tok"))
    assert "tok" not in repr(signer.Credentials(SECRET_ID, SECRET_KEY, "tok"))
