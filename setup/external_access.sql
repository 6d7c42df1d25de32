-- One-time setup for dbt_cloud_orchestration, for teams that run it by hand in a Snowflake worksheet.
-- The same statements as `dbt run-operation create_dbt_cloud_external_access` for the example config
-- (integration_tests/dbt_project.yml): replace the names, the host and the token with your own.
-- Run as a role with CREATE INTEGRATION (e.g. ACCOUNTADMIN); then grant the role that owns the procedure
-- USAGE on the integration and READ on the secret. test/package/original-macros.test.ts keeps this file
-- equal to the macro.

create schema if not exists "ANALYTICS"."ORCHESTRATION";

create network rule if not exists "ANALYTICS"."ORCHESTRATION"."DBT_CLOUD_API_NETWORK_RULE" type = host_port mode = egress value_list = ('your-account-prefix.us1.dbt.com') comment = 'Managed by the dbt_cloud_orchestration dbt package: lets the dbt Cloud trigger reach the dbt Cloud API';

alter network rule "ANALYTICS"."ORCHESTRATION"."DBT_CLOUD_API_NETWORK_RULE" set value_list = ('your-account-prefix.us1.dbt.com');

create secret if not exists "ANALYTICS"."ORCHESTRATION"."DBT_CLOUD_ACCESS_TOKEN" type = generic_string secret_string = '<paste your dbt Cloud API token here>' comment = 'Managed by the dbt_cloud_orchestration dbt package: the dbt Cloud API token';

alter secret "ANALYTICS"."ORCHESTRATION"."DBT_CLOUD_ACCESS_TOKEN" set secret_string = '<paste your dbt Cloud API token here>';

create external access integration if not exists "DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION" allowed_network_rules = ("ANALYTICS"."ORCHESTRATION"."DBT_CLOUD_API_NETWORK_RULE") allowed_authentication_secrets = ("ANALYTICS"."ORCHESTRATION"."DBT_CLOUD_ACCESS_TOKEN") enabled = true comment = 'Managed by the dbt_cloud_orchestration dbt package: dbt Cloud API access for the dbt Cloud trigger';

alter external access integration "DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION" set allowed_network_rules = ("ANALYTICS"."ORCHESTRATION"."DBT_CLOUD_API_NETWORK_RULE") allowed_authentication_secrets = ("ANALYTICS"."ORCHESTRATION"."DBT_CLOUD_ACCESS_TOKEN") enabled = true;
