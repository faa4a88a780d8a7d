{{ config(enabled=tap_ccc_campaign.loaded(['predictive_dialing_campaigns'])) }}
-- One row per campaign: its settings with labels beside the codes, real timestamps beside the unix
-- seconds, and deleted campaigns flagged (a deleted row keeps only its keys and _sdc_deleted_at).
select
    {{ campaign_key('c."SdkAppId"', 'c."CampaignId"') }} as campaign_key,
    c."SdkAppId" as sdk_app_id,
    c."CampaignId" as campaign_id,
    c."Name" as campaign_name,
    c."Status" as status,
    {{ code_label('Status', 'c."Status"') }} as status_label,
    c."StatusReason" as status_reason,
    {{ code_label('StatusReason', 'c."StatusReason"') }} as status_reason_label,
    c."CallOrder" as call_order,
    {{ code_label('CallOrder', 'c."CallOrder"') }} as call_order_label,
    c."SkillGroupId" as skill_group_id,
    c."IVRId" as ivr_id,
    c."Priority" as priority,
    c."ExpectedAbandonRate" as expected_abandon_rate_pct,
    c."RetryTimes" as retry_times,
    c."RetryInterval" as retry_interval_seconds,
    c."StartTime" as start_time_unix,
    {{ unix_to_timestamp('c."StartTime"') }} as starts_at,
    c."EndTime" as end_time_unix,
    {{ unix_to_timestamp('c."EndTime"') }} as ends_at,
    c."UUI" as uui,
    c."_sdc_deleted_at" is not null as is_deleted,
    c."_sdc_deleted_at" as deleted_at
from {{ source('ccc', 'predictive_dialing_campaigns') }} as c
