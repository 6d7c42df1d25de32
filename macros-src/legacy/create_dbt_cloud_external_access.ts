/**
 * create_dbt_cloud_external_access, the original package's macro with its original arguments: the
 * entry point checks them and dispatches to the Snowflake implementation below (the statements are
 * macros-src/desired/external-access.ts's).
 */
import { run_plan } from "../apply/run-plan.js";
import { load_orchestration_config } from "../config/load.js";
import type { OrchestrationConfig } from "../config/types.js";
import { comment_owner } from "../desired/managed.js";
import { external_access_statements } from "../desired/external-access.js";
import { check_arguments, check_flags, check_texts, unsupported_adapter } from "../entry/arguments.js";
import { stop_with_error } from "../errors.js";
import { named, text_of } from "../sql/rows.js";
import { check_prod_ownership } from "../plan/ownership.js";
import { dispatch, envVar, extraKeywordArguments, printLine, runQuery } from "dbt-prelude";
import { PACKAGE_NAME } from "../sql/names.js";
import { quote_literal, quote_name } from "../sql/quoting.js";

const SECRET_PREFIX = "DBT_ENV_SECRET_";

/**
 * One-time setup (needs a role with CREATE INTEGRATION): the network rule for the configured dbt
 * Cloud host, the secret with the API token and the external access integration. The token is read
 * from an environment variable and sent as a bind parameter: it is in no SQL text, so in no dbt log,
 * and it is never printed, not even in a dry run.
 * @public
 * @param token_env_var - the environment variable holding the dbt Cloud API token
 * @param dry_run - print the statements (token redacted) instead of running them; warns when the token variable is unset
 * @param override_prod_ownership - from a non-prod target, overwrite the token of a secret a prod target stored anyway (printed as a warning)
 */
export function create_dbt_cloud_external_access(token_env_var = "DBT_CLOUD_API_TOKEN", dry_run = false,
  override_prod_ownership = false): string[] {
  check_arguments("create_dbt_cloud_external_access", extraKeywordArguments(), ["token_env_var", "dry_run", "override_prod_ownership"]);
  check_flags("create_dbt_cloud_external_access", { dry_run, override_prod_ownership });
  check_texts("create_dbt_cloud_external_access", { token_env_var });
  return dispatch<(token_env_var: string, dry_run: boolean, override_prod_ownership: boolean) => string[]>(
    "create_dbt_cloud_external_access", PACKAGE_NAME)(token_env_var, dry_run, override_prod_ownership);
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

/** Snowflake implementation of create_dbt_cloud_external_access. */
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

/** Any adapter but Snowflake. */
export function default__create_dbt_cloud_external_access(_token_env_var: string, _dry_run: boolean,
  _override_prod_ownership: boolean): string[] {
  return unsupported_adapter("create_dbt_cloud_external_access");
}
