/**
 * Preflight checks of the way to dbt Cloud, which CREATE PROCEDURE and CREATE TASK need: the
 * external access integration (exists, enabled, USAGE, allows the configured host through its
 * network rules and the secret through ALLOWED_AUTHENTICATION_SECRETS), the secret (READ, USAGE on
 * its schema), the tasks' error integration (USAGE, a type task errors support), and once the
 * procedure exists a `ping` call that makes one read-only dbt Cloud request (the account endpoint)
 * and triggers nothing, proving host, network rule and token together.
 * https://docs.snowflake.com/en/developer-guide/external-network-access/creating-using-external-network-access
 */
import type { OrchestrationConfig } from "../config/types.js";
import { fromJson, isMapping, runQuery, type QueryRow } from "dbt-prelude";
import { display_name, parse_object_name, PROCEDURE_NAME } from "../sql/names.js";
import { quote_literal, quote_name } from "../sql/quoting.js";
import { procedure_name } from "../desired/names.js";
import { failed, passed, rows_where, type CheckResult } from "./check.js";
import { held, through, type Grant, type RoleGrants } from "./grants.js";
import { cell_text } from "../sql/rows.js";

const SETUP_COMMAND = "as a role with CREATE INTEGRATION: dbt run-operation create_dbt_cloud_external_access";

/** DESCRIBE's list values: '[A.B.C, D.E.F]' or 'A.B.C,D.E.F'. */
function listed_values(text: string): string[] {
  const inner = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  return inner.split(",").map((item) => item.trim()).filter((item) => item.length > 0);
}

function property_value(rows: QueryRow[], property: string): string {
  const found = rows_where(rows, "property", property);
  return found.length === 0 ? "" : cell_text(found[0]!, "property_value");
}

/** A name as DESCRIBE prints it, as SQL. */
function printed_name_sql(name: string): string {
  const parsed = parse_object_name(name);
  return parsed.error === null ? quote_name(parsed.parts) : name;
}

/** The integration's row in SHOW INTEGRATIONS, which lists the integrations the role has a privilege on. */
function integration_row(name: string): QueryRow | null {
  const found = rows_where(runQuery(`show integrations like ${quote_literal(name)}`).rows, "name", name);
  return found.length === 0 ? null : found[0]!;
}

/** USAGE on an integration through the role hierarchy (OWNERSHIP included), and the statement that grants it. */
function integration_usage(grants: RoleGrants, integration: string): Grant | null {
  return held(grants, "USAGE", "INTEGRATION", display_name([integration]));
}

function grant_usage_on(integration: string, grants: RoleGrants): string {
  return `grant usage on integration ${quote_name([integration])} to role ${quote_name([grants.role])};`;
}

/** What DESCRIBE INTEGRATION said of the external access integration; `described` false when it was not read. */
export interface IntegrationFacts {
  described: boolean;
  rules: string[];
  secrets: string[];
}

/**
 * The external access integration: exists and is enabled (SHOW INTEGRATIONS), and the build role
 * has USAGE on it, which CREATE PROCEDURE … EXTERNAL_ACCESS_INTEGRATIONS needs; then its rules and
 * secrets (DESCRIBE INTEGRATION, https://docs.snowflake.com/en/sql-reference/sql/desc-integration).
 */
export function integration_checks(config: OrchestrationConfig, grants: RoleGrants, facts: IntegrationFacts): CheckResult[] {
  const integration = config.external_access_integration;
  const name = `integration ${integration}`;
  const grant_usage = grant_usage_on(integration, grants);
  const row = integration_row(integration);
  if (row === null) return [failed(name, `does not exist, or role ${grants.role} has no privilege on it`, `${SETUP_COMMAND}; then ${grant_usage}`)];
  if (cell_text(row, "enabled").toLowerCase() !== "true") {
    return [failed(name, "exists but is disabled", `alter external access integration ${quote_name([integration])} set enabled = true;`)];
  }
  const usage = integration_usage(grants, integration);
  if (usage === null) return [failed(name, `exists and is enabled, but role ${grants.role} has no USAGE on it`, grant_usage)];
  const description = runQuery(`describe integration ${quote_name([integration])}`).rows;
  facts.described = true;
  facts.rules = listed_values(property_value(description, "ALLOWED_NETWORK_RULES"));
  facts.secrets = listed_values(property_value(description, "ALLOWED_AUTHENTICATION_SECRETS"));
  return [passed(name, `exists, is enabled, and role ${grants.role} has USAGE${through(grants, usage)}`)];
}

/**
 * The host of access_url among the integration's network rules. DESCRIBE NETWORK RULE needs
 * OWNERSHIP of the rule (https://docs.snowflake.com/en/sql-reference/sql/desc-network-rule), which an
 * admin usually keeps: a rule the build role's hierarchy does not own is not described, and the
 * check then says the ping checks the host (once the procedure exists).
 */
