/**
 * The build reads what the jobs watch (two SHOWs per distinct watched schema), creates each stream
 * in the form its object needs, and stops before any DDL on what Snowflake would refuse; the plan
 * warns about streams about to go stale and resumes tasks Snowflake suspended after failures.
 * Every case runs on both engines with scripted query results.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MacroRun } from "../../scripts/engines/macro-run.js";
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
    { database: "RAW", schema: "SALES", name: "ORDERS_V", kind: "view", base: [["RAW", "SALES", "ORDERS"]] },
    { database: "RAW", schema: "SALES", name: "ORDERS_DT", kind: "dynamic table" },
    { database: "RAW", schema: "SALES", name: "ORDERS_EXT", kind: "external table" },
    { database: "RAW", schema: "SALES", name: "LOGGED", kind: "event table" },
    { database: "RAW", schema: "SALES", name: "ORDERS_ICE", kind: "iceberg table" },
    { database: "RAW", schema: "SALES", name: "LAKE_ICE", kind: "iceberg table", catalog: "GLUE_CATALOG" },
  ];
  const watched = ["ORDERS", "ORDERS_V", "ORDERS_DT", "ORDERS_EXT", "LOGGED", "ORDERS_ICE", "LAKE_ICE"];
  const config = vars([{ name: "sales", job_id: 7, tables: watched.map((name) => `RAW.SALES.${name}`) }]);
  const objects = watched.map((name) => ["RAW", "SALES", name]);

  it("on table, on view, on dynamic table, on external table … insert_only, on event table, and insert_only for an Iceberg table another catalog manages", async () => {
    const run = await build(config, watchedResults(rows, ONE_SCHEMA, undefined, [], objects));
    expect(run.error).toBeNull();
    const streams = run.statements.filter((sql) => sql.startsWith("create stream")).map((sql) => sql.split("\n")[1]);
    expect(streams).toEqual([
      `  on table "RAW"."SALES"."ORDERS"`,
      `  on view "RAW"."SALES"."ORDERS_V"`,
      `  on dynamic table "RAW"."SALES"."ORDERS_DT"`,
      `  on external table "RAW"."SALES"."ORDERS_EXT" insert_only = true`,
      `  on event table "RAW"."SALES"."LOGGED"`,
      `  on table "RAW"."SALES"."ORDERS_ICE"`,
      `  on table "RAW"."SALES"."LAKE_ICE" insert_only = true`,
    ]);
    expect(run.logs[1]).toContain("missing (on view RAW.SALES.ORDERS_V)");
    // A dynamic table's refresh mode, an Iceberg table's catalog and a view's base tables: one query each, only for those.
    expect(run.statements.slice(2, 6)).toEqual([
      `select referenced_database_name, referenced_schema_name, referenced_object_name from table("RAW"."INFORMATION_SCHEMA"."GET_OBJECT_REFERENCES"(` +
        `database_name => '"RAW"', schema_name => '"SALES"', object_name => '"ORDERS_V"'))`,
      `show dynamic tables like 'ORDERS_DT' in schema "RAW"."SALES"`,
      `show iceberg tables like 'ORDERS_ICE' in schema "RAW"."SALES"`,
      `show iceberg tables like 'LAKE_ICE' in schema "RAW"."SALES"`,
    ]);
  });

  it("reads each watched schema once, however many jobs watch it, a page of at most 10,000 rows at a time", async () => {
    const many = vars(Array.from({ length: 12 }, (_unused, index) => ({ name: `job ${index}`, job_id: index + 1, tables: ["RAW.SALES.ORDERS"] })));
    const run = await build(many, watchedResults(rows, ONE_SCHEMA, undefined, [], [["RAW", "SALES", "ORDERS"]]));
    expect(run.error).toBeNull();
    expect(run.statements.slice(0, 3)).toEqual([
      `show tables in schema "RAW"."SALES" limit 10000`, `show views in schema "RAW"."SALES" limit 10000`,
      `show schemas like 'ANALYTICS' in database "ANALYTICS"`,
    ]);
  });

  it("a schema of more than 10,000 objects is read page by page (LIMIT … FROM the last name), each object once", async () => {
    const full = Array.from({ length: 10000 }, (_unused, index) => ({ database: "RAW", schema: "SALES", name: `T${String(index).padStart(5, "0")}` }));
    const first = watchedResults(full, ONE_SCHEMA, undefined, [], [["RAW", "SALES", "T00000"]])![0]!;
    // The second page starts at the last name of the first (FROM is where the page starts), then the watched table.
    const second = { columns: first.columns, rows: [first.rows[first.rows.length - 1]!, ["ZZ_LAST", "RAW", "SALES", "TABLE", "LOADER", "ON", "N", "false", "N", "N", "N"]] };
    const views = { columns: ["name", "database_name", "schema_name", "owner", "change_tracking", "is_materialized", "is_secure", "text"], rows: [] };
    const config = vars([{ name: "last", job_id: 9, tables: ["RAW.SALES.ZZ_LAST"] }]);
    const run = await build(config, [first, second, views]);
    expect(run.error).toBeNull();
    expect(run.statements.slice(0, 3)).toEqual([
      `show tables in schema "RAW"."SALES" limit 10000`,
      `show tables in schema "RAW"."SALES" limit 10000 from 'T09999'`,
      `show views in schema "RAW"."SALES" limit 10000`,
    ]);
    expect(run.statements.filter((sql) => sql.startsWith("create stream"))).toHaveLength(1);
  }, 60_000);

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
      "  - job 'gone' (1): RAW.SALES.DROPPED does not exist, or the build role cannot see it; grant usage on its database and schema and select on it to the build role",
      "  - job 'on change' (2): RAW.SALES.EXT is an external table, and triggered tasks do not support streams on external tables; give the job a schedule",
      "  - job 'scheduled' (3): RAW.SALES.MV is a materialized view, which a stream cannot watch; watch its base tables instead",
    ]);
    expect(run.statements.some(isDdl)).toBe(false);
  });

  it("every kind a stream cannot watch, each named with why and what to do", async () => {
    const rows: WatchedRow[] = [
      { database: "RAW", schema: "SALES", name: "HYBRID", kind: "hybrid table" },
      { database: "RAW", schema: "SALES", name: "DT_FULL", kind: "dynamic table", refresh_mode: "FULL" },
      { database: "RAW", schema: "SALES", name: "GROUPED_V", kind: "view", base: [["RAW", "SALES", "BASE"]],
        text: "create or replace view GROUPED_V as\n  select region, count(*) as n -- per region\n  from RAW.SALES.BASE group   by region" },
      { database: "RAW", schema: "SALES", name: "TOP_V", kind: "view", base: [["RAW", "SALES", "BASE"]],
        text: "create view TOP_V as select distinct id from RAW.SALES.BASE qualify row_number() over (order by id) = 1 limit 10" },
      { database: "RAW", schema: "SALES", name: "QUOTED_V", kind: "view", base: [["RAW", "SALES", "BASE"]],
        text: `create view QUOTED_V comment = 'no group by here' as select "limit", 'distinct' as label /* qualify */ from RAW.SALES.BASE` },
      { database: "RAW", schema: "SALES", name: "OVER_HYBRID_V", kind: "view", base: [["RAW", "SALES", "HYBRID"]] },
      { database: "RAW", schema: "SALES", name: "BASE" },
    ];
    const watched = ["HYBRID", "DT_FULL", "GROUPED_V", "TOP_V", "QUOTED_V", "OVER_HYBRID_V"];
    const run = await build(vars([{ name: "kinds", job_id: 4, tables: watched.map((name) => `RAW.SALES.${name}`) }]),
      watchedResults(rows, ONE_SCHEMA, undefined, [], watched.map((name) => ["RAW", "SALES", name])));
    expect(run.error?.split("\n")).toEqual([
      "dbt_cloud_orchestration: the watched objects stop the build before any statement:",
      "  - job 'kinds' (4): RAW.SALES.HYBRID is a hybrid table, and streams cannot watch hybrid tables; watch a standard table that receives the same changes",
      "  - job 'kinds' (4): RAW.SALES.DT_FULL is a dynamic table that refreshes in full (refresh_mode FULL), and streams need incremental refresh; " +
        "recreate it with refresh_mode = incremental, or watch its base tables",
      "  - job 'kinds' (4): RAW.SALES.GROUPED_V is a view with GROUP BY, which streams on views do not support; " +
        "watch its base tables, or a view without GROUP BY, QUALIFY, LIMIT or DISTINCT",
      "  - job 'kinds' (4): RAW.SALES.TOP_V is a view with QUALIFY, LIMIT, DISTINCT, which streams on views do not support; " +
        "watch its base tables, or a view without GROUP BY, QUALIFY, LIMIT or DISTINCT",
      "  - job 'kinds' (4): RAW.SALES.OVER_HYBRID_V reads hybrid table RAW.SALES.HYBRID, which a stream on a view cannot follow; " +
        "watch a view over standard tables, or the tables themselves",
    ]);
    expect(run.statements.some(isDdl)).toBe(false);
  });

  it("dbt 2.x reads the kinds, forms the streams and refuses as dbt-core and the TypeScript do", async () => {
    const rows: WatchedRow[] = [
      { database: "RAW", schema: "SALES", name: "LOGGED", kind: "event table" },
      { database: "RAW", schema: "SALES", name: "LAKE", kind: "iceberg table", catalog: "POLARIS" },
      { database: "RAW", schema: "SALES", name: "V", kind: "view", base: [["RAW", "SALES", "BASE"]] },
      { database: "RAW", schema: "SALES", name: "BASE", owner: "LOADER", change_tracking: false },
    ];
    const objects = [["RAW", "SALES", "LOGGED"], ["RAW", "SALES", "LAKE"], ["RAW", "SALES", "V"]];
    const config = vars([{ name: "kinds", job_id: 5, tables: ["RAW.SALES.LOGGED", "RAW.SALES.LAKE", "RAW.SALES.V"] }]);
    for (const inherited of [["LOADER"], []]) {
      const ctx = { ...context(config, { target: PROD_TARGET, args: { dry_run: false } }),
        query_results: [...watchedResults(rows, ONE_SCHEMA, "TRANSFORMER", inherited, objects)!, ...showResults(EMPTY, "ANALYTICS")!] };
      const { ts, jinja, fusion } = await engines.all("build_orchestration_resources", ctx);
      expect(jinja).toEqual(ts);
      expect(fusion).toEqual(ts);
      if (inherited.length > 0) expect(ts.statements.filter((sql) => sql.startsWith("create stream")).map((sql) => sql.split("\n")[1])).toEqual([
        `  on event table "RAW"."SALES"."LOGGED"`, `  on table "RAW"."SALES"."LAKE" insert_only = true`, `  on view "RAW"."SALES"."V"`,
      ]);
      else expect(ts.error).toContain("RAW.SALES.V reads table RAW.SALES.BASE, which has change tracking off and is owned by role LOADER");
    }
  }, 60_000);

  it("change tracking off on objects another role owns, a view's base table among them: each named with its owner and the statement its owner must run", async () => {
    const rows: WatchedRow[] = [
      { database: "RAW", schema: "SALES", name: "ORDERS", owner: "LOADER", change_tracking: false },
      { database: "RAW", schema: "SALES", name: "ORDERS_V", kind: "view", owner: "REPORTER", change_tracking: false, base: [["RAW", "STAGE", "LINES"]] },
      { database: "RAW", schema: "SALES", name: "MINE", owner: "TRANSFORMER", change_tracking: false },
      { database: "RAW", schema: "STAGE", name: "LINES", owner: "STAGER", change_tracking: false },
    ];
    const run = await build(vars([{ name: "sales", job_id: 7, tables: ["RAW.SALES.ORDERS", "RAW.SALES.ORDERS_V", "RAW.SALES.MINE"] }]),
      watchedResults(rows, ONE_SCHEMA, "TRANSFORMER", [], [["RAW", "SALES", "ORDERS"], ["RAW", "SALES", "ORDERS_V"], ["RAW", "SALES", "MINE"]]));
    // The view's base table lives in another schema: read too, once.
    expect(run.statements.slice(2, 5)).toEqual([
      `select referenced_database_name, referenced_schema_name, referenced_object_name from table("RAW"."INFORMATION_SCHEMA"."GET_OBJECT_REFERENCES"(` +
        `database_name => '"RAW"', schema_name => '"SALES"', object_name => '"ORDERS_V"'))`,
      `show tables in schema "RAW"."STAGE" limit 10000`,
      `show views in schema "RAW"."STAGE" limit 10000`,
    ]);
    expect(run.statements[5]).toBe("select current_role() as BUILD_ROLE, is_role_in_session('LOADER') as OWNER_ROLE_0, " +
      "is_role_in_session('REPORTER') as OWNER_ROLE_1, is_role_in_session('STAGER') as OWNER_ROLE_2, is_role_in_session('TRANSFORMER') as OWNER_ROLE_3");
    expect(run.error?.split("\n")).toEqual([
      "dbt_cloud_orchestration: the watched objects stop the build before any statement:",
      "  - job 'sales' (7): RAW.SALES.ORDERS is a table with change tracking off, owned by role LOADER, which the build role TRANSFORMER neither is nor inherits; " +
        `only its owner can enable it; as LOADER, run: alter table "RAW"."SALES"."ORDERS" set change_tracking = true;`,
      "  - job 'sales' (7): RAW.SALES.ORDERS_V is a view with change tracking off, owned by role REPORTER, which the build role TRANSFORMER neither is nor inherits; " +
        `only its owner can enable it; as REPORTER, run: alter view "RAW"."SALES"."ORDERS_V" set change_tracking = true;`,
      "  - job 'sales' (7): RAW.SALES.ORDERS_V reads table RAW.STAGE.LINES, which has change tracking off and is owned by role STAGER, which the build role " +
        `TRANSFORMER neither is nor inherits; only its owner can enable it; as STAGER, run: alter table "RAW"."STAGE"."LINES" set change_tracking = true;`,
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
    expect(run.error).toContain("as LOADER, run: alter table");
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
