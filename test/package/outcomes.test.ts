/**
 * Run outcomes and selective builds in the package: the task body passes the runs to report on and the changed sources and
 * records the outcomes; refresh_orchestration_outcomes and orchestration_status ask dbt Cloud through
 * the procedure and show the outcomes. Both engines (TypeScript, dbt-core's Jinja) must agree; the
 * matrix (configs.ts: select_changed) runs dbt 2.x too and parses the task with sqlfluff.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MacroContextFile, MacroRun } from "../../scripts/engines/macro-run.js";
import { PackageEngines } from "../support/package-engines.js";
import { taskBody } from "../support/task-body.js";
import { liveStateAfter, showResults, type LiveSchema } from "../support/warehouse.js";
import { context, exampleVars, MATRIX, PROD_TARGET, type Vars } from "./configs.js";

let engines: PackageEngines;
let live: LiveSchema;
const LOG = `"ANALYTICS"."ORCHESTRATION"."ORCHESTRATION_LOGS"`;
const PROCEDURE = `"ANALYTICS"."ORCHESTRATION"."DBT_CLOUD_RUN_JOB"`;

async function agreed(macro: string, ctx: MacroContextFile): Promise<MacroRun> {
  const { ts, jinja } = await engines.both(macro, ctx);
  expect(jinja, "the compiled Jinja must answer as the TypeScript does").toEqual(ts);
  return ts;
}

async function allAgree(macro: string, ctx: MacroContextFile): Promise<MacroRun> {
  const { ts, jinja, fusion } = await engines.all(macro, ctx);
  expect(jinja, "dbt-core's Jinja must answer as the TypeScript does").toEqual(ts);
  expect(fusion, "dbt 2.x must answer as the TypeScript does").toEqual(ts);
  return ts;
}

function taskOf(run: MacroRun, task: string): string {
  return taskBody(run.statements.find((sql) => sql.startsWith(`create or alter task "ANALYTICS"."`) && sql.includes(task))!);
}

beforeAll(async () => {
  engines = new PackageEngines();
  const offline = await engines.both("build_orchestration_resources", context(exampleVars(), { target: PROD_TARGET }));
  live = liveStateAfter(offline.ts, "started");
});
afterAll(() => engines?.close());

describe("the task body", () => {
  it("passes the job's changed dbt sources (and its plain tables without one) when select_changed is set", async () => {
    const run = await agreed("build_orchestration_resources", MATRIX["select_changed"]!);
    expect(run.error).toBeNull();
    const body = taskOf(run, "ORCH_TASK__DAILY_SALES__67890");
    const stream = (table: string) => `'"ANALYTICS"."ANALYTICS"."ORCH_STREAM__67890__RAW__SALES__${table}"'`;
    expect(body).toContain([
      "  changed_sources := array_construct_compact(",
      `      iff(system$stream_has_data(${stream("ORDERS")}), object_construct('table', 'RAW.SALES.ORDERS'), null),`,
      `      iff(system$stream_has_data(${stream("CUSTOMERS")}), object_construct('table', 'RAW.SALES.CUSTOMERS', 'source', 'raw_sales.customers'), null));`,
    ].join("\n"));
    expect(body).toMatch(/, 'UTC', object_construct\('known_run_ids', :known_runs, 'change_key', :change_key, 'select_changed', true, 'changed_sources', :changed_sources\)\) into :outcome;/);
    // What changed is computed before the call, and the streams are still read only in the transaction that commits after a trigger.
    expect(body.indexOf("changed_sources :=")).toBeLessThan(body.indexOf("call "));
    expect(body.indexOf("begin transaction;")).toBeLessThan(body.indexOf("insert into orchestration_stream_sink"));
  });

  it("passes no changed sources for a job without select_changed, but always the runs still unfinished", async () => {
    const run = await agreed("build_orchestration_resources", context(exampleVars(), { target: PROD_TARGET }));
    const daily = taskOf(run, "ORCH_TASK__DAILY_SALES__67890");
    expect(daily).not.toContain("changed_sources");
    expect(daily).toContain(`select array_agg(run_id) into :known_runs from (select distinct job_id, run_id from ${LOG} ` +
      "where job_id = 67890 and run_id is not null and (run_status is null or run_status not in ('Success', 'Error', 'Cancelled')) " +
      "qualify dense_rank() over (partition by job_id order by run_id desc) <= 10);");
    expect(daily).toContain(", object_construct('known_run_ids', :known_runs, 'change_key', :change_key)) into :outcome;");
    // The example's finance close job is selective and watches a source only.
    expect(taskOf(run, "ORCH_TASK__FINANCE_CLOSE__67892")).toContain(
      "object_construct('table', 'RAW.FINANCE.GENERAL_LEDGER', 'source', 'raw_finance.ledger')");
  });

  it("records the outcomes the procedure reports in the job's log rows, after logging the invocation", async () => {
    const run = await agreed("build_orchestration_resources", context(exampleVars(), { target: PROD_TARGET }));
    const body = taskOf(run, "ORCH_TASK__INVENTORY_SNAPSHOT__67891");
    const update = [
      `  update ${LOG}`,
      "      set run_status = reported.outcome:status::varchar,",
      "        run_finished_at = reported.outcome:finished_at::timestamp_ltz,",
      "        run_duration_seconds = reported.outcome:duration_seconds::number",
      "      from (select item.value as outcome from (select :outcome as r) x, lateral flatten(input => x.r:runs) item) reported",
      `      where ${LOG}.job_id = 67891 and ${LOG}.run_id = reported.outcome:run_id::number;`,
    ].join("\n");
    expect(body).toContain(update);
    expect(body.indexOf(update)).toBeGreaterThan(body.indexOf("from (select :outcome as r);"));
    expect(body.indexOf(update)).toBeLessThan(body.indexOf("return outcome:status::varchar;"));
  });

  it("outside a prod target the task neither asks about runs nor records outcomes (it calls nothing)", async () => {
    const run = await agreed("build_orchestration_resources", context(exampleVars()));
    const body = taskOf(run, "ORCH_TASK__FINANCE_CLOSE__67892");
    expect(body).not.toContain("known_runs from");
    expect(body).not.toContain("update ");
    expect(body).not.toContain("changed_sources :=");
  });
});

describe("select_changed is a validated job key", () => {
  it("refuses anything but true or false, with its path", async () => {
    const vars: Vars = { ...exampleVars(), jobs: [{ name: "x", job_id: 1, tables: ["RAW.S.T"], select_changed: "yes" }] };
    const run = await agreed("build_orchestration_resources", context(vars));
    expect(run.error).toContain("jobs[0].select_changed: 'yes' is not true or false");
    expect(run.statements).toEqual([]);
  });
});

/** The queries orchestration_status / refresh run after reading the live state, with scripted answers. */
const PENDING = { columns: ["JOB_ID", "RUN_IDS"], rows: [["67890", "123455,123456"], ["67892", "9; drop table x,777"]] };
const answer = (result: object) => ({ columns: ["DBT_CLOUD_RUN_JOB"], rows: [[JSON.stringify(result, null, 2)]] });
const REPORTED = [
  { run_id: 123456, status: "Success", finished_at: "2026-11-26T14:05:00+00:00", duration_seconds: 83 },
];

