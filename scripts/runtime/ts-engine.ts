/**
 * The TypeScript engine: runs a macro's TypeScript source in Node with the prelude's Node
 * implementation, so its result can be compared with the compiled Jinja's.
 */
import { pathToFileURL } from "node:url";
import { CompilerError, setRuntime } from "../../macros-src/prelude/dbt.js";
import { compileDirectory } from "../compiler/compile.js";
import { formatDiagnostic } from "../compiler/diagnostics.js";
import { DEFAULT_TARGET, type MacroContextFile, type MacroRun } from "./macro-run.js";

type MacroFunction = (...args: unknown[]) => unknown;

interface LoadedSources {
  functions: Map<string, MacroFunction>;
  params: Map<string, string[]>;
}

/** The TypeScript engine answers as dbt-core does (the jinja engine, its oracle, is dbt-core 1.11). */
const TS_ENGINE_DBT_VERSION = "1.11";

const loaded = new Map<string, Promise<LoadedSources>>();

async function load(srcDir: string): Promise<LoadedSources> {
  const compiled = compileDirectory(srcDir);
  if (compiled.diagnostics.length > 0) {
    throw new Error(compiled.diagnostics.map((d) => formatDiagnostic(d)).join("\n"));
  }
  const functions = new Map<string, MacroFunction>();
  const params = new Map<string, string[]>();
  for (const signature of compiled.macros) {
    const module = (await import(pathToFileURL(signature.file).href)) as Record<string, unknown>;
    const fn = module[signature.name];
    if (typeof fn === "function") functions.set(signature.name, fn as MacroFunction);
    params.set(signature.name, signature.params);
  }
  return { functions, params };
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
  const { functions, params } = await sources;
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
    dbtVersion: TS_ENGINE_DBT_VERSION,
    queryResults: context.query_results ?? [],
    statements: run.statements,
    logs: run.logs,
    resolveMacro: (name) => functions.get(name),
  });
  try {
    const args = context.args ?? {};
    const names = params.get(macroName) ?? [];
    const unknown = Object.keys(args).filter((key) => !names.includes(key));
    if (unknown.length > 0) throw new TypeError(`macro '${macroName}' got unexpected keyword argument(s) ${unknown.join(", ")}`);
    run.returned = jsonValue(fn(...names.map((name) => args[name])));
  } catch (error) {
    run.error = error instanceof Error && error.name === CompilerError.name ? error.message
      : error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } finally {
    setRuntime(undefined);
  }
  return run;
}

