/**
 * `npx tsx scripts/bench/plan-cost.ts [--jobs N] [--runs R]`: what planning costs per job through real
 * dbt. In the example project (integration_tests/), with a generated config of N jobs (default 300)
 * passed as `--vars`, it times `run-operation build_orchestration_resources --args '{dry_run: true,
 * offline: true}'` against a no-op `run-operation bench_noop` with the same vars, on dbt-core
 * (scripts/cli/dbt-example.sh) and dbt 2.x (scripts/cli/fusion-example.sh), and prints the difference per job
 * (median of R runs each, default 3), in wall time and in CPU time (user + system of the process
 * tree; it hardly moves when other work shares the machine). Both commands parse the same project
 * with the same vars, so the difference is the package's own work.
 *
 * `--profile`: instead, where the time goes on dbt-core, per macro, for the same config
 * (scripts/bench/plan_profile.py, in-process through the oracle).
 */
import { join } from "node:path";
import { execa } from "execa";
import { REPO_ROOT } from "../compiler/repo.js";
import { isolatedDbtPaths } from "../../test/support/dbt-paths.js";

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
}
const JOBS = option("--jobs", 300);
const RUNS = option("--runs", 3);

/** N jobs, one table each, with windows and upstream jobs so every check of the task body is planned. */
export function generatedConfig(jobs: number): Record<string, unknown> {
  return {
    account_id: 1, access_url: "https://ab123.us1.dbt.com", schema: "orchestration",
    jobs: Array.from({ length: jobs }, (_unused, index) => ({
      name: `job ${index}`, job_id: 1000 + index, tables: [`RAW.SCHEMA_${index % 10}.TABLE_${index}`],
      min_start_time: "06:00", max_start_time: "20:00", ...(index > 0 ? { upstream_job_id: 999 + index } : {}),
    })),
  };
}

const ENGINES = [
  ["dbt-core", join(REPO_ROOT, "scripts", "cli", "dbt-example.sh")],
  ["dbt 2.x", join(REPO_ROOT, "scripts", "cli", "fusion-example.sh")],
] as const;

interface Cost {
  wall: number;
  /** User + system CPU seconds of dbt and its children: what the work costs, however loaded the machine is. */
  cpu: number;
}

async function cost(script: string, args: string[]): Promise<Cost> {
  // bash's `time` reports the CPU time of the whole process tree it waited for.
  const result = await execa("bash", ["-c", 'TIMEFORMAT="%R %U %S"; time bash "$@" >/dev/null', "timed", script, ...args],
    { reject: false, env: isolatedDbtPaths() });
  if (result.exitCode !== 0) throw new Error(`${script} ${args.slice(0, 2).join(" ")} failed:\n${result.stderr}`);
  const [wall, user, system] = result.stderr.trim().split("\n").at(-1)!.split(" ").map(Number);
  return { wall: wall!, cpu: user! + system! };
}

const median = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;

const vars = JSON.stringify({ dbt_cloud_orchestration: generatedConfig(JOBS) });
if (process.argv.includes("--profile")) {
  const profile = await execa(join(REPO_ROOT, ".venv", "bin", "python"), [join(REPO_ROOT, "scripts", "bench", "plan_profile.py")], {
    input: JSON.stringify({ vars: JSON.parse(vars), macros_dir: join(REPO_ROOT, "macros") }), reject: false,
  });
  if (profile.exitCode !== 0) throw new Error(`plan_profile.py failed:\n${profile.stderr}`);
  console.log(profile.stdout);
  process.exit(0);
}
const plan = ["run-operation", "build_orchestration_resources", "--args", "{dry_run: true, offline: true}", "--vars", vars];
const noop = ["run-operation", "bench_noop", "--vars", vars];
const rows = [
  `| engine | no-op run-operation (wall / CPU) | plan of ${JOBS} jobs, offline (wall / CPU) | plan cost per job (wall / CPU) |`,
  "| --- | ---: | ---: | ---: |",
];
for (const [engine, script] of ENGINES) {
  await cost(script, noop); // warm-up: deps, caches
  const noopCosts: Cost[] = [];
  const planCosts: Cost[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    noopCosts.push(await cost(script, noop));
    planCosts.push(await cost(script, plan));
  }
  const both = (costs: Cost[], unit: (value: number) => string) =>
    `${unit(median(costs.map((c) => c.wall)))} / ${unit(median(costs.map((c) => c.cpu)))}`;
  const perJob = (key: keyof Cost) =>
    ((median(planCosts.map((c) => c[key])) - median(noopCosts.map((c) => c[key]))) / JOBS) * 1000;
  rows.push(`| ${engine} | ${both(noopCosts, (v) => `${v.toFixed(2)} s`)} | ${both(planCosts, (v) => `${v.toFixed(2)} s`)} | ` +
    `${perJob("wall").toFixed(1)} ms / ${perJob("cpu").toFixed(1)} ms |`);
}
console.log(rows.join("\n"));
