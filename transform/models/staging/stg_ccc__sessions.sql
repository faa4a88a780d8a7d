{{ config(enabled=tap_ccc_campaign.loaded(['predictive_dialing_sessions'])) }}
-- Every call session of every campaign.
select
    {{ campaign_key('s."SdkAppId"', 's."CampaignId"') }} as campaign_key,
    s."SdkAppId" as sdk_app_id,
    s."CampaignId" as campaign_id,
    s."SessionId" as session_id
from {{ source('ccc', 'predictive_dialing_sessions') }} as s
