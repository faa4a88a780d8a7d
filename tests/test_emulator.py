"""The emulator's own behaviour: protocol errors, rate limit, data, faults and counters."""

from __future__ import annotations

import itertools
import json
import threading

import pytest
import requests
from ccc_emulator import Emulator, status
from ccc_emulator.auth import DEMO_CREDENTIAL
from ccc_emulator.data import CampaignStore
from ccc_emulator.faults import FaultPlan
from tencentcloud.ccc.v20200210 import models

from tap_ccc_campaign.api import signer


def post(
    emulator: Emulator,
    action: str,
    params: dict,
    *,
    version: str = "2020-02-10",
    key: str | None = None,
    session: requests.Session | None = None,
) -> requests.Response:
    body = json.dumps(params).encode()
    prepared = requests.Request(
        "POST", emulator.url + "/", data=body, headers={"X-TC-Action": action, "X-TC-Version": version}
    ).prepare()
    creds = signer.Credentials(DEMO_CREDENTIAL.secret_id, key or DEMO_CREDENTIAL.secret_key)
    signer.TC3Auth(creds, "ccc")(prepared)
    return (session or requests.Session()).send(prepared, timeout=10)


def error_code(response: requests.Response) -> str | None:
    return response.json()["Response"].get("Error", {}).get("Code")


def test_every_answer_carries_a_request_id(emulator):
    ok = post(emulator, "DescribePredictiveDialingCampaign", {"SdkAppId": 1400000000, "CampaignId": 2569})
    bad = post(emulator, "DescribePredictiveDialingCampaign", {"SdkAppId": 1400000000, "CampaignId": 1})
    assert ok.json()["Response"]["RequestId"]
    assert bad.json()["Response"]["RequestId"]


def test_unknown_action_and_wrong_version_get_tencent_codes(emulator):
    assert error_code(post(emulator, "DescribeNothing", {})) == "InvalidAction"
    assert error_code(post(emulator, "DescribePredictiveDialingCampaign", {}, version="2017-03-12")) == "NoSuchVersion"


def test_unknown_secret_id_and_malformed_authorization_are_refused(emulator):
    body = b'{"SdkAppId": 1400000000, "CampaignId": 2569}'
    headers = {
        "X-TC-Action": "DescribePredictiveDialingCampaign",
        "X-TC-Version": "2020-02-10",
        "Content-Type": "application/json",
    }
    malformed = requests.post(emulator.url, data=body, headers={**headers, "Authorization": "Basic abc"}, timeout=5)
    assert error_code(malformed) == "AuthFailure.InvalidAuthorization"
    prepared = requests.Request("POST", emulator.url + "/", data=body, headers=headers).prepare()
    signer.TC3Auth(signer.Credentials("AKIDunknown", "k"), "ccc")(prepared)
    assert error_code(requests.Session().send(prepared, timeout=5)) == "AuthFailure.SecretIdNotFound"


def test_a_tampered_body_fails_the_signature(emulator):
    prepared = requests.Request(
        "POST",
        emulator.url + "/",
        data=b'{"SdkAppId": 1400000000, "CampaignId": 2569}',
        headers={"X-TC-Action": "DescribePredictiveDialingCampaign", "X-TC-Version": "2020-02-10"},
    ).prepare()
    signer.TC3Auth(signer.Credentials(DEMO_CREDENTIAL.secret_id, DEMO_CREDENTIAL.secret_key), "ccc")(prepared)
    prepared.body = b'{"SdkAppId": 1400000000, "CampaignId": 2570}'
    assert error_code(requests.Session().send(prepared, timeout=5)) == "AuthFailure.SignatureFailure"


def test_missing_and_mistyped_parameters(emulator):
    assert (
        error_code(post(emulator, "DescribePredictiveDialingCampaign", {"SdkAppId": 1400000000})) == "MissingParameter"
    )
    mistyped = post(emulator, "DescribePredictiveDialingCampaign", {"SdkAppId": 1400000000, "CampaignId": "x"})
    assert error_code(mistyped) == "InvalidParameter"
    too_big = post(
        emulator, "DescribePredictiveDialingCampaigns", {"SdkAppId": 1400000000, "PageSize": 101, "PageNumber": 0}
    )
    assert error_code(too_big) == "InvalidParameterValue"


