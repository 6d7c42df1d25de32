/**
 * check_orchestration_setup against scripted accounts, on both engines: an account that passes
 * every check, and for every check an account that fails it, with the exact fix on its ✗ line.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MacroContextFile, MacroRun } from "../../scripts/engines/macro-run.js";
import { PackageEngines } from "../support/package-engines.js";
import { context, minimalVars, type Vars } from "./configs.js";
import { watchedResults, type WatchedRow } from "../support/warehouse.js";

let engines: PackageEngines;
beforeAll(() => {
  engines = new PackageEngines();
});
afterAll(() => engines?.close());

type Results = NonNullable<MacroContextFile["query_results"]>;

/** A grant as SHOW GRANTS lists it: [privilege, granted_on, name, the role that holds it]. */
type Grant = [string, string, string, string];

/** An account as the preflight's queries see it; every default passes. */
interface Account {
  role: string;
  user: string;
  /** QUOTED_IDENTIFIERS_IGNORE_CASE for the session. */
  ignoreCase: boolean;
  grants: Grant[];
  /** Roles granted to each role (SHOW GRANTS TO ROLE lists them as USAGE on ROLE). */
  inherits: Record<string, string[]>;
  schemaExists: boolean;
  /** SHOW WAREHOUSES lists it (the role has some privilege on it, USAGE or not). */
  warehouseVisible: boolean;
  integration: { exists: boolean; enabled: boolean; rules: string; hosts: string; ruleOwner: string; secrets: string };
  secretVisible: boolean;
  /** SHOW INTEGRATIONS' row of the error integration: [type, category], or null when it does not show. */
  errorIntegration: [string, string] | null;
  watched: WatchedRow[];
  timezoneAnswer: string;
  procedureArguments: string | null;
  pingResult: string;
}

const RULE = "ANALYTICS.DBT_DEV.DBT_CLOUD_API_NETWORK_RULE";
const SECRET = "ANALYTICS.DBT_DEV.DBT_CLOUD_ACCESS_TOKEN";
const INTEGRATION = "DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION";

/**
 * The README's role split: TRANSFORMER builds and owns; it inherits TASK_RUNNER, a custom role holding
 * EXECUTE TASK and EXECUTE MANAGED TASK (Snowflake's guidance); an admin (ACCOUNTADMIN) owns the
 * network rule; LOADER owns the watched table and enabled its change tracking.
 */
function goodAccount(): Account {
  return {
    role: "TRANSFORMER",
    user: "DBT_USER",
    ignoreCase: false,
    grants: [
      ["EXECUTE TASK", "ACCOUNT", "AB12345", "TASK_RUNNER"],
      ["EXECUTE MANAGED TASK", "ACCOUNT", "AB12345", "TASK_RUNNER"],
      ["USAGE", "DATABASE", "ANALYTICS", "TRANSFORMER"],
      ...["USAGE", "CREATE TABLE", "CREATE STREAM", "CREATE TASK", "CREATE PROCEDURE"].map((privilege): Grant => [privilege, "SCHEMA", "ANALYTICS.DBT_DEV", "TRANSFORMER"]),
      ["USAGE", "INTEGRATION", INTEGRATION, "TRANSFORMER"],
      ["READ", "SECRET", SECRET, "TRANSFORMER"],
      ["USAGE", "WAREHOUSE", "TRANSFORMING", "TRANSFORMER"],
    ],
    inherits: { TRANSFORMER: ["TASK_RUNNER"] },
    schemaExists: true,
    warehouseVisible: true,
    integration: { exists: true, enabled: true, rules: `[${RULE}]`, hosts: "ab123.us1.dbt.com", ruleOwner: "ACCOUNTADMIN", secrets: `[${SECRET}]` },
    secretVisible: true,
    errorIntegration: null,
    watched: [{ database: "RAW", schema: "SALES", name: "ORDERS", owner: "LOADER" }],
    timezoneAnswer: "2026-11-27 07:00:00.000 +0000",
    procedureArguments: "DBT_CLOUD_RUN_JOB(VARCHAR, NUMBER, NUMBER, VARCHAR, NUMBER, NUMBER, VARCHAR, VARCHAR, ARRAY, VARCHAR, VARIANT) RETURN VARIANT",
    pingResult: JSON.stringify({ status: "OK", run_id: null, run_url: null, checks: [], logs: ["GET /api/v2/accounts/12345/: 200"] }),
  };
}

