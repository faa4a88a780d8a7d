"""Running the dbt project through Meltano, and what its marts must hold, computed from the emulator's data."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from tests.meltano import meltano

NOT_ANSWERED = {202, 203, 206, 222}  # transform/dbt_project.yml, var not_answered_end_statuses


def dbt_build(utility: str, env: dict[str, str], work: Path) -> dict[str, str]:
    """`meltano invoke UTILITY build`; every node's status from run_results.json, by node name."""
    target = work / f"{utility}-target"
    done = meltano(
        "--environment=demo",
        "invoke",
        utility,
        "build",
        env={**env, "DBT_TARGET_PATH": str(target), "DBT_LOG_PATH": str(work / f"{utility}-logs")},
        check=False,
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    results = json.loads((target / "run_results.json").read_text())["results"]
    return {r["unique_id"]: r["status"] for r in results}


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
    "calls", "answered", "abandoned", "not_answered", "failed",
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
