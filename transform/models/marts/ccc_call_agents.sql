{{ config(enabled=tap_ccc_campaign.loaded(['predictive_dialing_calls', 'agents', 'skill_groups'])) }}
-- Each predictive call with the agent who took it and the skill group it was routed to, from the
-- agents and skill groups tables (null where the call had no agent, or the agent or group is not
-- loaded).
select
    o.campaign_key,
    o.sdk_app_id,
    o.campaign_id,
    o.session_id,
    o.outcome,
    o.called_on,
    o.agent_user_id,
    a.agent_name,
    a.staff_number,
    k.skill_group_id,
    g.skill_group_name
from {{ ref('ccc_call_outcomes') }} as o
join {{ ref('stg_ccc__calls') }} as k on k.sdk_app_id = o.sdk_app_id and k.session_id = o.session_id
left join {{ ref('stg_ccc__agents') }} as a
    on a.sdk_app_id = o.sdk_app_id and a.agent_user_id = o.agent_user_id and not a.is_deleted
left join {{ ref('stg_ccc__skill_groups') }} as g
    on g.sdk_app_id = k.sdk_app_id and g.skill_group_id = k.skill_group_id and not g.is_deleted
