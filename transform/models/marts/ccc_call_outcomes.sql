{{ config(enabled=tap_ccc_campaign.loaded(['predictive_dialing_calls'])) }}
-- Each call's outcome, one row per call:
--   answered      the callee picked up (AcceptTimestamp > 0) and was served;
--   abandoned     the callee picked up, then the system hung up without an agent on the line
--                 (the predictive dialer called more people than agents were free);
--   not_answered  never picked up, though the number was reached (var not_answered_end_statuses:
--                 notAnswer, userReject, busy, voiceMailReached);
--   failed        never picked up for any other reason (power off, no such number, network, unknown code).
with calls as (
    select * from {{ ref('stg_ccc__calls') }}
)

select
    campaign_key,
    sdk_app_id,
    campaign_id,
    session_id,
    case
        when accept_unix > 0 and hung_up_side = 'system' and coalesce(agent_user_id, '') = '' then 'abandoned'
        when accept_unix > 0 then 'answered'
        when end_status in ({{ var('not_answered_end_statuses') | join(', ') }}) then 'not_answered'
        else 'failed'
    end as outcome,
    end_status,
    end_status_label,
    hung_up_side,
    agent_user_id,
    called_at,
    cast(called_at as date) as called_on,
    -- Talk time of a served call; CCC's Duration is the talk seconds.
    case when accept_unix > 0 then duration_seconds else 0 end as talk_seconds,
    -- From the first ring to the pick-up, or to the end of a call nobody picked up.
    case
        when ring_unix > 0 and accept_unix > 0 then accept_unix - ring_unix
        when ring_unix > 0 and ended_unix >= ring_unix then ended_unix - ring_unix
    end as ring_seconds
from calls
