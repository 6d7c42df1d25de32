/**
 * Preflight checks of the build role: its account privileges, its create rights where the
 * orchestration objects live, the warehouse, and the session's identifier rules. Privileges count
 * when the build role holds them itself or through a role it inherits (grants.ts).
 */
import type { OrchestrationConfig } from "../config/types.js";
import { runQuery } from "dbt-prelude";
import { display_name } from "../sql/names.js";
import { quote_literal, quote_name } from "../sql/quoting.js";
import { failed, passed, rows_where, type CheckResult } from "./check.js";
import { held, lacking, through, type RoleGrants } from "./grants.js";
import { cell_text } from "../sql/rows.js";

const SCHEMA_PRIVILEGES = ["USAGE", "CREATE TABLE", "CREATE STREAM", "CREATE TASK", "CREATE PROCEDURE"];

export interface SessionIdentity {
  role: string;
  user: string;
}

/** The build role and the user; unquoted aliases come back in upper case, whatever QUOTED_IDENTIFIERS_IGNORE_CASE says. */
export function session_identity(): SessionIdentity {
  const result = runQuery("select current_role() as BUILD_ROLE, current_user() as BUILD_USER");
  if (result.rows.length === 0) return { role: "", user: "" };
  return { role: cell_text(result.rows[0]!, "BUILD_ROLE"), user: cell_text(result.rows[0]!, "BUILD_USER") };
}

/**
 * QUOTED_IDENTIFIERS_IGNORE_CASE = TRUE makes Snowflake resolve double-quoted names in upper case
 * (https://docs.snowflake.com/en/sql-reference/identifiers-syntax, "Controlling case using the
 * QUOTED_IDENTIFIERS_IGNORE_CASE parameter"; https://docs.snowflake.com/en/sql-reference/parameters):
 * a watched "Order Items" then names ORDER ITEMS, and SHOW's lower-case output columns cannot be
 * named in a query. The package's own reads do not depend on it (unquoted aliases, RESULT_SCAN by
 * column position), but its quoted names do; a user-level FALSE overrides an account-level TRUE.
 */
export function identifier_case_checks(identity: SessionIdentity): CheckResult[] {
  const name = "session parameter QUOTED_IDENTIFIERS_IGNORE_CASE";
  const rows = rows_where(runQuery("show parameters like 'QUOTED_IDENTIFIERS_IGNORE_CASE' in session").rows, "key", "QUOTED_IDENTIFIERS_IGNORE_CASE");
  const value = rows.length === 0 ? "" : cell_text(rows[0]!, "value").toLowerCase();
  if (value !== "true") return [passed(name, "false: double-quoted names keep their case")];
  const level = cell_text(rows[0]!, "level");
  return [failed(name, `TRUE for this session${level === "" ? "" : ` (set at level ${level})`}: Snowflake would resolve quoted names such as "Order Items" in upper case`,
    `alter user ${quote_name([identity.user])} set quoted_identifiers_ignore_case = false;`)];
}

/**
 * EXECUTE TASK always; EXECUTE MANAGED TASK for serverless tasks
 * (https://docs.snowflake.com/en/sql-reference/sql/create-task, access control requirements).
 */
export function privilege_checks(config: OrchestrationConfig, grants: RoleGrants): CheckResult[] {
  const needed = config.warehouse === null ? ["EXECUTE TASK", "EXECUTE MANAGED TASK"] : ["EXECUTE TASK"];
  const checks: CheckResult[] = [];
  for (const privilege of needed) {
    const name = `privilege ${privilege}`;
    const grant = held(grants, privilege, "ACCOUNT", "");
    if (grant !== null) checks.push(passed(name, `granted to role ${grant.role}${grant.role === grants.role ? "" : `, which role ${grants.role} inherits`}`));
    else {
      checks.push(failed(name, `neither role ${grants.role} nor a role it inherits holds it`,
        `grant ${privilege.toLowerCase()} on account to role ${quote_name([grants.role])};`));
    }
  }
  return checks;
}

/**
 * USAGE on the database, and on the schema USAGE and CREATE TABLE/STREAM/TASK/PROCEDURE (or its
 * OWNERSHIP); a schema that does not exist yet needs CREATE SCHEMA on the database.
 */
export function schema_checks(config: OrchestrationConfig, grants: RoleGrants, schema_exists: boolean): CheckResult[] {
  const label = `${config.database}.${config.schema}`;
  const name = `create rights in ${label}`;
  const target_database = quote_name([config.database]);
  const target_schema = quote_name([config.database, config.schema]);
  const role = quote_name([grants.role]);
  const database_key = display_name([config.database]);
  const missing_usage = lacking(grants, ["USAGE"], "DATABASE", database_key).length > 0;
  const usage_fix = missing_usage ? `grant usage on database ${target_database} to role ${role}; ` : "";
  if (!schema_exists) {
    if (held(grants, "CREATE SCHEMA", "DATABASE", database_key) !== null && !missing_usage) {
      return [passed(name, `the schema does not exist yet; role ${grants.role} may create it`)];
    }
    return [failed(name, `the schema does not exist and role ${grants.role} may not create it`,
      `as an admin: create schema ${target_schema}; ${usage_fix}grant ${SCHEMA_PRIVILEGES.join(", ").toLowerCase()} on schema ${target_schema} to role ${role};`)];
  }
  const schema_key = display_name([config.database, config.schema]);
  const missing = lacking(grants, SCHEMA_PRIVILEGES, "SCHEMA", schema_key);
  if (missing.length === 0 && !missing_usage) {
    const owner = held(grants, "OWNERSHIP", "SCHEMA", schema_key);
    if (owner !== null) return [passed(name, `role ${owner.role} owns the schema${owner.role === grants.role ? "" : `, and role ${grants.role} inherits it`}`)];
    return [passed(name, `role ${grants.role} has USAGE on the database and ${SCHEMA_PRIVILEGES.join(", ")} on the schema`)];
  }
  const lacks = [...(missing_usage ? [`USAGE on database ${config.database}`] : []), ...(missing.length === 0 ? [] : [`${missing.join(", ")} on the schema`])];
  const schema_fix = missing.length === 0 ? "" : `grant ${missing.join(", ").toLowerCase()} on schema ${target_schema} to role ${role};`;
  return [failed(name, `role ${grants.role} lacks ${lacks.join(" and ")}`, `${usage_fix}${schema_fix}`.trim())];
}

/** USAGE on the warehouse the tasks run on (https://docs.snowflake.com/en/sql-reference/sql/create-task). */
export function warehouse_checks(config: OrchestrationConfig, grants: RoleGrants): CheckResult[] {
  if (config.warehouse === null) return [passed("warehouse", "none configured: serverless tasks")];
  const name = `warehouse ${config.warehouse}`;
  const grant = held(grants, "USAGE", "WAREHOUSE", display_name([config.warehouse]));
  if (grant !== null) return [passed(name, `role ${grants.role} has USAGE${through(grants, grant)}`)];
  const visible = rows_where(runQuery(`show warehouses like ${quote_literal(config.warehouse)}`).rows, "name", config.warehouse).length > 0;
  return [failed(name, visible ? `role ${grants.role} has no USAGE on it` : `does not exist, or role ${grants.role} has no privilege on it`,
    `grant usage on warehouse ${quote_name([config.warehouse])} to role ${quote_name([grants.role])};`)];
}
