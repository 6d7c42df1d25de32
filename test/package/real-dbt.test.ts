/**
 * The README's main job through real dbt (dbt-core + dbt-snowflake, dummy profile): the plan that
 * `dbt run-operation build_orchestration_resources --args '{dry_run: true}'` prints equals the
 * oracle's for the same config, and the dry run opens no connection.
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
}

async function dbtPlan(target: string): Promise<{ exitCode: number; events: DbtEvent[] }> {
  const result = await execa("bash", [
    join(REPO_ROOT, "scripts", "dbt-example.sh"), "--log-format", "json", "--log-level", "debug",
    "run-operation", "build_orchestration_resources", "--args", "{dry_run: true, offline: true}", "--target", target,
  ], { reject: false, env: isolatedDbtPaths() });
  const events = result.stdout.split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as DbtEvent);
  return { exitCode: result.exitCode ?? -1, events };
}

let engines: PackageEngines;
beforeAll(() => {
  engines = new PackageEngines();
});
afterAll(() => engines?.close());

describe.each([["dev", DEV_TARGET], ["prod", PROD_TARGET]] as const)("target %s", (targetName, target) => {
  it("prints the plan the oracle computes, and opens no connection", async () => {
    const [dbt, oracle] = await Promise.all([
      dbtPlan(targetName),
      engines.both("build_orchestration_resources", context(exampleVars(), { target, args: { dry_run: true, offline: true } })),
    ]);
    expect(dbt.exitCode).toBe(0);
    expect(oracle.jinja).toEqual(oracle.ts);
    const printed = dbt.events.filter((event) => event.info.name === "JinjaLogInfo").map((event) => event.info.msg);
    expect(printed).toEqual(oracle.jinja.logs);
    const steps = printed.filter((line) => /^\d+ of \d+ /.test(line));
    expect(steps.length).toBeGreaterThan(10);
    expect(steps.at(-1)).toMatch(new RegExp(`^${steps.length} of ${steps.length} `));
    // A connection that opened would log these; with dummy credentials and no network it would also fail.
    const opened = dbt.events.filter((event) => ["NewConnectionOpening", "SQLQuery", "ConnectionUsed"].includes(event.info.name));
    expect(opened).toEqual([]);
  });
});
