/**
 * Reconciliation: the build reads the live schema with a constant number of SHOW queries and plans
 * only what differs. Each scripted warehouse state asserts the exact plan, on both engines.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MacroRun } from "../../scripts/engines/macro-run.js";
import { PackageEngines } from "../support/package-engines.js";
import { context, exampleVars, PROD_TARGET, type Vars } from "./configs.js";
import { buildResults, EXAMPLE_SCHEMAS, EXAMPLE_WATCHED, liveStateAfter, showResults, watchedResults, type LiveSchema } from "../support/warehouse.js";

const SCHEMA = "ORCHESTRATION";
const PREFIX = "ANALYTICS.ORCHESTRATION.";

let engines: PackageEngines;
let desired: LiveSchema;

/** What the build reads, in order: the watched objects (the example's, all plain tables), then the orchestration schema. */
function reads(live: LiveSchema, expired = 0): ReturnType<typeof showResults> {
  return [...watchedResults(EXAMPLE_WATCHED, EXAMPLE_SCHEMAS)!, ...buildResults(live, SCHEMA, expired)!];
}

/** The statements that read the orchestration schema (after the six SHOW TABLES/VIEWS of the watched schemas). */
function schemaReads(run: MacroRun): string[] {
  return run.statements.slice(6).filter((sql) => !isDdl(sql));
}

function isDdl(sql: string): boolean {
  return !sql.startsWith("show ") && !sql.startsWith("select ") && !sql.startsWith("describe ");
}

async function build(live: LiveSchema, vars: Vars = exampleVars(), args: Record<string, unknown> = { dry_run: false }, expired = 0): Promise<MacroRun> {
  const ctx = { ...context(vars, { target: PROD_TARGET, args }), query_results: reads(live, expired) };
  const { ts, jinja } = await engines.both("build_orchestration_resources", ctx);
  expect(jinja, "the compiled Jinja must plan what the TypeScript plans").toEqual(ts);
  expect(ts.error).toBeNull();
  return ts;
}

/** The plan table's rows as [action, kind, object, reason]: its columns are separated by two spaces or more. */
function planRows(run: MacroRun): string[][] {
  return run.logs[1]!.split("\n").slice(1).map((line) => line.split(/ {2,}/));
}


function ddl(run: MacroRun): string[] {
  return run.statements.filter(isDdl);
}

function clone(live: LiveSchema): LiveSchema {
  return structuredClone(live);
}

beforeAll(async () => {
  engines = new PackageEngines();
  const offline = await engines.both("build_orchestration_resources", context(exampleVars(), { target: PROD_TARGET }));
  desired = liveStateAfter(offline.ts, "started");
});
afterAll(() => engines?.close());

