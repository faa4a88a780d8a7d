{{ config(enabled=tap_ccc_campaign.loaded(['agents'])) }}
-- One row per agent and skill group the agent belongs to (the agents' SkillGroupList).
with memberships as (
    select
        a."SdkAppId" as sdk_app_id,
        a."Mail" as agent_user_id,
        {{ json_array_elements('a."SkillGroupList"') }} as membership
    from {{ source('ccc', 'agents') }} as a
    where a."_sdc_deleted_at" is null
)

select
    sdk_app_id,
    agent_user_id,
    cast(membership ->> 'SkillGroupId' as bigint) as skill_group_id,
    cast(membership ->> 'Priority' as integer) as priority
from memberships
