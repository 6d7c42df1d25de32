/**
 * Prod is owned by prod, compiled: how prod is decided (prod_targets, dbt Cloud's environment
 * variables), the schema a non-prod target builds in, the owner marker, the refusal and its override,
 * the original macros' objects, COPY GRANTS, the external-access token warning and status as JSON.
 * Every case runs through the TypeScript and the compiled Jinja, which must agree.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MacroContextFile, MacroRun } from "../../scripts/engines/macro-run.js";
import { PackageEngines } from "../support/package-engines.js";
import { EXAMPLE_SCHEMAS, EXAMPLE_WATCHED, liveStateAfter, showResults, watchedResults, type LiveSchema } from "../support/warehouse.js";
import { context, DEV_TARGET, exampleVars, PROD_TARGET, type Vars } from "./configs.js";

const DBT_CLOUD_PROD_RUN = { DBT_CLOUD_ENVIRONMENT_TYPE: "prod", DBT_CLOUD_INVOCATION_CONTEXT: "prod" };
const DEFAULT_TARGET = { ...PROD_TARGET, name: "default" };
const TASKS = ["ORCH_TASK__DAILY_SALES__67890", "ORCH_TASK__INVENTORY_SNAPSHOT__67891", "ORCH_TASK__FINANCE_CLOSE__67892"];

let engines: PackageEngines;
let prodLive: LiveSchema;

async function agreed(macro: string, ctx: MacroContextFile): Promise<MacroRun> {
  const { ts, jinja } = await engines.both(macro, ctx);
  expect(jinja, "the compiled Jinja must do what the TypeScript does").toEqual(ts);
  return ts;
}

/** A build against `live` in `schema`, after the example's watched tables are read. */
function against(live: LiveSchema, schema: string, vars: Vars, target: object, args: Record<string, unknown> = { dry_run: false },
  env: Record<string, string> = {}): MacroContextFile {
  return {
    ...context(vars, { target, args, env }),
    query_results: [...watchedResults(EXAMPLE_WATCHED, EXAMPLE_SCHEMAS)!, ...showResults(live, schema)!],
  };
}

/** A teardown against `live` in `schema`: it reads only the orchestration schema. */
function teardownOf(live: LiveSchema, schema: string, vars: Vars, target: object): MacroContextFile {
  return { ...context(vars, { target, args: {} }), query_results: showResults(live, schema) };
}

function sharedSchema(): Vars {
  return { ...exampleVars(), isolate_non_prod_schema: false };
}

function ddl(run: MacroRun): string[] {
  return run.statements.filter((sql) => !sql.startsWith("show ") && !sql.startsWith("select ") && !sql.startsWith("describe "));
}

beforeAll(async () => {
  engines = new PackageEngines();
  const built = await agreed("build_orchestration_resources", context(exampleVars(), { target: PROD_TARGET }));
  prodLive = liveStateAfter(built, "started");
});
afterAll(() => engines?.close());

