/**
 * The Fusion engine: renders a compiled macro with dbt 2.x itself (`dbt==2.0.0rc196`, the
 * `dbt-fusion 2.0.0-preview.196` binary in `.venv-fusion`), one `dbt run-operation` per case.
 *
 * Each case gets a scratch root project (scripts/runtime/fusion/project.ts) that installs the
 * compiled macros as the local package `dbt_cloud_orchestration`, with a dummy profile from the
 * context's `target`, `sources.yml` from `graph.sources`, `vars` through `--vars`, `env` through the
 * process environment and `args` through `--args`. Root macros override `run_query` (statements are
 * printed, results scripted), so nothing ever reaches a warehouse. Output is read from
 * `--log-format json --log-level debug` events: `PrintEvent` (the driver's markers and the macro's
 * `print`), `JinjaLogInfo`/`JinjaDebugInfo` (`log`, which Fusion does not let a project override),
 * `JinjaWarn` warnings (`exceptions.warn`) and the error event that ends a failed run-operation.
 *
 * Network safety: version check and telemetry are off (env and flags), HOME is a scratch folder
 * (no cached ADBC driver, no ~/.dbt), and HTTP(S)_PROXY point at a closed port on 127.0.0.1.
 */
import { existsSync, mkdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { compileToScratch } from "./jinja-engine.js";
import type { MacroContextFile, MacroRun } from "./macro-run.js";
import { FUSION_CACHE, FUSION_DBT, MARK, preparePackage, writeCaseProject } from "./fusion/project.js";

/** Environment that keeps every Fusion invocation on this machine. Applied last: a context cannot override it. */
export const FUSION_SAFE_ENV: Record<string, string> = {
  DBT_DISABLE_VERSION_CHECK: "true",
  DBT_SEND_ANONYMOUS_USAGE_STATS: "false",
  DO_NOT_TRACK: "1",
  HTTP_PROXY: "http://127.0.0.1:9",
  HTTPS_PROXY: "http://127.0.0.1:9",
  ALL_PROXY: "http://127.0.0.1:9",
  http_proxy: "http://127.0.0.1:9",
  https_proxy: "http://127.0.0.1:9",
  all_proxy: "http://127.0.0.1:9",
  NO_PROXY: "",
  no_proxy: "",
};
export const FUSION_SAFE_FLAGS = ["--no-version-check", "--no-send-anonymous-usage-stats"];

interface LogEvent {
  info?: { name?: string; level?: string; msg?: string };
  data?: { msg?: string };
}

/** `[error] [JinjaError (dbt1501)]: Failed to run operation invalid operation: Compilation Error: BOOM\n  --> file` → `BOOM`. */
export function fusionErrorMessage(raw: string): string {
  let message = raw.replace(/^\[(error|warning)\] \[[^\]]*\]: /, "");
  message = message.replace(/\n\s+--> [^\n]*(\n[\s\S]*)?$/, "");
  message = message.replace(/^Failed to run operation /, "").replace(/^invalid operation: /, "");
  message = message.replace(/^Compilation Error: /, "");
  // dbt 2.x appends the template positions, one "(in file:line:col)" line per macro frame.
  return message.trimEnd().replace(/(\s*\(in [^()\n]*:\d+:\d+\))+$/, "").trimEnd();
}

