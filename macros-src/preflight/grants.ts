/**
 * What the build role holds, through its role hierarchy. SHOW GRANTS TO ROLE lists the grants made
 * to that role only (https://docs.snowflake.com/en/sql-reference/sql/show-grants), while a role holds
 * every privilege of the roles granted to it (https://docs.snowflake.com/en/user-guide/security-access-control-overview,
 * "Role hierarchy and privilege inheritance"), and Snowflake's own guidance grants EXECUTE TASK to a
 * custom role that is granted to the task owner's role (https://docs.snowflake.com/en/user-guide/tasks-intro,
 * "Task security"). So the walk reads the grants of the build role, then of each role granted to it
 * (a USAGE grant on a ROLE or DATABASE_ROLE), down the hierarchy, each role once; PUBLIC, which every
 * role inherits, is read too. Tasks run with the privileges of their owner role, never a user's
 * secondary roles, so the walk starts from CURRENT_ROLE() alone.
 */
import { runQuery, type QueryRow } from "dbt-prelude";
import { parse_object_name } from "../sql/names.js";
import { quote_name } from "../sql/quoting.js";
import { cell_text } from "../sql/rows.js";

export interface Grant {
  privilege: string;
  /** SHOW GRANTS' granted_on: ACCOUNT, DATABASE, SCHEMA, WAREHOUSE, INTEGRATION, SECRET, NETWORK_RULE, ROLE, … */
  granted_on: string;
  /** SHOW GRANTS' name: the object as Snowflake prints it (DB.SCHEMA, "Mixed".NAME). */
  name: string;
  /** The role in the hierarchy that holds it. */
  role: string;
}

export interface RoleGrants {
  /** The build role. */
  role: string;
  /** Every role read: the build role, the roles it inherits, PUBLIC. */
  roles: string[];
  grants: Grant[];
}

function grant_of(row: QueryRow, role: string): Grant {
  return {
    privilege: cell_text(row, "privilege").toUpperCase(), granted_on: cell_text(row, "granted_on").toUpperCase(),
    name: cell_text(row, "name"), role,
  };
}

/** A role name as SHOW GRANTS prints it, as SQL: quoted parts exactly, bare ones as they are. */
function role_sql(name: string): string {
  const parsed = parse_object_name(name);
  return parsed.error === null ? quote_name(parsed.parts) : quote_name([name]);
}

/** Reads `role` (a "ROLE" or a "DATABASE ROLE") and, depth first, every role granted to it not read yet. */
function walk(kind: string, role: string, found: RoleGrants): void {
  if (found.roles.includes(role)) return;
  found.roles.push(role);
  const rows = runQuery(`show grants to ${kind.toLowerCase()} ${role_sql(role)}`).rows;
  const children: Grant[] = [];
  for (const row of rows) {
    const grant = grant_of(row, role);
    found.grants.push(grant);
    if (grant.privilege === "USAGE" && (grant.granted_on === "ROLE" || grant.granted_on === "DATABASE_ROLE")) children.push(grant);
  }
  for (const child of children) walk(child.granted_on === "ROLE" ? "ROLE" : "DATABASE ROLE", child.name, found);
}

/** The grants of `role` and of every role it inherits. */
export function read_role_grants(role: string): RoleGrants {
  const found: RoleGrants = { role, roles: [], grants: [] };
  walk("ROLE", role, found);
  walk("ROLE", "PUBLIC", found);
  return found;
}

/**
 * The grant in the hierarchy that gives `privilege` on the object (`granted_on` and `name` as SHOW
 * GRANTS prints them; any name for ACCOUNT), or OWNERSHIP of it, which includes every privilege; null when none does.
 */
export function held(grants: RoleGrants, privilege: string, granted_on: string, name: string): Grant | null {
  const found = grants.grants.filter((grant) => grant.granted_on === granted_on && (granted_on === "ACCOUNT" || grant.name === name) &&
    (grant.privilege === privilege || grant.privilege === "OWNERSHIP"));
  return found.length === 0 ? null : found[0]!;
}

/** The privileges of `privileges` that nothing in the hierarchy gives on the object. */
export function lacking(grants: RoleGrants, privileges: string[], granted_on: string, name: string): string[] {
  return privileges.filter((privilege) => held(grants, privilege, granted_on, name) === null);
}

/** ", through role X" when a grant comes from a role the build role inherits; "" when it is the build role's own. */
export function through(grants: RoleGrants, grant: Grant | null): string {
  return grant === null || grant.role === grants.role ? "" : `, through role ${grant.role}`;
}