const GRANT_COLUMNS = ["privilege", "granted_on", "name", "granted_to", "grantee_name"];

/** The roles the walk reads, in its order: the build role, depth first the roles granted to it, then PUBLIC. */
function hierarchy(account: Account): string[] {
  const roles: string[] = [];
  const walk = (role: string) => {
    if (roles.includes(role)) return;
    roles.push(role);
    for (const child of account.inherits[role] ?? []) walk(child);
  };
  walk(account.role);
  walk("PUBLIC");
  return roles;
}

/** SHOW GRANTS TO ROLE of each role the walk reads (the network rule's OWNERSHIP goes to its owner). */
function grantResults(account: Account): Results {
  return hierarchy(account).map((role) => ({
    columns: GRANT_COLUMNS,
    rows: [
      ...account.grants.filter((grant) => grant[3] === role).map((grant) => [grant[0], grant[1], grant[2], "ROLE", role]),
      ...(account.integration.ruleOwner === role ? [["OWNERSHIP", "NETWORK_RULE", RULE, "ROLE", role]] : []),
      ...(account.inherits[role] ?? []).map((child) => ["USAGE", "ROLE", child, "ROLE", role]),
    ],
  }));
}

function holds(account: Account, privilege: string, grantedOn: string, name: string): boolean {
  const roles = hierarchy(account);
  if (grantedOn === "NETWORK_RULE") return roles.includes(account.integration.ruleOwner);
  return account.grants.some((grant) => roles.includes(grant[3]) && grant[1] === grantedOn && (grant[1] === "ACCOUNT" || grant[2] === name) &&
    (grant[0] === privilege || grant[0] === "OWNERSHIP"));
}

