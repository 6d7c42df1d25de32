/**
 * The package's public surface, on all three engines (TypeScript, dbt-core's Jinja, dbt 2.x): which
 * macros are public, that each dispatches and refuses other adapters, that each refuses unknown
 * keyword arguments by name before any statement, and the plan's output options (the Plan line,
 * verbose, format json, fail_on_changes, offline only with dry_run).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileCached } from "../../scripts/compiler/cache.js";
import { REPO_ROOT } from "../../scripts/compiler/repo.js";
import type { MacroRun } from "../../scripts/engines/macro-run.js";
import { PACKAGE_SOURCES, PackageEngines } from "../support/package-engines.js";
import { liveStateAfter, showResults, type LiveSchema } from "../support/warehouse.js";
import { context, exampleVars, minimalVars, PROD_TARGET, watchedTablesExist } from "./configs.js";

/** The public macros the package documents; every one defined in macros-src/ must be public. */
const CONTRACT = [
  "build_orchestration_resources", "teardown_orchestration_resources", "orchestration_status", "orchestration_graph",
  "create_stream_generic", "create_task_generic", "create_proc__dbt_cloud_run_job", "create_dbt_cloud_external_access",
  "check_orchestration_setup", "validate_orchestration_config", "refresh_orchestration_outcomes",
];

/** Arguments without a default. */
const REQUIRED: Record<string, Record<string, unknown>> = {
  create_stream_generic: { database: "RAW", schema: "SALES", table: "ORDERS" },
  create_task_generic: { job_id: 1, job_name: "a", streams: ["S"] },
};

const signatures = (await compileCached(PACKAGE_SOURCES)).macros;
const publicMacros = signatures.filter((item) => item.visibility === "public");
const PLAN_LINE = /^Plan: \d+ to create, \d+ to update, \d+ to recreate, \d+ to resume, \d+ to suspend, \d+ to drop, \d+ unchanged\.$/;

let engines: PackageEngines;
beforeAll(() => {
  engines = new PackageEngines();
});
afterAll(() => engines?.close());

/** The three engines agree; returns the TypeScript run. */
async function agreed(macro: string, ctx: Parameters<PackageEngines["all"]>[1]): Promise<MacroRun> {
  const { ts, jinja, fusion } = await engines.all(macro, ctx);
  expect(jinja, `${macro}: dbt-core's Jinja`).toEqual(ts);
  expect(fusion, `${macro}: dbt 2.x`).toEqual(ts);
  return ts;
}

describe("public and private macros", () => {
  it("the public macros are the contract's, each with snowflake__ and default__ implementations", () => {
    expect(publicMacros.map((item) => item.name).filter((name) => !CONTRACT.includes(name))).toEqual([]);
    for (const name of CONTRACT) {
      const defined = signatures.find((item) => item.name === name);
      if (defined === undefined) continue; // built on another branch
      expect(defined.visibility, name).toBe("public");
      for (const adapter of ["snowflake", "default"]) {
        const implementation = signatures.find((item) => item.name === `${adapter}__${name}`);
        expect(implementation?.visibility, `${adapter}__${name}`).toBe("dispatch");
        expect(implementation?.dbtName).toBe(`${adapter}__${name}`);
      }
    }
    expect(publicMacros.length).toBeGreaterThanOrEqual(9);
  });

  it("every other macro is private: named with a leading underscore", () => {
    const helpers = signatures.filter((item) => item.visibility === "private");
    expect(helpers.length).toBeGreaterThan(50);
    for (const helper of helpers) expect(helper.dbtName).toBe(`_${helper.name}`);
  });

  it("macros/*.yml documents the public macros and hides every other one (docs: show: false)", () => {
    const shown: string[] = [];
    const hidden: string[] = [];
    const files = (directory: string): string[] => readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? files(join(directory, entry.name)) : entry.name.endsWith(".yml") ? [join(directory, entry.name)] : []);
    for (const file of files(join(REPO_ROOT, "macros"))) {
      const docs = parse(readFileSync(file, "utf8")) as { macros: Array<{ name: string; docs?: { show: boolean }; description?: string }> };
      for (const macro of docs.macros) {
        if (macro.docs?.show === false) hidden.push(macro.name);
        else {
          shown.push(macro.name);
          expect(macro.description, `${relative(REPO_ROOT, file)}: ${macro.name}`).toMatch(/\w/);
        }
      }
    }
    expect(shown.sort()).toEqual(publicMacros.map((item) => item.name).sort());
    // A private macro nothing calls is not emitted, so it has no docs entry either.
    expect(hidden.sort()).toEqual(signatures.filter((item) => item.visibility !== "public" && item.emitted).map((item) => item.dbtName).sort());
    expect(signatures.filter((item) => !item.emitted).every((item) => item.visibility === "private")).toBe(true);
  });
});

