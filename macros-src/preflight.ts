/** `dbt run-operation check_orchestration_setup`: the preflight, before the first build and before each weekly one. */
import { load_orchestration_config } from "./config/load.js";
import { check_arguments, unsupported_adapter } from "./entry/arguments.js";
import { stop_with_error } from "./errors.js";
import { dispatch, extraKeywordArguments, printLine, runQuery, target } from "./prelude/dbt.js";
import { current_role, privilege_checks, schema_checks, warehouse_checks } from "./preflight/account-checks.js";
import { integration_checks, ping_checks, secret_checks } from "./preflight/access-checks.js";
import { check_line, rows_where, type CheckResult } from "./preflight/check.js";
import { timezone_checks, watched_object_checks } from "./preflight/object-checks.js";
import { PACKAGE_NAME, PROCEDURE_NAME } from "./sql/names.js";
import { quote_literal, quote_name } from "./sql/quoting.js";

function schema_exists(database: string, schema: string): boolean {
  const found = runQuery(`show schemas like ${quote_literal(schema)} in database ${quote_name([database])}`).rows;
  return rows_where(found, "name", schema).length > 0;
}

/**
 * Checks, on the live account and with the role dbt runs as, everything the build and the tasks
 * need, one line per check with ✓ or ✗ and the exact fix: the account privileges, create rights in
 * the orchestration schema, the warehouse, the external access integration and the host it allows,
 * the secret, each watched object (exists, kind, change tracking, owner), the time zone, and, once
 * the procedure exists, a read-only ping of dbt Cloud through it. Runs no DDL and triggers no job.
 * Fails (dbt exits non-zero) when any check fails.
 * @public
 */
export function check_orchestration_setup(): string[] {
  check_arguments("check_orchestration_setup", extraKeywordArguments(), []);
  return dispatch<() => string[]>("check_orchestration_setup", PACKAGE_NAME)();
}

/** Snowflake implementation of check_orchestration_setup. */
export function snowflake__check_orchestration_setup(): string[] {
  const config = load_orchestration_config();
  const role = current_role();
  const orchestration_schema = schema_exists(config.database, config.schema);
  const same_schema = config.secret[0] === config.database && config.secret[1] === config.schema;
  const secret_schema = same_schema ? orchestration_schema : schema_exists(config.secret[0]!, config.secret[1]!);
  const checks: CheckResult[] = [
    ...privilege_checks(config, role),
    ...schema_checks(config, role, orchestration_schema),
    ...warehouse_checks(config, role),
    ...integration_checks(config, role),
    ...secret_checks(config, role, secret_schema),
    ...watched_object_checks(config, role),
    ...timezone_checks(config),
  ];
  const procedures = orchestration_schema
    ? runQuery(`show procedures like ${quote_literal(PROCEDURE_NAME)} in schema ${quote_name([config.database, config.schema])}`).rows
    : [];
  checks.push(...ping_checks(config, procedures));
  const lines = checks.map((check) => check_line(check));
  const failures = checks.filter((check) => !check.ok).length;
  printLine(`${PACKAGE_NAME}: preflight for target '${target.name}' as role ${role}:\n${lines.join("\n")}`);
  if (failures > 0) stop_with_error(`${PACKAGE_NAME}: ${failures} of ${checks.length} preflight checks failed; each ✗ line says how to fix it.`);
  return lines;
}

/** Any adapter but Snowflake: the checks are about Snowflake's objects and privileges. */
export function default__check_orchestration_setup(): string[] {
  return unsupported_adapter("check_orchestration_setup");
}
