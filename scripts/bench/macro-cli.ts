/**
 * `npx tsx scripts/bench/macro-cli.ts [--runs N]`: what one `npm run macro` call costs, per engine, on a
 * corpus macro: the first call (it starts the macro server: Node with tsx, the engine, dbt-core's Python
 * oracle for jinja) and the median of N (10) calls after it, answered by the running server. Its own
 * server (TSJ_MACRO_SOCKET), stopped at the end. Prints a markdown table.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../compiler/repo.js";

const runsFlag = process.argv.indexOf("--runs");
const RUNS = runsFlag === -1 ? 10 : Number(process.argv[runsFlag + 1]);
const scratch = mkdtempSync(join(tmpdir(), "tsj-bench-macro-"));
const env = { ...process.env, TSJ_MACRO_SOCKET: join(scratch, "server.sock") };
const context = join(scratch, "context.json");
writeFileSync(context, JSON.stringify({ args: { who: "ada" } }));

function call(args: string[]): number {
  const started = performance.now();
  execFileSync("npm", ["run", "--silent", "macro", "--", ...args], { cwd: REPO_ROOT, env, stdio: "ignore" });
  return performance.now() - started;
}
const stop = () => execFileSync("node", [join(REPO_ROOT, "scripts", "cli", "macro.mjs"), "--stop-server"], { env });
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const rows = ["| engine | first call (starts the server) | each call after it (median of " + RUNS + ") |", "| --- | ---: | ---: |"];
try {
  for (const engine of ["ts", "jinja", "fusion"]) {
    const args = ["--engine", engine, "--src", join(REPO_ROOT, "test", "corpus"), "--macro", "greet", "--context", context];
    stop();
    const first = call(args);
    const warm = Array.from({ length: RUNS }, () => call(args));
    rows.push(`| ${engine} | ${seconds(first)} | ${seconds(median(warm))} |`);
  }
} finally {
  stop();
  rmSync(scratch, { recursive: true, force: true });
}
console.log(rows.join("\n"));
