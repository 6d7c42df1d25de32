/**
 * Reads `vars: dbt_cloud_orchestration`, checks every key, fills in defaults and resolves dbt
 * sources. Collects every problem and raises one error listing them all, before any statement runs
 * (printed too, so dbt-core shows it even when it cannot connect: entry/arguments.ts).
 */
import { stop_with_error } from "../errors.js";
import { getVar, graph, isMapping, target } from "dbt-prelude";
import { display_name, job_stream_name, MAX_NAME_LENGTH, parse_object_name, profile_identifier, task_name, PACKAGE_NAME } from "../sql/names.js";
import { boolean_value, failure_count, is_timezone_name, non_empty_string, non_negative_integer, plain_identifier, positive_integer, problem, schedule_text } from "./checks.js";
import { shown } from "../text/messages.js";
import { DEPLOYMENT_KEYS, deployment, deployment_schema, deployment_settings } from "./deployment.js";
import { clock_time, days_of_week } from "./calendar.js";
import { reported_problems, resolved_config, type Resolution } from "./resolve.js";
import type { JobConfig, OrchestrationConfig } from "./types.js";

const TOP_LEVEL_KEYS = [
  "account_id", "access_url", "timezone", "warehouse", "schema", "prod_targets", "external_access_integration",
  "secret", "log_table", "log_retention_days", "drop_orphans", "suspend_task_after_num_failures", "error_integration", "jobs", ...DEPLOYMENT_KEYS,
];
const JOB_KEYS = [
  "name", "job_id", "tables", "sources", "schedule", "upstream_job_id", "min_elapsed_seconds", "min_start_time",
  "max_start_time", "days_of_week", "enabled", "select_changed",
];
/**
 * Snowflake's own default is 10 (sql-reference/parameters#suspend-task-after-num-failures); the
 * package sets it explicitly on every task so the value is visible in the config and in SHOW TASKS.
 */
const DEFAULT_SUSPEND_AFTER_FAILURES = 10;
/** How long the log table keeps its rows: the build deletes older ones. */
const DEFAULT_LOG_RETENTION_DAYS = 90;
const HOST_CHARACTERS = "abcdefghijklmnopqrstuvwxyz0123456789.-";
/**
 * Hosts shared by many dbt Cloud accounts: the region URLs (the getdbt.com ones are retired, docs.getdbt.com
 * "Migrating to account-specific access URLs") and the cells without an account prefix. Every account has
 * its own access URL, ACCOUNT_PREFIX.us1.dbt.com and the like (docs.getdbt.com "Access, Regions, & IP addresses").
 */
const SHARED_HOSTS = [
  "cloud.getdbt.com", "emea.dbt.com", "au.dbt.com", "us1.dbt.com", "us2.dbt.com", "us3.dbt.com", "eu1.dbt.com",
  "eu2.dbt.com", "au1.dbt.com",
];
/** Keys without which no config works: all of them missing at once is what a partial --vars leaves. */
const REQUIRED_KEYS = ["account_id", "access_url", "jobs"];

function unknown_keys(mapping: Record<string, unknown>, known: string[], path: string, problems: string[]): void {
  for (const key of Object.keys(mapping)) {
    if (!known.includes(key)) problem(problems, `${path}${key}`, `unknown key (expected one of: ${known.join(", ")})`);
  }
}

/** The host of an https access URL such as https://ab123.us1.dbt.com, or null. */
function access_url_host(value: unknown, problems: string[]): string | null {
  if (typeof value === "string" && value.startsWith("https://")) {
    let host = value.slice(8).toLowerCase();
    if (host.endsWith("/")) host = host.slice(0, -1);
    let valid = host.length > 0 && host.includes(".") && !host.startsWith(".") && !host.startsWith("-");
    for (const ch of host) {
      if (!HOST_CHARACTERS.includes(ch)) valid = false;
    }
    if (valid && SHARED_HOSTS.includes(host)) {
      problem(problems, "access_url",
        `${shown(value)} is a region URL that many accounts share, not your account's: use the account's own access URL ` +
          "(dbt Cloud, Account settings: 'https://<prefix>.us1.dbt.com' or the like); it is the only host the network rule allows");
      return null;
    }
    if (valid) return host;
  }
  problem(problems, "access_url",
    `${shown(value)} is not the https URL of a dbt Cloud account, e.g. 'https://ab123.us1.dbt.com' (no path, no port)`);
  return null;
}

