/**
 * The compile cache: `compileCached` returns a stored CompileResult while nothing it was
 * computed from has changed, else compiles and stores the new one. Most of a compile is TypeScript
 * loading and type-checking the program (about a second), so every tool that compiles the same
 * sources again (`npm run macro`, the test files, each in its own process) pays it once.
 *
 * A stored result is trusted only when, checked again on every lookup:
 * - the compiler is the same: its key hashes every file under scripts/compiler/ and the installed
 *   versions of typescript and ts-morph (a compiler change never meets an old result);
 * - the source folder holds the same `.ts` files (a new file is a new program);
 * - every file the compile read (`CompileResult.inputs`: sources, prelude and imports, embedded files,
 *   dbt_project.yml) has the same content hash, or is still missing when it was missing.
 * Entries live in `.cache/compile/`, one JSON file per source folder and options, written atomically
 * (write, then rename) because test files compile at the same time in separate processes.
 * `TSJ_COMPILE_CACHE=off` turns it off; the compiler benchmark never uses it. It loads the compiler (and
 * TypeScript, ~0.4 s a process) only on a miss, so a process whose sources are unchanged never pays for it.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { CompileOptions, CompileResult, MacroSignature } from "./compile.js";
import type { Diagnostic } from "./diagnostics.js";
import { REPO_ROOT } from "./repo.js";

export const COMPILE_CACHE_DIR = join(REPO_ROOT, ".cache", "compile");

interface StoredResult {
  sourceFiles: string[];
  inputs: Array<[path: string, digest: string | null]>;
  outputs: Array<[path: string, text: string]>;
  diagnostics: Diagnostic[];
  macros: MacroSignature[];
}

const sha256 = (text: string | Buffer) => createHash("sha256").update(text).digest("hex");

/** The hash of a file's content; null when there is no file. */
export function contentDigest(path: string): string | null {
  try {
    return sha256(readFileSync(path));
  } catch {
    return null;
  }
}

/** Files below `directory` (node_modules skipped) whose name `keep` accepts, sorted. */
export function filesUnder(directory: string, keep: (name: string) => boolean = () => true): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules") found.push(...filesUnder(path, keep));
    } else if (keep(entry.name)) {
      found.push(path);
    }
  }
  return found.sort();
}

let compilerDigest: string | undefined;

/** The compiler's identity: its own files and the TypeScript it type-checks with. */
function compilerIdentity(): string {
  if (compilerDigest === undefined) {
    const digest = createHash("sha256");
    for (const path of filesUnder(join(REPO_ROOT, "scripts", "compiler"), () => true)) {
      digest.update(`${path}\0${contentDigest(path)}\0`);
    }
    for (const dependency of ["typescript", "ts-morph"]) {
      digest.update(`${dependency}\0${contentDigest(join(REPO_ROOT, "node_modules", dependency, "package.json"))}\0`);
    }
    compilerDigest = digest.digest("hex");
  }
  return compilerDigest;
}

const sourceFilesOf = (srcDir: string) => filesUnder(srcDir, (name) => name.endsWith(".ts") && !name.endsWith(".d.ts"));

/** Where the result for a source folder and options is stored. */
export function cacheEntryPath(srcDir: string, options: CompileOptions = {}): string {
  return join(COMPILE_CACHE_DIR, `${sha256(`${compilerIdentity()}\0${srcDir}\0${JSON.stringify(options)}`).slice(0, 32)}.json`);
}

function stillValid(stored: StoredResult, srcDir: string): boolean {
  const sourceFiles = sourceFilesOf(srcDir);
  if (sourceFiles.length !== stored.sourceFiles.length || sourceFiles.some((path, index) => path !== stored.sourceFiles[index])) {
    return false;
  }
  return stored.inputs.every(([path, digest]) => contentDigest(path) === digest);
}

function read(path: string): StoredResult | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as StoredResult;
  } catch {
    return undefined;
  }
}

/** The stored result for a source folder, if it is still what a compile would return; undefined otherwise. */
export function storedCompile(sourceDirectory: string, options: CompileOptions = {}): CompileResult | undefined {
  if (process.env.TSJ_COMPILE_CACHE === "off") return undefined;
  const srcDir = resolve(sourceDirectory);
  const stored = read(cacheEntryPath(srcDir, options));
  if (stored === undefined || !stillValid(stored, srcDir)) return undefined;
  return {
    outputs: new Map(stored.outputs), diagnostics: stored.diagnostics, macros: stored.macros,
    inputs: stored.inputs.map(([input]) => input),
  };
}

/**
 * Compiles with `compile` (compileDirectory, passed in so that this module does not load TypeScript:
 * a CLI whose answer is stored never pays for it) and stores the result.
 */
export function compileAndStore(
  compile: (srcDir: string, options: CompileOptions) => CompileResult, sourceDirectory: string, options: CompileOptions = {},
): CompileResult {
  const srcDir = resolve(sourceDirectory);
  if (process.env.TSJ_COMPILE_CACHE === "off") return compile(srcDir, options);
  // Digests are taken before compiling: a file edited during the compile then fails the next check.
  const sourceFiles = sourceFilesOf(srcDir);
  const before = new Map(sourceFiles.map((file) => [file, contentDigest(file)]));
  const result = compile(srcDir, options);
  const entry: StoredResult = {
    sourceFiles,
    inputs: result.inputs.map((input) => [input, before.has(input) ? before.get(input)! : contentDigest(input)]),
    outputs: [...result.outputs], diagnostics: result.diagnostics, macros: result.macros,
  };
  const path = cacheEntryPath(srcDir, options);
  mkdirSync(COMPILE_CACHE_DIR, { recursive: true });
  const staging = `${path}.${process.pid}.tmp`;
  writeFileSync(staging, JSON.stringify(entry));
  renameSync(staging, path);
  return result;
}

/** The compile's result: stored, else compiled; the compiler (and TypeScript) load only then. */
export async function compileCached(sourceDirectory: string, options: CompileOptions = {}): Promise<CompileResult> {
  const stored = storedCompile(sourceDirectory, options);
  if (stored !== undefined) return stored;
  const { compileDirectory } = await import("./compile.js");
  return compileAndStore(compileDirectory, sourceDirectory, options);
}