describe("how prod is decided, and where each target builds", () => {
  it("prod builds in the configured schema and marks every object it builds as prod's", async () => {
    const run = await agreed("build_orchestration_resources", context(exampleVars(), { target: PROD_TARGET }));
    expect(run.logs[0]).toBe("dbt_cloud_orchestration: plan for target 'prod' in ANALYTICS.ORCHESTRATION, against the live schema\n" +
      "  prod: target 'prod' is in prod_targets; tasks are resumed");
    const comments = (run.returned as string[]).filter((sql) => sql.includes("comment = ")).map((sql) => /comment = '([^']*(?:''[^']*)*)'/.exec(sql)![1]!);
    expect(comments).toHaveLength(1 + 1 + 5 + 3);
    for (const comment of comments) expect(comment).toMatch(/\(definition [0-9a-f]{32}\) \[prod target prod\]$/);
  });

  it("dev builds in <target schema>_<schema> by default, and says what its streams cost", async () => {
    const run = await agreed("build_orchestration_resources", context(exampleVars()));
    expect(run.logs[0]).toBe("dbt_cloud_orchestration: plan for target 'dev' in ANALYTICS.DBT_DEV_ORCHESTRATION, against the live schema\n" +
      "  not prod: target 'dev' is not in prod_targets [prod] and dbt Cloud reports no prod deployment run " +
      "(DBT_CLOUD_ENVIRONMENT_TYPE=(unset), DBT_CLOUD_INVOCATION_CONTEXT=(unset)); tasks stay suspended and never call dbt Cloud");
    expect(run.logs).toContain("dbt_cloud_orchestration: not prod: this target keeps streams on 5 table(s) outside its schema: " +
      "RAW.SALES.ORDERS, RAW.SALES.Order Items, RAW.SALES.CUSTOMERS, RAW.INVENTORY.STOCK_LEVELS, RAW.FINANCE.GENERAL_LEDGER\n" +
      "  while a stream is unconsumed, Snowflake keeps its table's history longer (up to 14 days by default): storage\n" +
      "  non_prod_streams: false builds no streams (and no tasks) outside prod");
    expect((run.returned as string[]).every((sql) => !sql.includes('"ANALYTICS"."ORCHESTRATION"."ORCH_'))).toBe(true);
    expect((run.returned as string[]).filter((sql) => sql.includes('"ANALYTICS"."DBT_DEV_ORCHESTRATION"'))).toHaveLength(11);
    expect((run.returned as string[]).filter((sql) => sql.includes("[non-prod target dev]"))).toHaveLength(10);
  });

  it("isolate_non_prod_schema: false builds dev in the configured schema", async () => {
    const run = await agreed("build_orchestration_resources", context(sharedSchema()));
    expect(run.logs[0]).toMatch(/ in ANALYTICS\.ORCHESTRATION, against the live schema\n  not prod:/);
  });

  it("target default is prod in a dbt Cloud prod deployment run, and not outside one", async () => {
    const cloud = await agreed("build_orchestration_resources", context(exampleVars(), { target: DEFAULT_TARGET, env: DBT_CLOUD_PROD_RUN }));
    expect(cloud.logs[0]).toContain("in ANALYTICS.ORCHESTRATION, against the live schema\n  prod: dbt Cloud reports a prod deployment run " +
      "(DBT_CLOUD_ENVIRONMENT_TYPE=prod, DBT_CLOUD_INVOCATION_CONTEXT=prod); tasks are resumed");
    expect((cloud.returned as string[]).filter((sql) => sql.endsWith(" resume"))).toHaveLength(3);
    const local = await agreed("build_orchestration_resources", context(exampleVars(), { target: DEFAULT_TARGET }));
    expect(local.logs[0]).toContain("in ANALYTICS.ANALYTICS_ORCHESTRATION, against the live schema\n  not prod: target 'default' is not in prod_targets");
  });

  it("a dbt Cloud CI run is never prod, even with target prod", async () => {
    const run = await agreed("build_orchestration_resources", context(exampleVars(),
      { target: PROD_TARGET, env: { DBT_CLOUD_ENVIRONMENT_TYPE: "prod", DBT_CLOUD_INVOCATION_CONTEXT: "ci" } }));
    expect(run.logs[0]).toContain("in ANALYTICS.ANALYTICS_ORCHESTRATION, against the live schema\n" +
      "  not prod: a dbt Cloud CI run (DBT_CLOUD_ENVIRONMENT_TYPE=prod, DBT_CLOUD_INVOCATION_CONTEXT=ci) is never prod");
  });

  it("refuses the deployment keys when they are not true or false", async () => {
    const run = await agreed("build_orchestration_resources", context({ ...exampleVars(), non_prod_streams: "no", isolate_non_prod_schema: 1 }));
    expect(run.error).toContain("non_prod_streams: 'no' is not true or false");
    expect(run.error).toContain("isolate_non_prod_schema: 1 is not true or false");
    expect(run.statements).toEqual([]);
  });
});

describe("a non-prod target never changes what prod built", () => {
  it("dev in prod's schema stops before the first statement, naming every object and both ways out", async () => {
    const run = await agreed("build_orchestration_resources", against(prodLive, "ORCHESTRATION", sharedSchema(), DEV_TARGET));
    expect(ddl(run)).toEqual([]);
    expect(run.error).toContain("build_orchestration_resources: target 'dev' is not prod: target 'dev' is not in prod_targets");
    for (const task of TASKS) expect(run.error).toContain(`update task ANALYTICS.ORCHESTRATION.${task}`);
    expect(run.error).toContain("Nothing was run. Two ways out:");
    expect(run.error).toContain("a non-prod target builds in DBT_DEV_<schema> (isolate_non_prod_schema is false here)");
    expect(run.error).toContain("pass override_prod_ownership: true");
  });

  it("a task started before the package recorded owners counts as prod's, and so do the streams beside it", async () => {
    const unmarked = structuredClone(prodLive);
    for (const task of unmarked.tasks) task.comment = task.comment.replace(" [prod target prod]", "");
    const run = await agreed("teardown_orchestration_resources", teardownOf(unmarked, "ORCHESTRATION", sharedSchema(), DEV_TARGET));
    expect(ddl(run)).toEqual([]);
    expect(run.error).toContain("would change 9 object(s)");
    expect(run.error).toContain("drop stream ANALYTICS.ORCHESTRATION.ORCH_STREAM__67890__RAW__SALES__ORDERS");
  });

  it("objects a non-prod target built in a schema without prod tasks are its own to change", async () => {
    const devBuilt = await agreed("build_orchestration_resources", context(sharedSchema()));
    const devLive = liveStateAfter(devBuilt, "suspended");
    const run = await agreed("teardown_orchestration_resources", teardownOf(devLive, "ORCHESTRATION", sharedSchema(), DEV_TARGET));
    expect(run.error).toBeNull();
    expect(ddl(run)).toHaveLength(3 + 5 + 1);
  });

  it("override_prod_ownership goes ahead, printing what it changes and that it suspends prod's tasks", async () => {
    const run = await agreed("build_orchestration_resources",
      against(prodLive, "ORCHESTRATION", sharedSchema(), DEV_TARGET, { dry_run: false, override_prod_ownership: true }));
    expect(run.error).toBeNull();
    expect(run.logs[0]).toMatch(/^dbt_cloud_orchestration: WARNING: override_prod_ownership: target 'dev' .* changes 3 object\(s\) a prod target built:/);
    expect(run.logs.join("\n")).toContain("WARNING: this build suspends 3 task(s) a prod target resumed: ANALYTICS.ORCHESTRATION.ORCH_TASK__DAILY_SALES__67890");
    expect(ddl(run).filter((sql) => sql.endsWith(" suspend"))).toHaveLength(3);
  });

  it("prod itself changes its objects freely", async () => {
    const run = await agreed("build_orchestration_resources",
      against(prodLive, "ORCHESTRATION", { ...exampleVars(), timezone: "UTC" }, PROD_TARGET));
    expect(run.error).toBeNull();
    expect(ddl(run).filter((sql) => sql.startsWith("create or alter task"))).toHaveLength(3);
  });
});

describe("nothing a team holds is lost", () => {
  it("the procedure is replaced with COPY GRANTS", async () => {
    const run = await agreed("build_orchestration_resources", context(exampleVars(), { target: PROD_TARGET }));
    const procedure = (run.returned as string[]).find((sql) => sql.startsWith("create or replace procedure"))!;
    expect(procedure).toMatch(/\n\)\ncopy grants\nreturns variant\n/);
  });

  it("objects of the original macros are kept as not in the config unless drop_original_macro_objects", async () => {
    const live = structuredClone(prodLive);
    live.streams.push({
      name: "ORCH_STREAM__RAW__SALES__ORDERS",
      comment: "Managed by the dbt_cloud_orchestration dbt package: changes of RAW.SALES.ORDERS (definition 0123456789abcdef0123456789abcdef)",
    });
    live.tasks.push({
      name: "ORCH_TASK__BY_MACRO__5", state: "suspended",
      comment: "Managed by the dbt_cloud_orchestration dbt package: triggers dbt Cloud job 5 (by macro), made by create_task_generic (definition 0123456789abcdef0123456789abcdef) [prod target prod]",
    });
    const kept = await agreed("build_orchestration_resources", against(live, "ORCHESTRATION", exampleVars(), PROD_TARGET));
    expect(ddl(kept)).toEqual([]);
    const rows = kept.logs[1]!.split("\n").filter((line) => line.includes("BY_MACRO") || line.includes("ORCH_STREAM__RAW__"));
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row).toMatch(/^unchanged .*made by create_(stream|task)_generic, not in the config; kept \(drop_original_macro_objects: true drops it\)$/);
    const dropped = await agreed("build_orchestration_resources",
      against(live, "ORCHESTRATION", { ...exampleVars(), drop_original_macro_objects: true }, PROD_TARGET));
    expect(ddl(dropped)).toEqual([
      'drop task if exists "ANALYTICS"."ORCHESTRATION"."ORCH_TASK__BY_MACRO__5"',
      'drop stream if exists "ANALYTICS"."ORCHESTRATION"."ORCH_STREAM__RAW__SALES__ORDERS"',
    ]);
  });

  it("non_prod_streams: false builds no stream and no task outside prod", async () => {
    const run = await agreed("build_orchestration_resources", context({ ...exampleVars(), non_prod_streams: false }));
    expect((run.returned as string[]).some((sql) => sql.startsWith("create stream") || sql.startsWith("create or alter task"))).toBe(false);
    expect(run.logs.join("\n")).toContain("not prod, non_prod_streams: false: no stream and no task is built here (streams only in prod)");
    const prod = await agreed("build_orchestration_resources", context({ ...exampleVars(), non_prod_streams: false }, { target: PROD_TARGET }));
    expect((prod.returned as string[]).filter((sql) => sql.startsWith("create stream"))).toHaveLength(5);
  });

  it("the external-access dry run warns when the token variable is unset, and never shows the token", async () => {
    const unset = await agreed("create_dbt_cloud_external_access", context(exampleVars(), { target: PROD_TARGET, args: { dry_run: true } }));
    expect(unset.logs[0]).toBe("create_dbt_cloud_external_access: WARNING: the environment variable DBT_CLOUD_API_TOKEN is not set; " +
      "a run would stop before any statement. Set it to a dbt Cloud API token first.");
    const set = await agreed("create_dbt_cloud_external_access",
      context(exampleVars(), { target: PROD_TARGET, args: { dry_run: true }, env: { DBT_CLOUD_API_TOKEN: "s3cret-t0ken" } }));
    expect(set.logs.join("\n")).not.toContain("WARNING");
    expect(JSON.stringify(set)).not.toContain("s3cret");
  });
});