describe.each(publicMacros.map((item) => [item.name, item.params] as const))("%s", (name, params) => {
  it("refuses an unknown keyword argument by name, before any statement", async () => {
    const run = await agreed(name, context(minimalVars(), { args: { colour: "blue" } }));
    const its = params.length === 0 ? "it takes no arguments" : `its arguments are: ${params.join(", ")}`;
    const message = `${name}: unknown argument 'colour'; ${its}. Nothing was run.`;
    expect(run.error).toBe(message);
    expect(run.statements).toEqual([]);
    // Printed as well: dbt-core shows a run-operation's error only once it has connected (entry/arguments.ts).
    expect(run.logs).toEqual([message]);
  });

  it("refuses adapters other than Snowflake (default__), before any statement", async () => {
    const ctx = context(minimalVars(), { target: { name: "dev", type: "postgres", database: "db", schema: "public" }, args: REQUIRED[name] ?? {} });
    const run = await agreed(name, ctx);
    expect(run.error).toBe(
      `${name}: dbt_cloud_orchestration supports only Snowflake (streams, tasks and Python procedures); target 'dev' uses the 'postgres' adapter.`);
    expect(run.statements).toEqual([]);
  });
});

describe("build_orchestration_resources arguments", () => {
  const refused: Array<[Record<string, unknown>, string]> = [
    [{ dryrun: true, offline: true }, "unknown argument 'dryrun' (did you mean 'dry_run'?)"],
    [{ offline: true }, "offline plans against an empty schema, so running it would replace what exists; use offline only with dry_run: true"],
    [{ dry_run: "false" }, "argument 'dry_run' must be true or false, not 'false'"],
    [{ dry_run: true, format: "yaml" }, "argument 'format' must be one of: text, json; not 'yaml'"],
    [{ dry_run: true, format: { a: 1 } }, "argument 'format' must be one of: text, json; not {\"a\": 1}"],
    [{ fail_on_changes: true }, "fail_on_changes is a check of the plan; use it with dry_run: true"],
  ];
  it.each(refused)("%j is refused by name, before any statement", async (args, reason) => {
    const run = await agreed("build_orchestration_resources", context(exampleVars(), { args }));
    expect(run.error).toContain(`build_orchestration_resources: ${reason}`);
    expect(run.statements).toEqual([]);
  });
});

describe("text arguments of the original macros", () => {
  const refused: Array<[string, Record<string, unknown>, string]> = [
    ["create_stream_generic", { database: "RAW", schema: 5, table: "T" }, "argument 'schema' is required and must be a string"],
    ["create_task_generic", { job_id: 1, job_name: "a", streams: ["S"], logging_table: ["x"] }, "argument 'logging_table' is required and must be a string"],
    ["create_dbt_cloud_external_access", { token_env_var: null }, "argument 'token_env_var' is required and must be a string"],
    ["create_stream_generic", { schema: "S", table: "T" }, "argument 'database' is required and must be a string"],
  ];
  it.each(refused)("%s %j is refused by name, before any statement", async (macro, args, reason) => {
    const run = await agreed(macro, context(minimalVars(), { args }));
    expect(run.error).toBe(`${macro}: ${reason}. Nothing was run.`);
    expect(run.statements).toEqual([]);
  });
});

