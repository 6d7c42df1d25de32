/**
 * Every construct the compiler rejects, one test each: the exact `file:line:col - error CODE: message`
 * lines, both from compileDirectory and from the CLI, which must exit 1, print no stack trace and
 * leave the output folder untouched.
 *
 * Each case lives in the same folder on every run (.cache/tests/diagnostic-cases/<index>/src), so that
 * a warm run finds its compile in the compile cache (scripts/compiler/cache.ts) as long as neither the
 * case nor the compiler changed. The CLI is run as `npm run compile` runs it (scripts/cli/launch.mjs).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join, relative } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { compileCached } from "../../scripts/compiler/cache.js";
import { PRELUDE_FILE, REPO_ROOT } from "../../scripts/compiler/repo.js";
import { formatDiagnostic } from "../../scripts/compiler/diagnostics.js";
import { DIAGNOSTIC_CASES, type DiagnosticCase } from "./diagnostic-cases.js";

const scratch = join(REPO_ROOT, ".cache", "tests", "diagnostic-cases");

const LAUNCH = join(REPO_ROOT, "scripts", "cli", "launch.mjs");
const SENTINEL = "{#- not generated: the compiler must leave this file alone -#}\n";

function writeCase(diagnosticCase: DiagnosticCase, index: number): { src: string; out: string } {
  const root = join(scratch, String(index));
  const src = join(root, "src");
  const out = join(root, "out");
  rmSync(root, { recursive: true, force: true });
  for (const [file, text] of Object.entries(diagnosticCase.files)) {
    const path = join(src, file);
    mkdirSync(dirname(path), { recursive: true });
    const prelude = relative(dirname(path), PRELUDE_FILE).replace(/\.ts$/, ".js");
    writeFileSync(path, text.replace("PRELUDE", prelude));
  }
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "existing.sql"), SENTINEL);
  return { src, out };
}

function snapshotOf(directory: string): Record<string, string> {
  return Object.fromEntries(readdirSync(directory).sort().map((file) => [file, readFileSync(join(directory, file), "utf8")]));
}

interface CliRun {
  src: string;
  out: string;
  before: Record<string, string>;
  result: Promise<{ exitCode?: number | undefined; stdout: string; stderr: string }>;
}

/** The CLI runs start together, a few at a time, so the suite takes seconds rather than a minute. */
function startCliRuns(): CliRun[] {
  const parallel = Math.max(2, availableParallelism());
  let running = 0;
  const waiting: Array<() => void> = [];
  const slot = async <T>(work: () => Promise<T>): Promise<T> => {
    if (running >= parallel) await new Promise<void>((resolveSlot) => waiting.push(resolveSlot));
    running += 1;
    try {
      return await work();
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
  return DIAGNOSTIC_CASES.map((diagnosticCase, index) => {
    const { src, out } = writeCase(diagnosticCase, index);
    const before = snapshotOf(out);
    const result = slot(() => execa("node", [LAUNCH, "compile", "--src", src, "--out", out], { cwd: src, reject: false }));
    return { src, out, before, result };
  });
}

const runs = startCliRuns();

describe("rejected constructs", () => {
  DIAGNOSTIC_CASES.forEach((diagnosticCase, index) => {
    it(diagnosticCase.name, { timeout: 180_000 }, async () => {
      const { src, out, before } = runs[index]!;

      const result = await compileCached(src);
      expect(result.diagnostics.map((diagnostic) => formatDiagnostic(diagnostic, src))).toEqual(diagnosticCase.expected);
      expect(result.outputs.size).toBe(0);

      const cli = await runs[index]!.result;
      expect(cli.exitCode).toBe(1);
      expect(cli.stdout).toBe("");
      expect(cli.stderr.split("\n")).toEqual([
        ...diagnosticCase.expected,
        `${diagnosticCase.expected.length} error(s); nothing written.`,
      ]);
      expect(cli.stderr).not.toMatch(/^\s+at /m);
      expect(snapshotOf(out)).toEqual(before);
    });
  });
});
