{{ config(enabled=tap_ccc_campaign.loaded(['predictive_dialing_campaigns', 'predictive_dialing_calls'])) }}
-- A predictive dialer's abandon rate against the regulatory ceiling (var abandon_rate_limit_pct, 3 by
-- default, as the common rule for predictive dialers has it), per campaign and day it called and
-- over the rolling 30 days ending that day (the period such rules measure), beside the campaign's
-- own ExpectedAbandonRate. Abandoned calls are over calls picked up (answered + abandoned).
with days as (
    select * from {{ ref('ccc_campaign_days') }}
),

rolling as (
    select
        days.*,
        sum(abandoned) over thirty_days as abandoned_30d,
        sum(picked_up) over thirty_days as picked_up_30d
    from days
    window thirty_days as (
        partition by campaign_key order by called_on range between interval '29 days' preceding and current row
    )
)

select
    r.campaign_key,
    r.sdk_app_id,
    r.campaign_id,
    r.called_on,
    r.picked_up,
    r.abandoned,
    {{ percent('r.abandoned', 'r.picked_up') }} as abandon_rate_pct,
    r.picked_up_30d,
    r.abandoned_30d,
    {{ percent('r.abandoned_30d', 'r.picked_up_30d') }} as abandon_rate_30d_pct,
    cast({{ var('abandon_rate_limit_pct') }} as numeric(9, 2)) as limit_pct,
    c.expected_abandon_rate_pct,
    coalesce({{ percent('r.abandoned', 'r.picked_up') }} > {{ var('abandon_rate_limit_pct') }}, false) as day_over_limit,
    coalesce({{ percent('r.abandoned_30d', 'r.picked_up_30d') }} > {{ var('abandon_rate_limit_pct') }}, false)
        as rolling_30d_over_limit
from rolling as r
join {{ ref('stg_ccc__campaigns') }} as c on c.campaign_key = r.campaign_key
