"""The real pipeline: `meltano run` from the emulator into DuckDB and PostgreSQL, queried back."""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from pathlib import Path

import duckdb
import psycopg
import pytest
import yaml
from ccc_emulator.auth import Credential
from ccc_emulator.data import CampaignStore

from tap_ccc_campaign.api import cdr
from tap_ccc_campaign.validation import load_schema
from tests import postgres
from tests.dbt_models import (
    PERFORMANCE_QUERY,
    assert_agent_and_auto_callout_marts,
    assert_analyst_queries_answer,
    assert_docs_describe_every_mart_column,
    assert_every_node_passed,
    assert_same_performance,
    assert_sources_are_fresh,
    dbt_build,
    expected_performance,
    performance_rows,
)
from tests.meltano import meltano

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
COLUMNS = [c for c in load_schema()["properties"] if c != "_sdc_deleted_at"]


@pytest.fixture(scope="module")
def installed() -> None:
    meltano("install", env={})


@pytest.fixture
def pipeline_env(start_emulator, tmp_path):
    emulator = start_emulator(store=CampaignStore(count=60))
    ids = list(emulator.store.ids())
    env = {
        "TAP_CCC_CAMPAIGN_API_URL": emulator.url,
        "TAP_CCC_CAMPAIGN_CAMPAIGN_IDS": json.dumps(ids),
        "MELTANO_STATE_BACKEND_URI": f"file://{tmp_path}/state",
        "TARGET_DUCKDB_FILEPATH": str(tmp_path / "warehouse.duckdb"),
    }
    return emulator, ids, env


def expected_rows(emulator, ids):
    return {cid: {**emulator.store.campaign(cid), "SdkAppId": emulator.store.sdk_app_id} for cid in ids}


def test_meltano_run_into_duckdb_twice_leaves_one_row_per_campaign_equal_to_the_api(installed, pipeline_env, tmp_path):
    emulator, ids, env = pipeline_env
    for _ in range(2):
        meltano("--environment=demo", "run", "tap-ccc-campaign", "target-duckdb", env=env)
    with duckdb.connect(env["TARGET_DUCKDB_FILEPATH"], read_only=True) as db:
        cursor = db.execute(f"select {', '.join(c.lower() for c in COLUMNS)} from ccc.predictive_dialing_campaigns")
        rows = [dict(zip(COLUMNS, row, strict=True)) for row in cursor.fetchall()]
    assert sorted(r["CampaignId"] for r in rows) == ids
    expected = expected_rows(emulator, ids)
    for row in rows:
        row["Variables"] = json.loads(row["Variables"])
        want = expected[row["CampaignId"]]
        # target-duckdb loads an empty string as NULL (its CSV staging); every other value is exact.
        want = {**want, "UUI": want["UUI"] or None}
        assert row == want


def test_meltano_run_into_postgres_twice_leaves_one_row_per_campaign_equal_to_the_api(installed, pipeline_env):
    bin_dir = postgres.server_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries are not installed (scripts/ensure_postgres.sh installs them)")
    emulator, ids, env = pipeline_env
    with postgres.running_server(bin_dir) as server:
        for _ in range(2):
            meltano("--environment=demo", "run", "tap-ccc-campaign", "target-postgres", env={**env, **server.env()})
        with psycopg.connect(host=server.host, port=server.port, user=server.user, dbname=server.database) as db:
            quoted = ", ".join(f'"{c}"' for c in COLUMNS)
            cursor = db.execute(f"select {quoted} from ccc.predictive_dialing_campaigns")
            rows = [dict(zip(COLUMNS, row, strict=True)) for row in cursor.fetchall()]
    assert sorted(r["CampaignId"] for r in rows) == ids
    expected = expected_rows(emulator, ids)
    for row in rows:
        assert row == expected[row["CampaignId"]]


def test_meltano_config_lists_every_setting_with_its_description(installed):
    # Meltano 4 spells it `config list PLUGIN` (older releases: `config PLUGIN list`).
    listing = meltano("config", "list", "tap-ccc-campaign", "--all", env={}).stdout
    definition = yaml.safe_load((ROOT / "plugins/extractors/tap-ccc-campaign--tap-ccc-campaign.yml").read_text())
    for setting in definition["settings"]:
        assert setting["name"] in listing
        assert setting["description"].split(".")[0] in " ".join(listing.split())


