/**
 * check_orchestration_setup against scripted accounts, on both engines: an account that passes
 * every check, and for every check an account that fails it, with the exact fix on its ✗ line.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MacroContextFile, MacroRun } from "../../scripts/runtime/macro-run.js";
import { PackageEngines } from "../support/package-engines.js";
import { context, minimalVars, type Vars } from "./configs.js";
import { watchedResults, type WatchedRow } from "../support/warehouse.js";

let engines: PackageEngines;
beforeAll(() => {
  engines = new PackageEngines();
});
afterAll(() => engines?.close());

type Results = NonNullable<MacroContextFile["query_results"]>;

/** An account as the preflight's queries see it; every default passes. */
interface Account {
  role: string;
  accountPrivileges: string[];
  schemaExists: boolean;
  schemaPrivileges: string[];
  databasePrivileges: string[];
  warehouseVisible: boolean;
  integration: { exists: boolean; enabled: boolean; rules: string; hosts: string } ;
  secretVisible: boolean;
  watched: WatchedRow[];
  timezoneAnswer: string;
  procedureArguments: string | null;
  pingResult: string;
}

function goodAccount(): Account {
  return {
    role: "TRANSFORMER",
    accountPrivileges: ["EXECUTE TASK", "EXECUTE MANAGED TASK"],
    schemaExists: true,
    schemaPrivileges: ["USAGE", "CREATE TABLE", "CREATE STREAM", "CREATE TASK", "CREATE PROCEDURE"],
    databasePrivileges: ["USAGE"],
    warehouseVisible: true,
    integration: { exists: true, enabled: true, rules: "[ANALYTICS.DBT_DEV.DBT_CLOUD_API_NETWORK_RULE]", hosts: "ab123.us1.dbt.com" },
    secretVisible: true,
    watched: [{ database: "RAW", schema: "SALES", name: "ORDERS", owner: "LOADER" }],
    timezoneAnswer: "2026-11-27 07:00:00.000 +0000",
    procedureArguments: "DBT_CLOUD_RUN_JOB(VARCHAR, NUMBER, NUMBER, VARCHAR, NUMBER, NUMBER, VARCHAR, VARCHAR, ARRAY, VARCHAR, VARIANT) RETURN VARIANT",
    pingResult: JSON.stringify({ status: "OK", run_id: null, run_url: null, checks: [], logs: ["GET /api/v2/accounts/12345/: 200"] }),
  };
}

function grants(privileges: string[], grantedOn: string, role: string) {
  return { columns: ["privilege", "granted_on", "name", "granted_to", "grantee_name"], rows: privileges.map((privilege) => [privilege, grantedOn, "X", "ROLE", role]) };
}

/** The query results in the order the preflight asks (minimal config: orchestration schema ANALYTICS.DBT_DEV, secret in it). */
function results(account: Account, vars: Vars): Results {
  const out: Results = [
    { columns: ["role"], rows: [[account.role]] },
    { columns: ["name"], rows: account.schemaExists ? [["DBT_DEV"]] : [] },
    grants(account.accountPrivileges, "ACCOUNT", account.role),
    account.schemaExists ? grants(account.schemaPrivileges, "SCHEMA", account.role) : grants(account.databasePrivileges, "DATABASE", account.role),
  ];
  if (vars.warehouse != null) out.push({ columns: ["name"], rows: account.warehouseVisible ? [[String(vars.warehouse).toUpperCase()]] : [] });
  out.push({ columns: ["name", "type", "category", "enabled"],
    rows: account.integration.exists ? [["DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION", "EXTERNAL_ACCESS", "SECURITY", account.integration.enabled ? "true" : "false"]] : [] });
  if (account.integration.exists) {
    out.push({ columns: ["property", "property_type", "property_value", "property_default"],
      rows: [["ENABLED", "Boolean", "true", "false"], ["ALLOWED_NETWORK_RULES", "List", account.integration.rules, "[]"]] });
    if (account.integration.rules !== "[]") out.push({ columns: ["name", "type", "mode", "value_list"], rows: [["DBT_CLOUD_API_NETWORK_RULE", "HOST_PORT", "EGRESS", account.integration.hosts]] });
  }
  if (account.schemaExists) out.push({ columns: ["name"], rows: account.secretVisible ? [["DBT_CLOUD_ACCESS_TOKEN"]] : [] });
  const schemas = [...new Set(account.watched.map((row) => `${row.database}.${row.schema}`))].map((key) => key.split("."));
  out.push({ columns: ["name"], rows: [["RAW"], ["ANALYTICS"]] });
  out.push({ columns: ["name"], rows: schemas.map((parts) => [parts[1]]) });
  const untracked = account.watched.some((row) => row.change_tracking === false && !(row.kind ?? "table").includes("dynamic"));
  out.push(...watchedResults(account.watched, schemas.length === 0 ? [] : schemas, untracked ? account.role : undefined)!);
  out.push({ columns: ["anonymous block"], rows: [[account.timezoneAnswer]] });
  if (account.schemaExists) {
    out.push({ columns: ["name", "arguments"], rows: account.procedureArguments === null ? [] : [["DBT_CLOUD_RUN_JOB", account.procedureArguments]] });
    if (account.procedureArguments !== null && account.procedureArguments.split(",").length === 11) {
      out.push({ columns: ["DBT_CLOUD_RUN_JOB"], rows: [[account.pingResult]] });
    }
  }
  return out;
}