def test_data_is_deterministic_by_seed_and_covers_every_field():
    a, b, c = CampaignStore(seed=1), CampaignStore(seed=1), CampaignStore(seed=2)
    assert [a.campaign(i) for i in a.ids()] == [b.campaign(i) for i in b.ids()]
    assert [a.campaign(i) for i in a.ids()] != [c.campaign(i) for i in c.ids()]
    every = [a.campaign(i) for i in a.ids()]
    # Every field the official SDK's response model has, no more, no fewer.
    sdk_fields = set(vars(models.DescribePredictiveDialingCampaignResponse())) - {"_RequestId"}
    assert {f"_{name}" for name in every[0]} == sdk_fields
    assert any(c["Variables"] == [] for c in every)
    assert any(c["Variables"] for c in every)
    assert any(c["UUI"] == "" for c in every)
    assert any(not c["Name"].isascii() for c in every)


def test_rate_limit_rejects_past_the_limit_in_a_trailing_second(start_emulator):
    emulator = start_emulator(rate_limit=5)
    session = requests.Session()
    codes = [
        error_code(
            post(
                emulator,
                "DescribePredictiveDialingCampaign",
                {"SdkAppId": 1400000000, "CampaignId": 2569},
                session=session,
            )
        )
        for _ in range(8)
    ]
    assert codes[:5] == [None] * 5
    assert set(codes[5:]) == {"RequestLimitExceeded"}
    stats = emulator.stats()
    assert stats["rejections"] == {"DescribePredictiveDialingCampaign": 3}
    assert stats["peak_per_second"]["DescribePredictiveDialingCampaign"] == 8