def duckdb_rows(path: str) -> dict[int, tuple]:
    with duckdb.connect(path, read_only=True) as db:
        found = db.execute("select campaignid, status, name, _sdc_deleted_at from ccc.predictive_dialing_campaigns")
        return {row[0]: row[1:] for row in found.fetchall()}


def postgres_rows(server) -> dict[int, tuple]:
    with psycopg.connect(host=server.host, port=server.port, user=server.user, dbname=server.database) as db:
        found = db.execute(
            'select "CampaignId", "Status", "Name", "_sdc_deleted_at" from ccc.predictive_dialing_campaigns'
        )
        return {row[0]: row[1:] for row in found.fetchall()}


def three_runs_with_deletions(run, rows, emulator) -> None:
    """Run 1 loads the app; the world moves on; run 2 marks the deleted; run 3 fails and marks nothing new."""
    store = emulator.store
    run(expect_success=True)
    first = rows()
    assert sorted(first) == store.ids()
    assert all(deleted is None for _, _, deleted in first.values())

    deleted = store.ids()[5:15]
    for cid in deleted:
        store.delete(cid)
    created = store.create(10)
    started = [cid for cid in store.ids() if store.campaign(cid)["Status"] == 0][:3]
    for cid in started:
        store.set_status(cid, 1)
    run(expect_success=True)
    second = rows()
    for cid in store.ids():  # every live campaign live, with its values as they are now
        status, name, deleted_at = second[cid]
        assert (status, name, deleted_at) == (store.campaign(cid)["Status"], store.campaign(cid)["Name"], None)
    assert set(created) <= set(second)
    for cid in deleted:
        status, name, deleted_at = second[cid]
        assert deleted_at is not None, f"campaign {cid} is gone but not marked deleted"
        # What README says a deleted row holds: the keys and the flag; the settings are gone.
        assert (status, name) == (None, None)
    assert len(second) == len(store.ids()) + len(deleted)

    gone_later = store.ids()[-3:]
    for cid in gone_later:
        store.delete(cid)
    # Run 3 fails on one campaign; a not-started one, which every sync reads again.
    not_started = next(cid for cid in store.ids() if store.campaign(cid)["Status"] == 0)
    emulator.faults.persistent[not_started] = "dberror"
    run(expect_success=False)
    third = rows()
    for cid in gone_later:
        assert third[cid][2] is None, "a sync that failed marked a campaign deleted"
    assert {cid for cid, row in third.items() if row[2] is not None} == set(deleted)


@pytest.fixture
def discovery_env(start_emulator, tmp_path):
    emulator = start_emulator(store=CampaignStore(count=60, id_step=5, order="shuffled"))
    env = {
        "TAP_CCC_CAMPAIGN_API_URL": emulator.url,
        "TAP_CCC_CAMPAIGN_MAX_ATTEMPTS": "2",
        "MELTANO_STATE_BACKEND_URI": f"file://{tmp_path}/state",
        "TARGET_DUCKDB_FILEPATH": str(tmp_path / "warehouse.duckdb"),
    }
    return emulator, env


def test_deleted_campaigns_are_marked_in_duckdb_only_after_a_complete_sync(installed, discovery_env):
    emulator, env = discovery_env

    def run(*, expect_success: bool) -> None:
        done = meltano("--environment=demo", "run", "tap-ccc-campaign", "target-duckdb", env=env, check=False)
        assert (done.returncode == 0) == expect_success, done.stderr[-3000:]

    three_runs_with_deletions(run, lambda: duckdb_rows(env["TARGET_DUCKDB_FILEPATH"]), emulator)


def test_deleted_campaigns_are_marked_in_postgres_only_after_a_complete_sync(installed, discovery_env):
    bin_dir = postgres.server_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries are not installed (scripts/ensure_postgres.sh installs them)")
    emulator, env = discovery_env
    with postgres.running_server(bin_dir) as server:

        def run(*, expect_success: bool) -> None:
            done = meltano(
                "--environment=demo",
                "run",
                "tap-ccc-campaign",
                "target-postgres",
                env={**env, **server.env()},
                check=False,
            )
            assert (done.returncode == 0) == expect_success, done.stderr[-3000:]

        three_runs_with_deletions(run, lambda: postgres_rows(server), emulator)