async function preflight(account: Account, vars: Vars = minimalVars()): Promise<MacroRun> {
  const ctx = { ...context(vars, { args: {} }), query_results: results(account, vars) };
  const { ts, jinja } = await engines.both("check_orchestration_setup", ctx);
  expect(jinja, "the compiled Jinja must check what the TypeScript checks").toEqual(ts);
  return ts;
}

/** The check lines the preflight logged. */
function lines(run: MacroRun): string[] {
  return run.logs[0]!.split("\n").slice(1);
}

it("an account that passes every check: one ✓ line each, no error, and the ping is one call with mode 'ping'", async () => {
  const run = await preflight(goodAccount());
  expect(run.error).toBeNull();
  expect(lines(run)).toEqual([
    "✓ privilege EXECUTE TASK: granted to role TRANSFORMER",
    "✓ privilege EXECUTE MANAGED TASK: granted to role TRANSFORMER",
    "✓ create rights in ANALYTICS.DBT_DEV: role TRANSFORMER has USAGE, CREATE TABLE, CREATE STREAM, CREATE TASK, CREATE PROCEDURE",
    "✓ warehouse: none configured: serverless tasks",
    "✓ integration DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION: exists and is enabled",
    "✓ host ab123.us1.dbt.com: allowed by DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION's network rules",
    "✓ secret ANALYTICS.DBT_DEV.DBT_CLOUD_ACCESS_TOKEN: visible to role TRANSFORMER",
    "✓ watched RAW.SALES.ORDERS: table owned by role LOADER, change tracking on",
    "✓ time zone UTC: Snowflake converts it (now 2026-11-27 07:00:00.000 +0000)",
    "✓ dbt Cloud ping through the procedure: dbt Cloud answered for account 12345",
  ]);
  expect(run.returned).toEqual(lines(run));
  expect(run.statements.at(-1)).toBe(`call "ANALYTICS"."DBT_DEV"."DBT_CLOUD_RUN_JOB"('https://ab123.us1.dbt.com', 12345, 67890, 'preflight', ` +
    "null, null, null, null, null, 'UTC', object_construct('mode', 'ping'))");
  // Read-only: SHOW, DESCRIBE, SELECT, the anonymous block and the ping.
  expect(run.statements.filter((sql) => /^(create|alter|drop|grant|insert)/.test(sql))).toEqual([]);
});

