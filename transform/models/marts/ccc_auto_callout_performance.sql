{{ config(enabled=tap_ccc_campaign.loaded(['auto_callout_tasks', 'auto_callout_callees', 'auto_callout_calls'])) }}
-- How each auto-callout task is doing: its callees by state, how many needed more than one
-- attempt, and its calls. reached_rate_pct is callees answered over callees.
with callees as (
    select
        sdk_app_id,
        task_id,
        count(*) as callees,
        sum(case when state = 1 then 1 else 0 end) as answered,
        sum(case when state = 2 then 1 else 0 end) as not_answered,
        sum(case when state in (0, 3, 4) then 1 else 0 end) as pending,
        sum(case when attempts > 1 then 1 else 0 end) as retried,
        sum(attempts) as attempts
    from {{ ref('stg_ccc__auto_callout_callees') }}
    group by sdk_app_id, task_id
),

calls as (
    select
        sdk_app_id,
        task_id,
        count(*) as calls,
        sum(case when picked_up then 1 else 0 end) as calls_picked_up
    from {{ ref('stg_ccc__auto_callout_calls') }}
    group by sdk_app_id, task_id
)

select
    t.sdk_app_id,
    t.task_id,
    t.task_name,
    t.state,
    t.state_label,
    coalesce(c.callees, 0) as callees,
    coalesce(c.answered, 0) as answered,
    coalesce(c.not_answered, 0) as not_answered,
    coalesce(c.pending, 0) as pending,
    coalesce(c.retried, 0) as retried,
    coalesce(c.attempts, 0) as attempts,
    {{ percent('c.answered', 'c.callees') }} as reached_rate_pct,
    coalesce(k.calls, 0) as calls,
    coalesce(k.calls_picked_up, 0) as calls_picked_up
from {{ ref('stg_ccc__auto_callout_tasks') }} as t
left join callees as c on c.sdk_app_id = t.sdk_app_id and c.task_id = t.task_id
left join calls as k on k.sdk_app_id = t.sdk_app_id and k.task_id = t.task_id