export function parseFusionOutput(stdout: string, exitCode: number | undefined): MacroRun & { raw_error: string | null } {
  const run: MacroRun & { raw_error: string | null } = { statements: [], logs: [], returned: null, error: null, raw_error: null };
  let sawReturned = false;
  for (const line of stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    let event: LogEvent;
    try {
      event = JSON.parse(line) as LogEvent;
    } catch {
      continue;
    }
    const name = event.info?.name ?? "";
    const msg = event.data?.msg ?? event.info?.msg ?? "";
    if (name === "PrintEvent") {
      if (msg.startsWith(MARK.statement)) run.statements.push(JSON.parse(msg.slice(MARK.statement.length)) as string);
      else if (msg.startsWith(MARK.returned)) {
        sawReturned = true;
        run.returned = JSON.parse(msg.slice(MARK.returned.length));
      } else run.logs.push(msg);
    } else if (name === "JinjaLogInfo" || name === "JinjaDebugInfo") {
      run.logs.push(msg);
    } else if (event.info?.level === "warn" && /^\[warning\] \[JinjaWarn /.test(event.info.msg ?? "")) {
      run.logs.push(fusionErrorMessage(event.info.msg!));
    } else if (event.info?.level === "error" && run.raw_error === null) {
      run.raw_error = event.info.msg ?? "";
      run.error = fusionErrorMessage(run.raw_error);
    }
  }
  if (run.error === null && (exitCode !== 0 || !sawReturned)) {
    run.error = `fusion engine: dbt exited with ${exitCode} and no error event`;
  }
  if (run.error !== null) run.returned = null;
  // As run-operation (and the dbt-core oracle): a macro without `return` gives its rendered text.
  if (typeof run.returned === "string" && run.returned.trim() === "") run.returned = null;
  return run;
}

/** Runs compiled macros through dbt 2.x, up to `parallelism` run-operations at a time. */
export class FusionEngine {
  private readonly free: string[] = [];
  private readonly waiting: Array<(slot: string) => void> = [];
  private readonly home = join(FUSION_CACHE, "home");

  constructor(parallelism = Math.max(1, Math.min(8, availableParallelism()))) {
    if (!existsSync(FUSION_DBT)) throw new Error(`fusion engine: ${FUSION_DBT} is missing; run bash scripts/fusion/install.sh`);
    mkdirSync(this.home, { recursive: true });
    for (let index = 0; index < parallelism; index++) this.free.push(join(FUSION_CACHE, "slots", `${process.pid}-${index}`));
  }

  private acquire(): Promise<string> {
    const slot = this.free.pop();
    return slot !== undefined ? Promise.resolve(slot) : new Promise((resolveSlot) => this.waiting.push(resolveSlot));
  }

  private release(slot: string): void {
    const next = this.waiting.shift();
    if (next !== undefined) next(slot);
    else this.free.push(slot);
  }

  async render(compiledDir: string, macro: string, context: MacroContextFile): Promise<MacroRun> {
    if (context.execute === false) {
      // dbt run-operation always executes; there is no way to render with execute = false.
      throw new Error("fusion engine: a context with execute: false cannot be run with dbt run-operation");
    }
    const packageDir = preparePackage(compiledDir);
    const slot = await this.acquire();
    try {
      if (!/^\w+$/.test(macro)) throw new Error(`fusion engine: not a macro name: ${macro}`);
      const { project, profiles } = writeCaseProject(slot, packageDir, context);
      const result = await execa(FUSION_DBT, [
        "run-operation", `fusion_engine_drive__${macro}`,
        "--args", JSON.stringify(context.args ?? {}),
        "--vars", JSON.stringify(context.vars ?? {}),
        "--profiles-dir", profiles, "--project-dir", project,
        "--log-format", "json", "--log-level", "debug", ...FUSION_SAFE_FLAGS,
      ], {
        cwd: project,
        env: {
          PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: this.home, ...(context.env ?? {}),
          // dbt 2.x calls postgres "experimental"; the dummy profile points at 127.0.0.1 and is never connected to.
          ...(context.target?.type === "postgres" ? { DBT_ALLOW_EXPERIMENTAL_ADAPTERS: "true" } : {}),
          ...FUSION_SAFE_ENV,
        },
        extendEnv: false,
        reject: false,
        timeout: 60_000,
        all: true,
      });
      const { raw_error: _raw, ...run } = parseFusionOutput(result.all ?? "", result.exitCode);
      return run;
    } finally {
      this.release(slot);
    }
  }

  async close(): Promise<void> {
    /* no long-lived process: each case is one dbt invocation */
  }
}

export async function runFusionMacro(srcDir: string, macro: string, context: MacroContextFile): Promise<MacroRun> {
  return new FusionEngine(1).render(compileToScratch(srcDir), macro, context);
}
