/**
 * What a dbt user sees, through real dbt on both engines (dbt-core + dbt-snowflake, and dbt 2.x in a
 * copy of the example project whose root `run_query` raises), with the example project's dummy
 * profile: the default dry run (the plan the oracle computes, at most 40 lines, the `Plan:` line),
 * `--quiet`, verbose, `format: 'json'`, `fail_on_changes`, refused arguments, the config check, and
 * the macros `dbt docs` shows. No run here opens a connection (dbt-core's events prove it), except
 * where dbt-core itself opens one to roll back after a refusal (see entry/arguments.ts).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { compileCached } from "../../scripts/compiler/cache.js";
import { REPO_ROOT } from "../../scripts/compiler/repo.js";
import { isolatedDbtPaths, keepPartialParse, restorePartialParse } from "../support/dbt-paths.js";
import { PACKAGE_SOURCES, PackageEngines } from "../support/package-engines.js";
import { context, DEV_TARGET, exampleVars, PROD_TARGET } from "./configs.js";

interface DbtEvent {
  info: { name: string; msg: string; level: string };
  data?: { msg?: string };
}

interface DbtRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const ENGINES = { "dbt-core": ["scripts", "cli", "dbt-example.sh"], "dbt 2.x": ["scripts", "cli", "fusion-example.sh"] } as const;
type Engine = keyof typeof ENGINES;
const BOTH = Object.keys(ENGINES) as Engine[];
const DRY_RUN = "{dry_run: true, offline: true}";
const PLAN_LINE = /^Plan: \d+ to create, \d+ to update, \d+ to recreate, \d+ to resume, \d+ to suspend, \d+ to drop, \d+ unchanged\.$/m;
/** Events dbt-core logs when it opens or uses a connection. */
const CONNECTION_EVENTS = ["NewConnectionOpening", "SQLQuery", "ConnectionUsed"];

/** dbt 2.x runs in a copy of the example project of this suite's own (pytest may run dbt 2.x in another meanwhile). */
const FUSION_EXAMPLE_DIR = join(REPO_ROOT, ".cache", "fusion", "example-vitest");

async function dbt(engine: Engine, args: string[], env: Record<string, string> = isolatedDbtPaths()): Promise<DbtRun> {
  const target = engine === "dbt-core" ? env.DBT_TARGET_PATH : undefined;
  if (target !== undefined) restorePartialParse(target, args);
  const result = await execa("bash", [join(REPO_ROOT, ...ENGINES[engine]), ...args], { reject: false, env: { ...env, FUSION_EXAMPLE_DIR } });
  if (target !== undefined) keepPartialParse(target, args);
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
}

function build(args: string): string[] {
  return ["run-operation", "build_orchestration_resources", "--args", args];
}

/** dbt-core's events as JSON (`--log-format json --log-level debug`). */
async function coreEvents(args: string[]): Promise<{ exitCode: number; events: DbtEvent[] }> {
  const run = await dbt("dbt-core", ["--log-format", "json", "--log-level", "debug", ...args]);
  const events = run.stdout.split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as DbtEvent);
  return { exitCode: run.exitCode, events };
}

// Each test starts several whole dbt processes at once (dbt-core imports for ~3 s of CPU each): on a machine
// whose cores are busy with the other suites, a minute is not always enough. The limit guards against a
// hang, not a speed (speed is measured by npm run bench).
vi.setConfig({ testTimeout: 180_000 });

const connectionEvents = (events: DbtEvent[]) => events.filter((event) => CONNECTION_EVENTS.includes(event.info.name));

let engines: PackageEngines;
beforeAll(() => {
  engines = new PackageEngines();
});
afterAll(() => engines?.close());