/** Each failing account, the ✗ line it must produce, exactly. */
const FAILURES: Array<[string, (account: Account) => void, string, Vars?, string[]?]> = [
  ["no EXECUTE TASK", (account) => { account.accountPrivileges = ["EXECUTE MANAGED TASK"]; },
    `✗ privilege EXECUTE TASK: not granted to role TRANSFORMER (directly; a privilege inherited from another role is not seen here) → fix: grant execute task on account to role "TRANSFORMER";`],
  ["no EXECUTE MANAGED TASK for serverless tasks", (account) => { account.accountPrivileges = ["EXECUTE TASK"]; },
    `✗ privilege EXECUTE MANAGED TASK: not granted to role TRANSFORMER (directly; a privilege inherited from another role is not seen here) → fix: grant execute managed task on account to role "TRANSFORMER";`],
  ["missing create rights in the schema", (account) => { account.schemaPrivileges = ["USAGE", "CREATE TABLE"]; },
    `✗ create rights in ANALYTICS.DBT_DEV: role TRANSFORMER lacks CREATE STREAM, CREATE TASK, CREATE PROCEDURE → fix: grant create stream, create task, create procedure on schema "ANALYTICS"."DBT_DEV" to role "TRANSFORMER";`],
  ["no schema and no right to create it", (account) => { account.schemaExists = false; },
    `✗ create rights in ANALYTICS.DBT_DEV: the schema does not exist and role TRANSFORMER may not create it → fix: as an admin: create schema "ANALYTICS"."DBT_DEV"; grant usage, create table, create stream, create task, create procedure on schema "ANALYTICS"."DBT_DEV" to role "TRANSFORMER";`,
    undefined,
    // The secret lives in that schema by default, so it cannot exist either.
    [`✗ secret ANALYTICS.DBT_DEV.DBT_CLOUD_ACCESS_TOKEN: its schema ANALYTICS.DBT_DEV does not exist yet → fix: as a role with CREATE INTEGRATION: dbt run-operation create_dbt_cloud_external_access; then grant read on secret "ANALYTICS"."DBT_DEV"."DBT_CLOUD_ACCESS_TOKEN" to role "TRANSFORMER";`]],
  ["a warehouse the role cannot use", (account) => { account.warehouseVisible = false; },
    `✗ warehouse TRANSFORMING: does not exist or role TRANSFORMER has no privilege on it → fix: grant usage on warehouse "TRANSFORMING" to role "TRANSFORMER";`,
    { ...minimalVars(), warehouse: "transforming" }],
  ["no integration", (account) => { account.integration.exists = false; },
    `✗ integration DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION: does not exist, or role TRANSFORMER has no USAGE on it → fix: as a role with CREATE INTEGRATION: dbt run-operation create_dbt_cloud_external_access; then grant usage on integration "DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION" to role "TRANSFORMER";`],
  ["a disabled integration", (account) => { account.integration.enabled = false; },
    `✗ integration DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION: exists but is disabled → fix: alter external access integration "DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION" set enabled = true;`],
  ["an integration whose rule allows another host", (account) => { account.integration.hosts = "cloud.getdbt.com:443"; },
    "✗ host ab123.us1.dbt.com: not allowed by DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION's network rules (ANALYTICS.DBT_DEV.DBT_CLOUD_API_NETWORK_RULE) → fix: as a role with CREATE INTEGRATION: dbt run-operation create_dbt_cloud_external_access (it sets the rule to the configured access_url's host)"],
  ["a secret the role cannot read", (account) => { account.secretVisible = false; },
    `✗ secret ANALYTICS.DBT_DEV.DBT_CLOUD_ACCESS_TOKEN: does not exist, or role TRANSFORMER has no privilege on it → fix: as a role with CREATE INTEGRATION: dbt run-operation create_dbt_cloud_external_access; then grant read on secret "ANALYTICS"."DBT_DEV"."DBT_CLOUD_ACCESS_TOKEN" to role "TRANSFORMER";`],
  ["a watched table that does not exist", (account) => { account.watched = [{ database: "RAW", schema: "SALES", name: "OTHER" }]; },
    `✗ watched RAW.SALES.ORDERS: does not exist, or role TRANSFORMER cannot see it → fix: grant usage on database "RAW" to role "TRANSFORMER"; grant usage on schema "RAW"."SALES" to role "TRANSFORMER"; grant select on "RAW"."SALES"."ORDERS" to role "TRANSFORMER";`],
  ["a watched table in a schema that does not exist", (account) => { account.watched = []; },
    `✗ watched RAW.SALES.ORDERS: does not exist, or role TRANSFORMER cannot see it → fix: grant usage on database "RAW" to role "TRANSFORMER"; grant usage on schema "RAW"."SALES" to role "TRANSFORMER"; grant select on "RAW"."SALES"."ORDERS" to role "TRANSFORMER";`],
  ["a watched table without change tracking, owned by another role", (account) => { account.watched[0]!.change_tracking = false; },
    `✗ watched RAW.SALES.ORDERS: table owned by role LOADER with change tracking off; only its owner can enable it → fix: as LOADER: alter table "RAW"."SALES"."ORDERS" set change_tracking = true;`],
  ["a watched external table of a triggered job", (account) => { account.watched[0]!.kind = "external table"; },
    "✗ watched RAW.SALES.ORDERS: is an external table, and triggered tasks do not support streams on external tables → fix: give the jobs that watch it a schedule",
    { ...minimalVars(), jobs: [{ name: "daily sales", job_id: 67890, tables: ["RAW.SALES.ORDERS"], schedule: "triggered" }] }],
  ["a time zone Snowflake does not know", (account) => { account.timezoneAnswer = "ERROR: Unknown timezone: 'Factory'"; },
    "✗ time zone UTC: Snowflake does not convert it (ERROR: Unknown timezone: 'Factory') → fix: set vars.dbt_cloud_orchestration.timezone to a time zone Snowflake knows, such as 'America/Chicago'"],
  ["a procedure older than the ping", (account) => { account.procedureArguments = "DBT_CLOUD_RUN_JOB(VARCHAR, NUMBER, NUMBER, VARCHAR, NUMBER, NUMBER, VARCHAR, VARCHAR, ARRAY, VARCHAR) RETURN VARIANT"; },
    "✗ dbt Cloud ping through the procedure: the procedure predates the ping (it has no options argument) → fix: dbt run-operation build_orchestration_resources"],
  ["a ping dbt Cloud refuses", (account) => { account.pingResult = JSON.stringify({ status: "ERROR", logs: ["GET /api/v2/accounts/12345/: 401 Invalid token"] }); },
    "✗ dbt Cloud ping through the procedure: ERROR: GET /api/v2/accounts/12345/: 401 Invalid token → fix: check the token in the secret (a dbt Cloud service token with access to the account), the access_url and the network rule"],
];

