/**
 * The one-time setup that lets the procedure call dbt Cloud: a network rule for the account's host,
 * a secret holding the API token, and an external access integration joining the two.
 * Re-running updates them in place (a rotated token, a new host) without replacing them.
 */
import { load_orchestration_config } from "../config/load.js";
import type { OrchestrationConfig } from "../config/types.js";
import { envVar } from "../prelude/dbt.js";
import { stop_with_error } from "../errors.js";
import { NETWORK_RULE_NAME } from "../sql/names.js";
import { quote_literal, quote_name } from "../sql/quoting.js";
import { SECRET_PARAMETER, type PlannedStatement } from "./plan-types.js";
import { run_plan } from "./run-plan.js";
import { managed_comment } from "./managed.js";
import { desired_schema } from "./schema.js";
import { managed_name } from "./names.js";

const SECRET_PREFIX = "DBT_ENV_SECRET_";

/** The statements; the token is bound where the secret statements say SECRET_PARAMETER. */
export function external_access_statements(config: OrchestrationConfig, token: string): PlannedStatement[] {
  const rule = managed_name(config, NETWORK_RULE_NAME);
  const secret = quote_name(config.secret);
  const integration = quote_name([config.external_access_integration]);
  const host = quote_literal(config.host);
  const secret_label = config.secret.join(".");
  const schema = desired_schema(config);
  return [
    // The rule (and, by default, the secret) live in the orchestration schema, which the first build has not made yet.
    { action: "create if missing", object: schema.label, description: `create schema ${schema.label} if missing`, sql: schema.sql },
    {
      action: "create if missing", object: `${config.database}.${config.schema}.${NETWORK_RULE_NAME}`,
      description: `create network rule ${NETWORK_RULE_NAME} if missing`,
      sql: `create network rule if not exists ${rule} type = host_port mode = egress value_list = (${host})` +
        ` comment = ${quote_literal(managed_comment("lets the dbt Cloud trigger reach the dbt Cloud API"))}`,
    },
    {
      action: "update", object: `${config.database}.${config.schema}.${NETWORK_RULE_NAME}`,
      description: `allow only ${config.host} in network rule ${NETWORK_RULE_NAME}`,
      sql: `alter network rule ${rule} set value_list = (${host})`,
    },
    {
      action: "create if missing", object: secret_label,
      description: `create secret ${secret_label} if missing`,
      secret: token,
      sql: `create secret if not exists ${secret} type = generic_string secret_string = ${SECRET_PARAMETER}` +
        ` comment = ${quote_literal(managed_comment("the dbt Cloud API token"))}`,
    },
    {
      action: "update", object: secret_label,
      description: `store the current token in secret ${secret_label}`,
      secret: token,
      sql: `alter secret ${secret} set secret_string = ${SECRET_PARAMETER}`,
    },
    {
      action: "create if missing", object: config.external_access_integration,
      description: `create external access integration ${config.external_access_integration} if missing`,
      sql: `create external access integration if not exists ${integration}` +
        ` allowed_network_rules = (${rule}) allowed_authentication_secrets = (${secret}) enabled = true` +
        ` comment = ${quote_literal(managed_comment("dbt Cloud API access for the dbt Cloud trigger"))}`,
    },
    {
      action: "update", object: config.external_access_integration,
      description: `point ${config.external_access_integration} at the rule and the secret, enabled`,
      sql: `alter external access integration ${integration}` +
        ` set allowed_network_rules = (${rule}) allowed_authentication_secrets = (${secret}) enabled = true`,
    },
  ];
}

/**
 * One-time setup (needs a role with CREATE INTEGRATION): the network rule for the configured dbt
 * Cloud host, the secret with the API token and the external access integration. The token is read
 * from an environment variable and sent as a bind parameter: it is in no SQL text, so in no dbt log,
 * and it is never printed, not even in a dry run.
 * @param token_env_var - the environment variable holding the dbt Cloud API token
 * @param dry_run - print the statements (token redacted) instead of running them
 */
export function create_dbt_cloud_external_access(token_env_var = "DBT_CLOUD_API_TOKEN", dry_run = false): string[] {
  if (token_env_var.startsWith(SECRET_PREFIX)) {
    // dbt-core refuses env_var() on these outside profiles.yml and packages.yml.
    stop_with_error(
      `create_dbt_cloud_external_access: dbt does not let macros read ${SECRET_PREFIX}* variables; ` +
        `put the token in ${token_env_var.slice(SECRET_PREFIX.length)} (or any other name) and pass token_env_var.`);
  }
  const config = load_orchestration_config();
  const token = dry_run ? "" : envVar(token_env_var, "");
  if (!dry_run && token.trim().length === 0) {
    stop_with_error(`create_dbt_cloud_external_access: set the environment variable ${token_env_var} to a dbt Cloud API token.`);
  }
  return run_plan(external_access_statements(config, token), dry_run, "set up dbt Cloud API access");
}
