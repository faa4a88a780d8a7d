{{ config(enabled=tap_ccc_campaign.loaded(['predictive_dialing_campaigns'])) }}
-- The campaigns' custom Variables, one row per key (the column holds a JSON array of {Key, Value}).
with elements as (
    select
        c."SdkAppId" as sdk_app_id,
        c."CampaignId" as campaign_id,
        {{ json_array_elements('c."Variables"') }} as element
    from {{ source('ccc', 'predictive_dialing_campaigns') }} as c
    where c."Variables" is not null
)

select
    {{ campaign_key('sdk_app_id', 'campaign_id') }} as campaign_key,
    sdk_app_id,
    campaign_id,
    element ->> 'Key' as variable_key,
    element ->> 'Value' as variable_value
from elements