describe("refresh_orchestration_outcomes", () => {
  const ctx = (args: Record<string, unknown>, extra: MacroContextFile["query_results"]): MacroContextFile => ({
    ...context(exampleVars(), { target: PROD_TARGET, args }), query_results: [...showResults(live, "ORCHESTRATION")!, ...extra!],
  });

  it("per job with unfinished runs: one read-only procedure call, then one update of its log rows (three engines)", async () => {
    const run = await allAgree("refresh_orchestration_outcomes", ctx({}, [
      PENDING,
      answer({ status: "OK", runs: REPORTED, logs: ["refresh: 1 of 2 run(s) found"] }),
      { columns: ["number of rows updated"], rows: [[1]] },
      answer({ status: "OK", runs: [], logs: [] }),
    ]));
    expect(run.error).toBeNull();
    const after = run.statements.slice(7);
    expect(after[0]).toBe([
      "select job_id::varchar as JOB_ID, listagg(run_id::varchar, ',') within group (order by run_id) as RUN_IDS",
      `from (select distinct job_id, run_id from ${LOG} where run_id is not null and (run_status is null or run_status not in ('Success', 'Error', 'Cancelled')) ` +
        "qualify dense_rank() over (partition by job_id order by run_id desc) <= 100)",
      "group by job_id",
    ].join("\n"));
    expect(after[1]).toBe(`call ${PROCEDURE}('https://ab123.us1.dbt.com', 12345, 67890, 'refresh run outcomes', null, null, null, null, null, ` +
      "'America/Chicago', object_construct('mode', 'refresh', 'known_run_ids', array_construct(123455, 123456)))");
    expect(after[2]).toContain(`from (select item.value as outcome from (select parse_json('{"runs": [{"duration_seconds": 83, ` +
      `"finished_at": "2026-11-26T14:05:00+00:00", "run_id": 123456, "status": "Success"}]}') as r) x, lateral flatten(input => x.r:runs) item) reported`);
    expect(after[2]).toContain(`where ${LOG}.job_id = 67890 and `);
    // A run id that is not a number never reaches SQL; nothing found means no update.
    expect(after[3]).toContain("array_construct(777)))");
    expect(after).toHaveLength(4);
    expect(run.returned).toEqual([
      "daily sales (67890): 1 of 2 unfinished run(s) found in dbt Cloud and recorded",
      "finance close (67892): 0 of 1 unfinished run(s) found in dbt Cloud and recorded",
    ]);
  });

  it("a procedure ERROR is reported and records nothing", async () => {
    const run = await agreed("refresh_orchestration_outcomes", ctx({}, [
      { columns: ["JOB_ID", "RUN_IDS"], rows: [["67890", "1"]] },
      answer({ status: "ERROR", runs: [], logs: ["GET …", "ERROR: GET /api/v2/accounts/12345/runs/: HTTP 401 - the API token was refused"] }),
    ]));
    expect(run.statements.slice(7)).toHaveLength(2);
    expect(run.returned).toEqual(["daily sales (67890): the procedure answered ERROR: ERROR: GET /api/v2/accounts/12345/runs/: HTTP 401 - the API token was refused"]);
  });

  it("a dry run reads the log table and prints the calls, calling nothing", async () => {
    const run = await agreed("refresh_orchestration_outcomes", ctx({ dry_run: true }, [PENDING]));
    expect(run.statements.slice(7)).toHaveLength(1);
    expect(run.logs.some((line) => line.startsWith(`call ${PROCEDURE}(`))).toBe(true);
    expect(run.returned).toEqual(["daily sales (67890): would ask about 2 unfinished run(s)", "finance close (67892): would ask about 1 unfinished run(s)"]);
  });

  it("refuses any adapter but Snowflake", async () => {
    const run = await agreed("refresh_orchestration_outcomes", context(exampleVars(), { target: { ...PROD_TARGET, type: "postgres" }, args: {} }));
    expect(run.error).toContain("supports only Snowflake");
    expect(run.statements).toEqual([]);
  });
});

