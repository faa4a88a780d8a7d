{{ config(enabled=tap_ccc_campaign.loaded(['predictive_dialing_campaigns', 'predictive_dialing_calls', 'agents', 'agent_status_history'])) }}
-- Agent occupancy per predictive campaign and day, beside the campaign's abandon rate that day.
-- The agents are those of the campaign's skill group; their time is the status changes of that
-- day (each status counted on the day it began, until the agent's next change), logged-in time
-- being every status but offline. A dialer abandons calls when too few agents are free: a high
-- busy share beside a high abandon rate says the campaign dialled faster than its agents.
with days as (
    select * from {{ ref('ccc_campaign_days') }}
),

time_in_status as (
    select
        d.campaign_key,
        d.called_on,
        count(distinct h.agent_user_id) as agents,
        sum(case when h.status <> 'offline' then h.seconds_in_status else 0 end) as logged_in_seconds,
        sum(case when h.status = 'busy' then h.seconds_in_status else 0 end) as busy_seconds,
        sum(case when h.status = 'free' then h.seconds_in_status else 0 end) as free_seconds,
        sum(case when h.status = 'afterCallWork' then h.seconds_in_status else 0 end) as after_call_work_seconds
    from days as d
    join {{ ref('stg_ccc__campaigns') }} as c on c.campaign_key = d.campaign_key
    join {{ ref('stg_ccc__agent_skill_groups') }} as m
        on m.sdk_app_id = c.sdk_app_id and m.skill_group_id = c.skill_group_id
    join {{ ref('stg_ccc__agent_status_history') }} as h
        on h.sdk_app_id = m.sdk_app_id and h.agent_user_id = m.agent_user_id and h.changed_on = d.called_on
    where h.seconds_in_status is not null
    group by d.campaign_key, d.called_on
)

select
    d.campaign_key,
    d.sdk_app_id,
    d.campaign_id,
    d.called_on,
    coalesce(t.agents, 0) as agents,
    coalesce(t.logged_in_seconds, 0) as logged_in_seconds,
    coalesce(t.busy_seconds, 0) as busy_seconds,
    coalesce(t.free_seconds, 0) as free_seconds,
    coalesce(t.after_call_work_seconds, 0) as after_call_work_seconds,
    {{ percent('t.busy_seconds', 't.logged_in_seconds') }} as busy_share_pct,
    {{ percent('t.free_seconds', 't.logged_in_seconds') }} as free_share_pct,
    {{ percent('t.after_call_work_seconds', 't.logged_in_seconds') }} as after_call_work_share_pct,
    d.picked_up,
    d.abandoned,
    {{ percent('d.abandoned', 'd.picked_up') }} as abandon_rate_pct,
    c.expected_abandon_rate_pct
from days as d
join {{ ref('stg_ccc__campaigns') }} as c on c.campaign_key = d.campaign_key
left join time_in_status as t on t.campaign_key = d.campaign_key and t.called_on = d.called_on