describe("reading the live state", () => {
  it("an empty account: one SHOW, then everything is created", async () => {
    const run = await build({ schemaExists: false, logTable: false, procedureComment: null, streams: [], tasks: [] });
    expect(schemaReads(run)).toEqual([
      `show schemas like 'ORCHESTRATION' in database "ANALYTICS"`,
    ]);
    expect(new Set(planRows(run).map((row) => row[0]))).toEqual(new Set(["create"]));
    expect(ddl(run)).toEqual(run.returned);
  });

  it("identical to the config: two SHOWs per watched schema, the orchestration schema's queries and the log table's columns, and no DDL at all", async () => {
    const run = await build(desired);
    // Every SHOW of a schema's objects asks for a page of at most 10,000 rows (LIMIT … FROM pages through more).
    expect(run.statements.slice(0, 6)).toEqual([
      `show tables in schema "RAW"."SALES" limit 10000`,
      `show views in schema "RAW"."SALES" limit 10000`,
      `show tables in schema "RAW"."INVENTORY" limit 10000`,
      `show views in schema "RAW"."INVENTORY" limit 10000`,
      `show tables in schema "RAW"."FINANCE" limit 10000`,
      `show views in schema "RAW"."FINANCE" limit 10000`,
    ]);
    expect(run.statements.slice(6, 10)).toEqual([
      `show schemas like 'ORCHESTRATION' in database "ANALYTICS"`,
      `show tables like 'ORCHESTRATION_LOGS' in schema "ANALYTICS"."ORCHESTRATION"`,
      `show procedures like 'DBT_CLOUD_RUN_JOB' in schema "ANALYTICS"."ORCHESTRATION"`,
      `show streams in schema "ANALYTICS"."ORCHESTRATION" limit 10000`,
    ]);
    // SHOW's columns named by position (its answer has name 1st and stale_after 7th here), aliases unquoted.
    expect(run.statements[10]).toBe([
      "select $1 as STREAM_NAME,",
      "  to_varchar(convert_timezone('UTC', $7), 'YYYY-MM-DD HH24:MI') as STALE_AFTER_UTC,",
      "  $7 < dateadd(day, 3, current_timestamp()) as STALE_SOON,",
      "  $7 < current_timestamp() as STALE_NOW",
      "from table(result_scan(last_query_id()))",
    ].join("\n"));
    expect(run.statements.slice(11)).toEqual([
      `show tasks in schema "ANALYTICS"."ORCHESTRATION" limit 10000`,
      `describe table "ANALYTICS"."ORCHESTRATION"."ORCHESTRATION_LOGS"`,
      `select count(*) as EXPIRED_ROWS from "ANALYTICS"."ORCHESTRATION"."ORCHESTRATION_LOGS" where invoked_at < dateadd(day, -90, current_timestamp())`,
    ]);
    expect(run.returned).toEqual([]);
    expect(new Set(planRows(run).map((row) => row[0]))).toEqual(new Set(["unchanged"]));
    expect(run.logs.find((line) => line.startsWith("Plan: "))).toBe(
      "Plan: 0 to create, 0 to update, 0 to recreate, 0 to resume, 0 to suspend, 0 to drop, 11 unchanged.");
  });

  it("a dry run reads the live state with SHOW queries only and runs no DDL", async () => {
    const live = clone(desired);
    live.tasks[0]!.state = "suspended";
    const run = await build(live, exampleVars(), { dry_run: true });
    expect(run.statements.some(isDdl)).toBe(false);
    expect(run.returned).toEqual([`alter task "ANALYTICS"."ORCHESTRATION"."ORCH_TASK__DAILY_SALES__67890" resume`]);
  });
});

describe("log retention", () => {
  const table = `"ANALYTICS"."ORCHESTRATION"."ORCHESTRATION_LOGS"`;

  it("deletes the log rows older than log_retention_days (90 by default), planned as an update with how many", async () => {
    const run = await build(desired, exampleVars(), { dry_run: false }, 1234);
    expect(run.returned).toEqual([`delete from ${table} where invoked_at < dateadd(day, -90, current_timestamp())`]);
    expect(planRows(run)).toContainEqual(
      ["update", "log table", `${PREFIX}ORCHESTRATION_LOGS`, "1234 row(s) older than 90 days (log_retention_days): deleted"]);
    expect(run.logs).toContain("Plan: 0 to create, 1 to update, 0 to recreate, 0 to resume, 0 to suspend, 0 to drop, 10 unchanged.");
  });

  it("uses the configured log_retention_days, and plans nothing while no row is that old", async () => {
    const vars = { ...exampleVars(), log_retention_days: 7 };
    const run = await build(desired, vars, { dry_run: false }, 3);
    expect(run.statements).toContain(`select count(*) as EXPIRED_ROWS from ${table} where invoked_at < dateadd(day, -7, current_timestamp())`);
    expect(run.returned).toEqual([`delete from ${table} where invoked_at < dateadd(day, -7, current_timestamp())`]);
    const quiet = await build(desired, vars);
    expect(quiet.returned).toEqual([]);
  });

  it.each([0, -1, 1.5, "90", true])("refuses log_retention_days %j by name, before any statement", async (days) => {
    const ctx = { ...context({ ...exampleVars(), log_retention_days: days }, { target: PROD_TARGET, args: {} }), query_results: reads(desired) };
    const { ts, jinja } = await engines.both("build_orchestration_resources", ctx);
    expect(jinja).toEqual(ts);
    expect(ts.error).toContain("log_retention_days");
    expect(ts.error).toContain("is not a positive integer");
    expect(ts.statements).toEqual([]);
  });
});

