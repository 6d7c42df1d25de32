/**
 * The Jinja engine: compiles a source folder and renders the macro in dbt-core's own Jinja
 * environment, through the long-lived Python oracle (scripts/oracle/jinja_oracle.py).
 */
import { createHash } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { execa, type ResultPromise } from "execa";
import { REPO_ROOT } from "../compiler/compile.js";
import { compileDirectoryCached } from "../compiler/cache.js";
import { formatDiagnostic } from "../compiler/diagnostics.js";
import type { MacroContextFile, MacroRun } from "./macro-run.js";

export const VENV_PYTHON = join(REPO_ROOT, ".venv", "bin", "python");
const ORACLE = join(REPO_ROOT, "scripts", "oracle", "jinja_oracle.py");

/** Compiles `srcDir` into a scratch folder (one per source folder) and returns it. */
export function compileToScratch(srcDir: string): string {
  const absolute = resolve(srcDir);
  const result = compileDirectoryCached(absolute);
  if (result.diagnostics.length > 0) throw new Error(result.diagnostics.map((d) => formatDiagnostic(d)).join("\n"));
  const digest = createHash("sha256").update(absolute).digest("hex").slice(0, 16);
  const outDir = join(REPO_ROOT, ".cache", "compiled", digest);
  rmSync(outDir, { recursive: true, force: true });
  for (const [path, text] of result.outputs) {
    if (!path.endsWith(".sql")) continue;
    mkdirSync(dirname(join(outDir, path)), { recursive: true });
    writeFileSync(join(outDir, path), text);
  }
  mkdirSync(outDir, { recursive: true });
  return outDir;
}

/** One Python process answering many render requests, one JSON line each. */
export class JinjaOracle {
  private readonly process: ResultPromise<{ stdin: "pipe"; stdout: "pipe"; stderr: "inherit"; reject: false }>;
  private readonly pending = new Map<number, (run: MacroRun) => void>();
  private nextId = 0;

  constructor() {
    this.process = execa(VENV_PYTHON, [ORACLE], { stdin: "pipe", stdout: "pipe", stderr: "inherit", reject: false } as const);
    const lines = createInterface({ input: this.process.stdout });
    lines.on("line", (line) => {
      const response = JSON.parse(line) as MacroRun & { id: number };
      const resolveRun = this.pending.get(response.id);
      this.pending.delete(response.id);
      resolveRun?.({ statements: response.statements, logs: response.logs, returned: response.returned, error: response.error });
    });
  }

  render(macrosDir: string, macro: string, context: MacroContextFile): Promise<MacroRun> {
    const id = this.nextId++;
    return new Promise((resolveRun, rejectRun) => {
      this.pending.set(id, resolveRun);
      const request = JSON.stringify({ id, macros_dir: macrosDir, macro, context, package_name: "dbt_cloud_orchestration" });
      this.process.stdin.write(`${request}\n`, (error) => {
        if (error) rejectRun(error);
      });
    });
  }

  async close(): Promise<void> {
    this.process.stdin.end();
    await this.process;
  }
}

export async function runJinjaMacro(srcDir: string, macro: string, context: MacroContextFile): Promise<MacroRun> {
  const oracle = new JinjaOracle();
  try {
    return await oracle.render(compileToScratch(srcDir), macro, context);
  } finally {
    await oracle.close();
  }
}
