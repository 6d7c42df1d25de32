/**
 * The statement matrix: every configuration is built by the three engines (TypeScript in Node,
 * compiled Jinja in dbt-core, compiled Jinja in dbt 2.x through `dbt run-operation`), which must agree; the statements are snapshotted and parsed by sqlfluff.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MacroRun } from "../../scripts/engines/macro-run.js";
import { PackageEngines } from "../support/package-engines.js";
import { parseWithSqlfluff } from "../support/sql-parser.js";
import { taskBody } from "../support/task-body.js";
import { REPO_ROOT } from "../../scripts/compiler/repo.js";
import { MATRIX } from "./configs.js";
import { withoutShowQueries } from "../support/warehouse.js";

// The handler is embedded verbatim (original-macros.test.ts proves it); snapshots name it instead of repeating it.
const HANDLER = readFileSync(join(REPO_ROOT, "macros-src", "procedure", "dbt_cloud_run_job.py"), "utf8");
const HANDLER_MARK = "<the text of macros-src/procedure/dbt_cloud_run_job.py>\n";

let engines: PackageEngines;
const built = new Map<string, MacroRun>();

beforeAll(async () => {
  engines = new PackageEngines();
  await Promise.all(Object.entries(MATRIX).map(async ([name, context]) => {
    const { ts, jinja, fusion } = await engines.all("build_orchestration_resources", context);
    expect(jinja, `${name}: the compiled Jinja must build what the TypeScript builds`).toEqual(ts);
    expect(fusion, `${name}: dbt 2.x must build what the TypeScript builds`).toEqual(ts);
    built.set(name, withoutShowQueries(ts));
  }));
});

afterAll(() => engines?.close());

describe.each(Object.keys(MATRIX))("%s", (name) => {
  it("builds without error, identically on every engine, as in the snapshot", async () => {
    const run = built.get(name)!;
    expect(run.error).toBeNull();
    expect(run.returned).toEqual(run.statements);
    const shown = run.statements.map((sql) => sql.replace(HANDLER, HANDLER_MARK));
    expect(shown.filter((sql) => sql.includes(HANDLER_MARK))).toHaveLength(1);
    await expect(`${shown.join(";\n\n")};\n`).toMatchFileSnapshot(join("__snapshots__", `${name}.sql`));
  });

  it("prints 'N of M' before each statement it runs", () => {
    const run = built.get(name)!;
    const steps = run.logs.filter((line) => / of \d+ /.test(line));
    expect(steps).toHaveLength(run.statements.length);
    steps.forEach((line, index) => expect(line.startsWith(`${index + 1} of ${run.statements.length} `)).toBe(true));
  });

  it("never replaces a stream or the log table (safe to rerun)", () => {
    for (const statement of built.get(name)!.statements) {
      expect(statement).not.toMatch(/create\s+or\s+replace\s+(stream|table)/i);
    }
  });

  it("parses as one Snowflake statement each, with nothing unparsable (sqlfluff)", async () => {
    const statements = built.get(name)!.statements;
    const reports = await parseWithSqlfluff(statements);
    reports.forEach((report, index) => {
      expect(report, statements[index]).toEqual({ statements: 1, unparsable: [], pieces: 1 });
    });
  });
});

/** Every statement of a build, with the task blocks unquoted. */
const allSql = (name: string): string => built.get(name)!.statements
  .map((sql) => (sql.startsWith("create or alter task") ? `${sql}\n${taskBody(sql)}` : sql)).join("\n");

describe("prod and non-prod targets", () => {
  it("resumes tasks and calls dbt Cloud only in a prod target", () => {
    expect(allSql("full_example_prod")).toMatch(/alter task .* resume/);
    expect(allSql("full_example_prod")).toContain(`call "ANALYTICS"."ORCHESTRATION"."DBT_CLOUD_RUN_JOB"(`);
    expect(allSql("full_example_dev")).not.toMatch(/ resume$/m);
    expect(allSql("full_example_dev")).not.toContain("call \"ANALYTICS\"");
  });

  it("lets prod_override call dbt Cloud from a suspended non-prod task", () => {
    expect(allSql("dev_prod_override")).toContain(`"DBT_CLOUD_RUN_JOB"('https://ab123.us1.dbt.com'`);
    expect(allSql("dev_prod_override")).not.toMatch(/ resume$/m);
  });

  it("treats any configured prod target as prod, and builds no task for a disabled job", () => {
    expect(allSql("custom_prod_target_and_disabled_job")).toMatch(/ORCH_TASK__DAILY_SALES__67890" resume/);
    expect(allSql("custom_prod_target_and_disabled_job")).not.toContain("ORCH_TASK__RETIRED__5");
  });

  it("gives each job its own stream on a table that several jobs watch", () => {
    const streams = built.get("shared_table")!.statements.filter((sql) => sql.startsWith("create stream"))
      .map((sql) => /"([^"]+)"\n/.exec(sql)![1]);
    expect(streams).toEqual([
      "ORCH_STREAM__1__RAW__SALES__ORDERS", "ORCH_STREAM__2__RAW__SALES__ORDERS", "ORCH_STREAM__2__RAW__SALES__REFUNDS",
    ]);
  });

  it("omits the schedule of a triggered task and the warehouse of a serverless one", () => {
    expect(allSql("triggered")).not.toContain("schedule =");
    // A triggered task wakes at most once per min_elapsed_seconds while its changes wait.
    expect(allSql("triggered")).toContain("user_task_minimum_trigger_interval_in_seconds = 300");
    expect(allSql("serverless")).not.toContain("warehouse =");
    expect(allSql("serverless")).toContain("user_task_managed_initial_warehouse_size = 'XSMALL'");
  });
});

