/**
 * The dbt context that macros may use, typed for TypeScript and implemented for Node.
 *
 * The compiler never compiles this file: it maps each export to its dbt name (see
 * scripts/compiler/prelude-map.ts). The Node implementation reads a runtime set by the
 * TypeScript engine (scripts/engines/ts-engine.ts), so a macro runs unchanged in Node and in dbt.
 */
import { md5Hex, readFileNextToCaller } from "./host.js";

export interface Target {
  name: string;
  type: string;
  database?: string;
  schema: string;
  [key: string]: unknown;
}

/** One row of a query result; read columns by name (`row["name"]`). */
export type QueryRow = Record<string, unknown>;

/** What `run_query` returns: an agate table in dbt. */
export interface QueryTable {
  rows: QueryRow[];
  column_names: string[];
}

export interface SourceNode {
  unique_id: string;
  source_name: string;
  name: string;
  database: string | null;
  schema: string;
  identifier: string | null;
  quoting?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface Graph {
  nodes: Record<string, Record<string, unknown>>;
  sources: Record<string, SourceNode>;
}

export interface ScriptedQueryResult {
  columns: string[];
  rows: unknown[][];
}

export interface RuntimeContext {
  target: Target;
  vars: Record<string, unknown>;
  env: Record<string, string>;
  graph: Graph;
  execute: boolean;
  queryResults: ScriptedQueryResult[];
  statements: string[];
  logs: string[];
  resolveMacro: (name: string) => ((...args: never[]) => unknown) | undefined;
  /** The keyword arguments of the macro run that are none of its parameters (see extraKeywordArguments). */
  extraKeywordArguments?: Record<string, unknown>;
}

/** Raised by `raiseCompilerError`; the TypeScript engine reports its message as the macro's error. */
export class CompilerError extends Error {
  override name = "CompilerError";
}

// The runtime lives on globalThis: a source folder outside this package may load its own copy of
// this module (as CommonJS, say), and every copy must see the run the engine started.
const RUNTIME_KEY = Symbol.for("dbt-cloud-orchestration.prelude.runtime");
const slot = globalThis as { [RUNTIME_KEY]?: RuntimeContext | undefined };

/** Used by the TypeScript engine only; macros never call it. */
export function setRuntime(context: RuntimeContext | undefined): void {
  slot[RUNTIME_KEY] = context;
}

function current(): RuntimeContext {
  const runtime = slot[RUNTIME_KEY];
  if (runtime === undefined) throw new Error("the dbt prelude was used outside a macro run");
  return runtime;
}

/** dbt's `target`. */
export const target: Target = new Proxy({} as Target, {
  get: (_object, key) => (current().target as unknown as Record<string | symbol, unknown>)[key],
  has: (_object, key) => key in current().target,
  ownKeys: () => Reflect.ownKeys(current().target),
  getOwnPropertyDescriptor: (_object, key) => Reflect.getOwnPropertyDescriptor(current().target, key),
});

/** dbt's `graph`. */
export const graph: Graph = new Proxy({} as Graph, {
  get: (_object, key) => (current().graph as unknown as Record<string | symbol, unknown>)[key],
});

/** dbt's `execute`: false while dbt parses, true when it runs. */
export function isExecuting(): boolean {
  return current().execute;
}

/** Jinja's `x is mapping`: a dict, such as a YAML mapping in `vars`. */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const missing = Symbol("missing");

/** dbt's `var(name, default)`. */
export function getVar<T>(name: string, fallback: T | typeof missing = missing): T {
  const vars = current().vars;
  if (Object.prototype.hasOwnProperty.call(vars, name)) return vars[name] as T;
  if (fallback !== missing) return fallback;
  // dbt's RequiredVarNotFoundError: the supplied vars follow as json.dumps(vars, sort_keys=True, indent=4).
  throw new CompilerError(
    `Required var '${name}' not found in config:\nVars supplied to <Configuration> = ${JSON.stringify(sortKeys(vars), null, 4)}`,
  );
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]));
}

/** dbt's `env_var(name, default)`. */
export function envVar(name: string, fallback?: string): string {
  const env = current().env;
  if (Object.prototype.hasOwnProperty.call(env, name)) return env[name] as string;
  if (fallback !== undefined) return fallback;
  throw new CompilerError(`Env var required but not provided: '${name}'`);
}

/**
 * Jinja's `kwargs`: the keyword arguments a macro was called with that are none of its parameters.
 * A Jinja macro that reads `kwargs` accepts unknown keywords into it, on dbt-core (which otherwise
 * refuses them with a TypeError) and on dbt 2.x (which otherwise drops them silently). Read it in
 * the macro that `run-operation` calls: in Node it holds the extra arguments of the run.
 */
