/**
 * The Fusion engine: renders a compiled macro with dbt 2.x itself (`dbt==2.0.0rc196`, the
 * `dbt-fusion 2.0.0-preview.196` binary in `.venv-fusion`), one `dbt run-operation` per batch of cases
 * asked for together that share a target, sources, vars and env (one per case when asked one by one;
 * a case that fails ends its run-operation, and the cases after it run in the next).
 *
 * Each batch gets a scratch root project (scripts/engines/fusion/project.ts) that installs the
 * compiled macros as the local package `dbt_cloud_orchestration`, with a dummy profile from the
 * context's `target`, `sources.yml` from `graph.sources`, `vars` through `--vars`, `env` through the
 * process environment and each case's macro and `args` through `--args` (the package's batch driver
 * calls them in order). Root macros override `run_query` (statements are
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

/**
 * The runs of a batch's cases from dbt 2.x's JSON events: each case's output follows its case marker.
 * A case that started and did not return ended the run-operation: the error event is its error, and
 * the cases after it did not run (`ran` counts the cases that have an answer). An error before the
 * first case (a project that does not parse, say) is every case's answer.
 */
export function parseFusionBatch(stdout: string, exitCode: number | undefined, cases: number): { runs: MacroRun[]; ran: number } {
  const runs: MacroRun[] = [];
  const returned: boolean[] = [];
  let current: MacroRun | undefined;
  let error: string | null = null;
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
    if (name === "PrintEvent" && msg.startsWith(MARK.case)) {
      current = { statements: [], logs: [], returned: null, error: null };
      runs.push(current);
      returned.push(false);
    } else if (name === "PrintEvent" && current !== undefined) {
      if (msg.startsWith(MARK.statement)) current.statements.push(JSON.parse(msg.slice(MARK.statement.length)) as string);
      else if (msg.startsWith(MARK.returned)) {
        returned[runs.length - 1] = true;
        current.returned = JSON.parse(msg.slice(MARK.returned.length));
      } else current.logs.push(msg);
    } else if ((name === "JinjaLogInfo" || name === "JinjaDebugInfo") && current !== undefined) {
      current.logs.push(msg);
    } else if (event.info?.level === "warn" && /^\[warning\] \[JinjaWarn /.test(event.info.msg ?? "") && current !== undefined) {
      current.logs.push(fusionErrorMessage(event.info.msg!));
    } else if (event.info?.level === "error" && error === null) {
      error = fusionErrorMessage(event.info.msg ?? "");
    }
  }
  for (const run of runs) {
    // As run-operation (and the dbt-core oracle): a macro without `return` gives its rendered text.
    if (typeof run.returned === "string" && run.returned.trim() === "") run.returned = null;
  }
  const unfinished = returned.indexOf(false);
  if (unfinished !== -1) {
    runs[unfinished]!.error = error ?? `fusion engine: dbt exited with ${exitCode} and no error event`;
    runs[unfinished]!.returned = null;
    return { runs: runs.slice(0, unfinished + 1), ran: unfinished + 1 };
  }
  const failure = error ?? `fusion engine: dbt exited with ${exitCode} and no error event`;
  if (runs.length === cases) {
    // Every case returned; a failure after that is the last one's, as it would be were it alone.
    if (exitCode !== 0) Object.assign(runs[cases - 1]!, { error: failure, returned: null });
    return { runs, ran: cases };
  }
  // An error before a case started (a project that does not parse): every case not answered gets it.
  const failed = Array.from({ length: cases - runs.length }, () => ({ statements: [], logs: [], returned: null, error: failure }));
  return { runs: [...runs, ...failed], ran: cases };
}

interface PendingCase {
  macro: string;
  context: MacroContextFile;
  answer: (run: MacroRun) => void;
  fail: (error: unknown) => void;
}

/** Cases asked for together that share a package, target, sources, vars and env run in one `run-operation`. */
const MAX_BATCH = 40;

/** Runs compiled macros through dbt 2.x, up to `parallelism` run-operations at a time. */
export class FusionEngine {
  private readonly free: string[] = [];
  private readonly waiting: Array<(slot: string) => void> = [];
  private readonly home = join(FUSION_CACHE, "home");
  private readonly gathering = new Map<string, { packageDir: string; cases: PendingCase[] }>();

  constructor(parallelism = Math.max(1, Math.min(8, availableParallelism()))) {
    if (!existsSync(FUSION_DBT)) throw new Error(`fusion engine: ${FUSION_DBT} is missing; run bash scripts/engines/fusion/install.sh`);
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

  /**
   * One macro call. Calls made in the same tick (a test file starting its cases together) that share
   * everything but the macro, its arguments and its scripted query results are run as one batch: one
   * dbt 2.x process parses the project once for all of them.
   */
  render(compiledDir: string, macro: string, context: MacroContextFile): Promise<MacroRun> {
    if (context.execute === false) {
      // dbt run-operation always executes; there is no way to render with execute = false.
      return Promise.reject(new Error("fusion engine: a context with execute: false cannot be run with dbt run-operation"));
    }
    if (!/^\w+$/.test(macro)) return Promise.reject(new Error(`fusion engine: not a macro name: ${macro}`));
    const packageDir = preparePackage(compiledDir);
    const key = JSON.stringify([packageDir, context.target ?? null, context.graph?.sources ?? {}, context.vars ?? {}, context.env ?? {}]);
    return new Promise((answer, fail) => {
      let batch = this.gathering.get(key);
      if (batch === undefined) {
        batch = { packageDir, cases: [] };
        this.gathering.set(key, batch);
        setImmediate(() => {
          this.gathering.delete(key);
          void this.runBatches(batch!.packageDir, batch!.cases);
        });
      }
      batch.cases.push({ macro, context, answer, fail });
    });
  }

  private async runBatches(packageDir: string, cases: PendingCase[]): Promise<void> {
    const runs: Array<Promise<void>> = [];
    for (let start = 0; start < cases.length; start += MAX_BATCH) runs.push(this.runBatch(packageDir, cases.slice(start, start + MAX_BATCH)));
    await Promise.all(runs);
  }

  /** Runs the cases in order; a case that fails ends its run-operation, so the cases after it run in the next. */
  private async runBatch(packageDir: string, cases: PendingCase[]): Promise<void> {
    const slot = await this.acquire();
    try {
      let remaining = cases;
      while (remaining.length > 0) {
        const { runs, ran } = await this.runOnce(slot, packageDir, remaining);
        runs.forEach((run, index) => remaining[index]!.answer(run));
        remaining = remaining.slice(ran);
      }
    } catch (error) {
      for (const pending of cases) pending.fail(error);
    } finally {
      this.release(slot);
    }
  }

  private async runOnce(slot: string, packageDir: string, cases: PendingCase[]): Promise<{ runs: MacroRun[]; ran: number }> {
    const context = cases[0]!.context;
    const batch = cases.map((item) => ({ macro: item.macro, args: item.context.args ?? {}, queryResults: item.context.query_results }));
    const { project, profiles } = writeCaseProject(slot, packageDir, context, batch);
    const result = await execa(FUSION_DBT, [
      "run-operation", "fusion_engine_drive_batch",
      "--args", JSON.stringify({ cases: batch.map(({ macro, args }) => ({ macro, args })) }),
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
      timeout: 120_000,
      all: true,
    });
    return parseFusionBatch(result.all ?? "", result.exitCode, cases.length);
  }

  async close(): Promise<void> {
    /* no long-lived process: each batch is one dbt invocation */
  }
}