describe("task settings and the task body's failure handling", () => {
  it("clamps the trigger interval to Snowflake's range and says so in the plan", () => {
    expect(allSql("task_settings")).toContain("user_task_minimum_trigger_interval_in_seconds = 10\n");
    expect(built.get("task_settings")!.logs[1]).toContain(
      "missing; resumed (prod target); trigger interval 10 s: min_elapsed_seconds 0 is beyond Snowflake's minimum");
  });

  it("sets SUSPEND_TASK_AFTER_NUM_FAILURES always (10 by default) and ERROR_INTEGRATION when configured", () => {
    expect(allSql("task_settings")).toContain("  suspend_task_after_num_failures = 3\n  error_integration = \"TASK_FAILURES\"\n");
    expect(allSql("minimal")).toContain("  suspend_task_after_num_failures = 10\n");
    expect(allSql("minimal")).not.toContain("error_integration");
  });

  it("assigns nothing that can fail in DECLARE (its failures escape the EXCEPTION handler): local_now is set after BEGIN", () => {
    for (const [name, run] of built) {
      for (const sql of run.statements.filter((statement) => statement.startsWith("create or alter task"))) {
        const body = taskBody(sql);
        const declare = body.slice(body.indexOf("declare\n") + 8, body.indexOf("\nbegin\n"));
        // Variables start as constants; the exception's number and message are literals.
        for (const line of declare.split("\n")) {
          expect(line, name).toMatch(/^ {2}(\w+ \w+ default (null|0);|dbt_cloud_error exception \(-20001, '(?:[^']|'')*'\);)$/);
        }
        expect(body.slice(body.indexOf("\nbegin\n") + 7).split("\n")[0], name).toMatch(/^ {2}local_now := convert_timezone\('[^']+', current_timestamp\(\)\)::timestamp_ntz;$/);
        expect(body.indexOf("\nexception\n  when ")).toBeGreaterThan(body.indexOf("local_now :="));
      }
    }
  });
});

describe("no change is lost", () => {
  it("reads every stream of the task inside a transaction that commits only after a trigger", () => {
    const task = built.get("shared_table")!.statements.find((sql) => sql.includes("ORCH_TASK__ORDERS_FINANCE__2") && sql.startsWith("create or alter"))!;
    const body = taskBody(task);
    const begin = body.indexOf("begin transaction;");
    const reads = [...body.matchAll(/insert into orchestration_stream_sink select true from (\S+) where false;/g)];
    expect(reads.map((match) => match[1])).toEqual([
      `"ANALYTICS"."ANALYTICS"."ORCH_STREAM__2__RAW__SALES__ORDERS"`,
      `"ANALYTICS"."ANALYTICS"."ORCH_STREAM__2__RAW__SALES__REFUNDS"`,
    ]);
    const call = body.indexOf("call ");
    const commit = body.indexOf("commit;", call);
    expect(begin).toBeGreaterThan(0);
    expect(reads[0]!.index!).toBeGreaterThan(begin);
    expect(call).toBeGreaterThan(reads[1]!.index!);
    // A run triggered now, or adopted (created for these same changes by an invocation that died before COMMIT).
    expect(body.slice(call, commit + 7)).toMatch(/into :outcome;\n {2}if \(outcome:status::varchar in \('TRIGGERED', 'ADOPTED'\)\) then\n {4}commit;/);
    expect(body).toMatch(/else\n {4}rollback;/);
  });

  it("reads one row at most per stream inside the transaction; with none it commits, logs SKIPPED and calls nobody", () => {
    for (const [name, run] of built) {
      for (const sql of run.statements.filter((statement) => statement.startsWith("create or alter task"))) {
        const body = taskBody(sql);
        const streams = [...body.matchAll(/insert into orchestration_stream_sink select true from (\S+) where false;/g)].map((match) => match[1]);
        const check = body.indexOf("  select count(*) into :pending_rows from (");
        const reads = body.slice(check, body.indexOf("\n", check));
        expect(reads, name).toBe(`  select count(*) into :pending_rows from (${streams
          .map((stream) => `select * from (select 1 as pending from ${stream} limit 1)`).join(" union all ")});`);
        expect(check, name).toBeGreaterThan(body.lastIndexOf("insert into orchestration_stream_sink"));
        const quiet = body.slice(check, body.indexOf("  end if;", check));
        expect(quiet, name).toMatch(/\n {2}if \(pending_rows = 0\) then\n {4}commit;\n {4}outcome := object_construct\('status', 'SKIPPED'.*no new rows in the job''s streams/);
        expect(quiet, name).toContain(`insert into "ANALYTICS"."`);
        expect(quiet, name).toMatch(/\n {4}return 'SKIPPED';\n$/);
        // Nothing reaches dbt Cloud (nor the change key, nor the procedure) before the check.
        const after = body.slice(body.indexOf("  end if;", check));
        for (const later of ["call ", "system$last_change_commit_time", "outcome := object_construct('status', 'SKIPPED', 'run_id', null, 'run_url', null, 'checks', array_construct(), 'logs', array_construct('target"]) {
          if (body.includes(later)) expect(body.indexOf(later), `${name}: ${later}`).toBeGreaterThan(check);
        }
        expect(after, name).not.toContain("pending_rows");
      }
    }
  });
});

describe("a procedure ERROR fails the task run", () => {
  const body = (name: string, task: string) =>
    taskBody(built.get(name)!.statements.find((sql) => sql.startsWith("create or alter task") && sql.includes(task))!);

  it("raises a declared exception after the streams are rolled back, the row written and the outcomes recorded", () => {
    const task = body("full_example_prod", "ORCH_TASK__DAILY_SALES__67890");
    expect(task).toContain("\n  dbt_cloud_error exception (-20001, 'dbt Cloud job 67890: the procedure returned ERROR; the streams were rolled back and the log table has why');\nbegin\n");
    const call = task.indexOf("call ");
    const rollback = task.indexOf("  else\n    rollback;", call);
    const row = task.indexOf(`insert into "ANALYTICS"."ORCHESTRATION"."ORCHESTRATION_LOGS"`, call);
    const outcomes = task.indexOf(`update "ANALYTICS"."ORCHESTRATION"."ORCHESTRATION_LOGS"`, call);
    const raise = task.indexOf("  if (outcome:status::varchar = 'ERROR') then\n    raise dbt_cloud_error;\n  end if;\n  return outcome:status::varchar;\nexception\n");
    expect([call, rollback, row, outcomes].every((at) => at > 0)).toBe(true);
    expect(rollback).toBeGreaterThan(call);
    expect(row).toBeGreaterThan(rollback);
    expect(outcomes).toBeGreaterThan(row);
    expect(raise).toBeGreaterThan(outcomes);
  });

  it("raises it again from the handler without a second log row; any other failure is logged once and raised", () => {
    const task = body("full_example_prod", "ORCH_TASK__DAILY_SALES__67890");
    const handlers = task.slice(task.lastIndexOf("\nexception\n"));
    expect(handlers).toMatch(/^\nexception\n {2}when dbt_cloud_error then\n {4}raise;\n {2}when other then\n {4}rollback;\n/);
    expect(handlers.match(/insert into /g)).toHaveLength(1);
    expect(handlers.indexOf("insert into ")).toBeGreaterThan(handlers.indexOf("when other then"));
  });

  it("declares and raises nothing in a task that does not call dbt Cloud (a non-prod target)", () => {
    const task = body("full_example_dev", "ORCH_TASK__DAILY_SALES__67890");
    expect(task).not.toContain("dbt_cloud_error");
    expect(task).toMatch(/\nexception\n {2}when other then\n/);
  });
});

describe("the start window", () => {
  it("checks the start window in SQL before calling the procedure, so a closed window costs no API call", () => {
    const task = taskBody(built.get("cross_midnight_window")!.statements.find((sql) => sql.startsWith("create or alter task"))!);
    const check = task.indexOf("if (not ((to_char(local_now, 'HH24:MI') >= '22:00' or to_char(local_now, 'HH24:MI') <= '02:00')");
    expect(check).toBeGreaterThan(0);
    expect(task).toContain("dayofweekiso(local_now) - 1 in (5, 6)");
    expect(task.indexOf("return 'SKIPPED';")).toBeLessThan(task.indexOf("begin transaction;"));
  });
});
