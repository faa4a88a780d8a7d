{{ config(enabled=tap_ccc_campaign.loaded(['agents'])) }}
-- One row per agent, keyed by the account (e-mail) calls name them by. The phone number and
-- nickname stay in the source table (personal data; a stream map may have dropped them).
select
    a."SdkAppId" as sdk_app_id,
    a."Mail" as agent_user_id,
    a."Name" as agent_name,
    a."StaffNumber" as staff_number,
    a."RoleId" as role_id,
    a."ExtensionNumber" as extension_number,
    {{ unix_to_timestamp('a."LastModifyTimestamp"') }} as modified_at,
    a."_sdc_deleted_at" is not null as is_deleted,
    a."_sdc_deleted_at" as deleted_at
from {{ source('ccc', 'agents') }} as a