def test_latency_is_served_concurrently(start_emulator):
    emulator = start_emulator(latency=2.0, rate_limit=None)
    results: list[int] = []

    def call() -> None:
        results.append(
            post(
                emulator, "DescribePredictiveDialingCampaign", {"SdkAppId": 1400000000, "CampaignId": 2569}
            ).status_code
        )

    threads = [threading.Thread(target=call) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert results == [200] * 10
    # Answers overlapped: several were waiting out their latency at once (counted, not timed).
    assert emulator.stats()["peak_in_flight"] >= 2


def test_transient_faults_are_deterministic_and_stop_after_max_consecutive():
    plan = FaultPlan(rates={"dberror": 0.5, "http503": 0.5}, seed=7, max_consecutive=2)
    first = [plan.pick("A", cid, 1, cid) for cid in range(50)]
    assert first == [plan.pick("A", cid, 1, cid) for cid in range(50)]
    assert set(first) == {"dberror", "http503"}
    assert all(plan.pick("A", cid, 3, cid) is None for cid in range(50))


def test_unknown_fault_kind_is_refused():
    with pytest.raises(ValueError, match="unknown fault kind"):
        FaultPlan(rates={"meteor": 0.1})


@pytest.mark.parametrize(
    ("kind", "check"),
    [
        ("dberror", lambda r: error_code(r) == "InternalError.DBError"),
        ("ratelimit", lambda r: error_code(r) == "RequestLimitExceeded"),
        ("http502", lambda r: r.status_code == 502),
        ("http504", lambda r: r.status_code == 504),
        ("notjson", lambda r: r.status_code == 200 and r.text.startswith("<html>")),
        ("noresponse", lambda r: "Response" not in r.json()),
        ("wrongtype", lambda r: r.json()["Response"]["Priority"] == "high"),
    ],
)
def test_persistent_fault_on_a_chosen_campaign(start_emulator, kind, check):
    emulator = start_emulator(faults=FaultPlan(persistent={2570: kind}))
    assert check(post(emulator, "DescribePredictiveDialingCampaign", {"SdkAppId": 1400000000, "CampaignId": 2570}))
    healthy = post(emulator, "DescribePredictiveDialingCampaign", {"SdkAppId": 1400000000, "CampaignId": 2571})
    assert healthy.json()["Response"]["CampaignId"] == 2571
    assert emulator.stats()["faults"] == {kind: 1}


def test_a_dropped_connection_gives_no_answer(start_emulator):
    emulator = start_emulator(faults=FaultPlan(persistent={2570: "drop"}))
    with pytest.raises(requests.ConnectionError):
        post(emulator, "DescribePredictiveDialingCampaign", {"SdkAppId": 1400000000, "CampaignId": 2570})


def test_extra_field_is_added_to_every_campaign(start_emulator):
    emulator = start_emulator(faults=FaultPlan(extra_field=True))
    answer = post(emulator, "DescribePredictiveDialingCampaign", {"SdkAppId": 1400000000, "CampaignId": 2570})
    assert answer.json()["Response"]["NewerVersionField"] == 7


def test_a_neighbour_spends_the_accounts_budget_and_is_counted_apart(start_emulator):
    emulator = start_emulator(rate_limit=5)
    answer = requests.post(emulator.url + "/_emulator/neighbour", json={"rate": 50, "seconds": 0.2}, timeout=5)
    assert answer.json()["rate"] == 50
    emulator.neighbours[0].wait()
    done = requests.get(emulator.url + "/_emulator/stats", timeout=5).json()
    (neighbour,) = done["neighbours"]
    assert neighbour["accepted"] + neighbour["rejected"] == 10
    assert neighbour["accepted"] >= 5  # at most 5 in a trailing second, and the calls span 0.2 s or more
    assert done["requests"] == done["rejections"] == {}
    assert requests.get(emulator.url + "/_emulator/requests", timeout=5).json() == []


def test_a_neighbour_needs_a_rate_and_a_duration(emulator):
    answer = requests.post(emulator.url + "/_emulator/neighbour", json={"rate": 0, "seconds": 1}, timeout=5)
    assert answer.status_code == 400
    assert "positive rate" in answer.json()["error"]


def test_counters_and_log_over_http(emulator):
    post(emulator, "DescribePredictiveDialingCampaign", {"SdkAppId": 1400000000, "CampaignId": 2569})
    post(emulator, "DescribePredictiveDialingCampaign", {"SdkAppId": 1400000000, "CampaignId": 3})
    stats = requests.get(emulator.url + "/_emulator/stats", timeout=5).json()
    assert stats["requests"] == {"DescribePredictiveDialingCampaign": 2}
    assert stats["errors"] == {"InvalidParameterValue": 1}
    log = requests.get(emulator.url + "/_emulator/requests", timeout=5).json()
    assert [(e["campaign_id"], e["outcome"]) for e in log] == [(2569, "ok"), (3, "InvalidParameterValue")]


def test_keep_alive_reuses_one_connection(emulator):
    session = requests.Session()
    for _ in range(3):
        post(
            emulator, "DescribePredictiveDialingCampaign", {"SdkAppId": 1400000000, "CampaignId": 2569}, session=session
        )
    pool = next(iter(session.adapters["http://"].poolmanager.pools._container.values()))
    assert pool.num_connections == 1


def test_sparse_ids_are_increasing_with_gaps_up_to_the_step():
    store = CampaignStore(count=200, id_step=9, seed=3)
    ids = store.ids()
    gaps = [b - a for a, b in itertools.pairwise(ids)]
    assert min(gaps) >= 1
    assert max(gaps) <= 9
    assert len(set(gaps)) > 1


@pytest.mark.parametrize("order", ["id", "reverse", "shuffled"])
def test_the_list_holds_every_campaign_once_in_the_chosen_order(order):
    store = CampaignStore(count=50, order=order, seed=1)
    listed = store.listed_ids()
    assert sorted(listed) == store.ids()
    assert (listed == store.ids()) == (order == "id")
    assert (listed == store.ids()[::-1]) == (order == "reverse")


def test_the_world_moves_on_by_the_apis_rules():
    store = CampaignStore(count=20)
    new = store.create(2)
    assert new[0] > max(store.ids()[:-2])
    assert all(store.campaign(cid)["Status"] == 0 for cid in new)
    store.edit(new[0], Priority=1)  # not started: settings may change
    assert store.campaign(new[0])["Priority"] == 1
    store.set_status(new[0], 1)
    with pytest.raises(ValueError, match="cannot change"):
        store.edit(new[0], Priority=2)  # started: they may not
    store.set_status(new[0], 4)
    with pytest.raises(ValueError, match="cannot become"):
        store.set_status(new[0], 1)  # finished is terminal
    store.delete(2570)
    assert not store.has(2570)
    assert 2570 not in store.listed_ids()
    store.restore(2570)
    assert store.has(2570)


def test_each_app_answers_for_its_own_campaigns(start_emulator):
    apps = [CampaignStore(sdk_app_id=1400000000 + n, count=3, first_id=10 * (n + 1)) for n in range(2)]
    emulator = start_emulator(stores=apps)
    listing = post(
        emulator, "DescribePredictiveDialingCampaigns", {"SdkAppId": 1400000001, "PageSize": 10, "PageNumber": 0}
    )
    assert [c["CampaignId"] for c in listing.json()["Response"]["CampaignList"]] == [20, 21, 22]
    wrong_app = post(emulator, "DescribePredictiveDialingCampaign", {"SdkAppId": 1400000000, "CampaignId": 20})
    assert error_code(wrong_app) == "InvalidParameterValue"
    assert error_code(
        post(emulator, "DescribePredictiveDialingCampaigns", {"SdkAppId": 7, "PageSize": 10, "PageNumber": 0})
    ) == ("InvalidParameterValue.InstanceNotExist")


def test_the_command_line_sets_action_faults_and_the_answers_encoding():
    from ccc_emulator.cli import build, parser

    emulator = build(parser().parse_args(["--fault-action", "DescribeTelCdr=notjson", "--encoding", "none"])).start()
    try:
        assert dict(emulator.faults.actions) == {"DescribeTelCdr": "notjson"}
        assert emulator.encoding is None
    finally:
        emulator.stop()


def test_the_emulator_stands_alone_without_the_taps_code():
    import subprocess
    import sys

    probe = "import sys, ccc_emulator.server, ccc_emulator.cli; print(sorted(m for m in sys.modules if m.startswith('tap_ccc')))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_an_agents_status_history_matches_the_calls_the_agent_took():
    store = CampaignStore(count=25, callees=12, history_days=60, seed=6)
    taken: dict[str, set[str]] = {}
    for cid in store.ids():
        for session in store.sessions(cid):
            call = store.call(session)
            if call and call["SeatUser"]:
                taken.setdefault(call["SeatUser"]["Mail"], set()).add(session)
    assert taken
    for mail in store.directory.agent_mails():
        history = store.status_history(mail)
        busy = [e["SessionId"] for e in history if e["Status"] == "busy"]
        assert sorted(busy) == sorted(taken.get(mail, ()))
        assert [e["Timestamp"] for e in history] == sorted(e["Timestamp"] for e in history)


@pytest.mark.parametrize(("clamps", "second"), [(False, range(100, 130)), (True, range(30, 60))])
def test_a_page_cap_cuts_every_list_page_where_the_page_size_asked_or_the_cap_places_it(start_emulator, clamps, second):
    emulator = start_emulator(store=CampaignStore(count=180), faults=FaultPlan(page_cap=30, page_cap_clamps=clamps))
    ids = emulator.store.ids()
    for number, want in ((0, range(30)), (1, second)):
        params = {"SdkAppId": emulator.store.sdk_app_id, "PageSize": 100, "PageNumber": number}
        answer = post(emulator, "DescribePredictiveDialingCampaigns", params).json()["Response"]
        assert answer["TotalCount"] == 180
        assert [c["CampaignId"] for c in answer["CampaignList"]] == [ids[i] for i in want]


def test_a_cycling_cursor_answers_the_first_page_again_after_k_pages(start_emulator):
    store = CampaignStore(count=25, callees=12, history_days=60, seed=6)
    emulator = start_emulator(store=store, faults=FaultPlan(cursor_cycle_after=2))
    agent = store.directory.agent_mails()[0]
    history = store.status_history(agent)
    assert len(history) > 6
    window = {"StartTimestamp": history[0]["Timestamp"], "EndTimestamp": history[0]["Timestamp"] + 7 * 86400 - 1}
    params = {"SdkAppId": store.sdk_app_id, "StaffUserId": agent, "PageSize": 2, **window}
    pages, cursor = [], None
    for _ in range(3):
        asked = {**params, **({"Cursor": cursor} if cursor else {})}
        data = post(emulator, "DescribeStaffStatusHistory", asked).json()["Response"]["Data"]
        pages.append([e["Cursor"] for e in data])
        cursor = data[-1]["Cursor"]
    assert pages[2] == pages[0] != pages[1]


def test_the_command_line_sets_the_page_faults():
    from ccc_emulator.cli import build, parser

    args = parser().parse_args(["--page-cap", "7", "--page-cap-clamps", "--cursor-cycle-after", "3"])
    emulator = build(args).start()
    try:
        assert (emulator.faults.page_cap, emulator.faults.page_cap_clamps) == (7, True)
        assert emulator.faults.cursor_cycle_after == 3
    finally:
        emulator.stop()


def test_agents_status_histories_asked_for_at_once_are_made_once(monkeypatch):
    # A tap syncing its streams side by side asks many agents' histories at the same moment: made
    # by each request, they took minutes on a busy machine.
    store = CampaignStore(count=20, seed=3)
    made = []
    build = status.build
    gate = threading.Barrier(8)

    def counted(*args, **kwargs):
        made.append(1)
        return build(*args, **kwargs)

    monkeypatch.setattr(status, "build", counted)
    agents = [a["Mail"] for a in store.directory.agents()]

    def ask(mail: str) -> None:
        gate.wait()
        store.status_history(mail)

    threads = [threading.Thread(target=ask, args=(agents[k % len(agents)],)) for k in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made) == 1


def test_the_command_line_sizes_the_campaigns_like_the_store_it_serves():
    from ccc_emulator.cli import build, parser

    store = build(parser().parse_args(["--campaigns", "5", "--callees", "900", "--history-days", "60"])).store
    same = CampaignStore(count=5, callees=900, history_days=60)
    assert [store.sessions(cid) for cid in store.ids()] == [same.sessions(cid) for cid in same.ids()]
    default = CampaignStore(count=5)
    assert sum(map(len, map(store.sessions, store.ids()))) > sum(map(len, map(default.sessions, default.ids())))
