/** teardown_orchestration_resources, orchestration_status and orchestration_graph, on both engines. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MacroContextFile, MacroRun } from "../../scripts/engines/macro-run.js";
import { PackageEngines } from "../support/package-engines.js";
import { context, exampleVars, PROD_TARGET } from "./configs.js";
import { liveStateAfter, showResults, type LiveSchema } from "../support/warehouse.js";

let engines: PackageEngines;
let live: LiveSchema;

async function agreed(macro: string, ctx: MacroContextFile): Promise<MacroRun> {
  const { ts, jinja } = await engines.both(macro, ctx);
  expect(jinja, "the compiled Jinja must answer as the TypeScript does").toEqual(ts);
  expect(ts.error).toBeNull();
  return ts;
}

beforeAll(async () => {
  engines = new PackageEngines();
  const offline = await engines.both("build_orchestration_resources", context(exampleVars(), { target: PROD_TARGET }));
  live = liveStateAfter(offline.ts, "started");
  live.logTable = true;
  live.tasks.push({ name: "ORCH_TASK__BY_HAND__1", comment: "not ours", state: "started" });
});
afterAll(() => engines?.close());

describe("teardown_orchestration_resources", () => {
  const base = () => ({ ...context(exampleVars(), { target: PROD_TARGET, args: {} }), query_results: showResults(live, "ORCHESTRATION") });

  it("drops managed tasks, then streams, then the procedure, and leaves the rest alone", async () => {
    const run = await agreed("teardown_orchestration_resources", base());
    const drops = run.returned as string[];
    expect(drops.map((sql) => sql.split(" ")[1])).toEqual(["task", "task", "task", "stream", "stream", "stream", "stream", "stream", "procedure"]);
    expect(drops.join("\n")).not.toContain("BY_HAND");
    expect(drops.join("\n")).not.toContain("ORCHESTRATION_LOGS");
    // By the signature SHOW PROCEDURES gives for it.
    expect(drops.at(-1)).toBe('drop procedure if exists "ANALYTICS"."ORCHESTRATION"."DBT_CLOUD_RUN_JOB"' +
      "(VARCHAR, NUMBER, NUMBER, VARCHAR, NUMBER, NUMBER, VARCHAR, VARCHAR, ARRAY, VARCHAR, VARIANT)");
  });

  it("drops the log table only when asked, and only when the package made it", async () => {
    const managedLog = showResults(live, "ORCHESTRATION")!;
    managedLog[1] = { columns: ["name", "comment"], rows: [["ORCHESTRATION_LOGS", "Managed by the dbt_cloud_orchestration dbt package: log"]] };
    const run = await agreed("teardown_orchestration_resources", { ...base(), args: { drop_log_table: true }, query_results: managedLog });
    expect((run.returned as string[]).at(-1)).toBe('drop table if exists "ANALYTICS"."ORCHESTRATION"."ORCHESTRATION_LOGS"');
    const handMade = structuredClone(live);
    handMade.logTableComment = "made by hand";
    const foreignLog = await agreed("teardown_orchestration_resources",
      { ...base(), args: { drop_log_table: true }, query_results: showResults(handMade, "ORCHESTRATION") });
    expect(JSON.stringify(foreignLog.returned)).not.toContain("ORCHESTRATION_LOGS");
  });

  it("a dry run only reads", async () => {
    const run = await agreed("teardown_orchestration_resources", { ...base(), args: { dry_run: true } });
    expect(run.statements.every((sql) => sql.startsWith("show ") || sql.startsWith("select ") || sql.startsWith("describe table "))).toBe(true);
  });
});

describe("orchestration_status", () => {
  it("shows one line per job: task state, schedule, streams and when they go stale, last invocation", async () => {
    const state = structuredClone(live);
    state.tasks[1]!.state = "suspended";
    state.tasks[2]!.state = "suspended";
    state.tasks[2]!.last_suspended_reason = "SUSPENDED_DUE_TO_ERRORS";
    state.streams[3]!.stale = true;
    state.streams[1]!.stale_after = "2026-11-29 10:15";
    state.streams[1]!.stale_soon = true;
    const results = showResults(state, "ORCHESTRATION")!;
    results.push(
      { columns: ["S0", "S1", "S2", "S3"], rows: [[true, false, false, false]] },
      {
        columns: ["JOB_ID", "INVOKED_AT", "STATUS", "RUN_ID", "RUN_STATUS", "RUN_SECONDS", "LAST_SUCCESS_AT"],
        rows: [["67890", "2026-11-26 14:00:00", "TRIGGERED", "123456", "Running", null, null]],
      },
    );
    const run = await agreed("orchestration_status", { ...context(exampleVars(), { target: PROD_TARGET, args: {} }), query_results: results });
    expect(run.statements[4]).toContain("from table(result_scan(last_query_id()))");
    expect(run.statements[7]).toMatch(/^select system\$stream_has_data\('"ANALYTICS"\."ORCHESTRATION"\."ORCH_STREAM__67890__RAW__SALES__ORDERS"'\) as S0, /);
    // Read-only by default: no unfinished run is looked up, dbt Cloud is not asked, no log row changes.
    expect(run.statements[8]).toContain("row_number() over (partition by job_id order by invoked_at desc) as newest");
    expect(run.statements).toHaveLength(9);
    expect(run.statements.filter((sql) => /^(call|update|insert|delete|create|alter|drop) /i.test(sql))).toEqual([]);
    const lines = run.returned as string[];
    expect(lines).toEqual([
      "dbt_cloud_orchestration status of ANALYTICS.ORCHESTRATION, target 'prod'",
      "  prod: target 'prod' is in prod_targets",
      "daily sales (67890): started, 15 MINUTE",
      "  task ORCH_TASK__DAILY_SALES__67890",
      "  stream on RAW.SALES.ORDERS: has changes, stale after 2026-12-10 08:00 UTC",
      "  stream on RAW.SALES.Order Items: no changes, stale after 2026-11-29 10:15 UTC (soon)",
      "  stream on RAW.SALES.CUSTOMERS: no changes, stale after 2026-12-10 08:00 UTC",
      "  last invocation: 2026-11-26 14:00:00 UTC, TRIGGERED",
      "  last run: 123456 Running; last success: -",
      "inventory snapshot (67891): suspended, triggered",
      "  task ORCH_TASK__INVENTORY_SNAPSHOT__67891",
      "  stream on RAW.INVENTORY.STOCK_LEVELS: stale",
      "  last invocation: -",
      "  last run: -; last success: -",
      "finance close (67892): suspended by Snowflake after failures, USING CRON 0 6 * * 1-5 America/Chicago",
      "  task ORCH_TASK__FINANCE_CLOSE__67892",
      "  stream on RAW.FINANCE.GENERAL_LEDGER: no changes, stale after 2026-12-10 08:00 UTC",
      "  last invocation: -",
      "  last run: -; last success: -",
      "WARNING: prod task ORCH_TASK__INVENTORY_SNAPSHOT__67891: suspended; job 67891 never runs",
      "WARNING: prod task ORCH_TASK__FINANCE_CLOSE__67892: suspended; job 67892 never runs",
      "  build_orchestration_resources from a prod target repairs them",
    ]);
  });
});

describe("orchestration_graph", () => {
  it("draws tables → tasks → jobs with upstream edges, reading nothing", async () => {
    const run = await agreed("orchestration_graph", context(exampleVars(), { args: {} }));
    expect(run.statements).toEqual([]);
    expect(run.returned).toBe([
      "flowchart LR",
      '  task_67890["ORCH_TASK__DAILY_SALES__67890"]',
      '  job_67890(["dbt Cloud job 67890: daily sales"])',
      '  task_67890 -->|"15 MINUTE"| job_67890',
      '  table_1[("RAW.SALES.ORDERS")]',
      "  table_1 --> task_67890",
      '  table_2[("RAW.SALES.Order Items")]',
      "  table_2 --> task_67890",
      '  table_3[("RAW.SALES.CUSTOMERS")]',
      "  table_3 --> task_67890",
      '  task_67891["ORCH_TASK__INVENTORY_SNAPSHOT__67891"]',
      '  job_67891(["dbt Cloud job 67891: inventory snapshot"])',
      '  task_67891 -->|"on change"| job_67891',
      '  table_4[("RAW.INVENTORY.STOCK_LEVELS")]',
      "  table_4 --> task_67891",
      '  task_67892["ORCH_TASK__FINANCE_CLOSE__67892"]',
      '  job_67892(["dbt Cloud job 67892: finance close"])',
      '  task_67892 -->|"USING CRON 0 6 * * 1-5 America/Chicago"| job_67892',
      '  table_5[("RAW.FINANCE.GENERAL_LEDGER")]',
      "  table_5 --> task_67892",
      '  job_111(["dbt Cloud job 111"])',
      '  job_111 -.->|"succeeded today"| job_67890',
      '  job_67890 -.->|"succeeded today"| job_67892',
    ].join("\n"));
    expect(run.logs).toEqual([run.returned]);
  });

  it("escapes quotes in names", async () => {
    const vars = { ...exampleVars(), jobs: [{ name: 'the "big" one', job_id: 1, tables: ["RAW.S.T"] }] };
    const run = await agreed("orchestration_graph", context(vars, { args: {} }));
    expect(run.returned).toContain('job_1(["dbt Cloud job 1: the #quot;big#quot; one"])');
  });
});
