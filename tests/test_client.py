"""The API client: answers and errors parsed into typed results, retries, re-signing."""

from __future__ import annotations

import json
import random
import time

import pytest
from ccc_emulator.auth import DEMO_CREDENTIAL
from ccc_emulator.faults import FaultPlan
from hypothesis import given, settings
from hypothesis import strategies as st

from tap_ccc_campaign.api.client import CCCClient, RetryPolicy, parse_response
from tap_ccc_campaign.api.errors import APIError, TransportError
from tap_ccc_campaign.api.pacing import Pacers
from tap_ccc_campaign.api.signer import Credentials
from tap_ccc_campaign.errors import TapError

DESCRIBE = "DescribePredictiveDialingCampaign"


def make_client(
    emulator, *, attempts: int = 5, key: str = DEMO_CREDENTIAL.secret_key, timeout: float = 5, on_attempt=None
) -> CCCClient:
    return CCCClient(
        api_url=emulator.url,
        credentials=Credentials(DEMO_CREDENTIAL.secret_id, key),
        pacers=Pacers(1000),
        timeout=timeout,
        retry=RetryPolicy(max_attempts=attempts, base_seconds=0.01),
        rng=random.Random(0),
        on_attempt=on_attempt,
    )


def test_parse_success_separates_the_request_id():
    data, request_id = parse_response(200, b'{"Response": {"CampaignId": 1, "RequestId": "r1"}}')
    assert (data, request_id) == ({"CampaignId": 1}, "r1")


def test_parse_error_answer_raises_api_error_with_code_message_and_request_id():
    with pytest.raises(APIError) as caught:
        parse_response(
            200, b'{"Response": {"Error": {"Code": "InternalError.DBError", "Message": "db"}, "RequestId": "r2"}}'
        )
    assert (caught.value.code, caught.value.message, caught.value.request_id) == ("InternalError.DBError", "db", "r2")


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (502, b"<html/>", "HTTP 502 from the API"),
        (200, b"<html/>", "the API answered with a body that is not JSON"),
        (200, b'{"RequestId": "x"}', "the API answered without a Response object"),
        (200, b"[1, 2]", "the API answered without a Response object"),
        (200, b"\xff\xfe", "the API answered with a body that is not JSON"),
    ],
)
def test_parse_malformed_answers_raise_transport_errors(status, body, message):
    with pytest.raises(TransportError, match=message):
        parse_response(status, body)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
envelopes = st.one_of(
    json_values,
    st.builds(lambda r: {"Response": r}, json_values),
    st.builds(lambda e, rid: {"Response": {"Error": e, "RequestId": rid}}, json_values, json_values),
)


@settings(max_examples=300, deadline=None)
@given(document=envelopes, status=st.sampled_from([200, 200, 200, 400, 500, 503]))
def test_parser_never_fails_but_with_a_typed_error(document, status):
    try:
        data, request_id = parse_response(status, json.dumps(document).encode())
    except TapError:
        return
    assert isinstance(data, dict)
    assert "RequestId" not in data
    assert request_id is None or isinstance(request_id, str)


@settings(max_examples=200, deadline=None)
@given(raw=st.binary(max_size=200))
def test_any_bytes_parse_into_an_answer_or_one_typed_error(raw):
    problem: str | None = None
    try:  # any other exception fails the test
        data, request_id = parse_response(200, raw)
    except (TransportError, APIError) as error:
        problem = str(error)
    else:
        assert isinstance(data, dict)
        assert "RequestId" not in data
        assert request_id is None or isinstance(request_id, str)
    assert problem is None or problem.strip()


def test_transient_faults_are_retried_until_success(start_emulator):
    emulator = start_emulator(
        faults=FaultPlan(persistent={}, rates={"dberror": 0.5, "http503": 0.5}, max_consecutive=2)
    )
    attempts = []
    client = make_client(emulator, on_attempt=lambda action, status, secs, err: attempts.append(err))
    result = client.describe_campaign(emulator.store.sdk_app_id, emulator.store.first_id)
    assert result.data["CampaignId"] == emulator.store.first_id
    assert result.attempts == 3
    assert len(attempts) == 3
    assert attempts[-1] is None


def test_retries_stop_at_max_attempts_and_say_how_many(start_emulator):
    emulator = start_emulator(faults=FaultPlan(persistent={2569: "dberror"}))
    with pytest.raises(APIError) as caught:
        make_client(emulator, attempts=3).describe_campaign(emulator.store.sdk_app_id, 2569)
    assert caught.value.code == "InternalError.DBError"
    assert caught.value.attempts == 3
    assert emulator.stats()["requests"]["DescribePredictiveDialingCampaign"] == 3


def test_fatal_errors_are_not_retried(emulator):
    with pytest.raises(APIError) as caught:
        make_client(emulator, key="wrong").describe_campaign(emulator.store.sdk_app_id, 2569)
    assert caught.value.code == "AuthFailure.SignatureFailure"
    assert caught.value.attempts == 1


def test_every_attempt_is_signed_afresh(start_emulator, monkeypatch):
    emulator = start_emulator(faults=FaultPlan(persistent={2569: "http502"}))
    now = int(time.time())
    ticks = iter(range(now, now + 100))
    client = make_client(emulator, attempts=3)
    monkeypatch.setattr(client._auth, "clock", lambda: next(ticks))
    with pytest.raises(TransportError):
        client.describe_campaign(emulator.store.sdk_app_id, 2569)
    assert next(ticks) == now + 3  # three signatures, three timestamps