describe("each failing check: its ✗ line with the exact fix, and dbt exits non-zero", () => {
  it.each(FAILURES)("%s", async (_name, breakIt, expected, vars, alsoFailing) => {
    const account = goodAccount();
    breakIt(account);
    const run = await preflight(account, vars ?? minimalVars());
    const failing = [expected, ...(alsoFailing ?? [])];
    expect(lines(run).filter((line) => line.startsWith("✗"))).toEqual(failing);
    expect(run.error).toMatch(new RegExp(`^dbt_cloud_orchestration: ${failing.length} of \\d+ preflight checks failed; each ✗ line says how to fix it\\.$`));
  });
});

it("dbt 2.x checks what dbt-core and the TypeScript check, passing and failing", async () => {
  for (const breakIt of [(_account: Account) => undefined, (account: Account) => { account.watched[0]!.change_tracking = false; }]) {
    const account = goodAccount();
    breakIt(account);
    const ctx = { ...context(minimalVars(), { args: {} }), query_results: results(account, minimalVars()) };
    const { ts, jinja, fusion } = await engines.all("check_orchestration_setup", ctx);
    expect(jinja).toEqual(ts);
    // stop_with_error prints the message before raising, on every engine (errors.ts).
    expect(fusion).toEqual(ts);
  }
}, 60_000);

it("skips the ping, and passes, before the first build made the procedure", async () => {
  const account = goodAccount();
  account.procedureArguments = null;
  const run = await preflight(account);
  expect(run.error).toBeNull();
  expect(lines(run).at(-1)).toBe("✓ dbt Cloud ping through the procedure: skipped: the procedure does not exist yet (the first build creates it)");
  expect(run.statements.some((sql) => sql.startsWith("call "))).toBe(false);
});

it("refuses adapters other than Snowflake", async () => {
  const ctx = context(minimalVars(), { target: { name: "dev", type: "postgres", database: "db", schema: "public" }, args: {} });
  const { ts, jinja } = await engines.both("check_orchestration_setup", ctx);
  expect(jinja).toEqual(ts);
  expect(ts.error).toContain("supports only Snowflake");
});