describe("the plan's output", () => {
  const dryRun = { dry_run: true, offline: true };

  it("by default: a title, the table, the jobs' conditions, the Plan line and a dry-run note; no SQL", async () => {
    const run = await agreed("build_orchestration_resources", context(exampleVars(), { args: dryRun }));
    expect(run.logs).toHaveLength(8);
    expect(run.logs[0]).toMatch(/^dbt_cloud_orchestration: plan for target 'dev' /);
    expect(run.logs[1]!.split("\n")).toHaveLength(12);
    // The jobs' conditions: a heading and a row per job under a header.
    expect(run.logs[2]).toMatch(/^dbt_cloud_orchestration: job conditions \(weekdays and windows in America\/Chicago;/);
    expect(run.logs[3]!.split("\n")).toHaveLength(4);
    // The plan's notes: what a non-prod build's streams cost, and that an offline plan reads no watched object.
    expect(run.logs[4]).toMatch(/^dbt_cloud_orchestration: not prod: this target keeps streams on 5 table\(s\) outside its schema \(offline: assumed\)/);
    expect(run.logs[5]).toMatch(/^dbt_cloud_orchestration: offline: the watched objects were not read/);
    expect(run.logs[6]).toBe("Plan: 11 to create, 0 to update, 0 to recreate, 0 to resume, 0 to suspend, 0 to drop, 0 unchanged.");
    expect(run.logs[7]).toBe("Dry run: nothing was executed; verbose: true prints the SQL of the 11 statement(s).");
    expect(run.logs.join("\n")).not.toContain("create or replace procedure");
  });

  it("verbose: 'N of M' and the SQL of every statement", async () => {
    const run = await agreed("build_orchestration_resources", context(exampleVars(), { args: { ...dryRun, verbose: true } }));
    const statements = run.returned as string[];
    const steps = run.logs.slice(7);
    expect(steps).toHaveLength(statements.length);
    steps.forEach((entry, index) => {
      expect(entry.startsWith(`${index + 1} of ${statements.length} `)).toBe(true);
      expect(entry.endsWith(`\n${statements[index]};`)).toBe(true);
    });
  });

  it("format json: one JSON document with the plan rows and their statements, nothing else", async () => {
    const run = await agreed("build_orchestration_resources", context(exampleVars(), { args: { ...dryRun, format: "json" } }));
    expect(run.logs).toHaveLength(1);
    const plan = JSON.parse(run.logs[0]!) as { changes: number; dry_run: boolean; summary: Record<string, number>; plan: Array<Record<string, unknown>> };
    expect(plan.changes).toBe(11);
    expect(plan.dry_run).toBe(true);
    expect(plan.summary).toEqual({ create: 11, update: 0, recreate: 0, resume: 0, suspend: 0, drop: 0, unchanged: 0 });
    expect(plan.plan.map((row) => Object.keys(row).sort())).toEqual(plan.plan.map(() => ["action", "kind", "object", "reason", "statements"]));
    expect(plan.plan.flatMap((row) => row.statements as string[])).toEqual(run.returned);
    expect((plan as unknown as { jobs: Array<{ name: string }> }).jobs.map((job) => job.name)).toEqual(["daily sales", "inventory snapshot", "finance close"]);
  });

  it("format json while building: progress goes to the debug log only, stdout keeps the one document", async () => {
    const run = await agreed("build_orchestration_resources", { ...context(minimalVars(), { args: { format: "json" } }), query_results: watchedTablesExist(minimalVars()) });
    expect(run.error).toBeNull();
    // The TypeScript and Jinja engines record log() lines too; real dbt keeps these (debug level) off stdout: real-dbt.test.ts.
    expect(run.logs.filter((line) => !/^\d+ of \d+ /.test(line))).toHaveLength(1);
    expect(run.statements.filter((sql) => !sql.startsWith("show ") && !sql.startsWith("select ")).length).toBeGreaterThan(3);
  });

  describe("fail_on_changes", () => {
    let desired: LiveSchema;
    beforeAll(async () => {
      const built = await engines.both("build_orchestration_resources", context(exampleVars(), { target: PROD_TARGET }));
      desired = liveStateAfter(built.ts, "started");
    });

    it("fails when the plan has changes, after printing it", async () => {
      const run = await agreed("build_orchestration_resources", context(exampleVars(), { args: { ...dryRun, fail_on_changes: true } }));
      expect(run.error).toBe("dbt_cloud_orchestration: the plan has 11 change(s), and fail_on_changes is set.");
      expect(run.logs).toContain("Plan: 11 to create, 0 to update, 0 to recreate, 0 to resume, 0 to suspend, 0 to drop, 0 unchanged.");
      expect(run.statements).toEqual([]);
    });

    it("succeeds when the live schema equals the config", async () => {
      const ctx = { ...context(exampleVars(), { target: PROD_TARGET, args: { dry_run: true, fail_on_changes: true } }), query_results: [...watchedTablesExist(exampleVars()), ...showResults(desired, "ORCHESTRATION")!] };
      const run = await agreed("build_orchestration_resources", ctx);
      expect(run.error).toBeNull();
      expect(run.logs).toContain("Plan: 0 to create, 0 to update, 0 to recreate, 0 to resume, 0 to suspend, 0 to drop, 11 unchanged.");
      expect(run.statements.every((sql) => /^(show|select|describe) /.test(sql))).toBe(true);
    });
  });

  it("the Plan line has one form for every plan", async () => {
    const run = await agreed("teardown_orchestration_resources", context(exampleVars(), { args: { dry_run: true } }));
    expect(run.logs.filter((line) => line.startsWith("Plan:"))).toEqual(["Plan: 0 to create, 0 to update, 0 to recreate, 0 to resume, 0 to suspend, 0 to drop, 0 unchanged."]);
    expect(run.logs.every((line) => !line.startsWith("Plan:") || PLAN_LINE.test(line))).toBe(true);
  });
});

describe("validate_orchestration_config", () => {
  it("counts the valid jobs, reading nothing", async () => {
    const run = await agreed("validate_orchestration_config", context(exampleVars(), { args: {} }));
    expect(run.error).toBeNull();
    expect(run.logs).toEqual(["dbt_cloud_orchestration: 3 jobs valid (vars.dbt_cloud_orchestration, target 'dev')."]);
    expect(run.statements).toEqual([]);
  });

  it("prints every problem and fails", async () => {
    const vars = { ...minimalVars(), account_id: "x", jobs: [{ name: "a", job_id: 1, tables: ["RAW.S.T"], schedul: "1 HOUR" }] };
    const run = await agreed("validate_orchestration_config", context(vars, { args: {} }));
    expect(run.error).toMatch(/^dbt_cloud_orchestration: 2 problem\(s\) in vars\.dbt_cloud_orchestration:\n {2}- account_id: 'x' is not a positive integer\n {2}- jobs\[0\]\.schedul: unknown key/);
    expect(run.logs).toEqual([run.error]);
    expect(run.statements).toEqual([]);
  });
});
