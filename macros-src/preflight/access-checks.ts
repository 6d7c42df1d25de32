/**
 * Preflight checks of the way to dbt Cloud: the external access integration (exists, enabled,
 * allows the configured host through its network rules), the secret, and once the procedure
 * exists a `ping` call that makes one read-only dbt Cloud request (the account endpoint) and
 * triggers nothing, proving host, network rule and token together.
 */
import type { OrchestrationConfig } from "../config/types.js";
import { fromJson, isMapping, runQuery, type QueryRow } from "../prelude/dbt.js";
import { parse_object_name, PROCEDURE_NAME } from "../sql/names.js";
import { quote_literal, quote_name } from "../sql/quoting.js";
import { procedure_name } from "../resources/names.js";
import { failed, passed, rows_where, type CheckResult } from "./check.js";
import { cell_text } from "../resources/live-state.js";

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

/** The hosts a network rule allows (DESCRIBE NETWORK RULE's value_list), ports dropped. */
function rule_hosts(rule: string): string[] {
  const parsed = parse_object_name(rule);
  if (parsed.error !== null) return [];
  const rows = runQuery(`describe network rule ${quote_name(parsed.parts)}`).rows;
  const hosts: string[] = [];
  for (const row of rows) {
    for (const value of listed_values(cell_text(row, "value_list"))) hosts.push(value.split(":")[0]!.toLowerCase());
  }
  return hosts;
}

export function integration_checks(config: OrchestrationConfig, role: string): CheckResult[] {
  const integration = config.external_access_integration;
  const name = `integration ${integration}`;
  const found = rows_where(runQuery(`show integrations like ${quote_literal(integration)}`).rows, "name", integration);
  if (found.length === 0) {
    return [failed(name, `does not exist, or role ${role} has no USAGE on it`,
      `${SETUP_COMMAND}; then grant usage on integration ${quote_name([integration])} to role ${quote_name([role])};`)];
  }
  const checks: CheckResult[] = [];
  const enabled = cell_text(found[0]!, "enabled").toLowerCase() === "true";
  checks.push(enabled ? passed(name, "exists and is enabled")
    : failed(name, "exists but is disabled", `alter external access integration ${quote_name([integration])} set enabled = true;`));
  const description = runQuery(`describe integration ${quote_name([integration])}`).rows;
  const rules = listed_values(property_value(description, "ALLOWED_NETWORK_RULES"));
  const hosts: string[] = [];
  for (const rule of rules) hosts.push(...rule_hosts(rule));
  const host_name = `host ${config.host}`;
  if (hosts.includes(config.host)) checks.push(passed(host_name, `allowed by ${integration}'s network rules`));
  else {
    checks.push(failed(host_name, `not allowed by ${integration}'s network rules (${rules.length === 0 ? "none" : rules.join(", ")})`,
      `${SETUP_COMMAND} (it sets the rule to the configured access_url's host)`));
  }
  return checks;
}

/** SHOW SECRETS lists the secrets the role has a privilege on (READ lets the procedure use it). */
export function secret_checks(config: OrchestrationConfig, role: string, secret_schema_exists: boolean): CheckResult[] {
  const label = config.secret.join(".");
  const name = `secret ${label}`;
  const fix = `${SETUP_COMMAND}; then grant read on secret ${quote_name(config.secret)} to role ${quote_name([role])};`;
  if (!secret_schema_exists) return [failed(name, `its schema ${config.secret[0]!}.${config.secret[1]!} does not exist yet`, fix)];
  const schema = quote_name([config.secret[0]!, config.secret[1]!]);
  const found = rows_where(runQuery(`show secrets like ${quote_literal(config.secret[2]!)} in schema ${schema}`).rows, "name", config.secret[2]!);
  if (found.length > 0) return [passed(name, `visible to role ${role}`)];
  return [failed(name, `does not exist, or role ${role} has no privilege on it`, fix)];
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
