{{ config(enabled=tap_ccc_campaign.loaded(['auto_callout_tasks'])) }}
-- One row per auto-callout task, its State labelled.
select
    t."SdkAppId" as sdk_app_id,
    t."TaskId" as task_id,
    t."Name" as task_name,
    t."State" as state,
    {{ code_label('TaskState', 't."State"') }} as state_label,
    t."CalleeCount" as callee_count,
    t."IvrId" as ivr_id,
    {{ unix_to_timestamp('t."NotBefore"') }} as not_before_at,
    {{ unix_to_timestamp('t."NotAfter"') }} as not_after_at
from {{ source('ccc', 'auto_callout_tasks') }} as t