/** The query results in the order the preflight asks (minimal config: orchestration schema ANALYTICS.DBT_DEV, secret in it). */
function results(account: Account, vars: Vars): Results {
  const out: Results = [
    { columns: ["BUILD_ROLE", "BUILD_USER"], rows: [[account.role, account.user]] },
    { columns: ["key", "value", "default", "level", "description", "type"],
      rows: [["QUOTED_IDENTIFIERS_IGNORE_CASE", account.ignoreCase ? "true" : "false", "false", account.ignoreCase ? "USER" : "", "…", "BOOLEAN"]] },
    ...grantResults(account),
    { columns: ["name"], rows: account.schemaExists ? [["DBT_DEV"]] : [] },
  ];
  const warehouse = vars.warehouse == null ? null : String(vars.warehouse).toUpperCase();
  if (warehouse !== null && !holds(account, "USAGE", "WAREHOUSE", warehouse)) {
    out.push({ columns: ["name"], rows: account.warehouseVisible ? [[warehouse]] : [] });
  }
  out.push({ columns: ["name", "type", "category", "enabled"],
    rows: account.integration.exists ? [[INTEGRATION, "EXTERNAL_ACCESS", "SECURITY", account.integration.enabled ? "true" : "false"]] : [] });
  const described = account.integration.exists && account.integration.enabled && holds(account, "USAGE", "INTEGRATION", INTEGRATION);
  if (described) {
    out.push({ columns: ["property", "property_type", "property_value", "property_default"],
      rows: [["ENABLED", "Boolean", "true", "false"], ["ALLOWED_NETWORK_RULES", "List", account.integration.rules, "[]"],
        ["ALLOWED_AUTHENTICATION_SECRETS", "List", account.integration.secrets, "[]"]] });
    if (account.integration.rules !== "[]" && holds(account, "OWNERSHIP", "NETWORK_RULE", RULE)) {
      out.push({ columns: ["name", "type", "mode", "value_list"], rows: [["DBT_CLOUD_API_NETWORK_RULE", "HOST_PORT", "EGRESS", account.integration.hosts]] });
    }
  }
  if (account.schemaExists) out.push({ columns: ["name"], rows: account.secretVisible ? [["DBT_CLOUD_ACCESS_TOKEN"]] : [] });
  if (vars.error_integration != null) {
    out.push({ columns: ["name", "type", "category", "enabled"],
      rows: account.errorIntegration === null ? [] : [[String(vars.error_integration).toUpperCase(), ...account.errorIntegration, "true"]] });
  }
  // SHOW DATABASES / SCHEMAS LIKE per watched database and schema (RAW exists; its schemas are those of account.watched).
  const schemas = [...new Set(account.watched.map((row) => `${row.database}.${row.schema}`))].map((key) => key.split("."));
  const jobs = vars.jobs as Array<{ tables: string[] }>;
  const watchedSchemas = [...new Set(jobs.flatMap((job) => job.tables.map((table) => table.split(".").slice(0, 2).join("."))))];
  const databases: string[] = [];
  for (const key of watchedSchemas) {
    const [database, schema] = key.split(".") as [string, string];
    if (!databases.includes(database)) {
      databases.push(database);
      out.push({ columns: ["name"], rows: database === "RAW" ? [["RAW"]] : [] });
    }
    if (database === "RAW") out.push({ columns: ["name"], rows: schemas.some((parts) => parts[1] === schema) ? [[schema]] : [] });
  }
  const untracked = account.watched.some((row) => row.change_tracking === false && !(row.kind ?? "table").includes("dynamic"));
  const watchedObjects = jobs.flatMap((job) => job.tables.map((table) => table.split(".")));
  out.push(...watchedResults(account.watched, schemas.length === 0 ? [] : schemas, untracked ? account.role : undefined, [], watchedObjects)!);
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

function without(account: Account, privilege: string, grantedOn: string): void {
  account.grants = account.grants.filter((grant) => !(grant[0] === privilege && grant[1] === grantedOn));
}

it("the README's role split passes every check: privileges through an inherited role, an admin-owned network rule, one ✓ line each", async () => {
  const run = await preflight(goodAccount());
  expect(run.error).toBeNull();
  expect(lines(run)).toEqual([
    "✓ session parameter QUOTED_IDENTIFIERS_IGNORE_CASE: false: double-quoted names keep their case",
    "✓ privilege EXECUTE TASK: granted to role TASK_RUNNER, which role TRANSFORMER inherits",
    "✓ privilege EXECUTE MANAGED TASK: granted to role TASK_RUNNER, which role TRANSFORMER inherits",
    "✓ create rights in ANALYTICS.DBT_DEV: role TRANSFORMER has USAGE on the database and USAGE, CREATE TABLE, CREATE STREAM, CREATE TASK, CREATE PROCEDURE on the schema",
    "✓ warehouse: none configured: serverless tasks",
    "✓ integration DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION: exists, is enabled, and role TRANSFORMER has USAGE",
    "✓ host ab123.us1.dbt.com: not read here: DESCRIBE NETWORK RULE needs OWNERSHIP of ANALYTICS.DBT_DEV.DBT_CLOUD_API_NETWORK_RULE, which another role holds; " +
      "the dbt Cloud ping through the procedure checks the host",
    "✓ secret ANALYTICS.DBT_DEV.DBT_CLOUD_ACCESS_TOKEN: role TRANSFORMER has READ",
    "✓ secret ANALYTICS.DBT_DEV.DBT_CLOUD_ACCESS_TOKEN in DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION: listed in its ALLOWED_AUTHENTICATION_SECRETS",
    "✓ watched RAW.SALES.ORDERS: table owned by role LOADER, change tracking on",
    "✓ time zone UTC: Snowflake converts it (now 2026-11-27 07:00:00.000 +0000)",
    "✓ dbt Cloud ping through the procedure: dbt Cloud answered for account 12345",
  ]);
  expect(run.returned).toEqual(lines(run));
  // The role hierarchy is walked (TRANSFORMER, the role granted to it, PUBLIC); the admin's rule is never described.
  expect(run.statements.filter((sql) => sql.startsWith("show grants"))).toEqual([
    `show grants to role "TRANSFORMER"`, `show grants to role "TASK_RUNNER"`, `show grants to role "PUBLIC"`,
  ]);
  expect(run.statements.some((sql) => sql.startsWith("describe network rule"))).toBe(false);
  expect(run.statements.at(-1)).toBe(`call "ANALYTICS"."DBT_DEV"."DBT_CLOUD_RUN_JOB"('https://ab123.us1.dbt.com', 12345, 67890, 'preflight', ` +
    "null, null, null, null, null, 'UTC', object_construct('mode', 'ping'))");
  // Read-only: SHOW, DESCRIBE, SELECT, the anonymous block and the ping.
  expect(run.statements.filter((sql) => /^(create|alter|drop|grant|insert)/.test(sql))).toEqual([]);
});

it("a network rule the build role's hierarchy owns is described, and its host checked", async () => {
  const account = goodAccount();
  account.integration.ruleOwner = "TRANSFORMER";
  const run = await preflight(account);
  expect(run.error).toBeNull();
  expect(lines(run)).toContain("✓ host ab123.us1.dbt.com: allowed by DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION's network rules");
  expect(run.statements).toContain(`describe network rule "ANALYTICS"."DBT_DEV"."DBT_CLOUD_API_NETWORK_RULE"`);
});

it("a warehouse and an error integration the role uses: USAGE on each, and a notification type task errors support", async () => {
  const account = goodAccount();
  account.errorIntegration = ["QUEUE - AWS_SNS", "NOTIFICATION"];
  account.grants.push(["USAGE", "INTEGRATION", "TASK_FAILURES", "TASK_RUNNER"]);
  const run = await preflight(account, { ...minimalVars(), warehouse: "transforming", error_integration: "task_failures" });
  expect(run.error).toBeNull();
  expect(lines(run)).toContain("✓ warehouse TRANSFORMING: role TRANSFORMER has USAGE");
  expect(lines(run)).toContain("✓ error integration TASK_FAILURES: QUEUE - AWS_SNS notification integration; role TRANSFORMER has USAGE, through role TASK_RUNNER");
  expect(lines(run).filter((line) => line.startsWith("✓ privilege"))).toEqual(["✓ privilege EXECUTE TASK: granted to role TASK_RUNNER, which role TRANSFORMER inherits"]);
});

/** Each failing account, the ✗ line it must produce, exactly (one failing check per account unless a fourth element lists the others). */
const FAILURES: Array<[string, (account: Account) => void, string, Vars?, string[]?]> = [
  ["QUOTED_IDENTIFIERS_IGNORE_CASE set to TRUE for the user", (account) => { account.ignoreCase = true; },
    `✗ session parameter QUOTED_IDENTIFIERS_IGNORE_CASE: TRUE for this session (set at level USER): Snowflake would resolve quoted names such as "Order Items" in upper case → fix: alter user "DBT_USER" set quoted_identifiers_ignore_case = false;`],
  ["no EXECUTE TASK, anywhere in the hierarchy", (account) => { without(account, "EXECUTE TASK", "ACCOUNT"); },
    `✗ privilege EXECUTE TASK: neither role TRANSFORMER nor a role it inherits holds it → fix: grant execute task on account to role "TRANSFORMER";`],
  ["no EXECUTE MANAGED TASK for serverless tasks", (account) => { without(account, "EXECUTE MANAGED TASK", "ACCOUNT"); },
    `✗ privilege EXECUTE MANAGED TASK: neither role TRANSFORMER nor a role it inherits holds it → fix: grant execute managed task on account to role "TRANSFORMER";`],
  ["EXECUTE TASK held by a role the build role does not inherit", (account) => { account.inherits = {}; },
    `✗ privilege EXECUTE TASK: neither role TRANSFORMER nor a role it inherits holds it → fix: grant execute task on account to role "TRANSFORMER";`,
    undefined,
    [`✗ privilege EXECUTE MANAGED TASK: neither role TRANSFORMER nor a role it inherits holds it → fix: grant execute managed task on account to role "TRANSFORMER";`]],
  ["missing create rights in the schema", (account) => { without(account, "CREATE STREAM", "SCHEMA"); without(account, "CREATE TASK", "SCHEMA"); without(account, "CREATE PROCEDURE", "SCHEMA"); },
    `✗ create rights in ANALYTICS.DBT_DEV: role TRANSFORMER lacks CREATE STREAM, CREATE TASK, CREATE PROCEDURE on the schema → fix: grant create stream, create task, create procedure on schema "ANALYTICS"."DBT_DEV" to role "TRANSFORMER";`],
  ["no USAGE on the database", (account) => { without(account, "USAGE", "DATABASE"); },
    `✗ create rights in ANALYTICS.DBT_DEV: role TRANSFORMER lacks USAGE on database ANALYTICS → fix: grant usage on database "ANALYTICS" to role "TRANSFORMER";`],
  ["no schema and no right to create it", (account) => { account.schemaExists = false; },
    `✗ create rights in ANALYTICS.DBT_DEV: the schema does not exist and role TRANSFORMER may not create it → fix: as an admin: create schema "ANALYTICS"."DBT_DEV"; grant usage, create table, create stream, create task, create procedure on schema "ANALYTICS"."DBT_DEV" to role "TRANSFORMER";`,
    undefined,
    // The secret lives in that schema by default, so it cannot exist either.
    [`✗ secret ANALYTICS.DBT_DEV.DBT_CLOUD_ACCESS_TOKEN: its schema ANALYTICS.DBT_DEV does not exist yet → fix: as a role with CREATE INTEGRATION: dbt run-operation create_dbt_cloud_external_access; then grant read on secret "ANALYTICS"."DBT_DEV"."DBT_CLOUD_ACCESS_TOKEN" to role "TRANSFORMER";`]],
  ["a warehouse the role cannot see", (account) => { without(account, "USAGE", "WAREHOUSE"); account.warehouseVisible = false; },
    `✗ warehouse TRANSFORMING: does not exist, or role TRANSFORMER has no privilege on it → fix: grant usage on warehouse "TRANSFORMING" to role "TRANSFORMER";`,
    { ...minimalVars(), warehouse: "transforming" }],
  ["a warehouse the role sees but cannot use (MONITOR only)", (account) => { without(account, "USAGE", "WAREHOUSE"); account.grants.push(["MONITOR", "WAREHOUSE", "TRANSFORMING", "TRANSFORMER"]); },
    `✗ warehouse TRANSFORMING: role TRANSFORMER has no USAGE on it → fix: grant usage on warehouse "TRANSFORMING" to role "TRANSFORMER";`,
    { ...minimalVars(), warehouse: "transforming" }],
  ["no integration", (account) => { account.integration.exists = false; },
    `✗ integration DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION: does not exist, or role TRANSFORMER has no privilege on it → fix: as a role with CREATE INTEGRATION: dbt run-operation create_dbt_cloud_external_access; then grant usage on integration "DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION" to role "TRANSFORMER";`],
  ["a disabled integration", (account) => { account.integration.enabled = false; },
    `✗ integration DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION: exists but is disabled → fix: alter external access integration "DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION" set enabled = true;`],
  ["an integration the build role has no USAGE on (seen through a secondary role)", (account) => { without(account, "USAGE", "INTEGRATION"); },
    `✗ integration DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION: exists and is enabled, but role TRANSFORMER has no USAGE on it → fix: grant usage on integration "DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION" to role "TRANSFORMER";`],
  ["a rule the build role owns that allows another host", (account) => { account.integration.ruleOwner = "TRANSFORMER"; account.integration.hosts = "cloud.getdbt.com:443"; },
    "✗ host ab123.us1.dbt.com: not allowed by DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION's network rules (ANALYTICS.DBT_DEV.DBT_CLOUD_API_NETWORK_RULE) → fix: as a role with CREATE INTEGRATION: dbt run-operation create_dbt_cloud_external_access (it sets the rule to the configured access_url's host)"],
  ["a secret the integration does not allow", (account) => { account.integration.secrets = "[ANALYTICS.OTHER.TOKEN]"; },
    `✗ secret ANALYTICS.DBT_DEV.DBT_CLOUD_ACCESS_TOKEN in DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION: not in its ALLOWED_AUTHENTICATION_SECRETS (ANALYTICS.OTHER.TOKEN), so CREATE PROCEDURE would fail → fix: alter external access integration "DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION" set allowed_authentication_secrets = ("ANALYTICS"."OTHER"."TOKEN", "ANALYTICS"."DBT_DEV"."DBT_CLOUD_ACCESS_TOKEN");`],
  ["a secret the role cannot see", (account) => { account.secretVisible = false; without(account, "READ", "SECRET"); },
    `✗ secret ANALYTICS.DBT_DEV.DBT_CLOUD_ACCESS_TOKEN: does not exist, or role TRANSFORMER has no privilege on it → fix: as a role with CREATE INTEGRATION: dbt run-operation create_dbt_cloud_external_access; then grant read on secret "ANALYTICS"."DBT_DEV"."DBT_CLOUD_ACCESS_TOKEN" to role "TRANSFORMER";`],
  ["a secret the build role cannot read (seen through a secondary role)", (account) => { without(account, "READ", "SECRET"); },
    `✗ secret ANALYTICS.DBT_DEV.DBT_CLOUD_ACCESS_TOKEN: role TRANSFORMER lacks READ on it → fix: grant read on secret "ANALYTICS"."DBT_DEV"."DBT_CLOUD_ACCESS_TOKEN" to role "TRANSFORMER";`],
  ["an email error integration", (account) => { account.errorIntegration = ["EMAIL", "NOTIFICATION"]; account.grants.push(["USAGE", "INTEGRATION", "TASK_FAILURES", "TRANSFORMER"]); },
    "✗ error integration TASK_FAILURES: is an email notification integration (EMAIL), which task errors cannot use → fix: set error_integration to a notification integration for Amazon SNS, Google Cloud Pub/Sub or Azure Event Grid, or remove it",
    { ...minimalVars(), error_integration: "task_failures" }],
  ["a webhook error integration", (account) => { account.errorIntegration = ["WEBHOOK", "NOTIFICATION"]; account.grants.push(["USAGE", "INTEGRATION", "TASK_FAILURES", "TRANSFORMER"]); },
    "✗ error integration TASK_FAILURES: is a webhook notification integration (WEBHOOK), which task errors cannot use → fix: set error_integration to a notification integration for Amazon SNS, Google Cloud Pub/Sub or Azure Event Grid, or remove it",
    { ...minimalVars(), error_integration: "task_failures" }],
  ["an error integration without USAGE", (account) => { account.errorIntegration = ["QUEUE - AWS_SNS", "NOTIFICATION"]; },
    `✗ error integration TASK_FAILURES: role TRANSFORMER has no USAGE on it → fix: grant usage on integration "TASK_FAILURES" to role "TRANSFORMER";`,
    { ...minimalVars(), error_integration: "task_failures" }],
  ["an error integration that does not exist", (account) => { account.errorIntegration = null; },
    `✗ error integration TASK_FAILURES: does not exist, or role TRANSFORMER has no privilege on it → fix: create a notification integration for Amazon SNS, Google Cloud Pub/Sub or Azure Event Grid named TASK_FAILURES, then grant usage on integration "TASK_FAILURES" to role "TRANSFORMER"; or remove error_integration`,
    { ...minimalVars(), error_integration: "task_failures" }],
  ["a watched table that does not exist", (account) => { account.watched = [{ database: "RAW", schema: "SALES", name: "OTHER" }]; },
    `✗ watched RAW.SALES.ORDERS: does not exist, or role TRANSFORMER cannot see it → fix: grant usage on database "RAW" to role "TRANSFORMER"; grant usage on schema "RAW"."SALES" to role "TRANSFORMER"; grant select on "RAW"."SALES"."ORDERS" to role "TRANSFORMER";`],
  ["a watched table in a schema that does not exist", (account) => { account.watched = []; },
    `✗ watched RAW.SALES.ORDERS: does not exist, or role TRANSFORMER cannot see it → fix: grant usage on database "RAW" to role "TRANSFORMER"; grant usage on schema "RAW"."SALES" to role "TRANSFORMER"; grant select on "RAW"."SALES"."ORDERS" to role "TRANSFORMER";`],
  ["a watched table without change tracking, owned by another role", (account) => { account.watched[0]!.change_tracking = false; },
    `✗ watched RAW.SALES.ORDERS: is a table with change tracking off, owned by role LOADER, which the build role TRANSFORMER neither is nor inherits; only its owner can enable it → fix: as LOADER, run: alter table "RAW"."SALES"."ORDERS" set change_tracking = true;`],
  ["a watched external table of a triggered job", (account) => { account.watched[0]!.kind = "external table"; },
    "✗ watched RAW.SALES.ORDERS: is an external table, and triggered tasks do not support streams on external tables → fix: give the job a schedule",
    { ...minimalVars(), jobs: [{ name: "daily sales", job_id: 67890, tables: ["RAW.SALES.ORDERS"], schedule: "triggered" }] }],
  ["a watched hybrid table", (account) => { account.watched[0]!.kind = "hybrid table"; },
    "✗ watched RAW.SALES.ORDERS: is a hybrid table, and streams cannot watch hybrid tables → fix: watch a standard table that receives the same changes"],
  ["a watched dynamic table that refreshes in full", (account) => { account.watched[0]!.kind = "dynamic table"; account.watched[0]!.refresh_mode = "FULL"; },
    "✗ watched RAW.SALES.ORDERS: is a dynamic table that refreshes in full (refresh_mode FULL), and streams need incremental refresh → fix: recreate it with refresh_mode = incremental, or watch its base tables"],
  ["a watched view with GROUP BY", (account) => { account.watched[0]!.kind = "view"; account.watched[0]!.text = "create view ORDERS as select region from RAW.SALES.BASE group by region"; },
    "✗ watched RAW.SALES.ORDERS: is a view with GROUP BY, which streams on views do not support → fix: watch its base tables, or a view without GROUP BY, QUALIFY, LIMIT or DISTINCT"],
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
