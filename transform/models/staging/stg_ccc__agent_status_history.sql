{{ config(enabled=tap_ccc_campaign.loaded(['agent_status_history'])) }}
-- One row per status change of an agent, with how long the status lasted: until the agent's next
-- change (null for the latest one, still going).
select
    h."SdkAppId" as sdk_app_id,
    h."StaffUserId" as agent_user_id,
    h."Status" as status,
    h."Timestamp" as changed_unix,
    {{ unix_to_timestamp('h."Timestamp"') }} as changed_at,
    cast({{ unix_to_timestamp('h."Timestamp"') }} as date) as changed_on,
    nullif(h."SessionId", '') as session_id,
    nullif(h."Reason", '') as reason,
    lead(h."Timestamp") over (partition by h."SdkAppId", h."StaffUserId" order by h."Timestamp", h."Status")
        - h."Timestamp" as seconds_in_status
from {{ source('ccc', 'agent_status_history') }} as h
