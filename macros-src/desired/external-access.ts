/**
 * The one-time setup that lets the procedure call dbt Cloud: a network rule for the account's host,
 * a secret holding the API token, and an external access integration joining the two.
 * Re-running updates them in place (a rotated token, a new host) without replacing them, in the
 * syntax each object documents:
 * - CREATE OR ALTER NETWORK RULE creates the rule or sets its VALUE_LIST and COMMENT
 *   (https://docs.snowflake.com/en/sql-reference/sql/create-network-rule); CREATE NETWORK RULE has no IF NOT EXISTS;
 * - CREATE SECRET IF NOT EXISTS, then ALTER SECRET … SET SECRET_STRING
 *   (https://docs.snowflake.com/en/sql-reference/sql/create-secret, …/alter-secret);
 * - CREATE EXTERNAL ACCESS INTEGRATION has neither IF NOT EXISTS nor OR ALTER
 *   (https://docs.snowflake.com/en/sql-reference/sql/create-external-access-integration), and OR REPLACE
 *   would drop the grants on it: SHOW INTEGRATIONS LIKE tells whether it exists, and the plan creates
 *   it or alters it (https://docs.snowflake.com/en/sql-reference/sql/alter-external-access-integration).
 */
import type { OrchestrationConfig } from "../config/types.js";
import { NETWORK_RULE_NAME } from "../sql/names.js";
import { quote_literal, quote_name } from "../sql/quoting.js";
import { SECRET_PARAMETER, type PlannedStatement } from "../plan/plan-types.js";
import { managed_comment, owner_marker } from "./managed.js";
import { desired_schema } from "./schema.js";
import { managed_name } from "./names.js";

/** The statements; the token is bound where the secret statements say SECRET_PARAMETER. */
export function external_access_statements(config: OrchestrationConfig, token: string, integration_found: boolean): PlannedStatement[] {
  const rule = managed_name(config, NETWORK_RULE_NAME);
  const secret = quote_name(config.secret);
  const integration = quote_name([config.external_access_integration]);
  const host = quote_literal(config.host);
  const secret_label = config.secret.join(".");
  const schema = desired_schema(config);
  const secret_comment = quote_literal(`${managed_comment("the dbt Cloud API token")}${owner_marker(config.deployment)}`);
  return [
    // The rule (and, by default, the secret) live in the orchestration schema, which the first build has not made yet.
    { action: "create if missing", object: schema.label, description: `create schema ${schema.label} if missing`, sql: schema.sql },
    {
      action: "create or alter", object: `${config.database}.${config.schema}.${NETWORK_RULE_NAME}`,
      description: `create network rule ${NETWORK_RULE_NAME}, or set it to allow only ${config.host}`,
      sql: `create or alter network rule ${rule} type = host_port value_list = (${host}) mode = egress` +
        ` comment = ${quote_literal(managed_comment("lets the dbt Cloud trigger reach the dbt Cloud API"))}`,
    },
    {
      action: "create if missing", object: secret_label,
      description: `create secret ${secret_label} if missing`,
      secret: token,
      sql: `create secret if not exists ${secret} type = generic_string secret_string = ${SECRET_PARAMETER}` +
        ` comment = ${secret_comment}`,
    },
    {
      // The comment records which target stored the token (managed.ts, beside this file), so a non-prod target never replaces prod's.
      action: "update", object: secret_label,
      description: `store the current token in secret ${secret_label}`,
      secret: token,
      sql: `alter secret ${secret} set secret_string = ${SECRET_PARAMETER} comment = ${secret_comment}`,
    },
    integration_found ? {
      action: "update", object: config.external_access_integration,
      description: `point ${config.external_access_integration} at the rule and the secret, enabled`,
      sql: `alter external access integration ${integration}` +
        ` set allowed_network_rules = (${rule}) allowed_authentication_secrets = (${secret}) enabled = true`,
    } : {
      action: "create", object: config.external_access_integration,
      description: `create external access integration ${config.external_access_integration}`,
      sql: `create external access integration ${integration}` +
        ` allowed_network_rules = (${rule}) allowed_authentication_secrets = (${secret}) enabled = true` +
        ` comment = ${quote_literal(managed_comment("dbt Cloud API access for the dbt Cloud trigger"))}`,
    },
  ];
}
