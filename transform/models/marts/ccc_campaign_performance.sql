{{ config(enabled=tap_ccc_campaign.loaded(['predictive_dialing_campaigns', 'predictive_dialing_calls', 'predictive_dialing_campaign_progress'])) }}
-- How each campaign is doing: one row per campaign, deleted ones included and flagged.
-- abandon_rate_pct is abandoned calls over calls the callee picked up (answered + abandoned), the
-- figure a predictive dialer's ExpectedAbandonRate targets. sessions (when that stream is loaded)
-- stand beside calls: the API returns call records for 180 days only.
with outcomes as (
    select
        campaign_key,
        count(*) as calls,
        sum(case when outcome = 'answered' then 1 else 0 end) as answered,
        sum(case when outcome = 'abandoned' then 1 else 0 end) as abandoned,
        sum(case when outcome = 'not_answered' then 1 else 0 end) as not_answered,
        sum(case when outcome = 'failed' then 1 else 0 end) as failed,
        sum(case when outcome = 'answered' then talk_seconds end) as talk_seconds,
        avg(ring_seconds) as avg_ring_seconds,
        min(called_at) as first_call_at,
        max(called_at) as last_call_at
    from {{ ref('ccc_call_outcomes') }}
    group by campaign_key
),

{% if tap_ccc_campaign.loaded(['predictive_dialing_sessions']) %}
sessions as (
    select campaign_key, count(*) as sessions
    from {{ ref('stg_ccc__sessions') }}
    group by campaign_key
),
{% endif %}

latest_progress as (
    select *
    from (
        select
            p.*,
            row_number() over (partition by p.campaign_key order by p.observed_at desc) as recency
        from {{ ref('stg_ccc__campaign_progress') }} as p
    ) as ranked
    where recency = 1
)

select
    c.campaign_key,
    c.sdk_app_id,
    c.campaign_id,
    c.campaign_name,
    c.status_label,
    c.is_deleted,
    {% if tap_ccc_campaign.loaded(['predictive_dialing_sessions']) -%}
    coalesce(s.sessions, 0) as sessions,
    -- Sessions whose call record is not loaded: not readable yet, or beyond DescribeTelCdr's 180
    -- days (the tap names those in its log): zero calls with sessions is not "no calls".
    coalesce(s.sessions, 0) - coalesce(o.calls, 0) as sessions_without_call_record,
    {% else -%}
    cast(null as bigint) as sessions,
    cast(null as bigint) as sessions_without_call_record,
    {% endif -%}
    coalesce(o.calls, 0) as calls,
    coalesce(o.answered, 0) as answered,
    coalesce(o.abandoned, 0) as abandoned,
    coalesce(o.not_answered, 0) as not_answered,
    coalesce(o.failed, 0) as failed,
    {{ percent('o.answered + o.abandoned', 'o.calls') }} as pick_up_rate_pct,
    {{ percent('o.abandoned', 'o.answered + o.abandoned') }} as abandon_rate_pct,
    c.expected_abandon_rate_pct,
    {{ percent('o.abandoned', 'o.answered + o.abandoned') }} - c.expected_abandon_rate_pct as abandon_rate_over_expected_pct,
    coalesce(o.talk_seconds, 0) as talk_seconds,
    cast(1.0 * o.talk_seconds / nullif(o.answered, 0) as numeric(12, 1)) as avg_talk_seconds,
    cast(o.avg_ring_seconds as numeric(12, 1)) as avg_ring_seconds,
    p.callee_count,
    p.finished_callee_count,
    p.completion_pct,
    p.observed_at as progress_observed_at,
    o.first_call_at,
    o.last_call_at
from {{ ref('stg_ccc__campaigns') }} as c
left join outcomes as o on o.campaign_key = c.campaign_key
left join latest_progress as p on p.campaign_key = c.campaign_key
{% if tap_ccc_campaign.loaded(['predictive_dialing_sessions']) -%}
left join sessions as s on s.campaign_key = c.campaign_key
{%- endif %}