function object_name_parts(value: unknown, path: string, problems: string[]): string[] | null {
  if (typeof value !== "string") {
    problem(problems, path, `${shown(value)} is not a table name`);
    return null;
  }
  const parsed = parse_object_name(value);
  if (parsed.error !== null) {
    problem(problems, path, `${shown(value)} ${parsed.error}`);
    return null;
  }
  return parsed.parts;
}

function qualified_table(value: unknown, path: string, problems: string[]): string[] | null {
  const parts = object_name_parts(value, path, problems);
  if (parts === null) return null;
  if (parts.length === 3) return parts;
  if (parts.length === 2 && typeof target.database === "string") return [profile_identifier(target.database), parts[0]!, parts[1]!];
  problem(problems, path, `${shown(value)} must name a table as DATABASE.SCHEMA.TABLE`);
  return null;
}

/** A source's relation as Snowflake resolves it: quoted parts exactly, unquoted ones in upper case. */
function source_table(value: unknown, path: string, problems: string[]): string[] | null {
  if (typeof value !== "string" || value.split(".").length !== 2) {
    problem(problems, path, `${shown(value)} is not a dbt source as 'source_name.table_name'`);
    return null;
  }
  const source_name = value.split(".")[0];
  const table_name = value.split(".")[1];
  for (const node of Object.values(graph.sources)) {
    if (node.source_name === source_name && node.name === table_name) {
      const quoting = node.quoting ?? {};
      const database = node.database ?? target.database ?? "";
      const identifier = node.identifier ?? node.name;
      return [
        quoting["database"] === true ? database : profile_identifier(database),
        quoting["schema"] === true ? node.schema : node.schema.toUpperCase(),
        quoting["identifier"] === true ? identifier : identifier.toUpperCase(),
      ];
    }
  }
  problem(problems, path, `source ${shown(value)} is not defined in this project`);
  return null;
}

function string_list(value: unknown, path: string, problems: string[]): unknown[] {
  if (value == null) return [];
  if (Array.isArray(value)) return value;
  problem(problems, path, `${shown(value)} is not a list`);
  return [];
}

/**
 * A table a job already watches, as Snowflake resolves the names (RAW.SHOP.ORDERS and raw.shop.orders are
 * one table): refused, naming both entries, since a second stream on it would only duplicate the first.
 */
function listed_twice(tables: string[][], listed: string[], parts: string[], entry: string, value: unknown, problems: string[]): boolean {
  const name = parts.join("\".\"");
  for (const [index, table] of tables.entries()) {
    if (table.join("\".\"") === name) {
      problem(problems, entry, `${shown(value)} is the table ${display_name(parts)} again, already listed as ${listed[index]!}; list it once`);
      return true;
    }
  }
  return false;
}

/**
 * When account_id, access_url and jobs are all missing but other keys are given, the mapping is most likely
 * a `--vars` on the command line: dbt replaces the whole mapping of dbt_project.yml with it and merges no
 * keys.
 */
function partial_override_hint(given: Record<string, unknown>): string[] {
  const missing = REQUIRED_KEYS.filter((key) => given[key] == null);
  const keys = Object.keys(given);
  if (missing.length < REQUIRED_KEYS.length || keys.length === 0) return [];
  const verb = keys.length === 1 ? "is" : "are";
  return [
    `${missing.join(", ")}: missing, while ${keys.join(", ")} ${verb} given. ` +
      `A --vars '{${PACKAGE_NAME}: {…}}' on the command line replaces the whole mapping of dbt_project.yml (dbt merges no keys): ` +
      "pass the whole mapping there, or write the value that changes as {var: NAME} in dbt_project.yml and pass --vars '{NAME: …}'",
  ];
}

