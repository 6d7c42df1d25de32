/**
 * The build reads what the jobs watch (two SHOWs per distinct watched schema), creates each stream
 * in the form its object needs, and stops before any DDL on what Snowflake would refuse; the plan
 * warns about streams about to go stale and resumes tasks Snowflake suspended after failures.
 * Every case runs on both engines with scripted query results.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MacroRun } from "../../scripts/runtime/macro-run.js";
import { PackageEngines } from "../support/package-engines.js";
import { context, exampleVars, minimalVars, PROD_TARGET, type Vars } from "./configs.js";
import {
  EXAMPLE_SCHEMAS, EXAMPLE_WATCHED, liveStateAfter, showResults, watchedResults, type LiveSchema, type WatchedRow,
} from "../support/warehouse.js";

let engines: PackageEngines;
let desired: LiveSchema;
const EMPTY: LiveSchema = { schemaExists: false, logTable: false, procedureComment: null, streams: [], tasks: [] };

async function build(vars: Vars, watched: ReturnType<typeof watchedResults>, live: LiveSchema = EMPTY,
  args: Record<string, unknown> = { dry_run: false }): Promise<MacroRun> {
  // The orchestration schema: the config's, else the prod target's.
  const schema = (typeof vars.schema === "string" ? vars.schema : PROD_TARGET.schema).toUpperCase();
  const ctx = { ...context(vars, { target: PROD_TARGET, args }), query_results: [...watched!, ...showResults(live, schema)!] };
  const { ts, jinja } = await engines.both("build_orchestration_resources", ctx);
  expect(jinja, "the compiled Jinja must plan what the TypeScript plans").toEqual(ts);
  return ts;
}

function isDdl(sql: string): boolean {
  return !sql.startsWith("show ") && !sql.startsWith("select ");
}

function vars(jobs: Array<Record<string, unknown>>): Vars {
  return { ...minimalVars(), jobs };
}

const ONE_SCHEMA = [["RAW", "SALES"]];

beforeAll(async () => {
  engines = new PackageEngines();
  const offline = await engines.both("build_orchestration_resources", context(exampleVars(), { target: PROD_TARGET }));
  desired = liveStateAfter(offline.ts, "started");
});
afterAll(() => engines?.close());

describe("the CREATE STREAM form follows the watched object's kind", () => {
  const rows: WatchedRow[] = [
    { database: "RAW", schema: "SALES", name: "ORDERS" },
    { database: "RAW", schema: "SALES", name: "ORDERS_V", kind: "view" },
    { database: "RAW", schema: "SALES", name: "ORDERS_DT", kind: "dynamic table" },
    { database: "RAW", schema: "SALES", name: "ORDERS_EXT", kind: "external table" },
  ];
  const config = vars([{ name: "sales", job_id: 7, tables: ["RAW.SALES.ORDERS", "RAW.SALES.ORDERS_V", "RAW.SALES.ORDERS_DT", "RAW.SALES.ORDERS_EXT"] }]);

  it("on table, on view, on dynamic table, on external table … insert_only = true", async () => {
    const run = await build(config, watchedResults(rows, ONE_SCHEMA));
    expect(run.error).toBeNull();
    const streams = run.statements.filter((sql) => sql.startsWith("create stream")).map((sql) => sql.split("\n")[1]);
    expect(streams).toEqual([
      `  on table "RAW"."SALES"."ORDERS"`,
      `  on view "RAW"."SALES"."ORDERS_V"`,
      `  on dynamic table "RAW"."SALES"."ORDERS_DT"`,
      `  on external table "RAW"."SALES"."ORDERS_EXT" insert_only = true`,
    ]);
    expect(run.logs[1]).toContain("missing (on view RAW.SALES.ORDERS_V)");
  });

  it("reads each watched schema once, however many jobs watch it", async () => {
    const many = vars(Array.from({ length: 12 }, (_unused, index) => ({ name: `job ${index}`, job_id: index + 1, tables: ["RAW.SALES.ORDERS"] })));
    const run = await build(many, watchedResults(rows, ONE_SCHEMA));
    expect(run.error).toBeNull();
    expect(run.statements.slice(0, 3)).toEqual([
      `show tables in schema "RAW"."SALES"`, `show views in schema "RAW"."SALES"`,
      `show schemas like 'ANALYTICS' in database "ANALYTICS"`,
    ]);
  });

  it("an offline plan reads nothing, assumes tables, and says so", async () => {
    const ctx = context(config, { target: PROD_TARGET, args: { dry_run: true, offline: true } });
    const { ts, jinja } = await engines.both("build_orchestration_resources", ctx);
    expect(jinja).toEqual(ts);
    expect(ts.statements).toEqual([]);
    ts.statements = ts.returned as string[];
    expect(ts.statements.filter((sql) => sql.startsWith("create stream")).every((sql) => sql.split("\n")[1]!.startsWith("  on table "))).toBe(true);
    expect(ts.logs).toContain(
      "dbt_cloud_orchestration: offline: the watched objects were not read; the plan assumes each is a table with change tracking on");
  });
});

describe("what stops the build before any DDL", () => {
  it("a missing object, a materialized view, and a triggered job on an external table, all at once", async () => {
    const rows: WatchedRow[] = [
      { database: "RAW", schema: "SALES", name: "EXT", kind: "external table" },
      { database: "RAW", schema: "SALES", name: "MV", kind: "materialized view" },
    ];
    const run = await build(vars([
      { name: "gone", job_id: 1, tables: ["RAW.SALES.DROPPED"] },
      { name: "on change", job_id: 2, tables: ["RAW.SALES.EXT"], schedule: "triggered" },
      { name: "scheduled", job_id: 3, tables: ["RAW.SALES.EXT", "RAW.SALES.MV"] },
    ]), watchedResults(rows, ONE_SCHEMA));
    expect(run.error?.split("\n")).toEqual([
      "dbt_cloud_orchestration: the watched objects stop the build before any statement:",
      "  - job 'gone' (1): RAW.SALES.DROPPED does not exist, or the build role cannot see it (it needs usage on its database and schema and select on it)",
      "  - job 'on change' (2): RAW.SALES.EXT is an external table, and triggered tasks do not support streams on external tables; give the job a schedule",
      "  - job 'scheduled' (3): RAW.SALES.MV is a materialized view, which a stream cannot watch; watch its base tables instead",
    ]);
    expect(run.statements.some(isDdl)).toBe(false);
  });

  it("change tracking off on objects another role owns: each named with its owner and the statement its owner must run", async () => {
    const rows: WatchedRow[] = [
      { database: "RAW", schema: "SALES", name: "ORDERS", owner: "LOADER", change_tracking: false },
      { database: "RAW", schema: "SALES", name: "ORDERS_V", kind: "view", owner: "REPORTER", change_tracking: false },
      { database: "RAW", schema: "SALES", name: "MINE", owner: "TRANSFORMER", change_tracking: false },
    ];
    const run = await build(vars([{ name: "sales", job_id: 7, tables: ["RAW.SALES.ORDERS", "RAW.SALES.ORDERS_V", "RAW.SALES.MINE"] }]),
      watchedResults(rows, ONE_SCHEMA, "TRANSFORMER"));
    expect(run.statements[2]).toBe(`select current_role() as "role", is_role_in_session('LOADER') as "in_session:LOADER", ` +
      `is_role_in_session('REPORTER') as "in_session:REPORTER", is_role_in_session('TRANSFORMER') as "in_session:TRANSFORMER"`);
    expect(run.error?.split("\n")).toEqual([
      "dbt_cloud_orchestration: the watched objects stop the build before any statement:",
      "  - RAW.SALES.ORDERS (table) has change tracking off and is owned by role LOADER, which the build role TRANSFORMER neither is nor inherits; " +
        `only its owner can enable it. As LOADER, run: alter table "RAW"."SALES"."ORDERS" set change_tracking = true;`,
      "  - RAW.SALES.ORDERS_V (view) has change tracking off and is owned by role REPORTER, which the build role TRANSFORMER neither is nor inherits; " +
        `only its owner can enable it. As REPORTER, run: alter view "RAW"."SALES"."ORDERS_V" set change_tracking = true; ` +
        "and on each of its base tables: alter table <base table> set change_tracking = true;",
    ]);
    expect(run.statements.some(isDdl)).toBe(false);
  });

  it("change tracking off on a table the build role owns: CREATE STREAM enables it, and the plan says so", async () => {
    const rows: WatchedRow[] = [{ database: "RAW", schema: "SALES", name: "ORDERS", owner: "TRANSFORMER", change_tracking: false }];
    const run = await build(minimalVars(), watchedResults(rows, ONE_SCHEMA, "TRANSFORMER"));
    expect(run.error).toBeNull();
    expect(run.logs[1]).toContain("missing (on RAW.SALES.ORDERS); enables change tracking (the build role owns it)");
  });

  it("change tracking off on a table owned by a role the build role inherits: not a stop (it holds OWNERSHIP through the hierarchy)", async () => {
    const rows: WatchedRow[] = [{ database: "RAW", schema: "SALES", name: "ORDERS", owner: "LOADER", change_tracking: false }];
    const run = await build(minimalVars(), watchedResults(rows, ONE_SCHEMA, "TRANSFORMER", ["LOADER"]));
    expect(run.error).toBeNull();
    expect(run.logs[1]).toContain("missing (on RAW.SALES.ORDERS); enables change tracking (the build role owns it)");
  });

  it("a dry run stops the same way", async () => {
    const rows: WatchedRow[] = [{ database: "RAW", schema: "SALES", name: "ORDERS", owner: "LOADER", change_tracking: false }];
    const run = await build(minimalVars(), watchedResults(rows, ONE_SCHEMA, "TRANSFORMER"), EMPTY, { dry_run: true });
    expect(run.error).toContain("As LOADER, run: alter table");
  });
});

describe("staleness and tasks Snowflake suspended", () => {
  it("warns, with the date, for each stream of a disabled or waiting job that goes stale within 3 days", async () => {
    const live = structuredClone(desired);
    live.streams[0]!.stale_after = "2026-11-29 10:15";
    live.streams[0]!.stale_soon = true;
    live.streams[4]!.stale_after = "2026-11-28 06:00";
    live.streams[4]!.stale_soon = true;
    const config = exampleVars();
    (config.jobs as Array<Record<string, unknown>>)[2]!.enabled = false;
    const run = await build(config, watchedResults(EXAMPLE_WATCHED, EXAMPLE_SCHEMAS), live);
    expect(run.error).toBeNull();
    expect(run.logs.filter((line) => line.includes("goes stale"))).toEqual([
      "dbt_cloud_orchestration: stream ANALYTICS.ORCHESTRATION.ORCH_STREAM__67890__RAW__SALES__ORDERS goes stale after 2026-11-29 10:15 UTC: " +
        "its changes wait unconsumed (window closed, upstream job not done, or the task suspended); its changes are lost then, unless the job consumes them first",
      "dbt_cloud_orchestration: stream ANALYTICS.ORCHESTRATION.ORCH_STREAM__67892__RAW__FINANCE__GENERAL_LEDGER goes stale after 2026-11-28 06:00 UTC: " +
        "its job is disabled; its changes are lost then, unless the job consumes them first",
    ]);
  });

  it("a prod task Snowflake suspended after failures is resumed, with that reason", async () => {
    const live = structuredClone(desired);
    live.tasks[0]!.state = "suspended";
    live.tasks[0]!.last_suspended_reason = "SUSPENDED_DUE_TO_ERRORS";
    const run = await build(exampleVars(), watchedResults(EXAMPLE_WATCHED, EXAMPLE_SCHEMAS), live);
    expect(run.returned).toEqual([`alter task "ANALYTICS"."ORCHESTRATION"."ORCH_TASK__DAILY_SALES__67890" resume`]);
    expect(run.logs[1]).toMatch(/\nresume +task +ANALYTICS\.ORCHESTRATION\.ORCH_TASK__DAILY_SALES__67890 +suspended by Snowflake/);
    expect(run.logs[1]).toContain(
      "suspended by Snowflake after 10 failed runs in a row (SUSPENDED_DUE_TO_ERRORS; the log table's ERROR rows say why), but a prod task should run");
  });
});
