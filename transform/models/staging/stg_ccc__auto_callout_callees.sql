{{ config(enabled=tap_ccc_campaign.loaded(['auto_callout_callees'])) }}
-- One row per callee of a task: its state and how many attempts it took. The number itself stays
-- in the source table (personal data): callee_key is its md5, to count and join on.
select
    c."SdkAppId" as sdk_app_id,
    c."TaskId" as task_id,
    md5(c."Callee") as callee_key,
    c."State" as state,
    {{ code_label('CalleeState', 'c."State"') }} as state_label,
    {{ array_length('c."Sessions"') }} as attempts
from {{ source('ccc', 'auto_callout_callees') }} as c
