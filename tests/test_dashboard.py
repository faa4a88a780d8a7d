"""The dashboard (dashboard/, scripts/dashboard.sh) in Debian's Chromium, over a warehouse the demo's
pipeline built: `meltano run tap-ccc-campaign target-duckdb dbt-duckdb:build` from the emulator.

Every page loads with no console error, no failed request and no Python exception, and draws its
charts; a campaign's own page shows the figures of its ccc_campaign_performance row; the campaign
filter changes the overview's figures to that campaign's, and the date range to those days'."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from ccc_emulator.data import CampaignStore

from tests import postgres
from tests.browser import CHROMIUM, PAGES, Page, chromium, dashboard, free_port, serve
from tests.meltano import ROOT, meltano

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    """A DuckDB file with the marts, as the demo builds it (a smaller emulated app)."""
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        pytest.skip(f"{CHROMIUM} not found: scripts/ensure_chromium.sh installs Debian's chromium (as root)")
    from ccc_emulator.server import Emulator

    work = tmp_path_factory.mktemp("dashboard")
    store = CampaignStore(count=25, callees=12, history_days=60, seed=6)
    # A running campaign that called 45, 20 and 1 days ago: days inside and outside a date range.
    running = next(cid for cid in store.ids() if store.campaign(cid)["Status"] == 1)
    now = int(time.time())
    for days_ago in (45, 20, 1):
        store.grow(running, 30, at=now - days_ago * 86400)
    emulator = Emulator(store=store, rate_limit=None).start()
    path = work / "warehouse.duckdb"
    env = {
        "TAP_CCC_CAMPAIGN_API_URL": emulator.url,
        "MELTANO_STATE_BACKEND_URI": f"file://{work}/state",
        "TARGET_DUCKDB_FILEPATH": str(path),
        "DBT_DUCKDB_PATH": str(path),
        "DBT_TARGET_PATH": str(work / "dbt-target"),
        "DBT_LOG_PATH": str(work / "dbt-logs"),
    }
    try:
        for plugin in (("extractor", "tap-ccc-campaign"), ("loader", "target-duckdb"), ("utility", "dbt-duckdb")):
            meltano("install", *plugin, env={})
        meltano("--environment=demo", "run", "tap-ccc-campaign", "target-duckdb", "dbt-duckdb:build", env=env)
    finally:
        emulator.stop()
    return path


@pytest.fixture(scope="module")
def served(warehouse):
    with dashboard(warehouse) as url, chromium() as browser:
        yield url, browser


def rows(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as db:
        return db.execute(sql).fetchall()


def shown_int(value) -> str:
    return "–" if value is None else f"{int(value):,}"


def shown_pct(value) -> str:
    return "–" if value is None else f"{Decimal(value):.2f} %"


def test_every_page_loads_without_an_error_and_draws_its_charts(served):
    url, browser = served
    page = Page(browser, url)
    shots = os.environ.get("DASHBOARD_SCREENSHOTS")  # a folder: each page's screenshot is written there
    for name, charts in PAGES.items():
        page.open(f"page={name}", charts)
        assert page.exceptions() == [], name
        if shots:
            page.screenshot(Path(shots) / f"dashboard-{name}.png")
    assert page.errors == []


def the_busiest_campaign(warehouse: Path) -> tuple[str, str, dict[str, str]]:
    """The campaign with the most calls, and the figures its page must show, from its mart row."""
    (key, *row) = rows(
        warehouse,
        "select campaign_key, calls, answered, abandoned, not_answered, failed, pick_up_rate_pct, abandon_rate_pct,"
        " expected_abandon_rate_pct, avg_talk_seconds, completion_pct, campaign_name"
        " from analytics.ccc_campaign_performance order by calls desc, campaign_id limit 1",
    )[0]
    calls, answered, abandoned, not_answered, failed, pick_up, abandon, expected, talk, completion, name = row
    assert calls > 0
    return (
        key,
        name,
        {
            "Calls": shown_int(calls),
            "Answered": shown_int(answered),
            "Abandoned": shown_int(abandoned),
            "Not answered": shown_int(not_answered),
            "Failed": shown_int(failed),
            "Pick-up rate": shown_pct(pick_up),
            "Abandon rate": shown_pct(abandon),
            "Expected abandon rate": shown_pct(expected),
            "Average talk": "–" if talk is None else f"{Decimal(talk):.1f} s",
            "Completion": shown_pct(completion),
        },
    )


def test_a_campaigns_page_shows_its_mart_row(served, warehouse):
    url, browser = served
    key, name, figures = the_busiest_campaign(warehouse)
    page = Page(browser, url)
    page.open(f"page=campaign&campaign={key}", PAGES["campaign"])
    assert page.page.locator("h1").first.inner_text().strip() == name
    assert page.metrics() == figures
    assert page.exceptions() == []
    assert page.errors == []


def test_the_campaign_filter_and_the_date_range_change_the_figures(served, warehouse):
    url, browser = served
    page = Page(browser, url)
    page.open("page=campaigns", PAGES["campaigns"])
    total, over = rows(
        warehouse,
        "select (select count(*) from analytics.ccc_call_outcomes),"
        " (select count(*) from analytics.ccc_abandon_rate_compliance where day_over_limit)",
    )[0]
    before = page.metrics()
    assert before["Calls in the days chosen"] == shown_int(total)
    assert before["Campaign-days over the ceiling"] == shown_int(over)
    assert before["Campaigns"] == shown_int(
        rows(warehouse, "select count(*) from analytics.ccc_campaign_performance")[0][0]
    )

    # One campaign: the one called on days far apart.
    key, campaign_id, name, calls = rows(
        warehouse,
        "select o.campaign_key, o.campaign_id, p.campaign_name, count(*) from analytics.ccc_call_outcomes as o"
        " join analytics.ccc_campaign_performance as p using (campaign_key)"
        " group by all order by count(distinct o.called_on) desc, count(*) desc limit 1",
    )[0]
    page.choose("Campaign", f"{campaign_id} · {name}")
    page.page.wait_for_function(
        "(want) => [...document.querySelectorAll('[data-testid=stMetric]')].some(m => m.innerText.includes(want))",
        arg=shown_int(calls),
        timeout=60_000,
    )
    page.rendered(PAGES["campaigns"] - 1)  # one campaign: the completion chart may be its only bar
    after = page.metrics()
    assert after["Campaigns"] == "1"
    assert after["Calls in the days chosen"] == shown_int(calls) != before["Calls in the days chosen"]

    # Its last day called only: the date range drops the other days' calls.
    ((last, in_range),) = rows(
        warehouse,
        f"select called_on, count(*) from analytics.ccc_call_outcomes where campaign_key = '{key}'"
        " group by called_on order by called_on desc limit 1",
    )
    assert in_range < calls
    for end in ("start", "end"):  # each a date field of year, month and day segments, typed in order
        page.page.get_by_role("spinbutton", name=f"year, Days called {end} date").click()
        page.page.keyboard.type(f"{last:%Y%m%d}")
    page.page.locator("h1").first.click()  # the range is taken when the field loses the focus
    page.page.wait_for_function(
        "(want) => [...document.querySelectorAll('[data-testid=stMetric]')].some(m => m.innerText.endsWith(want))",
        arg="\n" + shown_int(in_range),
        timeout=60_000,
    )
    assert page.metrics()["Calls in the days chosen"] == shown_int(in_range)
    assert page.exceptions() == []
    assert page.errors == []


PG_TYPES = {"VARCHAR": "text", "BIGINT": "bigint", "INTEGER": "integer", "HUGEINT": "numeric", "BOOLEAN": "boolean"}
PG_TYPES |= {"DATE": "date", "TIMESTAMP": "timestamp", "DOUBLE": "double precision"}


def copy_marts_to_postgres(warehouse: Path, server) -> None:
    """The marts the dashboard reads, copied as they are into the server's schema analytics (that
    dbt-postgres builds them equal to DuckDB's is tests/test_meltano_e2e.py's)."""
    import psycopg

    marts = [
        "ccc_campaign_performance",
        "ccc_abandon_rate_compliance",
        "ccc_call_outcomes",
        "ccc_campaign_daily_progress",
        "ccc_agent_occupancy",
        "ccc_auto_callout_performance",
    ]
    with (
        duckdb.connect(str(warehouse), read_only=True) as source,
        psycopg.connect(host=server.host, port=server.port, user=server.user, dbname=server.database) as target,
    ):
        target.execute("create schema analytics")
        for mart in marts:
            columns = source.execute(f"describe analytics.{mart}").fetchall()
            types = [PG_TYPES.get(t, t.lower() if t.startswith("DECIMAL") else "text") for _, t, *_ in columns]
            names = [c[0] for c in columns]
            target.execute(
                f"create table analytics.{mart} ({', '.join(f'{n} {t}' for n, t in zip(names, types, strict=True))})"
            )
            data = source.execute(f"select * from analytics.{mart}").fetchall()
            with target.cursor() as cursor:
                cursor.executemany(
                    f"insert into analytics.{mart} values ({', '.join(['%s'] * len(names))})",
                    [
                        tuple(str(v) if t == "text" and v is not None else v for v, t in zip(r, types, strict=True))
                        for r in data
                    ],
                )


def test_the_dashboard_reads_the_marts_from_postgresql(served, warehouse):
    _, browser = served
    bin_dir = postgres.server_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries are not installed (scripts/ensure_postgres.sh installs them)")
    key, name, figures = the_busiest_campaign(warehouse)
    with postgres.running_server(bin_dir) as server:
        copy_marts_to_postgres(warehouse, server)
        with dashboard(postgres=server.env()) as url:
            page = Page(browser, url)
            for page_name, charts in PAGES.items():
                page.open(f"page={page_name}&campaign={key}", charts)
                assert page.exceptions() == [], page_name
            assert page.page.locator("h1").first.inner_text().strip() == name
            assert page.metrics() == figures
            assert page.errors == []


def test_the_readme_block_adds_the_dashboard_to_a_meltano_project(served, warehouse, tmp_path):
    _, browser = served
    block = re.search(r"<!-- own-project-dashboard -->\s*```bash\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    assert block, "README lost its own-project-dashboard block"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("MELTANO_", "CCC_DASHBOARD"))},
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",  # meltano, as installed
        "TAP": str(ROOT),
        "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    script = (
        f"meltano init my-ccc && cd my-ccc\n{block.group(1)}meltano config set ccc-dashboard duckdb_path {warehouse}\n"
    )
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    project = tmp_path / "my-ccc"
    assert (project / "dashboard/app.py").exists()
    port = free_port()
    command = ["meltano", "invoke", "ccc-dashboard:serve", "--server.port", str(port)]
    with serve(command, project, port, env, timeout=120) as url:
        page = Page(browser, url)
        page.open("page=campaigns", PAGES["campaigns"])
        campaigns = rows(warehouse, "select count(*) from analytics.ccc_campaign_performance")[0][0]
        assert page.metrics()["Campaigns"] == shown_int(campaigns)
        assert page.exceptions() == []
        assert page.errors == []