# Column types the schema's integer widths give (PostgreSQL's names; DuckDB's are the same, upper case).
WIDTHS = {
    "predictive_dialing_campaigns.CampaignId": "bigint",
    "predictive_dialing_campaigns.StartTime": "bigint",
    "predictive_dialing_campaigns.Priority": "integer",
    "predictive_dialing_campaigns.Status": "integer",
    "predictive_dialing_campaign_progress.FinishedCalleeCount": "integer",
    "predictive_dialing_calls.SdkAppId": "bigint",
    "predictive_dialing_calls.AcceptTimestamp": "bigint",
    "predictive_dialing_calls.EndStatus": "integer",
    "predictive_dialing_calls.Duration": "integer",
}

STREAMS = {
    "predictive_dialing_campaign_progress": ["SdkAppId", "CampaignId", "ObservedAt", "Status", "FinishedCalleeCount"],
    "predictive_dialing_sessions": ["SdkAppId", "CampaignId", "SessionId"],
    "predictive_dialing_calls": list(load_schema("predictive_dialing_calls")["properties"]),
    "skill_groups": ["SdkAppId", "SkillGroupId", "SkillGroupName", "RoutePolicy", "MaxConcurrency", "RingAll"],
    "agents": ["SdkAppId", "Mail", "StaffNumber", "RoleId", "LastModifyTimestamp", "SkillGroupList"],
}


@pytest.fixture
def calls_env(start_emulator, tmp_path):
    store = CampaignStore(count=25, callees=12, history_days=60, seed=6)
    # One campaign that called 45, 20 and 1 days ago: its rolling 30 days differ from its days, and
    # the calls are fresh.
    running = next(cid for cid in store.ids() if store.campaign(cid)["Status"] == 1)
    now = int(time.time())
    for days_ago in (45, 20, 1):
        store.grow(running, 30, at=now - days_ago * 86400)
    emulator = start_emulator(store=store, rate_limit=None)
    env = {
        "TAP_CCC_CAMPAIGN_API_URL": emulator.url,
        "MELTANO_STATE_BACKEND_URI": f"file://{tmp_path}/state",
        "TARGET_DUCKDB_FILEPATH": str(tmp_path / "warehouse.duckdb"),
    }
    return store, env


def same_as_the_api(store, tables: dict[str, list[dict]], runs: int, *, empty_is_null: bool) -> None:
    """Every session once, every call once and equal to the API's record, one progress row per campaign per
    run, every skill group and agent once and equal to the API's."""
    for table, items in (("skill_groups", store.directory.skill_groups()), ("agents", store.directory.agents())):
        columns = STREAMS[table]
        want = sorted((tuple(item.get(c, store.sdk_app_id) for c in columns[:-1]) for item in items), key=str)
        got = sorted((tuple(row[c] for c in columns[:-1]) for row in tables[table]), key=str)
        assert got == want, table
    by_mail = {a["Mail"]: a["SkillGroupList"] for a in store.directory.agents()}
    for row in tables["agents"]:
        value = row["SkillGroupList"]
        assert (json.loads(value) if isinstance(value, str) else value) == by_mail[row["Mail"]]
    progress = tables["predictive_dialing_campaign_progress"]
    assert sorted(r["CampaignId"] for r in progress) == sorted(store.ids() * runs)
    sessions = {(cid, s) for cid in store.ids() for s in store.sessions(cid)}
    got_sessions = [(r["CampaignId"], r["SessionId"]) for r in tables["predictive_dialing_sessions"]]
    assert sorted(got_sessions) == sorted(sessions)
    calls = tables["predictive_dialing_calls"]
    assert sorted(r["SessionId"] for r in calls) == sorted(s for _, s in sessions)
    campaign_of = {s: cid for cid, s in sessions}
    for row in calls:
        want = cdr.loadable(store.call(row["SessionId"])) | {
            "SdkAppId": store.sdk_app_id,
            "CampaignId": campaign_of[row["SessionId"]],
        }
        for name, value in row.items():
            if isinstance(value, str) and isinstance(want[name], list | dict):
                value = json.loads(value)  # DuckDB hands JSON back as text
            expected = None if empty_is_null and want[name] == "" else want[name]
            assert value == expected, f"{row['SessionId']}: {name}"


