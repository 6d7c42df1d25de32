/**
 * The example project's dry-run plan under dbt 2.x (`scripts/fusion/example.sh`, a copy of
 * integration_tests/ whose root `run_query` raises) prints exactly the log lines dbt-core 1.11 prints,
 * for both targets; `dbt parse` succeeds too. The args are those of test/package/real-dbt.test.ts.
 */
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../scripts/compiler/compile.js";
import { isolatedDbtPaths } from "../support/dbt-paths.js";

interface DbtEvent {
  info: { name: string; msg: string; level: string };
  data?: { msg?: string };
}

const PLAN = ["run-operation", "build_orchestration_resources", "--args", "{dry_run: true, offline: true}"];

async function dbt(script: string[], args: string[]): Promise<{ exitCode: number; events: DbtEvent[]; seconds: number }> {
  const started = performance.now();
  const result = await execa("bash", [join(REPO_ROOT, ...script), "--log-format", "json", ...args], { reject: false, env: isolatedDbtPaths() });
  const events = result.stdout.split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as DbtEvent);
  return { exitCode: result.exitCode ?? -1, events, seconds: (performance.now() - started) / 1000 };
}

const logLines = (events: DbtEvent[]) => events.filter((event) => event.info.name === "JinjaLogInfo").map((event) => event.data?.msg ?? event.info.msg);

it("dbt 2.x parses the example project", async () => {
  const parse = await dbt(["scripts", "fusion", "example.sh"], ["parse"]);
  expect(parse.events.filter((event) => event.info.level === "error")).toEqual([]);
  expect(parse.exitCode).toBe(0);
});

describe.each(["dev", "prod"])("target %s", (target) => {
  it("dbt 2.x prints the dry-run plan dbt-core prints", async () => {
    const [core, fusion] = await Promise.all([
      dbt(["scripts", "dbt-example.sh"], [...PLAN, "--target", target]),
      dbt(["scripts", "fusion", "example.sh"], [...PLAN, "--target", target]),
    ]);
    expect(fusion.events.filter((event) => event.info.level === "error")).toEqual([]);
    expect(core.exitCode).toBe(0);
    expect(fusion.exitCode).toBe(0);
    const printed = logLines(fusion.events);
    expect(printed.length).toBeGreaterThan(10);
    expect(printed).toEqual(logLines(core.events));
  });
});