describe.each([["dev", DEV_TARGET], ["prod", PROD_TARGET]] as const)("the default dry run, target %s", (targetName, target) => {
  it("prints exactly the oracle's plan under --quiet on both engines, and dbt-core opens no connection", async () => {
    const [core, fusion, events, oracle] = await Promise.all([
      dbt("dbt-core", ["--quiet", ...build(DRY_RUN), "--target", targetName]),
      dbt("dbt 2.x", ["--quiet", ...build(DRY_RUN), "--target", targetName]),
      coreEvents([...build(DRY_RUN), "--target", targetName]),
      engines.both("build_orchestration_resources", context(exampleVars(), { target, args: { dry_run: true, offline: true } })),
    ]);
    expect(oracle.jinja).toEqual(oracle.ts);
    for (const run of [core, fusion]) {
      expect(run.exitCode).toBe(0);
      expect(run.stderr).toBe("");
      expect(run.stdout).toBe(oracle.jinja.logs.join("\n"));
    }
    expect(core.stdout).toMatch(PLAN_LINE);
    expect(events.exitCode).toBe(0);
    expect(connectionEvents(events.events)).toEqual([]);
  });
});

it.each(BOTH)("%s: the default dry run prints at most 40 lines, with the Plan line", async (engine) => {
  const run = await dbt(engine, build(DRY_RUN));
  const lines = `${run.stdout}\n${run.stderr}`.trim().split("\n");
  expect(run.exitCode).toBe(0);
  expect(lines.length).toBeLessThanOrEqual(40);
  expect(lines).toContain("Plan: 11 to create, 0 to update, 0 to recreate, 0 to resume, 0 to suspend, 0 to drop, 0 unchanged.");
  expect(run.stdout).not.toContain("create or replace procedure");
});

