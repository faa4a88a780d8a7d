{{ config(enabled=tap_ccc_campaign.loaded(['predictive_dialing_campaign_progress'])) }}
-- The campaigns' list entries as each sync observed them: one row per campaign per sync.
select
    {{ campaign_key('p."SdkAppId"', 'p."CampaignId"') }} as campaign_key,
    p."SdkAppId" as sdk_app_id,
    p."CampaignId" as campaign_id,
    p."ObservedAt" as observed_at,
    cast(p."ObservedAt" as date) as observed_on,
    p."Name" as campaign_name,
    p."Status" as status,
    {{ code_label('Status', 'p."Status"') }} as status_label,
    p."StatusReason" as status_reason,
    {{ code_label('StatusReason', 'p."StatusReason"') }} as status_reason_label,
    p."CalleeCount" as callee_count,
    p."FinishedCalleeCount" as finished_callee_count,
    {{ percent('p."FinishedCalleeCount"', 'p."CalleeCount"') }} as completion_pct,
    p."Priority" as priority,
    p."SkillGroupId" as skill_group_id
from {{ source('ccc', 'predictive_dialing_campaign_progress') }} as p
