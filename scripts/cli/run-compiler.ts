/** Shared by `npm run build` and `npm run compile`: compile, print diagnostics, write or check. */
import { watch } from "node:fs";
import { compileCached } from "../compiler/cache.js";
import { formatDiagnostic } from "../compiler/diagnostics.js";
import { staleFiles, writeOutputs } from "./output.js";

export interface CompilerRun {
  srcDir: string;
  outDir: string;
  check: boolean;
}

export async function runOnce({ srcDir, outDir, check }: CompilerRun): Promise<boolean> {
  const started = performance.now();
  let result;
  try {
    result = await compileCached(srcDir);
  } catch (error) {
    // A compiler bug must still read as a diagnostic, not a stack trace.
    console.error(`${srcDir}:1:1 - error TSJ9000: internal compiler error: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
  if (result.diagnostics.length > 0) {
    for (const diagnostic of result.diagnostics) console.error(formatDiagnostic(diagnostic));
    console.error(`${result.diagnostics.length} error(s); nothing written.`);
    return false;
  }
  if (check) {
    const stale = staleFiles(outDir, result.outputs);
    if (stale.length > 0) {
      console.error(`${outDir} is stale; run 'npm run build'. Differs: ${stale.join(", ")}`);
      return false;
    }
    console.log(`${outDir} is up to date (${result.outputs.size} files).`);
    return true;
  }
  const changed = writeOutputs(outDir, result.outputs);
  const elapsed = Math.round(performance.now() - started);
  const leftOut = result.macros.filter((macro) => !macro.emitted).length;
  const uncalled = leftOut === 0 ? "" : ` (${leftOut} private macros nothing calls left out)`;
  console.log(`compiled ${result.macros.length - leftOut} macros${uncalled} into ${outDir}: ${changed} file(s) changed (${elapsed} ms)`);
  return true;
}

export async function runCompiler(run: CompilerRun, watchMode: boolean): Promise<void> {
  const ok = await runOnce(run);
  if (!watchMode) {
    process.exitCode = ok ? 0 : 1;
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  console.log(`watching ${run.srcDir} (Ctrl-C to stop)`);
  watch(run.srcDir, { recursive: true }, () => {
    clearTimeout(timer);
    timer = setTimeout(() => void runOnce(run), 100);
  });
}

export function flag(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index === -1 ? undefined : args[index + 1];
}
