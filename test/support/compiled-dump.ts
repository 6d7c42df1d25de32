/**
 * Writes everything the compiler produces for this repository into one folder, so two states of the
 * compiler can be compared file by file (test/support/compare-dumps.ts):
 *   package/<file>      macros-src/ compiled (the text of macros/)
 *   corpus/<file>       test/corpus/ compiled
 *   diagnostics.txt     every rejected-construct case of test/compiler/diagnostic-cases.ts, with its lines
 * Usage: npx tsx test/support/compiled-dump.ts OUT_DIR   (the compile cache is not used)
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { compileDirectory, PRELUDE_FILE, REPO_ROOT } from "../../scripts/compiler/compile.js";
import { formatDiagnostic } from "../../scripts/compiler/diagnostics.js";
import { CORPUS_DIR } from "../compiler/corpus-dir.js";
import { DIAGNOSTIC_CASES } from "../compiler/diagnostic-cases.js";

function writeOutputs(outputs: Map<string, string>, folder: string): void {
  for (const [file, text] of outputs) {
    const path = join(folder, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
}

function diagnosticLines(scratch: string): string {
  const lines: string[] = [];
  DIAGNOSTIC_CASES.forEach((diagnosticCase, index) => {
    const src = join(scratch, String(index));
    for (const [file, text] of Object.entries(diagnosticCase.files)) {
      const path = join(src, file);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text.replace("PRELUDE", relative(dirname(path), PRELUDE_FILE).replace(/\.ts$/, ".js")));
    }
    const result = compileDirectory(src);
    lines.push(`## ${diagnosticCase.name} (${result.outputs.size} outputs)`, ...result.diagnostics.map((d) => formatDiagnostic(d, src)));
  });
  return `${lines.join("\n")}\n`;
}

const out = process.argv[2];
if (out === undefined) throw new Error("usage: compiled-dump.ts OUT_DIR");
rmSync(out, { recursive: true, force: true });
const packageResult = compileDirectory(join(REPO_ROOT, "macros-src"));
const corpusResult = compileDirectory(CORPUS_DIR);
for (const result of [packageResult, corpusResult]) {
  if (result.diagnostics.length > 0) throw new Error(result.diagnostics.map((d) => formatDiagnostic(d)).join("\n"));
}
writeOutputs(packageResult.outputs, join(out, "package"));
writeOutputs(corpusResult.outputs, join(out, "corpus"));
const scratch = join(REPO_ROOT, ".cache", "tests", "dump-diagnostic-cases");
rmSync(scratch, { recursive: true, force: true });
writeFileSync(join(out, "diagnostics.txt"), diagnosticLines(scratch));
rmSync(scratch, { recursive: true, force: true });
console.log(`${packageResult.outputs.size} package files, ${corpusResult.outputs.size} corpus files, ${DIAGNOSTIC_CASES.length} diagnostic cases → ${out}`);
