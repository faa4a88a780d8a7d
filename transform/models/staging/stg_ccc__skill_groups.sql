{{ config(enabled=tap_ccc_campaign.loaded(['skill_groups'])) }}
-- One row per skill group; a deleted group keeps its keys and _sdc_deleted_at.
select
    g."SdkAppId" as sdk_app_id,
    g."SkillGroupId" as skill_group_id,
    g."SkillGroupName" as skill_group_name,
    g."SkillGroupType" as skill_group_type,
    {{ code_label('SkillGroupType', 'g."SkillGroupType"') }} as skill_group_type_label,
    g."RoutePolicy" as route_policy,
    g."MaxConcurrency" as max_concurrency,
    g."RingAll" as ring_all,
    {{ unix_to_timestamp('g."LastModifyTimestamp"') }} as modified_at,
    g."_sdc_deleted_at" is not null as is_deleted,
    g."_sdc_deleted_at" as deleted_at
from {{ source('ccc', 'skill_groups') }} as g
