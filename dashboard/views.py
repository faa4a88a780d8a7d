"""The dashboard's pages. Every figure is a mart's value as dbt built it, or a count or sum of mart rows
(a filter keeps or drops rows; it never recomputes a rate)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st
import warehouse

ALL_APPS = "All apps"
ALL_CAMPAIGNS = "All campaigns"
OUTCOME_ORDER = ["answered", "abandoned", "not answered", "failed"]
OUTCOME_COLOURS = ["#2e7d32", "#c62828", "#f9a825", "#757575"]
OVER, WITHIN = "over the ceiling", "within the ceiling"


def day_axis(days: pd.Series) -> alt.Axis:
    """A time axis of days: with a few days, a tick on each (Vega-Lite would put ticks between them)."""
    unique = sorted(set(pd.to_datetime(days)))
    if len(unique) <= 12:
        return alt.Axis(format="%b %d", values=[d.isoformat() for d in unique])
    return alt.Axis(format="%b %d")


@st.cache_data(ttl=30, show_spinner=False)
def load(name: str) -> pd.DataFrame | None:
    """One mart (warehouse.MARTS); None when it was not built (its stream not loaded)."""
    try:
        frame = warehouse.query(warehouse.MARTS[name])
    except FileNotFoundError:
        raise
    except Exception as error:  # a mart dbt did not build: the page says so instead of failing
        if "does not exist" in str(error) or "not found" in str(error).lower():
            return None
        raise
    for day in ("called_on", "observed_on"):  # dates, shown without a time of day
        if day in frame:
            frame[day] = pd.to_datetime(frame[day]).dt.date
    return frame


def fmt_int(value: Any) -> str:
    return "–" if value is None or pd.isna(value) else f"{int(value):,}"


def fmt_pct(value: Any) -> str:
    return "–" if value is None or pd.isna(value) else f"{float(value):.2f} %"


def fmt_seconds(value: Any) -> str:
    return "–" if value is None or pd.isna(value) else f"{float(value):.1f} s"


def campaign_label(row: Any) -> str:
    name = row["campaign_name"] if isinstance(row["campaign_name"], str) else "(no settings loaded)"
    return f"{row['campaign_id']} · {name}"


def page_link(campaign_key: str) -> str:
    return f"/?page=campaign&campaign={campaign_key}"


# --- filters -------------------------------------------------------------------------------------


def sidebar_filters() -> None:
    """App, campaign and date range, kept in st.session_state for every page."""
    performance = load("performance")
    if performance is None:
        st.error("analytics.ccc_campaign_performance is not built: run dbt (meltano invoke dbt-duckdb build)")
        st.stop()
    days = pd.concat(
        [frame["called_on"] for frame in (load("compliance"), load("outcomes")) if frame is not None and len(frame)]
        or [pd.Series([dt.date.today()])]
    )
    days = pd.to_datetime(days).dt.date
    with st.sidebar:
        st.header("Filters")
        apps = sorted(performance["sdk_app_id"].unique())
        st.selectbox("App (SdkAppId)", [ALL_APPS, *apps], key="app")
        chosen = (
            performance
            if st.session_state.app == ALL_APPS
            else performance[performance.sdk_app_id == st.session_state.app]
        )
        chosen = chosen.sort_values(["sdk_app_id", "campaign_id"])
        labels = {campaign_label(row): row["campaign_key"] for _, row in chosen.iterrows()}
        st.session_state.campaign_keys = labels
        if st.session_state.get("campaign") not in (ALL_CAMPAIGNS, *labels):
            st.session_state.campaign = ALL_CAMPAIGNS
        st.selectbox("Campaign", [ALL_CAMPAIGNS, *labels], key="campaign")
        first, last = min(days), max(days)
        st.date_input("Days called", value=(first, last), min_value=first, max_value=last, key="days")


def selected_range() -> tuple[dt.date, dt.date]:
    days = st.session_state.get("days") or ()
    if len(days) == 2:
        return days[0], days[1]
    if len(days) == 1:  # the second date not picked yet
        return days[0], days[0]
    return dt.date.min, dt.date.max


def by_app_and_campaign(frame: pd.DataFrame) -> pd.DataFrame:
    if st.session_state.get("app", ALL_APPS) != ALL_APPS:
        frame = frame[frame.sdk_app_id == st.session_state.app]
    campaign = st.session_state.get("campaign", ALL_CAMPAIGNS)
    if campaign != ALL_CAMPAIGNS and "campaign_key" in frame:
        frame = frame[frame.campaign_key == st.session_state.campaign_keys[campaign]]
    return frame


def in_range(frame: pd.DataFrame, column: str = "called_on") -> pd.DataFrame:
    start, end = selected_range()
    days = pd.to_datetime(frame[column]).dt.date
    return frame[(days >= start) & (days <= end)]


def filtered(name: str, column: str = "called_on") -> pd.DataFrame | None:
    frame = load(name)
    if frame is None:
        return None
    frame = by_app_and_campaign(frame)
    return in_range(frame, column) if column else frame


def not_built(mart: str) -> None:
    st.info(f"analytics.{mart} is not built: its streams are not loaded (dbt var ccc_streams).")


def footer() -> None:
    st.caption(f"Figures from {warehouse.describe()} (the dbt marts, as built).")


# --- charts ---------------------------------------------------------------------------------------


def abandon_chart(days: pd.DataFrame, *, one_campaign: bool) -> alt.Chart:
    """Each campaign-day's abandon rate (red when over the ceiling), its rolling 30 days as a line, the
    ceiling as a rule."""
    data = days.assign(
        day=pd.to_datetime(days.called_on),
        day_status=days.day_over_limit.map({True: OVER, False: WITHIN}),
        rolling_status=days.rolling_30d_over_limit.map({True: OVER, False: WITHIN}),
        campaign=days.apply(campaign_label, axis=1),
    )
    colours = alt.Scale(domain=[OVER, WITHIN], range=["#c62828", "#9e9e9e"])
    tooltip = [
        alt.Tooltip("campaign:N"),
        alt.Tooltip("called_on:T", title="day"),
        alt.Tooltip("abandon_rate_pct:Q", title="abandon rate %"),
        alt.Tooltip("abandon_rate_30d_pct:Q", title="rolling 30 days %"),
        alt.Tooltip("picked_up:Q"),
        alt.Tooltip("abandoned:Q"),
    ]
    base = alt.Chart(data).encode(x=alt.X("day:T", title="day called", axis=day_axis(data.day)))
    rolling = base.mark_line(point=False, opacity=0.8 if one_campaign else 0.35, color="#1565c0").encode(
        y=alt.Y("abandon_rate_30d_pct:Q", title="abandon rate %"), detail="campaign_key:N"
    )
    points = base.mark_point(filled=True, size=70).encode(
        y="abandon_rate_pct:Q",
        color=alt.Color("day_status:N", scale=colours, title="that day"),
        shape=alt.Shape("rolling_status:N", title="rolling 30 days"),
        tooltip=tooltip,
    )
    limit = float(days.limit_pct.iloc[0]) if len(days) else 3.0
    rule = alt.Chart(pd.DataFrame({"limit": [limit]})).mark_rule(color="#c62828", strokeDash=[6, 4]).encode(y="limit:Q")
    return (rolling + points + rule).properties(height=320)


def outcome_bars(frame: pd.DataFrame, *, y: str, y_title: str | None, sort: str | None = None) -> alt.Chart:
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("sum(calls):Q", title="calls"),
            y=alt.Y(y, title=y_title, sort=sort),
            color=alt.Color("outcome:N", scale=alt.Scale(domain=OUTCOME_ORDER, range=OUTCOME_COLOURS)),
            order=alt.Order("outcome_rank:Q"),
            tooltip=[y, "outcome:N", alt.Tooltip("sum(calls):Q", title="calls")],
        )
    )


def daily_outcome_bars(calls: pd.DataFrame, height: int) -> alt.Chart:
    """Calls per day called, stacked by outcome in OUTCOME_ORDER."""
    return (
        alt.Chart(ranked(calls).assign(day=pd.to_datetime(calls.called_on)))
        .mark_bar()
        .encode(
            x=alt.X("day:T", title="day called", axis=day_axis(calls.called_on)),
            y=alt.Y("sum(calls):Q", title="calls"),
            color=alt.Color("outcome:N", scale=alt.Scale(domain=OUTCOME_ORDER, range=OUTCOME_COLOURS)),
            order=alt.Order("outcome_rank:Q"),
            tooltip=["day:T", "outcome:N", alt.Tooltip("sum(calls):Q", title="calls")],
        )
        .properties(height=height)
    )


def ranked(outcomes: pd.DataFrame) -> pd.DataFrame:
    return outcomes.assign(outcome_rank=outcomes.outcome.map({o: i for i, o in enumerate(OUTCOME_ORDER)}))


PERFORMANCE_COLUMNS = {
    "page": st.column_config.LinkColumn("campaign", display_text=r"campaign=\d+:(\d+)$"),
    "campaign_name": "name",
    "status_label": "status",
    "calls": st.column_config.NumberColumn("calls", format="%d"),
    "answered": st.column_config.NumberColumn("answered", format="%d"),
    "abandoned": st.column_config.NumberColumn("abandoned", format="%d"),
    "abandon_rate_pct": st.column_config.NumberColumn("abandon %", format="%.2f"),
    "expected_abandon_rate_pct": st.column_config.NumberColumn("expected %", format="%.2f"),
    "pick_up_rate_pct": st.column_config.NumberColumn("pick-up %", format="%.2f"),
    "avg_talk_seconds": st.column_config.NumberColumn("avg talk s", format="%.1f"),
    "completion_pct": st.column_config.ProgressColumn("completion", format="%.2f %%", min_value=0, max_value=100),
}


# --- pages ----------------------------------------------------------------------------------------


def overview() -> None:
    st.title("Campaigns")
    performance = by_app_and_campaign(load("performance"))
    compliance = filtered("compliance")
    outcomes = filtered("outcomes")
    start, end = selected_range()
    st.caption(f"Days called {start} to {end}; the table is each campaign's mart row (all its calls).")

    calls_in_range = int(outcomes.calls.sum()) if outcomes is not None else 0
    over_days = int(compliance.day_over_limit.sum()) if compliance is not None else 0
    over_30d = int(compliance.rolling_30d_over_limit.sum()) if compliance is not None else 0
    cols = st.columns(4)
    cols[0].metric("Campaigns", fmt_int(len(performance)))
    cols[1].metric("Calls in the days chosen", fmt_int(calls_in_range))
    cols[2].metric("Campaign-days over the ceiling", fmt_int(over_days))
    cols[3].metric("Campaign-days over it, rolling 30 days", fmt_int(over_30d))

    st.subheader("Abandon rate per campaign and day, against the ceiling")
    if compliance is None:
        not_built("ccc_abandon_rate_compliance")
    elif compliance.empty:
        st.info("No calls picked up in the days chosen.")
    else:
        st.altair_chart(abandon_chart(compliance, one_campaign=len(performance) == 1), use_container_width=True)

    left, right = st.columns(2)
    with left:
        st.subheader("Calls per campaign, by outcome")
        if outcomes is None:
            not_built("ccc_call_outcomes")
        elif outcomes.empty:
            st.info("No calls in the days chosen.")
        else:
            top = outcomes.groupby("campaign_key").calls.sum().nlargest(20).index
            names = performance.set_index("campaign_key").apply(campaign_label, axis=1)
            data = ranked(outcomes[outcomes.campaign_key.isin(top)]).assign(
                campaign=lambda f: f.campaign_key.map(names).fillna(f.campaign_key)
            )
            chart = outcome_bars(data, y="campaign:N", y_title=None, sort="-x").properties(height=420)
            st.altair_chart(chart, use_container_width=True)
    with right:
        st.subheader("Completion per campaign")
        top = performance.sort_values(["calls", "campaign_id"], ascending=[False, True]).head(20)
        chart = (
            alt.Chart(top.assign(campaign=top.apply(campaign_label, axis=1)))
            .mark_bar(color="#1565c0")
            .encode(
                x=alt.X(
                    "completion_pct:Q", title="finished callees of all callees %", scale=alt.Scale(domain=[0, 100])
                ),
                y=alt.Y("campaign:N", title=None, sort="-x"),
                tooltip=["campaign:N", "completion_pct:Q", "finished_callee_count:Q", "callee_count:Q"],
            )
            .properties(height=420)
        )
        st.altair_chart(chart, use_container_width=True)

    st.subheader("Every campaign")
    table = performance.sort_values(["calls", "campaign_id"], ascending=[False, True]).assign(
        page=lambda f: f.campaign_key.map(page_link)
    )
    st.dataframe(
        table[list(PERFORMANCE_COLUMNS)], column_config=PERFORMANCE_COLUMNS, hide_index=True, use_container_width=True
    )


def compliance() -> None:
    st.title("Abandon rate against the ceiling")
    days = filtered("compliance")
    if days is None:
        not_built("ccc_abandon_rate_compliance")
        return
    limit = float(days.limit_pct.iloc[0]) if len(days) else None
    st.caption(
        "Abandoned calls over calls picked up, per campaign and day it called, and over the rolling 30 days "
        f"ending that day, against the ceiling (dbt var abandon_rate_limit_pct: {fmt_pct(limit)})."
    )
    latest = days.sort_values("called_on").groupby("campaign_key").tail(1)
    cols = st.columns(3)
    cols[0].metric(
        "Campaigns over the ceiling on their last day called (rolling 30 days)",
        fmt_int(latest.rolling_30d_over_limit.sum()),
    )
    cols[1].metric("Campaign-days over the ceiling", fmt_int(days.day_over_limit.sum()))
    cols[2].metric("Campaign-days", fmt_int(len(days)))
    if days.empty:
        st.info("No calls picked up in the days chosen.")
        return
    st.altair_chart(abandon_chart(days, one_campaign=days.campaign_key.nunique() == 1), use_container_width=True)
    st.subheader("Days over the ceiling")
    over = days[days.day_over_limit | days.rolling_30d_over_limit].sort_values(
        ["called_on", "campaign_id"], ascending=[False, True]
    )
    over = over.assign(page=over.campaign_key.map(page_link))
    st.dataframe(
        over[
            [
                "page",
                "campaign_name",
                "called_on",
                "picked_up",
                "abandoned",
                "abandon_rate_pct",
                "abandon_rate_30d_pct",
                "expected_abandon_rate_pct",
                "day_over_limit",
                "rolling_30d_over_limit",
            ]
        ],
        column_config={"page": PERFORMANCE_COLUMNS["page"]},
        hide_index=True,
        use_container_width=True,
    )


def outcomes() -> None:
    st.title("Call outcomes")
    calls = filtered("outcomes")
    if calls is None:
        not_built("ccc_call_outcomes")
        return
    st.caption("Each call's outcome (analytics.ccc_call_outcomes): answered, abandoned, not answered, failed.")
    totals = calls.groupby("outcome").calls.sum()
    cols = st.columns(5)
    cols[0].metric("Calls", fmt_int(totals.sum()))
    for col, outcome in zip(cols[1:], OUTCOME_ORDER, strict=True):
        col.metric(outcome.capitalize(), fmt_int(totals.get(outcome, 0)))
    if calls.empty:
        st.info("No calls in the days chosen.")
        return
    st.altair_chart(daily_outcome_bars(calls, height=320), use_container_width=True)


def occupancy() -> None:
    st.title("Agent occupancy beside the abandon rate")
    days = filtered("occupancy")
    if days is None:
        not_built("ccc_agent_occupancy")
        return
    st.caption(
        "Per campaign and day it called: its skill group's agents' busy share of their logged-in time, beside "
        "that day's abandon rate. A busy share near 100 % with a high abandon rate: the dialer called faster "
        "than the agents could answer."
    )
    if days.empty:
        st.info("No calls in the days chosen.")
        return
    data = days.assign(campaign=days.apply(campaign_label, axis=1), day=pd.to_datetime(days.called_on))
    scatter = (
        alt.Chart(data)
        .mark_circle(size=80, opacity=0.7)
        .encode(
            x=alt.X("busy_share_pct:Q", title="agents busy, % of logged-in time", scale=alt.Scale(domain=[0, 100])),
            y=alt.Y("abandon_rate_pct:Q", title="abandon rate that day %"),
            color=alt.Color("expected_abandon_rate_pct:Q", title="expected abandon %"),
            tooltip=[
                "campaign:N",
                "called_on:T",
                "agents:Q",
                "busy_share_pct:Q",
                "free_share_pct:Q",
                "abandon_rate_pct:Q",
            ],
        )
        .properties(height=340)
    )
    st.altair_chart(scatter, use_container_width=True)
    st.dataframe(
        data[
            [
                "campaign",
                "called_on",
                "agents",
                "logged_in_seconds",
                "busy_share_pct",
                "free_share_pct",
                "after_call_work_share_pct",
                "picked_up",
                "abandoned",
                "abandon_rate_pct",
                "expected_abandon_rate_pct",
            ]
        ].sort_values(["called_on", "campaign"], ascending=[False, True]),
        hide_index=True,
        use_container_width=True,
    )


def auto_callout() -> None:
    st.title("Auto-callout reach per task")
    tasks = load("auto_callout")
    if tasks is None:
        not_built("ccc_auto_callout_performance")
        return
    if st.session_state.get("app", ALL_APPS) != ALL_APPS:
        tasks = tasks[tasks.sdk_app_id == st.session_state.app]
    st.caption(
        "Callees reached (answered) of all callees of each task (analytics.ccc_auto_callout_performance); the app filter applies."
    )
    cols = st.columns(3)
    cols[0].metric("Tasks", fmt_int(len(tasks)))
    cols[1].metric("Callees", fmt_int(tasks.callees.sum()))
    cols[2].metric("Callees answered", fmt_int(tasks.answered.sum()))
    if tasks.empty:
        st.info("No auto-callout task loaded.")
        return
    data = tasks.assign(task=tasks.task_id.astype(str) + " · " + tasks.task_name.fillna(""))
    long = data[["task", "answered", "not_answered", "pending"]].melt(
        id_vars=["task"], var_name="callee", value_name="count"
    )
    bars = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("sum(count):Q", title="callees"),
            y=alt.Y("task:N", title=None),
            color=alt.Color(
                "callee:N",
                scale=alt.Scale(
                    domain=["answered", "not_answered", "pending"], range=["#2e7d32", "#f9a825", "#90a4ae"]
                ),
            ),
            tooltip=["task:N", "callee:N", alt.Tooltip("sum(count):Q", title="callees")],
        )
        .properties(height=max(160, 28 * len(data)))
    )
    st.altair_chart(bars, use_container_width=True)
    st.dataframe(
        data[
            [
                "task_id",
                "task_name",
                "state_label",
                "callees",
                "answered",
                "not_answered",
                "pending",
                "retried",
                "attempts",
                "reached_rate_pct",
                "calls",
                "calls_picked_up",
            ]
        ],
        column_config={
            "reached_rate_pct": st.column_config.ProgressColumn("reached", format="%.2f %%", min_value=0, max_value=100)
        },
        hide_index=True,
        use_container_width=True,
    )


def campaign() -> None:
    performance = load("performance")
    keys = performance.sort_values(["sdk_app_id", "campaign_id"]).campaign_key.tolist()
    wanted = st.query_params.get("campaign")
    if wanted not in keys:
        chosen = st.session_state.get("campaign", ALL_CAMPAIGNS)
        wanted = st.session_state.campaign_keys.get(chosen, keys[0] if keys else None)
    if wanted is None:
        st.info("No campaign loaded.")
        return
    names = performance.set_index("campaign_key").apply(campaign_label, axis=1)
    key = st.selectbox(
        "Campaign", keys, index=keys.index(wanted), format_func=lambda k: f"{k} · {names[k].split(' · ', 1)[1]}"
    )
    st.query_params["campaign"] = key
    row = performance[performance.campaign_key == key].iloc[0]
    st.title(f"{row.campaign_name or '(no settings loaded)'}")
    st.caption(
        f"Campaign {row.campaign_id} of app {row.sdk_app_id} · {row.status_label or 'status unknown'}"
        + (" · deleted in CCC" if row.is_deleted else "")
    )

    figures = [
        ("Calls", fmt_int(row.calls)),
        ("Answered", fmt_int(row.answered)),
        ("Abandoned", fmt_int(row.abandoned)),
        ("Not answered", fmt_int(row.not_answered)),
        ("Failed", fmt_int(row.failed)),
        ("Pick-up rate", fmt_pct(row.pick_up_rate_pct)),
        ("Abandon rate", fmt_pct(row.abandon_rate_pct)),
        ("Expected abandon rate", fmt_pct(row.expected_abandon_rate_pct)),
        ("Average talk", fmt_seconds(row.avg_talk_seconds)),
        ("Completion", fmt_pct(row.completion_pct)),
    ]
    for start in range(0, len(figures), 5):
        for col, (label, value) in zip(st.columns(5), figures[start : start + 5], strict=False):
            col.metric(label, value)

    days = load("compliance")
    days = in_range(days[days.campaign_key == key]) if days is not None else None
    st.subheader("Abandon rate per day and over the rolling 30 days")
    if days is None:
        not_built("ccc_abandon_rate_compliance")
    elif days.empty:
        st.info("No call picked up in the days chosen.")
    else:
        st.altair_chart(abandon_chart(days, one_campaign=True), use_container_width=True)

    left, right = st.columns(2)
    with left:
        st.subheader("Completion by day")
        progress = load("daily_progress")
        progress = progress[progress.campaign_key == key] if progress is not None else None
        if progress is None or progress.empty:
            st.info("No progress row loaded (stream predictive_dialing_campaign_progress).")
        else:
            curve = (
                alt.Chart(progress.assign(day=pd.to_datetime(progress.observed_on)))
                .mark_line(point=True, color="#1565c0")
                .encode(
                    x=alt.X("day:T", title="day of the sync", axis=day_axis(progress.observed_on)),
                    y=alt.Y("completion_pct:Q", title="completion %", scale=alt.Scale(domain=[0, 100])),
                    tooltip=["observed_on:T", "finished_callee_count:Q", "callee_count:Q", "completion_pct:Q"],
                )
                .properties(height=260)
            )
            st.altair_chart(curve, use_container_width=True)
    with right:
        st.subheader("Outcomes by day")
        calls = load("outcomes")
        calls = in_range(calls[calls.campaign_key == key]) if calls is not None else None
        if calls is None or calls.empty:
            st.info("No calls in the days chosen.")
        else:
            st.altair_chart(daily_outcome_bars(calls, height=260), use_container_width=True)

    st.subheader("Agents busy beside the abandon rate")
    occupancy_days = load("occupancy")
    occupancy_days = (
        in_range(occupancy_days[occupancy_days.campaign_key == key]) if occupancy_days is not None else None
    )
    if occupancy_days is None or occupancy_days.empty:
        st.info("No occupancy for this campaign's days (streams agents and agent_status_history).")
    else:
        long = occupancy_days.assign(day=pd.to_datetime(occupancy_days.called_on)).melt(
            id_vars=["day"], value_vars=["busy_share_pct", "abandon_rate_pct"], var_name="measure", value_name="pct"
        )
        lines = (
            alt.Chart(long)
            .mark_line(point=True)
            .encode(
                x=alt.X("day:T", title="day called", axis=day_axis(long.day)),
                y=alt.Y("pct:Q", title="%"),
                color="measure:N",
                tooltip=["day:T", "measure:N", "pct:Q"],
            )
            .properties(height=260)
        )
        st.altair_chart(lines, use_container_width=True)
    if days is not None and not days.empty:
        st.dataframe(
            days.sort_values("called_on", ascending=False)[
                [
                    "called_on",
                    "picked_up",
                    "abandoned",
                    "abandon_rate_pct",
                    "picked_up_30d",
                    "abandoned_30d",
                    "abandon_rate_30d_pct",
                    "day_over_limit",
                    "rolling_30d_over_limit",
                ]
            ],
            hide_index=True,
            use_container_width=True,
        )