export function extraKeywordArguments(): Record<string, unknown> {
  return current().extraKeywordArguments ?? {};
}

/** dbt's `log(msg, info)`: `info` prints it on the console as well as in the log file. */
export function log(message: string, info = false): void {
  void info;
  current().logs.push(message);
}

/** dbt's `run_query(sql)`: runs a statement and returns its result table. */
export function runQuery(sql: string): QueryTable {
  const context = current();
  const scripted = context.queryResults[context.statements.length];
  context.statements.push(sql);
  if (scripted === undefined) return { rows: [], column_names: [] };
  const rows = scripted.rows.map((values) => {
    const row: QueryRow = {};
    scripted.columns.forEach((column, index) => {
      row[column] = values[index];
    });
    return row;
  });
  return { rows, column_names: [...scripted.columns] };
}

/**
 * dbt's `adapter.add_query(sql, bindings=…)`: runs a statement whose values travel as bind
 * parameters (`%s` in the SQL, `%%` for a literal percent sign), so they never appear in the SQL
 * text that dbt logs.
 */
export function runWithBindings(sql: string, bindings: string[]): void {
  // As the connector's pyformat binding does: one value per %s, and %% for a literal percent sign.
  const placeholders = sql.replaceAll("%%", "").split("%s").length - 1;
  if (placeholders !== bindings.length) {
    throw new TypeError(`${placeholders} placeholder(s) for ${bindings.length} binding(s) in: ${sql.slice(0, 80)}`);
  }
  current().statements.push(sql);
}

/** dbt's `exceptions.raise_compiler_error(msg)`: stops the macro with an error. */
export function raiseCompilerError(message: string): never {
  throw new CompilerError(message);
}

/** dbt's `print(msg)`: a bare line on standard output, shown even with `--quiet`. */
export function printLine(message: string): void {
  current().logs.push(message);
}

/** Jinja's `value | string`: the text of a number, string or timestamp that a query returned. */
export function asText(value: string | number | object): string {
  return String(value);
}

/** dbt's `exceptions.warn(msg)`. */
export function warn(message: string): void {
  current().logs.push(message);
}

/** dbt's `adapter.dispatch(name, namespace)`: the `<adapter>__name` macro, else `default__name`. */
export function dispatch<F extends (...args: never[]) => unknown>(name: string, namespace: string): F {
  const context = current();
  const candidates = [`${context.target.type}__${name}`, `default__${name}`];
  for (const candidate of candidates) {
    const found = context.resolveMacro(candidate);
    if (found !== undefined) return found as F;
  }
  throw new CompilerError(
    `In dispatch: No macro named '${name}' found within namespace: '${namespace}'\n    Searched for: ` +
      candidates.map((candidate) => `'${candidate}'`).join(", "),
  );
}

/**
 * dbt's `tojson(value, sort_keys=true)` (the compiler always passes sort_keys: dbt 2.x sorts keys
 * whatever it is told): Python's `json.dumps`, whose separators are ", " and ": ".
 */
export function toJson(value: unknown): string {
  return pythonJsonDumps(value);
}

/** dbt's `local_md5(text)`: the MD5 of the text, 32 lower-case hex digits, computed in dbt (not in SQL). */
export function localMd5(text: string): string {
  return md5Hex(text);
}

/** dbt's `fromjson(text)`. */
export function fromJson(text: string): unknown {
  return JSON.parse(text);
}

/**
 * Compile-time only: the text of a file, relative to the source file, inlined by the compiler
 * inside `{% raw %}`. In Node it reads the file, so the TypeScript engine sees the same text.
 */
export function embed(relativePath: string): string {
  return readFileNextToCaller(relativePath);
}

function pythonJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    if (Number.isInteger(value)) return String(value);
    return String(value);
  }
  if (typeof value === "string") return pythonJsonString(value);
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(", ")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${pythonJsonString(key)}: ${pythonJsonDumps(item)}`).join(", ")}}`;
  }
  throw new TypeError(`Object of type ${typeof value} is not JSON serializable`);
}

function pythonJsonString(text: string): string {
  // json.dumps escapes every non-ASCII character (ensure_ascii=True).
  let out = '"';
  for (const unit of Array.from({ length: text.length }, (_unused, index) => text.charCodeAt(index))) {
    const ch = String.fromCharCode(unit);
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (unit < 0x20 || unit > 0x7e) out += `\\u${unit.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}