export function host_checks(config: OrchestrationConfig, grants: RoleGrants, facts: IntegrationFacts): CheckResult[] {
  if (!facts.described) return [];
  const name = `host ${config.host}`;
  const integration = config.external_access_integration;
  const hosts: string[] = [];
  const unreadable: string[] = [];
  for (const rule of facts.rules) {
    if (held(grants, "OWNERSHIP", "NETWORK_RULE", rule) === null) {
      unreadable.push(rule);
      continue;
    }
    for (const row of runQuery(`describe network rule ${printed_name_sql(rule)}`).rows) {
      for (const value of listed_values(cell_text(row, "value_list"))) hosts.push(value.split(":")[0]!.toLowerCase());
    }
  }
  if (hosts.includes(config.host)) return [passed(name, `allowed by ${integration}'s network rules`)];
  if (unreadable.length > 0) {
    return [passed(name, `not read here: DESCRIBE NETWORK RULE needs OWNERSHIP of ${unreadable.join(", ")}, which another role holds; ` +
      "the dbt Cloud ping through the procedure checks the host")];
  }
  return [failed(name, `not allowed by ${integration}'s network rules (${facts.rules.length === 0 ? "none" : facts.rules.join(", ")})`,
    `${SETUP_COMMAND} (it sets the rule to the configured access_url's host)`)];
}

/**
 * The secret: visible (SHOW SECRETS lists the secrets the role has a privilege on), READ on it and
 * USAGE on its database and schema, which CREATE PROCEDURE … SECRETS needs, and named in the
 * integration's ALLOWED_AUTHENTICATION_SECRETS (https://docs.snowflake.com/en/sql-reference/sql/create-external-access-integration).
 */
export function secret_checks(config: OrchestrationConfig, grants: RoleGrants, secret_schema_exists: boolean, facts: IntegrationFacts): CheckResult[] {
  const label = config.secret.join(".");
  const name = `secret ${label}`;
  const role = quote_name([grants.role]);
  const grant_read = `grant read on secret ${quote_name(config.secret)} to role ${role};`;
  if (!secret_schema_exists) return [failed(name, `its schema ${config.secret[0]!}.${config.secret[1]!} does not exist yet`, `${SETUP_COMMAND}; then ${grant_read}`)];
  const schema = [config.secret[0]!, config.secret[1]!];
  const found = rows_where(runQuery(`show secrets like ${quote_literal(config.secret[2]!)} in schema ${quote_name(schema)}`).rows, "name", config.secret[2]!);
  if (found.length === 0) return [failed(name, `does not exist, or role ${grants.role} has no privilege on it`, `${SETUP_COMMAND}; then ${grant_read}`)];
  const checks: CheckResult[] = [];
  let read = held(grants, "READ", "SECRET", display_name(config.secret));
  if (read === null) read = held(grants, "USAGE", "SECRET", display_name(config.secret));
  const lacks: string[] = [];
  const fixes: string[] = [];
  if (read === null) {
    lacks.push("READ on it");
    fixes.push(grant_read);
  }
  // Usage on the orchestration database and schema is the create rights check's.
  const own_schema = config.secret[0] === config.database && config.secret[1] === config.schema;
  if (!own_schema && held(grants, "USAGE", "DATABASE", display_name([schema[0]!])) === null && schema[0] !== config.database) {
    lacks.push(`USAGE on database ${schema[0]!}`);
    fixes.push(`grant usage on database ${quote_name([schema[0]!])} to role ${role};`);
  }
  if (!own_schema && held(grants, "USAGE", "SCHEMA", display_name(schema)) === null) {
    lacks.push(`USAGE on schema ${schema.join(".")}`);
    fixes.push(`grant usage on schema ${quote_name(schema)} to role ${role};`);
  }
  if (lacks.length > 0) checks.push(failed(name, `role ${grants.role} lacks ${lacks.join(" and ")}`, fixes.join(" ")));
  else checks.push(passed(name, `role ${grants.role} has READ${through(grants, read)}`));
  if (facts.described) {
    const allowed_name = `secret ${label} in ${config.external_access_integration}`;
    const listed = facts.secrets.map((item) => item.toLowerCase());
    const allowed = facts.secrets.includes(display_name(config.secret)) || listed.includes("all");
    if (allowed) checks.push(passed(allowed_name, "listed in its ALLOWED_AUTHENTICATION_SECRETS"));
    else {
      const secrets = [...facts.secrets.map((item) => printed_name_sql(item)), quote_name(config.secret)];
      checks.push(failed(allowed_name, `not in its ALLOWED_AUTHENTICATION_SECRETS (${facts.secrets.length === 0 ? "none" : facts.secrets.join(", ")}), so CREATE PROCEDURE would fail`,
        `alter external access integration ${quote_name([config.external_access_integration])} set allowed_authentication_secrets = (${secrets.join(", ")});`));
    }
  }
  return checks;
}

