"""What the client does with answers no Tencent server gives, and with inputs HTTP cannot carry."""

from __future__ import annotations

import random

import pytest

from tap_ccc_campaign.api.client import CCCClient, RetryPolicy
from tap_ccc_campaign.api.errors import TransportError
from tap_ccc_campaign.api.pacing import Pacers
from tap_ccc_campaign.api.signer import Credentials
from tests.helpers import free_port
from tests.http_stub import Reply, ok, serve, throttled

SECRET_KEY = "SECRET-KEY-sentinel-1234"


def client(url: str, *, attempts: int = 4, timeout: float = 10, token: str | None = None, pacers=None) -> CCCClient:
    return CCCClient(
        api_url=url,
        credentials=Credentials("AKIDtest", SECRET_KEY, token),
        pacers=pacers or Pacers(1000),
        timeout=timeout,
        retry=RetryPolicy(max_attempts=attempts, base_seconds=0.001, max_total_wait=30),
        rng=random.Random(0),
    )


def failure(c: CCCClient) -> TransportError:
    with pytest.raises(TransportError) as caught:
        c.call("DescribePredictiveDialingCampaign", {"SdkAppId": 1, "CampaignId": 1})
    return caught.value


@pytest.mark.parametrize("status", [400, 403, 404, 405])
def test_a_client_error_status_is_fatal_at_once_and_names_api_url(status):
    with serve(lambda n: Reply(status=status, body=b"<html>no</html>", headers={"Content-Type": "text/html"})) as stub:
        error = failure(client(stub.url))
    assert stub.calls == 1
    assert error.fatal
    assert str(error).startswith(f"api_url: HTTP {status} from {stub.url}/")


def test_a_redirect_is_not_followed_and_names_where_it_points():
    location = "https://ccc.example.com/?token=abc"
    with serve(lambda n: Reply(status=301, headers={"Location": location})) as stub:
        error = failure(client(stub.url))
    assert stub.calls == 1
    assert error.fatal
    assert str(error) == (
        "api_url: the endpoint redirects (HTTP 301 to https://ccc.example.com/); set api_url to the final address"
    )


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_server_side_statuses_are_retried(status):
    with serve(lambda n: Reply(status=status) if n < 3 else ok()) as stub:
        result = client(stub.url).call("DescribePredictiveDialingCampaign", {"SdkAppId": 1, "CampaignId": 1})
    assert (result.data, result.attempts, stub.calls) == ({"CampaignId": 1}, 3, 3)


def test_a_trickling_answer_is_cut_off_at_the_call_deadline():
    body = ok().body + b" " * 200  # about 260 bytes at one byte per 0.2 s: 50 s if read to the end
    with serve(lambda n: Reply(body=body, byte_interval=0.2)) as stub:
        error = failure(client(stub.url, attempts=1, timeout=1))
        sent = stub.bytes_sent
    assert str(error) == "the answer did not arrive in full within request_timeout"
    assert sent < len(body)


def test_throttling_answers_do_not_use_up_the_attempts_and_slow_the_limiter():
    pacers = Pacers(1000)
    with serve(lambda n: throttled() if n <= 6 else ok()) as stub:
        result = client(stub.url, attempts=2, pacers=pacers).call(
            "DescribePredictiveDialingCampaign", {"SdkAppId": 1, "CampaignId": 1}
        )
    assert (result.attempts, stub.calls) == (7, 7)
    pacer = pacers.for_action("DescribePredictiveDialingCampaign")
    assert pacer.decreases >= 1
    assert pacer.rate < 1000


def test_a_token_with_a_line_break_fails_in_one_line_that_does_not_show_it():
    token = "TOKEN-sentinel\r\nX-Evil: 1"
    with serve(lambda n: ok()) as stub:
        error = failure(client(stub.url, token=token))
    assert stub.calls == 0
    assert error.fatal
    assert "HTTP headers cannot carry" in str(error)
    for secret in ("TOKEN-sentinel", SECRET_KEY, "Signature=", "TC3-HMAC"):
        assert secret not in str(error)
        assert error.__cause__ is None or secret not in str(error.__cause__)


def test_https_to_a_plain_http_server_is_a_tls_error_at_once():
    with serve(lambda n: ok()) as stub:
        error = failure(client(stub.url.replace("http://", "https://")))
    assert error.fatal
    assert str(error).startswith("TLS error talking to api_url: ")


def test_a_dead_proxy_is_named_as_the_proxy(monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", f"http://user:proxy-pw@127.0.0.1:{free_port()}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    with serve(lambda n: ok()) as stub:
        error = failure(client(stub.url, attempts=2))
    assert stub.calls == 0
    assert str(error).startswith("cannot reach the proxy (HTTP(S)_PROXY): ")
    assert "proxy-pw" not in str(error)
