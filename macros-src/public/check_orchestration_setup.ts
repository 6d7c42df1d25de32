/** `dbt run-operation check_orchestration_setup`: the preflight, before the first build and before each weekly one. */
import { load_orchestration_config } from "../config/load.js";
import { check_arguments, unsupported_adapter } from "../entry/arguments.js";
import { stop_with_error } from "../errors.js";
import { dispatch, extraKeywordArguments, printLine, runQuery, target } from "dbt-prelude";
import { identifier_case_checks, privilege_checks, schema_checks, session_identity, warehouse_checks } from "../preflight/account-checks.js";
import {
  error_integration_checks, host_checks, integration_checks, ping_checks, secret_checks, type IntegrationFacts,
} from "../preflight/access-checks.js";
import { check_line, rows_where, type CheckResult } from "../preflight/check.js";
import { read_role_grants } from "../preflight/grants.js";
import { timezone_checks, watched_object_checks } from "../preflight/object-checks.js";
import { PACKAGE_NAME, PROCEDURE_NAME } from "../sql/names.js";
import { quote_literal, quote_name } from "../sql/quoting.js";

function schema_exists(database: string, schema: string): boolean {
  const found = runQuery(`show schemas like ${quote_literal(schema)} in database ${quote_name([database])}`).rows;
  return rows_where(found, "name", schema).length > 0;
}

/**
 * Checks, on the live account and with the role dbt runs as, everything the build, CREATE PROCEDURE
 * and CREATE TASK need, one line per check with ✓ or ✗ and the exact fix: the session's identifier
 * rules, the account privileges (held directly or through inherited roles), create rights in the
 * orchestration schema, USAGE on the warehouse, the external access integration (USAGE, the host its
 * network rules allow, the secret it allows), the secret (READ), the error integration (USAGE, type),
 * each watched object (exists, kind, change tracking, owner; a view's base tables and shape), the time
 * zone, and, once the procedure exists, a read-only ping of dbt Cloud through it. Runs no DDL and
 * triggers no job. Fails (dbt exits non-zero) when any check fails.
 * @public
 */
export function check_orchestration_setup(): string[] {
  check_arguments("check_orchestration_setup", extraKeywordArguments(), []);
  return dispatch<() => string[]>("check_orchestration_setup", PACKAGE_NAME)();
}

/** Snowflake implementation of check_orchestration_setup. */
export function snowflake__check_orchestration_setup(): string[] {
  const config = load_orchestration_config();
  const identity = session_identity();
  const checks: CheckResult[] = [...identifier_case_checks(identity)];
  const grants = read_role_grants(identity.role);
  const orchestration_schema = schema_exists(config.database, config.schema);
  const same_schema = config.secret[0] === config.database && config.secret[1] === config.schema;
  const secret_schema = same_schema ? orchestration_schema : schema_exists(config.secret[0]!, config.secret[1]!);
  const facts: IntegrationFacts = { described: false, rules: [], secrets: [] };
  checks.push(...privilege_checks(config, grants));
  checks.push(...schema_checks(config, grants, orchestration_schema));
  checks.push(...warehouse_checks(config, grants));
  checks.push(...integration_checks(config, grants, facts));
  checks.push(...host_checks(config, grants, facts));
  checks.push(...secret_checks(config, grants, secret_schema, facts));
  checks.push(...error_integration_checks(config, grants));
  checks.push(...watched_object_checks(config, identity.role));
  checks.push(...timezone_checks(config));
  const procedures = orchestration_schema
    ? runQuery(`show procedures like ${quote_literal(PROCEDURE_NAME)} in schema ${quote_name([config.database, config.schema])}`).rows
    : [];
  checks.push(...ping_checks(config, procedures));
  const lines = checks.map((check) => check_line(check));
  const failures = checks.filter((check) => !check.ok).length;
  printLine(`${PACKAGE_NAME}: preflight for target '${target.name}' as role ${identity.role}:\n${lines.join("\n")}`);
  if (failures > 0) stop_with_error(`${PACKAGE_NAME}: ${failures} of ${checks.length} preflight checks failed; each ✗ line says how to fix it.`);
  return lines;
}

/** Any adapter but Snowflake: the checks are about Snowflake's objects and privileges. */
export function default__check_orchestration_setup(): string[] {
  return unsupported_adapter("check_orchestration_setup");
}
