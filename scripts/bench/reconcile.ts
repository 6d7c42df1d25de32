/**
 * `npx tsx scripts/bench/reconcile.ts [--runs N]`: how the build scales with the number of jobs.
 * For 10, 100 and 1,000 jobs (one table each) it builds the desired state offline, scripts a live
 * schema identical to it, and times an unchanged rebuild on both engines, counting its queries.
 * An unchanged rebuild must read with the same number of queries whatever the job count: two per
 * distinct watched schema (ten here), and six for the orchestration schema.
 * Prints a markdown table (median of N runs, default 3).
 */
import { join } from "node:path";
import { REPO_ROOT } from "../compiler/repo.js";
import { compileToScratch, JinjaOracle } from "../engines/jinja-engine.js";
import type { MacroContextFile, MacroRun } from "../engines/macro-run.js";
import { runTsMacro } from "../engines/ts-engine.js";
import { liveStateAfter, showResults, watchedResults, type WatchedRow } from "../../test/support/warehouse.js";

const runsFlag = process.argv.indexOf("--runs");
const RUNS = runsFlag === -1 ? 3 : Number(process.argv[runsFlag + 1]);
const SOURCES = join(REPO_ROOT, "macros-src");
const TARGET = { name: "prod", type: "snowflake", database: "ANALYTICS", schema: "analytics" };

function config(jobs: number): Record<string, unknown> {
  return {
    account_id: 1, access_url: "https://ab123.us1.dbt.com", schema: "orchestration",
    jobs: Array.from({ length: jobs }, (_unused, index) => ({
      name: `job ${index}`, job_id: 1000 + index, tables: [`RAW.SCHEMA_${index % 10}.TABLE_${index}`],
      min_start_time: "06:00", max_start_time: "20:00",
    })),
  };
}

async function timed(run: () => Promise<MacroRun>): Promise<{ ms: number; run: MacroRun }> {
  const samples: number[] = [];
  let last: MacroRun | undefined;
  for (let index = 0; index < RUNS; index += 1) {
    const started = performance.now();
    last = await run();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { ms: samples[Math.floor(samples.length / 2)]!, run: last! };
}

const oracle = new JinjaOracle();
const compiled = await compileToScratch(SOURCES);
const rows: string[] = [
  "| jobs | engine | queries, unchanged rebuild | DDL statements | plan time (median) |",
  "| ---: | --- | ---: | ---: | ---: |",
];
for (const jobs of [10, 100, 1000]) {
  const base: MacroContextFile = { target: TARGET, vars: { dbt_cloud_orchestration: config(jobs) } };
  const offline = await runTsMacro(SOURCES, "build_orchestration_resources", { ...base, args: { dry_run: true, offline: true } });
  if (offline.error !== null) throw new Error(offline.error);
  const live = liveStateAfter(offline, "started");
  const watched: WatchedRow[] = Array.from({ length: jobs }, (_unused, index) => ({ database: "RAW", schema: `SCHEMA_${index % 10}`, name: `TABLE_${index}` }));
  const schemas = Array.from({ length: 10 }, (_unused, index) => ["RAW", `SCHEMA_${index}`]);
  const unchanged: MacroContextFile = {
    ...base, args: {}, query_results: [...watchedResults(watched, schemas)!, ...showResults(live, "ORCHESTRATION")!],
  };
  for (const [engine, render] of [
    ["ts (Node)", () => runTsMacro(SOURCES, "build_orchestration_resources", unchanged)],
    ["jinja (dbt-core)", () => oracle.render(compiled, "build_orchestration_resources", unchanged)],
  ] as const) {
    const { ms, run } = await timed(render);
    if (run.error !== null) throw new Error(run.error);
    const ddl = (run.returned as string[]).length;
    rows.push(`| ${jobs} | ${engine} | ${run.statements.length} | ${ddl} | ${(ms / 1000).toFixed(2)} s |`);
  }
}
await oracle.close();
console.log(rows.join("\n"));