describe("orchestration_status", () => {
  const statusReads = (live: LiveSchema): MacroContextFile["query_results"] => [
    ...showResults(live, "ORCHESTRATION")!,
    { columns: ["S0", "S1", "S2", "S3", "S4"], rows: [[true, false, false, false, false]] },
    { columns: ["JOB_ID", "RUN_IDS"], rows: [] },
    { columns: ["JOB_ID", "INVOKED_AT", "STATUS", "RUN_ID", "RUN_STATUS", "RUN_SECONDS", "LAST_SUCCESS_AT"], rows: [] },
  ];

  it("format json prints one document; a prod task that is suspended or does not call dbt Cloud is a warning", async () => {
    const live = structuredClone(prodLive);
    live.tasks[0]!.state = "suspended";
    live.tasks[1]!.definition = "execute immediate 'begin return 1; end'";
    const run = await agreed("orchestration_status",
      { ...context(exampleVars(), { target: PROD_TARGET, args: { format: "json" } }), query_results: statusReads(live) });
    expect(run.logs).toHaveLength(1);
    const document = JSON.parse(run.logs[0]!) as { prod: boolean; schema: string; jobs: Array<Record<string, any>>; warnings: string[] };
    expect(document.prod).toBe(true);
    expect(document.schema).toBe("ANALYTICS.ORCHESTRATION");
    expect(document.jobs.map((job) => [job.task.state, job.task.calls_dbt_cloud])).toEqual([["suspended", true], ["started", false], ["started", true]]);
    expect(document.jobs[0]!.streams[0]).toEqual({
      table: "RAW.SALES.ORDERS", stream: "ORCH_STREAM__67890__RAW__SALES__ORDERS", state: "has changes", stale_after_utc: "2026-12-10 08:00", stale_soon: false,
    });
    expect(document.warnings).toEqual([
      "WARNING: prod task ORCH_TASK__DAILY_SALES__67890: suspended; job 67890 never runs",
      "WARNING: prod task ORCH_TASK__INVENTORY_SNAPSHOT__67891: does not call dbt Cloud; job 67891 never runs",
    ]);
    const text = await agreed("orchestration_status",
      { ...context(exampleVars(), { target: PROD_TARGET, args: {} }), query_results: statusReads(live) });
    expect((text.returned as string[]).slice(-3)).toEqual([...document.warnings, "  build_orchestration_resources from a prod target repairs them"]);
    expect(Math.max(...(text.returned as string[]).map((line) => line.length))).toBeLessThanOrEqual(120);
  });

  it("refuses an unknown format by name", async () => {
    const run = await agreed("orchestration_status", { ...context(exampleVars(), { target: PROD_TARGET, args: { format: "yaml" } }) });
    expect(run.error).toContain("orchestration_status: argument 'format' must be one of: text, json; not 'yaml'");
    expect(run.statements).toEqual([]);
  });
});
