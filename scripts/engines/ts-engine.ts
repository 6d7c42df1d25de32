/**
 * The TypeScript engine: runs a macro's TypeScript source in Node with the prelude's Node
 * implementation, so its result can be compared with the compiled Jinja's.
 */
import { pathToFileURL } from "node:url";
import { CompilerError, setRuntime } from "../compiler/prelude/dbt.js";
import { compileCached } from "../compiler/cache.js";
import { formatDiagnostic } from "../compiler/diagnostics.js";
import { DEFAULT_TARGET, type MacroContextFile, type MacroRun } from "./macro-run.js";

type MacroFunction = (...args: unknown[]) => unknown;

interface LoadedSources {
  functions: Map<string, MacroFunction>;
  params: Map<string, string[]>;
  /** Macros that read `kwargs` (extraKeywordArguments), which Jinja lets take unknown keywords. */
  catchesKeywords: Set<string>;
}

const loaded = new Map<string, Promise<LoadedSources>>();

async function load(srcDir: string): Promise<LoadedSources> {
  const compiled = await compileCached(srcDir);
  if (compiled.diagnostics.length > 0) {
    throw new Error(compiled.diagnostics.map((d) => formatDiagnostic(d)).join("\n"));
  }
  const functions = new Map<string, MacroFunction>();
  const params = new Map<string, string[]>();
  const catchesKeywords = new Set<string>();
  for (const signature of compiled.macros) {
    if (signature.readsKeywordArguments) catchesKeywords.add(signature.name);
    const module = (await import(pathToFileURL(signature.file).href)) as Record<string, unknown>;
    const fn = module[signature.name];
    if (typeof fn === "function") functions.set(signature.name, fn as MacroFunction);
    params.set(signature.name, signature.params);
  }
  return { functions, params, catchesKeywords };
}

function jsonValue(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value, (_key, item) => (item === undefined ? null : item)));
}

export async function runTsMacro(srcDir: string, macroName: string, context: MacroContextFile): Promise<MacroRun> {
  let sources = loaded.get(srcDir);
  if (sources === undefined) {
    sources = load(srcDir);
    loaded.set(srcDir, sources);
  }
  const { functions, params, catchesKeywords } = await sources;
  const args = context.args ?? {};
  const names = params.get(macroName) ?? [];
  const extra = Object.fromEntries(Object.entries(args).filter(([key]) => !names.includes(key)));
  const run: MacroRun = { statements: [], logs: [], returned: null, error: null };
  const fn = functions.get(macroName);
  if (fn === undefined) {
    run.error = params.has(macroName)
      ? `macro '${macroName}' is not exported, so the TypeScript engine cannot call it`
      : `no macro named '${macroName}'`;
    return run;
  }
  setRuntime({
    target: context.target ?? DEFAULT_TARGET,
    vars: context.vars ?? {},
    env: context.env ?? {},
    graph: context.graph ?? { nodes: {}, sources: {} },
    execute: context.execute ?? true,
    queryResults: context.query_results ?? [],
    statements: run.statements,
    logs: run.logs,
    resolveMacro: (name) => functions.get(name),
    extraKeywordArguments: extra,
  });
  try {
    const unknown = Object.keys(extra);
    if (unknown.length > 0 && !catchesKeywords.has(macroName)) throw new TypeError(`macro '${macroName}' got unexpected keyword argument(s) ${unknown.join(", ")}`);
    run.returned = jsonValue(fn(...names.map((name) => args[name])));
  } catch (error) {
    run.error = error instanceof Error && error.name === CompilerError.name ? error.message
      : error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } finally {
    setRuntime(undefined);
  }
  return run;
}

