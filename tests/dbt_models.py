"""Running the dbt project through Meltano, and what its marts must hold, computed from the emulator's data."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from tests.meltano import meltano

NOT_ANSWERED = {202, 203, 206, 222}  # transform/dbt_project.yml, var not_answered_end_statuses


def dbt_build(utility: str, env: dict[str, str], work: Path, *args: str) -> dict[str, str]:
    """`meltano invoke UTILITY build [ARGS]`; every node's status from run_results.json, by node name."""
    target = work / f"{utility}-target"
    done = meltano(
        "--environment=demo",
        "invoke",
        utility,
        "build",
        *args,
        env={**env, "DBT_TARGET_PATH": str(target), "DBT_LOG_PATH": str(work / f"{utility}-logs")},
        check=False,
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    results = json.loads((target / "run_results.json").read_text())["results"]
    return {r["unique_id"]: r["status"] for r in results}


def dbt_invoke(utility: str, env: dict[str, str], work: Path, *args: str) -> str:
    """`meltano invoke UTILITY ARGS` with the same target and log paths as dbt_build; its output."""
    done = meltano(
        "--environment=demo",
        "invoke",
        utility,
        *args,
        env={**env, "DBT_TARGET_PATH": str(work / f"{utility}-target"), "DBT_LOG_PATH": str(work / f"{utility}-logs")},
        check=False,
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    return done.stdout + done.stderr


def assert_docs_describe_every_mart_column(utility: str, env: dict[str, str], work: Path) -> None:
    """`dbt docs generate` works, and every column of every mart, as built, has a description."""
    dbt_invoke(utility, env, work, "docs", "generate")
    target = work / f"{utility}-target"
    catalog = json.loads((target / "catalog.json").read_text())["nodes"]
    manifest = json.loads((target / "manifest.json").read_text())["nodes"]
    undescribed = {
        f"{node.split('.')[-1]}.{column.lower()}"
        for node, built in catalog.items()
        if node.startswith("model.") and ".ccc_" in node
        for column in built["columns"]
        if not manifest[node]["columns"].get(column.lower(), {}).get("description")
    }
    marts = {path.stem for path in (Path(__file__).resolve().parent.parent / "transform/models/marts").glob("*.sql")}
    assert {node.split(".")[-1] for node in catalog if node.startswith("model.") and ".ccc_" in node} == marts
    assert undescribed == set()


def assert_sources_are_fresh(utility: str, env: dict[str, str], work: Path) -> None:
    output = dbt_invoke(utility, env, work, "source", "freshness")
    assert output.count("PASS freshness of") == 2, output[-2000:]


def assert_every_node_passed(statuses: dict[str, str]) -> None:
    """Seeds and models built, data tests passed: none failed, none only warned."""
    assert any(node.startswith("model.") for node in statuses)
    assert any(node.startswith("test.") for node in statuses)
    assert {node: s for node, s in statuses.items() if s not in ("success", "pass")} == {}


def outcome(call: dict) -> str:
    """The definition README gives, applied to the API's record directly."""
    if call["AcceptTimestamp"] > 0:
        agent = (call["SeatUser"] or {}).get("UserId")
        return "abandoned" if call["HungUpSide"] == "system" and not agent else "answered"
    return "not_answered" if call["EndStatus"] in NOT_ANSWERED else "failed"


def percent(numerator: int, denominator: int) -> Decimal | None:
    if denominator == 0:
        return None
    return (Decimal(100 * numerator) / Decimal(denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def expected_performance(store) -> dict[int, dict]:
    """ccc_campaign_performance per CampaignId, from the emulator's campaigns, list entries and calls."""
    expected = {}
    for cid in store.ids():
        calls = [store.call(s) for s in store.sessions(cid)]
        counts = {k: 0 for k in ("answered", "abandoned", "not_answered", "failed")}
        for call in calls:
            counts[outcome(call)] += 1
        talk = sum(c["Duration"] for c in calls if outcome(c) == "answered")
        picked_up = counts["answered"] + counts["abandoned"]
        entry = store.summary(cid)
        expected[cid] = {
            "sessions": len(calls),
            "sessions_without_call_record": 0,  # every call of the test's data is within reach
            "calls": len(calls),
            **counts,
            "abandon_rate_pct": percent(counts["abandoned"], picked_up),
            "expected_abandon_rate_pct": store.campaign(cid)["ExpectedAbandonRate"],
            "avg_talk_seconds": (
                (Decimal(talk) / counts["answered"]).quantize(Decimal("0.1"), ROUND_HALF_UP)
                if counts["answered"]
                else None
            ),
            "completion_pct": percent(entry["FinishedCalleeCount"], entry["CalleeCount"]),
        }
    return expected


PERFORMANCE = (
    "sessions", "sessions_without_call_record", "calls", "answered", "abandoned", "not_answered", "failed",
    "abandon_rate_pct", "expected_abandon_rate_pct", "avg_talk_seconds", "completion_pct",
)  # fmt: skip
PERFORMANCE_QUERY = f"select campaign_id, {', '.join(PERFORMANCE)} from analytics.ccc_campaign_performance"


def performance_rows(rows: list[tuple]) -> dict[int, dict]:
    return {row[0]: dict(zip(PERFORMANCE, row[1:], strict=True)) for row in rows}


# DuckDB divides in binary floating point before the cast to numeric, PostgreSQL in decimal: a
# figure may differ by one unit of its last digit at a rounding tie.
LAST_DIGIT = {
    "abandon_rate_pct": Decimal("0.01"),
    "completion_pct": Decimal("0.01"),
    "avg_talk_seconds": Decimal("0.1"),
}


def assert_same_performance(got: dict[int, dict], want: dict[int, dict]) -> None:
    assert sorted(got) == sorted(want)
    for cid, row in got.items():
        for name, value in row.items():
            expected = want[cid][name]
            if name in LAST_DIGIT and value is not None and expected is not None:
                assert abs(Decimal(value) - expected) <= LAST_DIGIT[name], f"campaign {cid}: {name}"
            else:
                assert value == expected, f"campaign {cid}: {name}"


README = Path(__file__).resolve().parent.parent / "README.md"


def analyst_queries() -> list[str]:
    """The SQL block README shows after `<!-- analyst-queries -->`, one statement each."""
    text = README.read_text(encoding="utf-8")
    block = text.split("<!-- analyst-queries -->", 1)[1].split("```sql", 1)[1].split("```", 1)[0]
    return [statement.strip() for statement in block.split(";") if statement.strip()]


def assert_analyst_queries_answer(run) -> None:
    """README's three queries run on the warehouse: every campaign ranked, the days with calls listed."""
    ranked, over_target, daily = (run(query) for query in analyst_queries())
    assert ranked
    # (id, name, abandoned, picked up, abandon %, expected %, over expected): only campaigns over target
    assert all(row[4] > row[5] and row[6] > 0 for row in over_target)
    assert daily
    assert sum(row[1] for row in daily) > 0


DAY = 86400


def expected_auto_callout(store) -> dict[int, dict]:
    """ccc_auto_callout_performance per TaskId, from the emulator's tasks and their calls."""
    expected = {}
    book = store.tasks
    for task_id in book.ids():
        callees = book.detail(task_id)["Callees"]
        answered = sum(1 for c in callees if c["State"] == 1)
        calls = [store.call(s) for s in book.sessions(task_id)]
        expected[task_id] = {
            "callees": len(callees),
            "answered": answered,
            "not_answered": sum(1 for c in callees if c["State"] == 2),
            "pending": sum(1 for c in callees if c["State"] in (0, 3, 4)),
            "retried": sum(1 for c in callees if len(c["Sessions"]) > 1),
            "attempts": sum(len(c["Sessions"]) for c in callees),
            "reached_rate_pct": percent(answered, len(callees)),
            "calls": len(calls),
            "calls_picked_up": sum(1 for c in calls if c["AcceptTimestamp"] > 0),
        }
    return expected


AUTO_CALLOUT = (
    "callees",
    "answered",
    "not_answered",
    "pending",
    "retried",
    "attempts",
    "reached_rate_pct",
    "calls",
    "calls_picked_up",
)
AUTO_CALLOUT_QUERY = f"select task_id, {', '.join(AUTO_CALLOUT)} from analytics.ccc_auto_callout_performance"


def expected_occupancy(store, loaded_history: list[tuple[str, int, str]]) -> dict[tuple[int, str], dict]:
    """ccc_agent_occupancy per (CampaignId, day as ISO date), from the emulator's calls and agents and
    the status changes loaded ((agent, Timestamp, Status), as the tap read them)."""
    by_agent: dict[str, list[tuple[int, str]]] = {}
    for agent, ts, status in sorted(loaded_history, key=lambda e: (e[0], e[1], e[2])):
        by_agent.setdefault(agent, []).append((ts, status))
    spans: list[tuple[str, str, str, int]] = []  # (agent, day, status, seconds)
    for agent, events in by_agent.items():
        for (ts, status), (following, _) in itertools.pairwise(events):
            day = dt.datetime.fromtimestamp(ts, dt.UTC).date().isoformat()
            spans.append((agent, day, status, following - ts))
    members: dict[int, set[str]] = {}
    for agent in store.directory.agents():
        for group in agent["SkillGroupList"]:
            members.setdefault(group["SkillGroupId"], set()).add(agent["Mail"])
    expected = {}
    for cid in store.ids():
        days: dict[str, list[str]] = {}
        for session in store.sessions(cid):
            call = store.call(session)
            day = dt.datetime.fromtimestamp(call["Time"], dt.UTC).date().isoformat()
            days.setdefault(day, []).append(outcome(call))
        group = members.get(store.campaign(cid)["SkillGroupId"], set())
        for day, outcomes in days.items():
            mine = [(s, sec) for agent, d, s, sec in spans if d == day and agent in group]
            logged = sum(sec for s, sec in mine if s != "offline")
            busy = sum(sec for s, sec in mine if s == "busy")
            picked = sum(1 for o in outcomes if o in ("answered", "abandoned"))
            abandoned = sum(1 for o in outcomes if o == "abandoned")
            expected[(cid, day)] = {
                "logged_in_seconds": logged,
                "busy_seconds": busy,
                "busy_share_pct": percent(busy, logged),
                "picked_up": picked,
                "abandon_rate_pct": percent(abandoned, picked),
            }
    return expected


OCCUPANCY = ("logged_in_seconds", "busy_seconds", "busy_share_pct", "picked_up", "abandon_rate_pct")
OCCUPANCY_QUERY = (
    f"select campaign_id, cast(called_on as varchar), {', '.join(OCCUPANCY)} from analytics.ccc_agent_occupancy"
)


def assert_same_figures(got: dict, want: dict, percent_columns: tuple[str, ...]) -> None:
    """Equal row by row; a percentage may differ by one unit of its last digit (see LAST_DIGIT)."""
    assert sorted(got, key=str) == sorted(want, key=str)
    for key, row in got.items():
        for name, value in row.items():
            expected = want[key][name]
            if name in percent_columns and value is not None and expected is not None:
                assert abs(Decimal(value) - expected) <= Decimal("0.01"), f"{key}: {name}"
            else:
                assert value == expected, f"{key}: {name}"


HISTORY_QUERY = 'select "StaffUserId", "Timestamp", "Status" from ccc.agent_status_history'


def assert_agent_and_auto_callout_marts(run, store) -> None:
    """ccc_auto_callout_performance and ccc_agent_occupancy hold what the emulator's data gives
    (``run``: a query's rows on the warehouse)."""
    auto = {row[0]: dict(zip(AUTO_CALLOUT, row[1:], strict=True)) for row in run(AUTO_CALLOUT_QUERY)}
    assert_same_figures(auto, expected_auto_callout(store), ("reached_rate_pct",))
    history = [tuple(row) for row in run(HISTORY_QUERY)]
    assert any(status == "busy" for _, _, status in history)
    occupancy = {(row[0], row[1]): dict(zip(OCCUPANCY, row[2:], strict=True)) for row in run(OCCUPANCY_QUERY)}
    want = expected_occupancy(store, history)
    assert_same_figures(occupancy, want, ("busy_share_pct", "abandon_rate_pct"))
    assert any(row["busy_seconds"] > 0 for row in occupancy.values())
    assert_compliance(run, store)


LIMIT_PCT = 3  # transform/dbt_project.yml, var abandon_rate_limit_pct


def expected_compliance(store) -> dict[tuple[int, str], dict]:
    """ccc_abandon_rate_compliance per (CampaignId, day), from the emulator's calls."""
    expected = {}
    for cid in store.ids():
        days: dict[dt.date, list[str]] = {}
        for session in store.sessions(cid):
            call = store.call(session)
            days.setdefault(dt.datetime.fromtimestamp(call["Time"], dt.UTC).date(), []).append(outcome(call))
        counts = {
            day: (sum(1 for o in found if o in ("answered", "abandoned")), sum(1 for o in found if o == "abandoned"))
            for day, found in days.items()
        }
        for day, (picked, abandoned) in counts.items():
            window = [c for d, c in counts.items() if day - dt.timedelta(days=29) <= d <= day]
            picked_30, abandoned_30 = sum(p for p, _ in window), sum(a for _, a in window)
            rate, rate_30 = percent(abandoned, picked), percent(abandoned_30, picked_30)
            expected[(cid, day.isoformat())] = {
                "picked_up": picked,
                "abandoned": abandoned,
                "abandon_rate_pct": rate,
                "abandon_rate_30d_pct": rate_30,
                "day_over_limit": rate is not None and rate > LIMIT_PCT,
                "rolling_30d_over_limit": rate_30 is not None and rate_30 > LIMIT_PCT,
            }
    return expected


COMPLIANCE = (
    "picked_up", "abandoned", "abandon_rate_pct", "abandon_rate_30d_pct", "day_over_limit", "rolling_30d_over_limit",
)  # fmt: skip
COMPLIANCE_QUERY = f"select campaign_id, cast(called_on as varchar), {', '.join(COMPLIANCE)} from analytics.ccc_abandon_rate_compliance"


def assert_compliance(run, store) -> None:
    got = {(row[0], row[1]): dict(zip(COMPLIANCE, row[2:], strict=True)) for row in run(COMPLIANCE_QUERY)}
    want = expected_compliance(store)
    assert_same_figures(got, want, ("abandon_rate_pct", "abandon_rate_30d_pct"))
    assert any(row["rolling_30d_over_limit"] for row in got.values())
    assert any(row["abandon_rate_30d_pct"] != row["abandon_rate_pct"] for row in got.values())
