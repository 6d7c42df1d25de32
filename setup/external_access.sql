-- One-time setup for dbt_cloud_orchestration, for teams that run it by hand in a Snowflake worksheet.
-- The same statements as `dbt run-operation create_dbt_cloud_external_access` for the example config
-- (integration_tests/dbt_project.yml) on an account without the integration: replace the names, the host
-- and the token with your own. test/package/original-macros.test.ts keeps this file equal to the macro.
-- The secret's comment records that prod stored the token (`[prod target <name>]`): a non-prod target then
-- refuses to overwrite it.
--
-- Run as a role with CREATE INTEGRATION (e.g. ACCOUNTADMIN), which also needs CREATE NETWORK RULE and
-- CREATE SECRET on the schema (or owns it) and USAGE on its database; then grant the role that owns the
-- procedure USAGE on the integration, READ on the secret and USAGE on the secret's database and schema
-- (docs/snowflake-setup.md).
--
-- Each statement is in the syntax its object documents: CREATE OR ALTER NETWORK RULE (no IF NOT EXISTS
-- there), CREATE SECRET IF NOT EXISTS and ALTER SECRET, and CREATE EXTERNAL ACCESS INTEGRATION, which has
-- neither IF NOT EXISTS nor OR ALTER. When the integration exists already (a rerun, a rotated token), run
-- instead of the last statement:
--   alter external access integration "DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION" set allowed_network_rules = ("ANALYTICS"."ORCHESTRATION"."DBT_CLOUD_API_NETWORK_RULE") allowed_authentication_secrets = ("ANALYTICS"."ORCHESTRATION"."DBT_CLOUD_ACCESS_TOKEN") enabled = true;

create schema if not exists "ANALYTICS"."ORCHESTRATION";

create or alter network rule "ANALYTICS"."ORCHESTRATION"."DBT_CLOUD_API_NETWORK_RULE" type = host_port value_list = ('your-account-prefix.us1.dbt.com') mode = egress comment = 'Managed by the dbt_cloud_orchestration dbt package: lets the dbt Cloud trigger reach the dbt Cloud API';

create secret if not exists "ANALYTICS"."ORCHESTRATION"."DBT_CLOUD_ACCESS_TOKEN" type = generic_string secret_string = '<paste your dbt Cloud API token here>' comment = 'Managed by the dbt_cloud_orchestration dbt package: the dbt Cloud API token [prod target prod]';

alter secret "ANALYTICS"."ORCHESTRATION"."DBT_CLOUD_ACCESS_TOKEN" set secret_string = '<paste your dbt Cloud API token here>' comment = 'Managed by the dbt_cloud_orchestration dbt package: the dbt Cloud API token [prod target prod]';

create external access integration "DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION" allowed_network_rules = ("ANALYTICS"."ORCHESTRATION"."DBT_CLOUD_API_NETWORK_RULE") allowed_authentication_secrets = ("ANALYTICS"."ORCHESTRATION"."DBT_CLOUD_ACCESS_TOKEN") enabled = true comment = 'Managed by the dbt_cloud_orchestration dbt package: dbt Cloud API access for the dbt Cloud trigger';
