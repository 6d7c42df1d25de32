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
import { stop_with_error } from "../errors.js";
import { load_orchestration_config } from "../config/load.js";
import type { OrchestrationConfig } from "../config/types.js";
import { envVar, printLine, runQuery } from "../prelude/dbt.js";
import { NETWORK_RULE_NAME } from "../sql/names.js";
import { quote_literal, quote_name } from "../sql/quoting.js";
import { SECRET_PARAMETER, type PlannedStatement } from "./plan-types.js";
import { run_plan } from "./run-plan.js";
import { comment_owner, managed_comment, owner_marker } from "./managed.js";
import { desired_schema } from "./schema.js";
import { managed_name } from "./names.js";
import { named, text_of } from "./live-state.js";
import { check_prod_ownership } from "./ownership.js";

const SECRET_PREFIX = "DBT_ENV_SECRET_";

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
      // The comment records which target stored the token (managed.ts), so a non-prod target never replaces prod's.
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

/** Whether the integration exists (and this role may see it): SHOW INTEGRATIONS lists the integrations the role has a privilege on. */
function integration_exists(name: string): boolean {
  return named(runQuery(`show integrations like ${quote_literal(name)}`).rows, name).length > 0;
}

/**
 * Outside prod, the secret it would overwrite: one stored by a prod target, or by a version of the
 * package that did not record the target (most likely prod's: the setup is usually done once, for
 * prod), is prod's token. Its name, as a change for check_prod_ownership, or none.
 */
function prod_secret_changes(config: OrchestrationConfig): string[] {
  if (config.deployment.is_prod) return [];
  const name = config.secret[2]!;
  const rows = named(runQuery(`show secrets like ${quote_literal(name)} in schema ${quote_name([config.secret[0]!, config.secret[1]!])}`).rows, name);
  if (rows.length === 0 || comment_owner(text_of(rows[0]!, "comment")) === "non-prod") return [];
  return [`update secret ${config.secret.join(".")} (its token)`];
}

/** Snowflake implementation of create_dbt_cloud_external_access (the entry point, with its documentation, is in macros-src/originals.ts). */
export function snowflake__create_dbt_cloud_external_access(token_env_var = "DBT_CLOUD_API_TOKEN", dry_run = false,
  override_prod_ownership = false): string[] {
  if (token_env_var.startsWith(SECRET_PREFIX)) {
    // dbt-core refuses env_var() on these outside profiles.yml and packages.yml.
    stop_with_error(
      `create_dbt_cloud_external_access: dbt does not let macros read ${SECRET_PREFIX}* variables; ` +
        `put the token in ${token_env_var.slice(SECRET_PREFIX.length)} (or any other name) and pass token_env_var.`);
  }
  const config = load_orchestration_config();
  const token = dry_run ? "" : envVar(token_env_var, "");
  if (dry_run && envVar(token_env_var, "").trim().length === 0) {
    // Only whether it is set: the token itself is never read into anything shown.
    printLine(`create_dbt_cloud_external_access: WARNING: the environment variable ${token_env_var} is not set; ` +
      "a run would stop before any statement. Set it to a dbt Cloud API token first.");
  }
  if (!dry_run && token.trim().length === 0) {
    stop_with_error(`create_dbt_cloud_external_access: set the environment variable ${token_env_var} to a dbt Cloud API token.`);
  }
  if (dry_run) {
    // A dry run opens no connection: it shows the statements for an account without the integration.
    return run_plan(external_access_statements(config, token, false), true,
      "set up dbt Cloud API access (the dry run reads nothing: a run alters the integration instead of creating it when it exists)");
  }
  check_prod_ownership(config, "create_dbt_cloud_external_access", prod_secret_changes(config), override_prod_ownership);
  return run_plan(external_access_statements(config, token, integration_exists(config.external_access_integration)), false,
    "set up dbt Cloud API access");
}