/**
 * The tasks' ERROR_INTEGRATION: the task owner needs USAGE on it, and task error notifications go
 * only through cloud messaging notification integrations (Amazon SNS, Google Cloud Pub/Sub, Azure
 * Event Grid), not email or webhook ones (https://docs.snowflake.com/en/user-guide/tasks-errors);
 * either makes every CREATE TASK fail.
 */
export function error_integration_checks(config: OrchestrationConfig, grants: RoleGrants): CheckResult[] {
  const integration = config.error_integration;
  if (integration === null) return [];
  const name = `error integration ${integration}`;
  const role = quote_name([grants.role]);
  const messaging = "a notification integration for Amazon SNS, Google Cloud Pub/Sub or Azure Event Grid";
  const row = integration_row(integration);
  if (row === null) {
    return [failed(name, `does not exist, or role ${grants.role} has no privilege on it`,
      `create ${messaging} named ${integration}, then grant usage on integration ${quote_name([integration])} to role ${role}; or remove error_integration`)];
  }
  const type = cell_text(row, "type").toUpperCase();
  const category = cell_text(row, "category").toUpperCase();
  if (type.includes("EMAIL") || type.includes("WEBHOOK")) {
    return [failed(name, `is ${type.includes("EMAIL") ? "an email" : "a webhook"} notification integration (${cell_text(row, "type")}), which task errors cannot use`,
      `set error_integration to ${messaging}, or remove it`)];
  }
  if (category !== "NOTIFICATION") {
    return [failed(name, `is a ${category === "" ? cell_text(row, "type") : category} integration, not a notification integration`,
      `set error_integration to ${messaging}, or remove it`)];
  }
  const usage = integration_usage(grants, integration);
  if (usage === null) return [failed(name, `role ${grants.role} has no USAGE on it`, grant_usage_on(integration, grants))];
  return [passed(name, `${cell_text(row, "type")} notification integration; role ${grants.role} has USAGE${through(grants, usage)}`)];
}

/** The procedure's result VARIANT, as dbt hands it over: JSON text (or a mapping). */
function result_object(value: unknown): Record<string, unknown> {
  if (isMapping(value)) return value;
  if (typeof value === "string") {
    const parsed: unknown = fromJson(value);
    if (isMapping(parsed)) return parsed;
  }
  return {};
}

/**
 * One `mode: 'ping'` call (the procedure's options argument): a read-only GET of the dbt Cloud
 * account endpoint. An older procedure without the options argument is reported, not called.
 */
export function ping_checks(config: OrchestrationConfig, procedure_rows: QueryRow[]): CheckResult[] {
  const name = "dbt Cloud ping through the procedure";
  const rebuild = "dbt run-operation build_orchestration_resources";
  const found = rows_where(procedure_rows, "name", PROCEDURE_NAME);
  if (found.length === 0) return [passed(name, "skipped: the procedure does not exist yet (the first build creates it)")];
  // Overloads share the name (identity is name + argument types): the one with the options argument answers.
  const with_options = found.filter((row) => cell_text(row, "arguments").split(",").length === 11);
  if (with_options.length === 0) {
    return [failed(name, "the procedure predates the ping (it has no options argument)", rebuild)];
  }
  const args = [
    quote_literal(config.access_url), String(config.account_id), String(config.jobs[0]!.job_id), quote_literal("preflight"),
    "null", "null", "null", "null", "null", quote_literal(config.timezone), "object_construct('mode', 'ping')",
  ];
  const result = runQuery(`call ${procedure_name(config)}(${args.join(", ")})`);
  const value = result.rows.length === 0 || result.column_names.length === 0 ? null : result.rows[0]![result.column_names[0]!];
  const outcome = result_object(value);
  const status = typeof outcome["status"] === "string" ? outcome["status"] : "no status";
  const logs: string[] = [];
  const raw_logs = outcome["logs"];
  if (Array.isArray(raw_logs)) {
    for (const line of raw_logs) {
      if (typeof line === "string") logs.push(line);
    }
  }
  if (status === "OK") return [passed(name, `dbt Cloud answered for account ${config.account_id}`)];
  return [failed(name, `${status}: ${logs.length === 0 ? "no log lines" : logs.join(" | ")}`,
    "check the token in the secret (a dbt Cloud service token with access to the account), the access_url and the network rule")];
}