it.each(BOTH)("%s: verbose prints every statement's SQL after its 'N of M' line", async (engine) => {
  const run = await dbt(engine, ["--quiet", ...build("{dry_run: true, offline: true, verbose: true}")]);
  expect(run.exitCode).toBe(0);
  expect(run.stdout).toMatch(/^3 of 11 create or replace procedure DBT_CLOUD_RUN_JOB\ncreate or replace procedure "ANALYTICS"\."DBT_DEV_ORCHESTRATION"\."DBT_CLOUD_RUN_JOB"\(/m);
  expect(run.stdout).toMatch(/^11 of 11 /m);
});

it.each(BOTH)("%s: format json prints one JSON document and nothing else under --quiet", async (engine) => {
  const run = await dbt(engine, ["--quiet", ...build("{dry_run: true, offline: true, format: json}")]);
  expect(run.exitCode).toBe(0);
  expect(run.stdout.trim().split("\n")).toHaveLength(1);
  const plan = JSON.parse(run.stdout) as { changes: number; plan: Array<{ action: string; kind: string; object: string; reason: string; statements: string[] }> };
  expect(plan.changes).toBe(11);
  expect(plan.plan.map((row) => row.kind)).toContain("procedure");
  expect(plan.plan.every((row) => row.statements.length === 1)).toBe(true);
});

it.each(BOTH)("%s: fail_on_changes exits non-zero on a plan with changes, after printing it", async (engine) => {
  const run = await dbt(engine, ["--quiet", ...build("{dry_run: true, offline: true, fail_on_changes: true}")]);
  expect(run.exitCode).not.toBe(0);
  expect(run.stdout).toMatch(PLAN_LINE);
  expect(run.stdout).toContain("dbt_cloud_orchestration: the plan has 11 change(s), and fail_on_changes is set.");
});

describe.each([
  ["{dryrun: true}", "build_orchestration_resources: unknown argument 'dryrun' (did you mean 'dry_run'?)"],
  ["{offline: true}", "build_orchestration_resources: offline plans against an empty schema"],
])("--args '%s'", (args, message) => {
  // dbt-core's events show what it printed and every statement it sent, in one run (its --quiet console
  // shows the same PrintEvents: the default dry run's test compares the two).
  it("dbt-core refuses it by name: the message is all it prints, and it runs no statement", async () => {
    const { exitCode, events } = await coreEvents(build(args));
    expect(exitCode).not.toBe(0);
    expect(events.filter((event) => event.info.name === "SQLQuery")).toEqual([]);
    expect(events.filter((event) => event.info.name === "PrintEvent").map((event) => event.data?.msg)).toEqual([expect.stringContaining(message)]);
  });

  it("dbt 2.x refuses it by name and prints no plan and no statement", async () => {
    const run = await dbt("dbt 2.x", ["--quiet", ...build(args)]);
    expect(run.exitCode).not.toBe(0);
    expect(run.stdout.split("\n")[0]).toContain(message);
    expect(run.stdout).not.toMatch(/^(Plan:|\d+ of \d+ )/m);
  });
});

const VALID = "dbt_cloud_orchestration: 3 jobs valid (vars.dbt_cloud_orchestration, target 'dev').";

it("dbt-core: validate_orchestration_config passes the example project and opens no connection", async () => {
  const { exitCode, events } = await coreEvents(["run-operation", "validate_orchestration_config"]);
  expect(exitCode).toBe(0);
  expect(events.filter((event) => event.info.name === "PrintEvent").map((event) => event.data?.msg)).toEqual([VALID]);
  expect(connectionEvents(events)).toEqual([]);
});

it("dbt 2.x: validate_orchestration_config passes the example project", async () => {
  const run = await dbt("dbt 2.x", ["--quiet", "run-operation", "validate_orchestration_config"]);
  expect(run.exitCode).toBe(0);
  expect(run.stdout).toBe(VALID);
});

const publicMacros = (await compileCached(PACKAGE_SOURCES)).macros.filter((item) => item.visibility === "public").map((item) => item.name).sort();

describe("the macros dbt docs shows", () => {
  function shownMacros(manifestPath: string): { shown: string[]; total: number } {
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { macros: Record<string, { package_name: string; name: string; docs?: { show?: boolean } }> };
    const ours = Object.values(manifest.macros).filter((macro) => macro.package_name === "dbt_cloud_orchestration");
    return { shown: ours.filter((macro) => macro.docs?.show !== false).map((macro) => macro.name).sort(), total: ours.length };
  }

  it("dbt-core: `dbt docs generate` shows only the public macros", async () => {
    const paths = isolatedDbtPaths();
    const run = await dbt("dbt-core", ["--quiet", "docs", "generate", "--empty-catalog"], paths);
    expect(run.exitCode).toBe(0);
    const { shown, total } = shownMacros(join(paths.DBT_TARGET_PATH!, "manifest.json"));
    expect(shown).toEqual(publicMacros);
    expect(total).toBeGreaterThan(100);
  });

  it("dbt 2.x: parses the example project without a warning, and its manifest shows only the public macros", async () => {
    const run = await dbt("dbt 2.x", ["parse"]);
    expect(run.exitCode).toBe(0);
    expect(`${run.stdout}\n${run.stderr}`).not.toMatch(/\[(warning|error)\]/);
    const { shown } = shownMacros(join(FUSION_EXAMPLE_DIR, "target", "manifest.json"));
    expect(shown).toEqual(publicMacros);
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
  const operation = ["--log-format", "json", "run-operation", "orchestration_qualified_calls"];
  const [core, fusion, ...oracle] = await Promise.all([
    dbt("dbt-core", operation),
    dbt("dbt 2.x", operation),
    ...QUALIFIED_CALLS.map(([macro, args]) => engines.both(macro, context(exampleVars(), { target: DEV_TARGET, args }))),
  ]);
  const expected = oracle.flatMap((run) => {
    expect(run.jinja.error).toBeNull();
    return run.jinja.logs;
  });
  for (const run of [core, fusion]) {
    const events = run.stdout.split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as DbtEvent);
    expect(events.filter((event) => event.info.level === "error")).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(printedLines(events).flatMap((message) => message.split("\n"))).toEqual(expected.flatMap((message) => message.split("\n")));
  }
});
