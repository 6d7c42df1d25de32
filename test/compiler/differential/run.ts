/**
 * Runs generated programs on the three engines and compares: each program must compile to Jinja that
 * answers as the TypeScript does on dbt-core and dbt 2.x, or be refused at compile time with a
 * located diagnostic, or stop on dbt with a run-time guard naming its source line
 * (scripts/compiler/transforms/guard.ts). Programs run in batches: one compile for all, one Jinja
 * oracle, and dbt 2.x run-operations of up to 40 cases each.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { compileDirectory } from "../../../scripts/compiler/compile.js";
import { formatDiagnostic } from "../../../scripts/compiler/diagnostics.js";
import { REPO_ROOT } from "../../../scripts/compiler/repo.js";
import { compileToScratch, type JinjaOracle } from "../../../scripts/engines/jinja-engine.js";
import type { FusionEngine } from "../../../scripts/engines/fusion-engine.js";
import type { MacroRun } from "../../../scripts/engines/macro-run.js";
import { runTsMacro } from "../../../scripts/engines/ts-engine.js";
import type { Program } from "./programs.js";

export const DIFFERENTIAL_DIR = join(REPO_ROOT, ".cache", "differential");

/** A guard's error: `path/file.ts:line:col: …` (scripts/compiler/transforms/guard.ts). */
const GUARD = /^[^\s:]+\.ts:\d+:\d+: /;

export interface Mismatch {
  program: Program;
  input: Record<string, unknown>;
  engine: "jinja" | "fusion";
  ts: MacroRun;
  dbt: MacroRun;
}

export interface BatchReport {
  programs: number;
  /** Programs refused at compile time, by diagnostic code (TSJ… for the macro language, TS… for type errors). */
  refused: Map<string, number>;
  /** Runs (program × input × dbt engine) that answered as the TypeScript did. */
  agreed: number;
  /** Runs stopped by a run-time guard on dbt. */
  guarded: number;
  mismatches: Mismatch[];
  /** One refusal's text per code, to read what the generator hits. */
  refusalSamples: Map<string, string>;
}

export interface Engines {
  oracle: JinjaOracle;
  fusion: FusionEngine | undefined;
}

/** Compiles the programs of a batch in a folder of their own; the ones refused are left out and reported. */
function compileBatch(dir: string, programs: Program[], report: BatchReport): Program[] {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let kept = programs;
  for (const program of kept) writeFileSync(join(dir, `${program.macro}.ts`), program.source);
  for (;;) {
    const result = compileDirectory(dir, { packageName: "dbt_cloud_orchestration" });
    if (result.diagnostics.length === 0) return kept;
    const refusedFiles = new Set<string>();
    for (const diagnostic of result.diagnostics) {
      const file = diagnostic.file.replace(/^.*\//, "").replace(/\.ts$/, "");
      if (refusedFiles.has(file)) continue;
      refusedFiles.add(file);
      report.refused.set(diagnostic.code, (report.refused.get(diagnostic.code) ?? 0) + 1);
      if (!report.refusalSamples.has(diagnostic.code)) report.refusalSamples.set(diagnostic.code, formatDiagnostic(diagnostic, dir));
    }
    kept = kept.filter((program) => !refusedFiles.has(program.macro));
    for (const file of refusedFiles) rmSync(join(dir, `${file}.ts`), { force: true });
    if (kept.length === 0) return kept;
  }
}

/** A value as JSON holds it: JavaScript writes -0 as 0, which Python writes -0.0 (a float only tojson would show). */
function asJson(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}

function agrees(ts: MacroRun, dbt: MacroRun): "agreed" | "guarded" | "mismatch" {
  if (dbt.error !== null && GUARD.test(dbt.error)) return "guarded";
  // JavaScript itself failed (reading a property of undefined, say): dbt must fail too.
  if (ts.error !== null) return dbt.error !== null ? "agreed" : "mismatch";
  return dbt.error === null && isDeepStrictEqual(asJson(dbt.returned), asJson(ts.returned)) && isDeepStrictEqual(dbt.logs, ts.logs)
    ? "agreed" : "mismatch";
}

/** Runs one batch of programs (a folder of its own under .cache/differential/). */
export async function runBatch(name: string, programs: Program[], engines: Engines): Promise<BatchReport> {
  const report: BatchReport = { programs: programs.length, refused: new Map(), agreed: 0, guarded: 0, mismatches: [], refusalSamples: new Map() };
  const dir = join(DIFFERENTIAL_DIR, name);
  const kept = compileBatch(dir, programs, report);
  if (kept.length === 0) return report;
  const compiledDir = await compileToScratch(dir);
  const runs = kept.flatMap((program) => program.inputs.map((input) => {
    const context = { args: input };
    return {
      program, input,
      ts: runTsMacro(dir, program.macro, context),
      jinja: engines.oracle.render(compiledDir, program.macro, context),
      fusion: engines.fusion?.render(compiledDir, program.macro, context),
    };
  }));
  for (const run of runs) {
    const ts = await run.ts;
    for (const engine of ["jinja", "fusion"] as const) {
      const pending = run[engine];
      if (pending === undefined) continue;
      const dbt = await pending;
      const verdict = agrees(ts, dbt);
      if (verdict === "mismatch") report.mismatches.push({ program: run.program, input: run.input, engine, ts, dbt });
      else report[verdict] += 1;
    }
  }
  return report;
}

export function describeMismatch(mismatch: Mismatch): string {
  return [
    `${mismatch.engine} differs from the TypeScript on ${JSON.stringify(mismatch.input)}:`,
    mismatch.program.source,
    `ts:    ${JSON.stringify({ returned: mismatch.ts.returned, error: mismatch.ts.error })}`,
    `${mismatch.engine}: ${JSON.stringify({ returned: mismatch.dbt.returned, error: mismatch.dbt.error })}`,
  ].join("\n");
}