describe("orchestration_status with outcomes", () => {
  it("with refresh: true, asks dbt Cloud first, then shows per job the last run's outcome and duration and the last success (three engines)", async () => {
    const state = structuredClone(live);
    const results = [
      ...showResults(state, "ORCHESTRATION")!,
      { columns: ["S0", "S1", "S2", "S3", "S4"], rows: [[true, false, false, false, false]] },
      { columns: ["JOB_ID", "RUN_IDS"], rows: [["67890", "123456"]] },
      answer({ status: "OK", runs: REPORTED, logs: [] }),
      { columns: ["number of rows updated"], rows: [[1]] },
      {
        columns: ["JOB_ID", "INVOKED_AT", "STATUS", "RUN_ID", "RUN_STATUS", "RUN_SECONDS", "LAST_SUCCESS_AT"],
        rows: [
          ["67890", "2026-11-26 14:00:00", "TRIGGERED", "123456", "Success", "83", "2026-11-26 14:05:00"],
          ["67892", "2026-11-26 15:00:00", "SKIPPED", "777", null, null, "2026-11-20 06:10:00"],
        ],
      },
    ];
    const run = await allAgree("orchestration_status", { ...context(exampleVars(), { target: PROD_TARGET, args: { refresh: true } }), query_results: results });
    expect(run.error).toBeNull();
    expect(run.statements[9]).toMatch(/^call "ANALYTICS"\."ORCHESTRATION"\."DBT_CLOUD_RUN_JOB"\(.*'known_run_ids', array_construct\(123456\)\)\)$/);
    expect(run.statements[10]).toMatch(/^update /);
    expect(run.statements[11]).toContain("first_value(run_status) over (partition by job_id order by iff(run_id is null, 1, 0), invoked_at desc) as last_run_status");
    expect(run.statements[11]).toContain("max(iff(run_status = 'Success', run_finished_at, null)) over (partition by job_id) as last_success_at");
    const lines = run.returned as string[];
    const after = (heading: string) => lines.slice(lines.indexOf(heading));
    expect(after("daily sales (67890): started, 15 MINUTE").slice(5, 7)).toEqual([
      "  last invocation: 2026-11-26 14:00:00 UTC, TRIGGERED",
      "  last run: 123456 Success in 83 s; last success: 2026-11-26 14:05:00 UTC",
    ]);
    expect(after("inventory snapshot (67891): started, triggered").slice(3, 5)).toEqual(["  last invocation: -", "  last run: -; last success: -"]);
    expect(after("finance close (67892): started, USING CRON 0 6 * * 1-5 America/Chicago").slice(3, 5)).toEqual([
      "  last invocation: 2026-11-26 15:00:00 UTC, SKIPPED",
      "  last run: 777 outcome unknown; last success: 2026-11-20 06:10:00 UTC",
    ]);
  });
});
