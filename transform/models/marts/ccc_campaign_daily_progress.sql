{{ config(enabled=tap_ccc_campaign.loaded(['predictive_dialing_campaign_progress'])) }}
-- A completion curve per campaign: its last observation of each day a sync ran.
with ranked as (
    select
        p.*,
        row_number() over (
            partition by p.sdk_app_id, p.campaign_id, p.observed_on order by p.observed_at desc
        ) as rank_in_day
    from {{ ref('stg_ccc__campaign_progress') }} as p
)

select
    campaign_key,
    sdk_app_id,
    campaign_id,
    observed_on,
    observed_at as last_observed_at,
    campaign_name,
    status_label,
    callee_count,
    finished_callee_count,
    completion_pct
from ranked
where rank_in_day = 1
