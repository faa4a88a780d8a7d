{{ config(enabled=tap_ccc_campaign.loaded(['predictive_dialing_calls'])) }}
-- Each predictive campaign's calls picked up and abandoned per day it called: what the abandon-rate
-- compliance view and agent occupancy both set their figures beside.
select
    campaign_key,
    sdk_app_id,
    campaign_id,
    called_on,
    sum(case when outcome = 'abandoned' then 1 else 0 end) as abandoned,
    sum(case when outcome in ('answered', 'abandoned') then 1 else 0 end) as picked_up
from {{ ref('ccc_call_outcomes') }}
group by campaign_key, sdk_app_id, campaign_id, called_on