describe("upgrading objects an older version built", () => {
  it("a log table without the outcome columns gains them in place: planned as update with its reason, rows kept", async () => {
    const live = clone(desired);
    live.logTableColumns = live.logTableColumns!.filter((column) => !column.startsWith("RUN_") || column === "RUN_ID" || column === "RUN_URL");
    expect(live.logTableColumns).toEqual(["INVOKED_AT", "JOB_NAME", "JOB_ID", "TASK_NAME", "STATUS", "RUN_ID", "RUN_URL", "RESULT", "LOGS"]);
    const run = await build(live);
    const table = `"ANALYTICS"."ORCHESTRATION"."ORCHESTRATION_LOGS"`;
    expect(run.returned).toEqual([
      `alter table ${table} add column if not exists run_status varchar`,
      `alter table ${table} add column if not exists run_finished_at timestamp_ltz`,
      `alter table ${table} add column if not exists run_duration_seconds number`,
    ]);
    expect(planRows(run).filter((row) => row[0] !== "unchanged")).toEqual([
      ["update", "log table", `${PREFIX}ORCHESTRATION_LOGS`, "lacks run_status, run_finished_at, run_duration_seconds: added in place, rows kept"],
    ]);
  });

  it("only the columns still missing are added", async () => {
    const live = clone(desired);
    live.logTableColumns = live.logTableColumns!.filter((column) => column !== "RUN_DURATION_SECONDS");
    const run = await build(live);
    expect(run.returned).toEqual([`alter table "ANALYTICS"."ORCHESTRATION"."ORCHESTRATION_LOGS" add column if not exists run_duration_seconds number`]);
  });

  it("the procedure from before the options argument is replaced, and that older overload dropped last", async () => {
    const live = clone(desired);
    live.procedureSignature = "VARCHAR, NUMBER, NUMBER, VARCHAR, NUMBER, NUMBER, VARCHAR, VARCHAR, ARRAY, VARCHAR";
    const run = await build(live);
    const statements = run.returned as string[];
    expect(statements).toHaveLength(2);
    expect(statements[0]).toMatch(/^create or replace procedure "ANALYTICS"\."ORCHESTRATION"\."DBT_CLOUD_RUN_JOB"\(\n.*\n.*, timezone varchar, options variant\n\)/);
    expect(statements[1]).toBe(`drop procedure if exists "ANALYTICS"."ORCHESTRATION"."DBT_CLOUD_RUN_JOB"` +
      "(VARCHAR, NUMBER, NUMBER, VARCHAR, NUMBER, NUMBER, VARCHAR, VARCHAR, ARRAY, VARCHAR)");
    expect(planRows(run).filter((row) => row[0] !== "unchanged").map((row) => [row[0], row[1], row[3]])).toEqual([
      ["create", "procedure", "missing"], ["drop", "procedure", "an earlier signature, no longer called"],
    ]);
  });
});