def test_meltano_run_loads_the_four_streams_into_duckdb_equal_to_the_api_and_dbt_models_them(
    installed, calls_env, tmp_path
):
    store, env = calls_env
    for _ in range(2):
        meltano("--environment=demo", "run", "tap-ccc-campaign", "target-duckdb", env=env)
    dbt_env = {**env, "DBT_DUCKDB_PATH": env["TARGET_DUCKDB_FILEPATH"]}
    statuses = dbt_build("dbt-duckdb", dbt_env, tmp_path)
    assert_sources_are_fresh("dbt-duckdb", dbt_env, tmp_path)
    assert_docs_describe_every_mart_column("dbt-duckdb", dbt_env, tmp_path)
    with duckdb.connect(env["TARGET_DUCKDB_FILEPATH"], read_only=True) as db:
        tables = {}
        for table, columns in STREAMS.items():
            cursor = db.execute(f"select {', '.join(c.lower() for c in columns)} from ccc.{table}")
            tables[table] = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        types = dict(
            db.execute(
                "select table_name || '.' || column_name, data_type from information_schema.columns "
                "where table_schema = 'ccc'"
            ).fetchall()
        )
        mart = performance_rows(db.execute(PERFORMANCE_QUERY).fetchall())
        assert_analyst_queries_answer(lambda query: db.execute(query).fetchall())
        assert_agent_and_auto_callout_marts(lambda query: db.execute(query).fetchall(), store)
    assert types["predictive_dialing_calls.seatuser"] == types["predictive_dialing_calls.serveparticipants"] == "JSON"
    assert {name: types[name.lower()] for name in WIDTHS} == {name: kind.upper() for name, kind in WIDTHS.items()}
    same_as_the_api(store, tables, 2, empty_is_null=True)
    assert_every_node_passed(statuses)
    assert_same_performance(mart, expected_performance(store))


def test_meltano_run_loads_the_four_streams_into_postgres_equal_to_the_api_and_dbt_models_them(
    installed, calls_env, tmp_path
):
    bin_dir = postgres.server_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries are not installed (scripts/ensure_postgres.sh installs them)")
    store, env = calls_env
    with postgres.running_server(bin_dir) as server:
        for _ in range(2):
            meltano("--environment=demo", "run", "tap-ccc-campaign", "target-postgres", env={**env, **server.env()})
        with psycopg.connect(host=server.host, port=server.port, user=server.user, dbname=server.database) as db:
            tables = {}
            for table, columns in STREAMS.items():
                quoted = ", ".join(f'"{c}"' for c in columns)
                cursor = db.execute(f"select {quoted} from ccc.{table}")
                tables[table] = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
            types = dict(
                db.execute(
                    "select table_name || '.' || column_name, data_type from information_schema.columns "
                    "where table_schema = 'ccc'"
                ).fetchall()
            )
            statuses = dbt_build("dbt-postgres", {**env, **server.env()}, tmp_path)
            assert_sources_are_fresh("dbt-postgres", {**env, **server.env()}, tmp_path)
            assert_docs_describe_every_mart_column("dbt-postgres", {**env, **server.env()}, tmp_path)
            mart = performance_rows(db.execute(PERFORMANCE_QUERY).fetchall())
            assert_analyst_queries_answer(lambda query: db.execute(query).fetchall())
            assert_agent_and_auto_callout_marts(lambda query: db.execute(query).fetchall(), store)
    # lists arrive as arrays (target-postgres's choice), compared below
    assert types["predictive_dialing_calls.SeatUser"] == "jsonb"
    assert {name: types[name] for name in WIDTHS} == WIDTHS
    assert_every_node_passed(statuses)
    assert_same_performance(mart, expected_performance(store))
    for row in tables["predictive_dialing_campaign_progress"]:
        row["ObservedAt"] = None  # a timestamp in PostgreSQL, a string in the record
    same_as_the_api(store, tables, 2, empty_is_null=False)


