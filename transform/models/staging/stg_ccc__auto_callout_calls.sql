{{ config(enabled=tap_ccc_campaign.loaded(['auto_callout_calls'])) }}
-- One row per auto-callout call (a robot call: no agent), with its task.
select
    k."SdkAppId" as sdk_app_id,
    k."TaskId" as task_id,
    k."SessionId" as session_id,
    k."EndStatus" as end_status,
    coalesce(nullif(k."EndStatusString", ''), {{ code_label('EndStatus', 'k."EndStatus"') }}) as end_status_label,
    k."AcceptTimestamp" > 0 as picked_up,
    k."Duration" as duration_seconds,
    {{ unix_to_timestamp('k."Time"') }} as called_at
from {{ source('ccc', 'auto_callout_calls') }} as k
