/**
 * Preflight checks of the build role: its account privileges, its create rights where the
 * orchestration objects live, and the warehouse. SHOW GRANTS TO ROLE lists the role's direct grants
 * (sql-reference/sql/show-grants); a privilege the role only inherits from another role is not seen,
 * and the check says so in its fix.
 */
import type { OrchestrationConfig } from "../config/types.js";
import { runQuery, type QueryRow } from "../prelude/dbt.js";
import { quote_literal, quote_name } from "../sql/quoting.js";
import { failed, passed, rows_where, type CheckResult } from "./check.js";
import { cell_text } from "../resources/live-state.js";

const SCHEMA_PRIVILEGES = ["USAGE", "CREATE TABLE", "CREATE STREAM", "CREATE TASK", "CREATE PROCEDURE"];

function granted(grants: QueryRow[], privilege: string, role: string): boolean {
  return grants.some((row) => cell_text(row, "privilege").toUpperCase() === privilege && cell_text(row, "grantee_name") === role);
}

export function current_role(): string {
  const result = runQuery(`select current_role() as "role"`);
  return result.rows.length === 0 ? "" : cell_text(result.rows[0]!, "role");
}

/** EXECUTE TASK always; EXECUTE MANAGED TASK for serverless tasks (sql-reference/sql/create-task, access control). */
export function privilege_checks(config: OrchestrationConfig, role: string): CheckResult[] {
  const grants = runQuery(`show grants to role ${quote_name([role])}`).rows
    .filter((row) => cell_text(row, "granted_on").toUpperCase() === "ACCOUNT");
  const needed = config.warehouse === null ? ["EXECUTE TASK", "EXECUTE MANAGED TASK"] : ["EXECUTE TASK"];
  const checks: CheckResult[] = [];
  for (const privilege of needed) {
    const name = `privilege ${privilege}`;
    if (grants.some((row) => cell_text(row, "privilege").toUpperCase() === privilege)) checks.push(passed(name, `granted to role ${role}`));
    else {
      checks.push(failed(name, `not granted to role ${role} (directly; a privilege inherited from another role is not seen here)`,
        `grant ${privilege.toLowerCase()} on account to role ${quote_name([role])};`));
    }
  }
  return checks;
}

/** The schema exists with USAGE and CREATE rights for the role, or the role may create it. */
export function schema_checks(config: OrchestrationConfig, role: string, schema_exists: boolean): CheckResult[] {
  const label = `${config.database}.${config.schema}`;
  const name = `create rights in ${label}`;
  const target_schema = quote_name([config.database, config.schema]);
  if (!schema_exists) {
    const grants = runQuery(`show grants on database ${quote_name([config.database])}`).rows;
    if (granted(grants, "OWNERSHIP", role) || granted(grants, "CREATE SCHEMA", role)) {
      return [passed(name, `the schema does not exist yet; role ${role} may create it`)];
    }
    return [failed(name, `the schema does not exist and role ${role} may not create it`,
      `as an admin: create schema ${target_schema}; grant ${SCHEMA_PRIVILEGES.join(", ").toLowerCase()} on schema ${target_schema} to role ${quote_name([role])};`)];
  }
  const grants = runQuery(`show grants on schema ${target_schema}`).rows;
  if (granted(grants, "OWNERSHIP", role)) return [passed(name, `role ${role} owns the schema`)];
  const missing = SCHEMA_PRIVILEGES.filter((privilege) => !granted(grants, privilege, role));
  if (missing.length === 0) return [passed(name, `role ${role} has ${SCHEMA_PRIVILEGES.join(", ")}`)];
  return [failed(name, `role ${role} lacks ${missing.join(", ")}`,
    `grant ${missing.join(", ").toLowerCase()} on schema ${target_schema} to role ${quote_name([role])};`)];
}

/** SHOW WAREHOUSES lists only the warehouses the role has a privilege on. */
export function warehouse_checks(config: OrchestrationConfig, role: string): CheckResult[] {
  if (config.warehouse === null) return [passed("warehouse", "none configured: serverless tasks")];
  const found = rows_where(runQuery(`show warehouses like ${quote_literal(config.warehouse)}`).rows, "name", config.warehouse);
  if (found.length > 0) return [passed(`warehouse ${config.warehouse}`, `visible to role ${role}`)];
  return [failed(`warehouse ${config.warehouse}`, `does not exist or role ${role} has no privilege on it`,
    `grant usage on warehouse ${quote_name([config.warehouse])} to role ${quote_name([role])};`)];
}