describe("planning against the live state", () => {
  it("one task definition changed: suspended, altered in place, resumed", async () => {
    const live = clone(desired);
    live.tasks[1]!.comment = live.tasks[1]!.comment.replace(/definition [0-9a-f]{32}/, "definition 00000000000000000000000000000000");
    const run = await build(live);
    const task = `"ANALYTICS"."ORCHESTRATION"."ORCH_TASK__INVENTORY_SNAPSHOT__67891"`;
    expect(run.returned).toHaveLength(3);
    expect((run.returned as string[])[0]).toBe(`alter task ${task} suspend`);
    expect((run.returned as string[])[1]).toMatch(new RegExp(`^create or alter task ${task.replaceAll(".", "\\.")}\\n`));
    expect((run.returned as string[])[2]).toBe(`alter task ${task} resume`);
    expect(planRows(run).filter((row) => row[0] !== "unchanged")).toEqual([
      ["update", "task", `${PREFIX}ORCH_TASK__INVENTORY_SNAPSHOT__67891`, "its definition changed (suspended while altered)"],
    ]);
  });

  it("a procedure from before the options argument: the new one is created and the earlier signature dropped", async () => {
    const live = clone(desired);
    const earlier = "VARCHAR, NUMBER, NUMBER, VARCHAR, NUMBER, NUMBER, VARCHAR, VARCHAR, ARRAY, VARCHAR";
    live.procedureSignature = earlier;
    const run = await build(live);
    const returned = run.returned as string[];
    expect(returned).toHaveLength(2);
    expect(returned[0]).toMatch(/^create or replace procedure "ANALYTICS"\."ORCHESTRATION"\."DBT_CLOUD_RUN_JOB"\(\n/);
    expect(returned[0]).toContain("timezone varchar, options variant\n)");
    expect(returned[1]).toBe(`drop procedure if exists "ANALYTICS"."ORCHESTRATION"."DBT_CLOUD_RUN_JOB"(${earlier})`);
    expect(planRows(run).filter((row) => row[0] !== "unchanged").map((row) => row.slice(0, 2))).toEqual([
      ["create", "procedure"], ["drop", "procedure"],
    ]);
  });

  it("a prod task suspended by hand is resumed, and the plan says so", async () => {
    const live = clone(desired);
    live.tasks[2]!.state = "suspended";
    const run = await build(live);
    expect(run.returned).toEqual([`alter task "ANALYTICS"."ORCHESTRATION"."ORCH_TASK__FINANCE_CLOSE__67892" resume`]);
    expect(planRows(run).filter((row) => row[0] !== "unchanged")).toEqual([
      ["resume", "task", `${PREFIX}ORCH_TASK__FINANCE_CLOSE__67892`, "suspended, but a prod task should run"],
    ]);
  });

  it("an orphan task and stream are dropped, the task first", async () => {
    const live = clone(desired);
    live.tasks.push({ name: "ORCH_TASK__OLD_JOB__5", comment: desired.tasks[0]!.comment, state: "started" });
    live.streams.push({ name: "ORCH_STREAM__RAW__OLD__TABLE", comment: desired.streams[0]!.comment });
    const run = await build(live);
    expect(run.returned).toEqual([
      `drop task if exists "ANALYTICS"."ORCHESTRATION"."ORCH_TASK__OLD_JOB__5"`,
      `drop stream if exists "ANALYTICS"."ORCHESTRATION"."ORCH_STREAM__RAW__OLD__TABLE"`,
    ]);
    expect(planRows(run).filter((row) => row[0] === "drop").map((row) => row[3])).toEqual(["no longer in the config", "no longer in the config"]);
  });

  it("drop_orphans: false keeps orphans and says so", async () => {
    const live = clone(desired);
    live.tasks.push({ name: "ORCH_TASK__OLD_JOB__5", comment: desired.tasks[0]!.comment, state: "started" });
    const run = await build(live, { ...exampleVars(), drop_orphans: false });
    expect(run.returned).toEqual([]);
    expect(planRows(run)).toContainEqual(
      ["unchanged", "task", `${PREFIX}ORCH_TASK__OLD_JOB__5`, "no longer in the config; kept (drop_orphans: false)"]);
  });

  it("a stale stream is recreated, with a warning in the log", async () => {
    const live = clone(desired);
    live.streams[0]!.stale = true;
    const run = await build(live);
    expect(run.returned).toHaveLength(1);
    expect((run.returned as string[])[0]).toMatch(/^create or replace stream "ANALYTICS"\."ORCHESTRATION"\."ORCH_STREAM__67890__RAW__SALES__ORDERS"\n {2}on table "RAW"\."SALES"\."ORDERS"/);
    expect(planRows(run)).toContainEqual(
      ["recreate", "stream", `${PREFIX}ORCH_STREAM__67890__RAW__SALES__ORDERS`, "WARNING: stale; changes before now are lost"]);
  });

  it("a stream whose stale_after has passed is recreated, though SHOW STREAMS does not say stale yet", async () => {
    const live = clone(desired);
    live.streams[1]!.stale_after = "2026-11-01 08:00";
    live.streams[1]!.stale_now = true;
    const run = await build(live);
    expect(run.returned).toHaveLength(1);
    expect((run.returned as string[])[0]).toMatch(/^create or replace stream .*ORCH_STREAM__67890__RAW__SALES__ORDER_ITEMS/);
    expect(planRows(run)).toContainEqual(["recreate", "stream", `${PREFIX}ORCH_STREAM__67890__RAW__SALES__ORDER_ITEMS`,
      "WARNING: stale since 2026-11-01 08:00 UTC; changes before now are lost"]);
  });

  it("reads nothing into invalid_reason, which SHOW STREAMS documents as always N/A", async () => {
    const live = clone(desired);
    live.streams[1]!.invalid_reason = "Base table dropped";
    const run = await build(live);
    expect(run.returned).toEqual([]);
  });

  it("a stream deleted by hand is created again", async () => {
    const live = clone(desired);
    live.streams.splice(2, 1);
    const run = await build(live);
    expect(run.returned).toHaveLength(1);
    expect((run.returned as string[])[0]).toMatch(/^create stream if not exists "ANALYTICS"\."ORCHESTRATION"\."ORCH_STREAM__67890__RAW__SALES__CUSTOMERS"/);
    expect(planRows(run)).toContainEqual(["create", "stream", `${PREFIX}ORCH_STREAM__67890__RAW__SALES__CUSTOMERS`, "missing (on RAW.SALES.CUSTOMERS)"]);
  });

  it("unmanaged objects with similar names are left alone", async () => {
    const live = clone(desired);
    live.tasks.push({ name: "ORCH_TASK__DAILY_SALES__67890_COPY", comment: "made by hand", state: "started" });
    live.streams.push({ name: "ORCH_STREAM__67890__RAW__SALES__ORDERS_V2", comment: "" });
    const run = await build(live);
    expect(run.returned).toEqual([]);
    expect(JSON.stringify(planRows(run))).not.toContain("_COPY");
    expect(JSON.stringify(planRows(run))).not.toContain("_V2");
  });

  it("an unmanaged object holding a managed name stops the build before any DDL", async () => {
    const live = clone(desired);
    live.tasks[0]!.comment = "someone else's task";
    const ctx = { ...context(exampleVars(), { target: PROD_TARGET, args: { dry_run: false } }), query_results: reads(live) };
    const { ts, jinja } = await engines.both("build_orchestration_resources", ctx);
    expect(jinja).toEqual(ts);
    expect(ts.error).toContain("were not created by it, so it leaves them alone and stops: task ANALYTICS.ORCHESTRATION.ORCH_TASK__DAILY_SALES__67890");
    expect(ts.statements.some(isDdl)).toBe(false);
  });

  it("a log table the package did not make (the original macros' one) stops the build before any DDL", async () => {
    const live = clone(desired);
    live.logTableComment = "";
    const ctx = { ...context(exampleVars(), { target: PROD_TARGET, args: { dry_run: false } }), query_results: reads(live) };
    const { ts, jinja } = await engines.both("build_orchestration_resources", ctx);
    expect(jinja).toEqual(ts);
    expect(ts.error).toContain("leaves them alone and stops: log table ANALYTICS.ORCHESTRATION.ORCHESTRATION_LOGS");
    expect(ts.statements.some(isDdl)).toBe(false);
  });

  it("a job that stops watching a table: its stream is dropped after its task no longer names it", async () => {
    const vars = exampleVars();
    const job = (vars.jobs as Array<Record<string, unknown>>)[0]!;
    job.tables = ["RAW.SALES.ORDERS"];
    const run = await build(desired, vars);
    const statements = run.returned as string[];
    const alter = statements.findIndex((sql) => sql.startsWith(`create or alter task "ANALYTICS"."ORCHESTRATION"."ORCH_TASK__DAILY_SALES__67890"`));
    const drop = statements.findIndex((sql) => sql === `drop stream if exists "ANALYTICS"."ORCHESTRATION"."ORCH_STREAM__67890__RAW__SALES__ORDER_ITEMS"`);
    expect(alter).toBeGreaterThan(-1);
    expect(drop).toBeGreaterThan(alter);
  });

  it("a disabled job's started task is suspended", async () => {
    const vars = exampleVars();
    (vars.jobs as Array<Record<string, unknown>>)[2]!.enabled = false;
    const run = await build(desired, vars);
    expect(run.returned).toEqual([`alter task "ANALYTICS"."ORCHESTRATION"."ORCH_TASK__FINANCE_CLOSE__67892" suspend`]);
  });

  it("a rerun after a build plans zero DDL (dev target, in its own schema: suspended tasks stay suspended)", async () => {
    const devOffline = await engines.both("build_orchestration_resources", context(exampleVars()));
    const live = liveStateAfter(devOffline.ts, "suspended");
    const devReads = [...watchedResults(EXAMPLE_WATCHED, EXAMPLE_SCHEMAS)!, ...showResults(live, "DBT_DEV_ORCHESTRATION")!];
    const ctx = { ...context(exampleVars(), { args: { dry_run: false } }), query_results: devReads };
    const { ts, jinja } = await engines.both("build_orchestration_resources", ctx);
    expect(jinja).toEqual(ts);
    expect(ts.returned).toEqual([]);
  });
});
