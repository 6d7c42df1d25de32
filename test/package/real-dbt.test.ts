/**
 * The README's main job through real dbt, on both engines (dbt-core + dbt-snowflake, and dbt 2.x in a
 * copy of the example project whose root `run_query` raises), with a dummy profile: the plan that
 * `dbt run-operation build_orchestration_resources --args '{dry_run: true, offline: true}'` prints
 * equals the oracle's for the same config, and the dry run opens no connection. dbt 2.x also parses
 * the project.
 */
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../scripts/compiler/compile.js";
import { isolatedDbtPaths } from "../support/dbt-paths.js";
import { PackageEngines } from "../support/package-engines.js";
import { context, DEV_TARGET, exampleVars, PROD_TARGET } from "./configs.js";

interface DbtEvent {
  info: { name: string; msg: string; level: string };
  data?: { msg?: string };
}

const DBT_CORE = ["scripts", "dbt-example.sh"];
const DBT_2 = ["scripts", "fusion", "example.sh"];
const PLAN = ["run-operation", "build_orchestration_resources", "--args", "{dry_run: true, offline: true}"];

async function dbt(script: string[], args: string[]): Promise<{ exitCode: number; events: DbtEvent[] }> {
  const result = await execa("bash", [join(REPO_ROOT, ...script), "--log-format", "json", "--log-level", "debug", ...args],
    { reject: false, env: isolatedDbtPaths() });
  const events = result.stdout.split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as DbtEvent);
  return { exitCode: result.exitCode ?? -1, events };
}

const logLines = (events: DbtEvent[]) =>
  events.filter((event) => event.info.name === "JinjaLogInfo").map((event) => event.data?.msg ?? event.info.msg);

let engines: PackageEngines;
beforeAll(() => {
  engines = new PackageEngines();
});
afterAll(() => engines?.close());

it("dbt 2.x parses the example project", async () => {
  const parse = await dbt(DBT_2, ["parse"]);
  expect(parse.events.filter((event) => event.info.level === "error")).toEqual([]);
  expect(parse.exitCode).toBe(0);
});

describe.each([["dev", DEV_TARGET], ["prod", PROD_TARGET]] as const)("target %s", (targetName, target) => {
  it("dbt-core and dbt 2.x print the plan the oracle computes, and open no connection", async () => {
    const [core, fusion, oracle] = await Promise.all([
      dbt(DBT_CORE, [...PLAN, "--target", targetName]),
      dbt(DBT_2, [...PLAN, "--target", targetName]),
      engines.both("build_orchestration_resources", context(exampleVars(), { target, args: { dry_run: true, offline: true } })),
    ]);
    expect(oracle.jinja).toEqual(oracle.ts);
    for (const run of [core, fusion]) {
      expect(run.events.filter((event) => event.info.level === "error")).toEqual([]);
      expect(run.exitCode).toBe(0);
      expect(logLines(run.events)).toEqual(oracle.jinja.logs);
    }
    const steps = oracle.jinja.logs.filter((line) => /^\d+ of \d+ /.test(line));
    expect(steps.length).toBeGreaterThan(10);
    expect(steps.at(-1)).toMatch(new RegExp(`^${steps.length} of ${steps.length} `));
    // A connection that opened would log these; with dummy credentials and no network it would also fail.
    const opened = core.events.filter((event) => ["NewConnectionOpening", "SQLQuery", "ConnectionUsed"].includes(event.info.name));
    expect(opened).toEqual([]);
  });
});

/** What a macro prints and logs, in order: `log(..., info=true)` and `print(...)`. */
const printedLines = (events: DbtEvent[]) => events
  .filter((event) => event.info.name === "JinjaLogInfo" || event.info.name === "PrintEvent")
  .map((event) => event.data?.msg ?? event.info.msg);

/** The calls of integration_tests/macros/qualified_calls.sql, as run-operation arguments. */
const QUALIFIED_CALLS: Array<[string, Record<string, unknown>]> = [
  ["build_orchestration_resources", { dry_run: true, offline: true }],
  ["orchestration_graph", {}],
  ["create_stream_generic", { database: "RAW", schema: "SALES", table: '"Order Items"', dry_run: true }],
  ["create_task_generic", {
    job_id: 67890, job_name: "daily sales", streams: ["ORCH_STREAM__RAW__SALES__ORDERS"], schedule: "triggered", dry_run: true,
  }],
  ["create_proc__dbt_cloud_run_job", { dry_run: true }],
  ["create_dbt_cloud_external_access", { dry_run: true }],
];

it("a user's macro calling the public macros qualified (dbt_cloud_orchestration.x) works on dbt-core and dbt 2.x", async () => {
  const operation = ["run-operation", "orchestration_qualified_calls"];
  const [core, fusion, ...oracle] = await Promise.all([
    dbt(DBT_CORE, operation),
    dbt(DBT_2, operation),
    ...QUALIFIED_CALLS.map(([macro, args]) => engines.both(macro, context(exampleVars(), { target: DEV_TARGET, args }))),
  ]);
  const expected = oracle.flatMap((run) => {
    expect(run.jinja.error).toBeNull();
    return run.jinja.logs;
  });
  for (const run of [core, fusion]) {
    expect(run.events.filter((event) => event.info.level === "error")).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(printedLines(run.events)).toEqual(expected);
  }
});
