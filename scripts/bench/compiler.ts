/**
 * `npx tsx scripts/bench/compiler.ts [--runs N]`: wall time of the macro compiler, median of N (3).
 * - the package (macros-src/): compileDirectory in-process, and the build CLI as a subprocess
 *   (`npm run build` as a user runs it, with the compile cache off and answered by it, and
 *   `npm run compile -- --src macros-src --out <empty folder>` with the cache off);
 * - generated corpora of 50 and 200 realistic macro files: compileDirectory in-process, and
 *   `tsc --noEmit` over the same sources for comparison (type-checking alone).
 * Prints a markdown table.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { compileDirectory, PRELUDE_FILE, REPO_ROOT } from "../compiler/compile.js";

const runsFlag = process.argv.indexOf("--runs");
const RUNS = runsFlag === -1 ? 3 : Number(process.argv[runsFlag + 1]);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function time(work: () => void): number {
  const samples: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    const started = performance.now();
    work();
    samples.push(performance.now() - started);
  }
  return median(samples);
}

/** One realistic macro file: an interface, a constant, three macros with loops, branches and calls. */
function macroFile(index: number, prelude: string): string {
  const previous = index === 0 ? "" : `import { render_${index - 1} } from "./file_${index - 1}.js";\n`;
  const callPrevious = index === 0 ? "" : `  lines.push(render_${index - 1}(job, dryRun));\n`;
  return `import { getVar, log, runQuery, raiseCompilerError } from "${prelude}";
${previous}
interface Job${index} {
  name: string;
  job_id: number;
  tables: string[];
  schedule?: { kind: string; text: string };
  settings: Record<string, string>;
}

const PREFIX_${index} = "tsk_${index}";

/** Validates one job of file ${index}. */
export function check_${index}(job: Job${index}): string[] {
  const problems: string[] = [];
  if (job.name.trim().length === 0) problems.push("name is empty");
  if (!Number.isInteger(job.job_id) || job.job_id <= 0) problems.push(\`job_id \${job.job_id} is not a positive integer\`);
  for (const [position, table] of job.tables.entries()) {
    const parts = table.split(".");
    if (parts.length !== 3) problems.push(\`tables[\${position}] '\${table}' is not database.schema.table\`);
  }
  return problems;
}

/** Renders the statements of one job of file ${index}. */
export function render_${index}(job: Job${index}, dryRun = false): string {
  const lines: string[] = [];
  let count = 0;
  const schedule = job.schedule !== undefined ? job.schedule.text : "triggered";
  for (const [key, value] of Object.entries(job.settings)) {
    if (value === "") continue;
    count += 1;
    lines.push(\`  \${key.toUpperCase()} = '\${value.replaceAll("'", "''")}'\`);
  }
${callPrevious}  const names = job.tables.map((table) => table.toLowerCase()).filter((table) => !table.startsWith("tmp_"));
  lines.push(\`-- \${count} setting(s), \${names.length} table(s), every \${Math.floor(names.length / 2)} pair(s), \${schedule}\`);
  return (dryRun ? "-- dry run\\n" : "") + \`create task \${PREFIX_${index}}_\${job.name}\\n\` + lines.join("\\n");
}

/** Plans and, unless dry, runs the job of file ${index}. */
export function run_${index}(job: Job${index}): void {
  const problems = check_${index}(job);
  if (problems.length > 0) raiseCompilerError(problems.join("; "));
  const dryRun = getVar<boolean>("dry_run", false);
  const sql = render_${index}(job, dryRun);
  log(sql, true);
  if (!dryRun) {
    const result = runQuery(sql);
    log(\`\${result.rows.length} row(s)\`);
  }
}
`;
}

function generateCorpus(count: number): string {
  const directory = mkdtempSync(join(tmpdir(), `tsj-bench-${count}-`));
  const src = join(directory, "src");
  mkdirSync(src);
  const prelude = relative(src, PRELUDE_FILE).replace(/\.ts$/, ".js");
  for (let index = 0; index < count; index += 1) writeFileSync(join(src, `file_${index}.ts`), macroFile(index, prelude));
  writeFileSync(join(directory, "tsconfig.json"), JSON.stringify({
    compilerOptions: {
      target: "ES2022", module: "ESNext", moduleResolution: "Bundler", strict: true, noImplicitReturns: true,
      noEmit: true, skipLibCheck: true, lib: ["ES2023"], types: ["node"], typeRoots: [join(REPO_ROOT, "node_modules", "@types")],
    },
    include: ["src/**/*.ts"],
  }));
  return directory;
}

function compileInProcess(src: string): () => void {
  return () => {
    const result = compileDirectory(src);
    if (result.diagnostics.length > 0) throw new Error(`${src}: ${result.diagnostics.length} diagnostic(s)`);
  };
}

const TSC = join(REPO_ROOT, "node_modules", ".bin", "tsc");
const rows: string[][] = [];
const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const packageSrc = join(REPO_ROOT, "macros-src");
const packageMacros = compileDirectory(packageSrc).macros.length;
rows.push([`package (macros-src/, ${packageMacros} macros)`, "compileDirectory, in-process", fmt(time(compileInProcess(packageSrc)))]);
// `npm run build` itself, as a user runs it (macros/ is current, so it writes nothing): compiling everything
// (compile cache off), then answered from the compile cache (scripts/compiler/cache.ts), as after an unrelated edit.
const npmBuild = (cache: "on" | "off") => () =>
  execFileSync("npm", ["run", "--silent", "build"], { cwd: REPO_ROOT, stdio: "ignore", env: { ...process.env, TSJ_COMPILE_CACHE: cache } });
rows.push([`package (macros-src/, ${packageMacros} macros)`, "`npm run build` subprocess, compile cache off", fmt(time(npmBuild("off")))]);
npmBuild("on")();
rows.push([`package (macros-src/, ${packageMacros} macros)`, "`npm run build` subprocess, answered by the compile cache", fmt(time(npmBuild("on")))]);
// The same with every output file written, into an empty scratch folder.
const buildOut = mkdtempSync(join(tmpdir(), "tsj-bench-build-"));
rows.push([`package (macros-src/, ${packageMacros} macros)`, "`npm run compile` into an empty folder, subprocess",
  fmt(time(() => {
    rmSync(buildOut, { recursive: true, force: true });
    execFileSync("npm", ["run", "--silent", "compile", "--", "--src", packageSrc, "--out", buildOut],
      { cwd: REPO_ROOT, stdio: "ignore", env: { ...process.env, TSJ_COMPILE_CACHE: "off" } });
  }))]);
rmSync(buildOut, { recursive: true, force: true });

const generated: string[] = [];
try {
  for (const count of [50, 200]) {
    const directory = generateCorpus(count);
    generated.push(directory);
    const label = `generated, ${count} files (${count * 3} macros)`;
    rows.push([label, "compileDirectory, in-process", fmt(time(compileInProcess(join(directory, "src"))))]);
    rows.push([label, "`tsc --noEmit` subprocess",
      fmt(time(() => execFileSync(TSC, ["--noEmit", "-p", join(directory, "tsconfig.json")], { stdio: "inherit" })))]);
  }
} finally {
  for (const directory of generated) rmSync(directory, { recursive: true, force: true });
}

console.log(`| sources | what | wall time (median of ${RUNS}) |`);
console.log("|---|---|---|");
for (const row of rows) console.log(`| ${row.join(" | ")} |`);