/** One job's settings; `watches_tables` is false for create_task_generic, which is given streams instead. */
export function load_job(raw: unknown, path: string, problems: string[], watches_tables = true): JobConfig | null {
  if (!isMapping(raw)) {
    problem(problems, path, `${shown(raw)} is not a mapping of job settings`);
    return null;
  }
  unknown_keys(raw, JOB_KEYS, `${path}.`, problems);
  const name = non_empty_string(raw["name"], `${path}.name`, problems);
  const job_id = positive_integer(raw["job_id"], `${path}.job_id`, problems);
  const tables: string[][] = [];
  const table_sources: Array<string | null> = [];
  // Where each table was listed, to name both entries of a table listed twice.
  const listed: string[] = [];
  const raw_tables = string_list(raw["tables"], `${path}.tables`, problems);
  for (const [index, table] of raw_tables.entries()) {
    const entry = `${path}.tables[${index}]`;
    const parts = qualified_table(table, entry, problems);
    if (parts !== null && !listed_twice(tables, listed, parts, entry, table, problems)) {
      tables.push(parts);
      table_sources.push(null);
      listed.push(`${entry} (${shown(table)})`);
    }
  }
  const sources = string_list(raw["sources"], `${path}.sources`, problems);
  for (const [index, source] of sources.entries()) {
    const entry = `${path}.sources[${index}]`;
    const parts = source_table(source, entry, problems);
    if (parts !== null && !listed_twice(tables, listed, parts, entry, source, problems)) {
      tables.push(parts);
      table_sources.push(source as string);
      listed.push(`${entry} (${shown(source)})`);
    }
  }
  if (watches_tables && raw_tables.length === 0 && sources.length === 0) {
    problem(problems, path, "watches no table: give 'tables', 'sources' or both");
  }
  const schedule = raw["schedule"] == null ? { kind: "interval", text: "15 MINUTE" }
    : schedule_text(raw["schedule"], `${path}.schedule`, problems);
  const upstream = raw["upstream_job_id"] == null ? null
    : positive_integer(raw["upstream_job_id"], `${path}.upstream_job_id`, problems);
  const min_elapsed = raw["min_elapsed_seconds"] == null ? 300
    : non_negative_integer(raw["min_elapsed_seconds"], `${path}.min_elapsed_seconds`, problems);
  const min_start = raw["min_start_time"] == null ? "00:00"
    : clock_time(raw["min_start_time"], `${path}.min_start_time`, problems);
  const max_start = raw["max_start_time"] == null ? "23:59"
    : clock_time(raw["max_start_time"], `${path}.max_start_time`, problems);
  const days = days_of_week(raw["days_of_week"], `${path}.days_of_week`, problems);
  const enabled = raw["enabled"] == null ? true : boolean_value(raw["enabled"], `${path}.enabled`, problems);
  const select_changed = raw["select_changed"] == null ? false
    : boolean_value(raw["select_changed"], `${path}.select_changed`, problems);
  if (name === null || job_id === null || schedule === null || min_elapsed === null || min_start === null ||
    max_start === null || enabled === null || select_changed === null) {
    return null;
  }
  if (upstream !== null && upstream === job_id) problem(problems, `${path}.upstream_job_id`, "a job cannot wait for itself");
  const task = task_name(name, job_id);
  if (task.length > MAX_NAME_LENGTH) {
    problem(problems, `${path}.name`, `is too long: the task name it makes must fit in ${MAX_NAME_LENGTH} characters`);
  }
  // Different tables may sanitise to the same stream name ("Order Items" and ORDER_ITEMS): refuse, never merge.
  const streams: Record<string, string> = {};
  const stream_names: string[] = [];
  for (const table of tables) {
    const stream = job_stream_name(job_id, table);
    stream_names.push(stream);
    const label = table.join(".");
    const earlier = streams[stream];
    if (stream.length > MAX_NAME_LENGTH) {
      problem(problems, path, `the stream name for '${label}' would be longer than ${MAX_NAME_LENGTH} characters`);
    } else if (earlier !== undefined && earlier !== label) {
      problem(problems, path, `tables '${earlier}' and '${label}' would share the stream name ${stream}; rename one`);
    }
    streams[stream] = label;
  }
  return {
    name, job_id, tables, table_sources, stream_names, task_name: task, select_changed, schedule, upstream_job_id: upstream,
    min_elapsed_seconds: min_elapsed, min_start_time: min_start, max_start_time: max_start, days_of_week: days, enabled,
  };
}

function check_unique_jobs(jobs: JobConfig[], problems: string[]): void {
  const names: string[] = [];
  const ids: number[] = [];
  for (const [index, job] of jobs.entries()) {
    if (names.includes(job.name)) problem(problems, `jobs[${index}].name`, `${shown(job.name)} is used by another job`);
    if (ids.includes(job.job_id)) problem(problems, `jobs[${index}].job_id`, `${job.job_id} is used by another job`);
    names.push(job.name);
    ids.push(job.job_id);
  }
}