def test_total_wait_is_capped(start_emulator):
    emulator = start_emulator(faults=FaultPlan(persistent={2569: "dberror"}))
    client = make_client(emulator, attempts=50)
    client.retry = RetryPolicy(max_attempts=50, base_seconds=0.05, max_total_wait=0.2)
    with pytest.raises(APIError) as caught:
        client.describe_campaign(emulator.store.sdk_app_id, 2569)
    assert 2 <= caught.value.attempts < 50


def test_an_answer_slower_than_the_timeout_is_a_transport_error(start_emulator):
    emulator = start_emulator(faults=FaultPlan(persistent={2569: "slow"}, slow_seconds=2))
    with pytest.raises(TransportError, match=r"no answer within 0\.3 s"):
        make_client(emulator, attempts=1, timeout=0.3).describe_campaign(emulator.store.sdk_app_id, 2569)


def test_an_unreachable_host_names_the_reason():
    client = CCCClient(
        api_url="http://127.0.0.1:9",
        credentials=Credentials("a", "b"),
        pacers=Pacers(100),
        retry=RetryPolicy(max_attempts=1),
    )
    with pytest.raises(TransportError, match="Connection refused"):
        client.describe_campaign(1, 1)


class FakeClock:
    """The pacer's clock: waiting at the pacer moves it instead of sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def wait(self, condition: object, seconds: float) -> None:
        self.now += seconds


def stop_after(limit: int):
    """An attempt hook that fails the test once a call made ``limit`` attempts: a retry loop that
    never ends shows up as this failure, not as a hung test."""
    seen = []

    def hook(action, status, seconds, error) -> None:
        seen.append(error)
        assert len(seen) < limit, f"still retrying after {limit} attempts"

    return hook


def test_a_call_throttled_on_every_attempt_stops_even_with_no_time_between_attempts(start_emulator):
    # No backoff and a pacer that does not slow down: no time passes between attempts, so only
    # an attempt bound ends the call.
    emulator = start_emulator(rate_limit=None, faults=FaultPlan(actions={DESCRIBE: "ratelimit"}))
    client = CCCClient(
        api_url=emulator.url,
        credentials=Credentials(DEMO_CREDENTIAL.secret_id, DEMO_CREDENTIAL.secret_key),
        pacers=Pacers(1000, adaptive=False),
        retry=RetryPolicy(max_attempts=3, base_seconds=0, max_total_wait=10**9),
        rng=random.Random(0),
        on_attempt=stop_after(50),
    )
    with pytest.raises(APIError) as caught:
        client.describe_campaign(emulator.store.sdk_app_id, emulator.store.first_id)
    assert caught.value.code == "RequestLimitExceeded"
    # max_attempts is 3, but throttling gets at least client.MIN_THROTTLED_ATTEMPTS (10).
    assert caught.value.attempts == 10
    assert emulator.stats()["requests"][DESCRIBE] == 10


def test_the_wait_at_the_pacer_counts_in_max_retry_seconds(start_emulator):
    # One call a second and no backoff: each retry waits 1 s at the pacer. 2.5 s allow two retries;
    # the third would be let go at 3 s, so it is not waited for.
    emulator = start_emulator(rate_limit=None, faults=FaultPlan(actions={DESCRIBE: "dberror"}))
    clock = FakeClock()
    client = CCCClient(
        api_url=emulator.url,
        credentials=Credentials(DEMO_CREDENTIAL.secret_id, DEMO_CREDENTIAL.secret_key),
        pacers=Pacers(1, guard=0.0, adaptive=False, clock=clock, wait=clock.wait),
        retry=RetryPolicy(max_attempts=50, base_seconds=0, max_total_wait=2.5),
        rng=random.Random(0),
    )
    with pytest.raises(APIError) as caught:
        client.describe_campaign(emulator.store.sdk_app_id, emulator.store.first_id)
    assert caught.value.code == "InternalError.DBError"
    assert caught.value.attempts == 3
    assert emulator.stats()["requests"][DESCRIBE] == 3
    assert clock.now == 1002.0  # the slot at 1003 was not waited for


def test_throttled_retries_wait_at_the_slowing_pacer_and_stop_within_max_retry_seconds(start_emulator):
    # Throttled on every attempt, no backoff: the adaptive pacer slows down on each answer, and
    # its waits use up the 3 s before the throttled attempts run out.
    emulator = start_emulator(rate_limit=None, faults=FaultPlan(actions={DESCRIBE: "ratelimit"}))
    clock = FakeClock()
    pacers = Pacers(1, guard=0.0, clock=clock, wait=clock.wait)
    client = CCCClient(
        api_url=emulator.url,
        credentials=Credentials(DEMO_CREDENTIAL.secret_id, DEMO_CREDENTIAL.secret_key),
        pacers=pacers,
        retry=RetryPolicy(max_attempts=50, base_seconds=0, max_total_wait=3),
        rng=random.Random(0),
        on_attempt=stop_after(100),
    )
    with pytest.raises(APIError) as caught:
        client.describe_campaign(emulator.store.sdk_app_id, emulator.store.first_id)
    # Intervals at 1/s, then 0.85/s, 0.72/s, ...: 1 s + 1.18 s waited, the next 1.38 s would pass 3 s.
    assert caught.value.attempts == 3
    assert clock.now - 1000.0 <= 3
