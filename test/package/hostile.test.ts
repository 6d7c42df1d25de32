/**
 * Hostile input: quotes, semicolons, $$, newlines, comment markers, very long names and unicode in
 * job names and table names are either refused with a clear error or quoted so that every planned
 * statement is still exactly one statement (sqlfluff agrees), and the text never escapes its literal.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PackageEngines } from "../support/package-engines.js";
import { parseWithSqlfluff } from "../support/sql-parser.js";
import { taskBody } from "../support/task-body.js";
import { context, minimalVars, PROD_TARGET } from "./configs.js";

let engines: PackageEngines;
beforeAll(() => {
  engines = new PackageEngines();
});
afterAll(() => engines?.close());

const HOSTILE_JOB_NAMES = [
  "sales'; drop table raw.sales.orders; --",
  "sales $$ drop table x $$",
  "line one\nline two",
  "sales /* comment */ -- more",
  "back\\slash\\' quote",
  "売上 daily – Привет",
  'double "quoted" name',
];

describe("hostile job names are quoted, never injected", () => {
  it.each(HOSTILE_JOB_NAMES)("%j", async (jobName) => {
    const vars = { ...minimalVars(), jobs: [{ name: jobName, job_id: 7, tables: ["RAW.SALES.ORDERS"] }] };
    const { ts, jinja } = await engines.both("build_orchestration_resources", context(vars, { target: PROD_TARGET }));
    expect(jinja).toEqual(ts);
    expect(ts.error).toBeNull();
    const reports = await parseWithSqlfluff(ts.statements);
    reports.forEach((report, index) => expect(report, ts.statements[index]).toEqual({ statements: 1, unparsable: [], pieces: 1 }));
    const escaped = `'${jobName.replaceAll("\\", "\\\\").replaceAll("'", "''")}'`;
    const task = ts.statements.find((sql) => sql.startsWith("create or alter task"))!;
    // The name reaches SQL only as escaped literals: in the comment and, inside the quoted block, in the log rows.
    expect(taskBody(task)).toContain(`, ${escaped}, 7, `);
    expect(task).toMatch(/"ORCH_TASK__[A-Z0-9_]+__7"/);
  });
});

const HOSTILE_TABLES: Array<[string, string | null]> = [
  ['RAW.SALES."Order Items; drop table x"', null],
  ['RAW.SALES."It""s $$ -- here"', null],
  ['"raw"."sales"."orders"', null],
  ["RAW.SALES.ORDERS; DROP TABLE X", "'ORDERS; DROP TABLE X' must be quoted"],
  ["RAW.SALES.ORDERS--", "'ORDERS--' must be quoted"],
  ['RAW.SALES."x"y', "has text after a closing quote"],
  ['RAW.SALES."line\nbreak"', "has a control character"],
  [`RAW.SALES.${"T".repeat(300)}`, "must be quoted"],
];

describe("hostile table names are quoted exactly or refused", () => {
  it.each(HOSTILE_TABLES)("%j", async (table, refusal) => {
    const vars = { ...minimalVars(), jobs: [{ name: "daily", job_id: 7, tables: [table] }] };
    const { ts, jinja } = await engines.both("build_orchestration_resources", context(vars, { target: PROD_TARGET }));
    expect(jinja).toEqual(ts);
    if (refusal !== null) {
      expect(ts.error).toContain(refusal);
      expect(ts.statements).toEqual([]);
      return;
    }
    expect(ts.error).toBeNull();
    const reports = await parseWithSqlfluff(ts.statements);
    reports.forEach((report, index) => expect(report, ts.statements[index]).toEqual({ statements: 1, unparsable: [], pieces: 1 }));
  });
});

it("refuses a job name too long for a Snowflake task name", async () => {
  const vars = { ...minimalVars(), jobs: [{ name: "x".repeat(300), job_id: 7, tables: ["RAW.SALES.ORDERS"] }] };
  const { ts, jinja } = await engines.both("build_orchestration_resources", context(vars));
  expect(jinja).toEqual(ts);
  expect(ts.error).toContain("jobs[0].name: is too long: the task name it makes must fit in 255 characters");
});

describe("the sqlfluff check can fail", () => {
  it("counts an injected second statement and reports unparsable SQL", async () => {
    const [injected, broken] = await parseWithSqlfluff([
      "create stream if not exists a.b.c on table x.y.z; drop table x.y.z",
      "create or alter task t when system$stream_has_data('x') as begin ))) end",
    ]);
    expect(injected!.statements).toBe(2);
    expect(broken!.unparsable.length).toBeGreaterThan(0);
  });
});