def test_the_models_build_with_only_the_streams_loaded_that_ccc_streams_names(installed, pipeline_env, tmp_path):
    _, _, env = pipeline_env
    env = {**env, "TAP_CCC_CAMPAIGN__SELECT": json.dumps(["predictive_dialing_campaigns.*"])}
    meltano("--environment=demo", "run", "tap-ccc-campaign", "target-duckdb", env=env)
    with duckdb.connect(env["TARGET_DUCKDB_FILEPATH"], read_only=True) as db:
        tables = {
            row[0]
            for row in db.execute(
                "select table_name from information_schema.tables where table_schema = 'ccc'"
            ).fetchall()
        }
    assert tables == {"predictive_dialing_campaigns"}
    statuses = dbt_build(
        "dbt-duckdb",
        {**env, "DBT_DUCKDB_PATH": env["TARGET_DUCKDB_FILEPATH"]},
        tmp_path,
        "--vars",
        "{ccc_streams: [predictive_dialing_campaigns]}",
    )
    assert_every_node_passed(statuses)
    models = {node.split(".")[-1] for node in statuses if node.startswith("model.")}
    assert models == {"stg_ccc__campaigns", "stg_ccc__campaign_variables"}


def several_accounts_block() -> list[dict]:
    """The extractors of the YAML block that follows README's <!-- several-accounts --> marker."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- several-accounts -->\s*```yaml\n(.*?)```", text, re.S)
    assert block, "README lost its several-accounts block"
    return yaml.safe_load(block.group(1))["plugins"]["extractors"]


def test_two_accounts_load_into_the_same_tables_with_their_state_kept_apart(installed, start_emulator, tmp_path):
    extractors = several_accounts_block()
    accounts = {e["name"]: e["config"] for e in extractors}
    credentials = {
        name: Credential(f"AKID{name[-5:]}-0000000000000000000000", f"{name}-secret-key") for name in accounts
    }
    stores = [
        CampaignStore(sdk_app_id=config["sdk_app_id"], count=12 + i * 5, first_id=5000 * (i + 1), seed=i)
        for i, config in enumerate(accounts.values())
    ]
    emulator = start_emulator(stores=stores, credentials=list(credentials.values()), rate_limit=None)
    # A project like the user's: this project's plugins, plus README's block.
    project = tmp_path / "project"
    project.mkdir()
    definition = yaml.safe_load((ROOT / "meltano.yml").read_text())
    definition["plugins"]["extractors"] += extractors
    (project / "meltano.yml").write_text(yaml.safe_dump(definition, sort_keys=False))
    (project / ".meltano").symlink_to(ROOT / ".meltano")  # the plugins this project installed
    env = {
        "MELTANO_PROJECT_ROOT": str(project),
        "TAP_CCC_CAMPAIGN_API_URL": emulator.url,
        "MELTANO_STATE_BACKEND_URI": f"file://{tmp_path}/state",
        "TARGET_DUCKDB_FILEPATH": str(tmp_path / "warehouse.duckdb"),
    }
    for name, credential in credentials.items():
        prefix = "CCC_" + name.rsplit("--", 1)[1].upper()
        env[f"{prefix}_SECRET_ID"], env[f"{prefix}_SECRET_KEY"] = credential.secret_id, credential.secret_key
    env["TAP_CCC_CAMPAIGN__SELECT"] = json.dumps(["predictive_dialing_campaigns.*"])
    names = list(accounts)
    meltano("--environment=demo", "run", names[0], "target-duckdb", names[1], "target-duckdb", env=env, cwd=project)
    with duckdb.connect(env["TARGET_DUCKDB_FILEPATH"], read_only=True) as db:
        rows = db.execute("select sdkappid, campaignid from ccc.predictive_dialing_campaigns").fetchall()
    assert sorted(rows) == sorted((store.sdk_app_id, cid) for store in stores for cid in store.ids())
    listed = meltano("--environment=demo", "state", "list", env=env, cwd=project).stdout
    assert all(f"demo:{name}-to-target-duckdb" in listed for name in names)
    calls = Counter((e["action"], e.get("campaign_id")) for e in emulator.requests_log())
    assert sum(n for (action, _), n in calls.items() if action == "DescribePredictiveDialingCampaign") == sum(
        store.count for store in stores
    )