/** The validated configuration, or a compiler error listing every problem with its path. */
export function load_orchestration_config(): OrchestrationConfig {
  const given: unknown = getVar<unknown>(PACKAGE_NAME, null);
  const problems: string[] = [];
  if (!isMapping(given)) {
    stop_with_error(`${PACKAGE_NAME}: set 'vars: ${PACKAGE_NAME}:' in dbt_project.yml (see the README's configuration reference).`);
  }
  const resolution: Resolution = { problems: [], failed: [], from_environment: [] };
  const raw = resolved_config(given, resolution);
  unknown_keys(raw, TOP_LEVEL_KEYS, "", problems);
  const account_id = positive_integer(raw["account_id"], "account_id", problems);
  const host = access_url_host(raw["access_url"], problems);
  let timezone = "UTC";
  if (raw["timezone"] != null) {
    const zone = raw["timezone"];
    if (typeof zone === "string" && is_timezone_name(zone)) timezone = zone;
    else problem(problems, "timezone", `${shown(zone)} is not a time zone of the IANA database, such as 'America/Chicago' (exact spelling)`);
  }
  const warehouse = raw["warehouse"] == null ? null
    : plain_identifier(raw["warehouse"], "warehouse", problems);
  // A database or schema the profile quotes ('"Analytics"') keeps its case, as dbt-snowflake resolves it.
  let schema = raw["schema"] == null ? profile_identifier(target.schema) : plain_identifier(raw["schema"], "schema", problems);
  const database = typeof target.database === "string" ? profile_identifier(target.database) : "";
  if (database.length === 0) problem(problems, "target.database", "the target has no database");
  const prod_targets: string[] = [];
  if (raw["prod_targets"] == null) {
    prod_targets.push("prod");
  } else {
    for (const [index, name] of string_list(raw["prod_targets"], "prod_targets", problems).entries()) {
      const clean = non_empty_string(name, `prod_targets[${index}]`, problems);
      if (clean !== null) prod_targets.push(clean);
    }
  }
  const deploy = deployment(prod_targets);
  const settings = deployment_settings(raw, problems);
  if (raw["schema"] != null && schema !== null) schema = deployment_schema(schema, deploy, settings);
  const integration = raw["external_access_integration"] == null ? "DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION"
    : plain_identifier(raw["external_access_integration"], "external_access_integration", problems);
  let secret: string[] | null = null;
  const secret_parts = object_name_parts(raw["secret"] ?? "DBT_CLOUD_ACCESS_TOKEN", "secret", problems);
  if (secret_parts !== null && schema !== null) {
    if (secret_parts.length === 1) secret = [database, schema, secret_parts[0]!];
    else if (secret_parts.length === 2) secret = [database, secret_parts[0]!, secret_parts[1]!];
    else if (secret_parts.length === 3) secret = secret_parts;
    else problem(problems, "secret", `${shown(raw["secret"])} has more than three parts`);
  }
  const log_table = raw["log_table"] == null ? "ORCHESTRATION_LOGS" : plain_identifier(raw["log_table"], "log_table", problems);
  const log_retention_days = raw["log_retention_days"] == null ? DEFAULT_LOG_RETENTION_DAYS
    : positive_integer(raw["log_retention_days"], "log_retention_days", problems);
  const drop_orphans = raw["drop_orphans"] == null ? true : boolean_value(raw["drop_orphans"], "drop_orphans", problems);
  const failures = raw["suspend_task_after_num_failures"] == null ? DEFAULT_SUSPEND_AFTER_FAILURES
    : failure_count(raw["suspend_task_after_num_failures"], "suspend_task_after_num_failures", problems);
  const error_integration = raw["error_integration"] == null ? null
    : plain_identifier(raw["error_integration"], "error_integration", problems);

  const jobs: JobConfig[] = [];
  const raw_jobs = raw["jobs"];
  if (!Array.isArray(raw_jobs) || raw_jobs.length === 0) {
    problem(problems, "jobs", `${shown(raw_jobs)} is not a non-empty list of jobs`);
  } else {
    for (const [index, raw_job] of raw_jobs.entries()) {
      const job = load_job(raw_job, `jobs[${index}]`, problems);
      if (job !== null) jobs.push(job);
    }
    check_unique_jobs(jobs, problems);
  }
  const reported = [...partial_override_hint(given), ...reported_problems(resolution, problems)];
  if (reported.length > 0 || account_id === null || host === null || schema === null || integration === null ||
    secret === null || log_table === null || log_retention_days === null || drop_orphans === null || failures === null) {
    stop_with_error(`${PACKAGE_NAME}: ${reported.length} problem(s) in vars.${PACKAGE_NAME}:\n  - ${reported.join("\n  - ")}`);
  }
  return {
    account_id, access_url: `https://${host}`, host, timezone, warehouse, database, schema, prod_targets,
    external_access_integration: integration, secret, log_table, log_retention_days, drop_orphans,
    suspend_task_after_num_failures: failures, error_integration, jobs, deployment: deploy, ...settings,
  };
}
