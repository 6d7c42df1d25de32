/** How each export of scripts/compiler/prelude/dbt.ts is spelled in dbt. One entry per export. */
import { attr, lit, name, type Expr } from "./ir.js";

export interface PreludeFunction {
  /** The dbt callee. */
  callee: Expr;
  /** Names of the dbt keyword arguments that the TypeScript arguments after `positional` map to. */
  positional: number;
  keywords: string[];
  /** A call with no arguments that is a value in dbt (`execute`), not a call. */
  asValue?: true;
  /** A one-argument predicate that is a Jinja test in dbt (`x is mapping`). */
  test?: string;
  /** A one-argument conversion that is a Jinja filter in dbt (`x | string`). */
  filter?: string;
  /** Keyword arguments every call passes (`tojson(x, sort_keys=true)`: the same key order in dbt-core and dbt 2.x). */
  fixedKeywords?: Array<[string, Expr]>;
}

export const PRELUDE_FUNCTIONS: Record<string, PreludeFunction> = {
  getVar: { callee: name("var"), positional: 2, keywords: [] },
  envVar: { callee: name("env_var"), positional: 2, keywords: [] },
  log: { callee: name("log"), positional: 1, keywords: ["info"] },
  runQuery: { callee: name("run_query"), positional: 1, keywords: [] },
  runWithBindings: { callee: attr(name("adapter"), "add_query"), positional: 1, keywords: ["bindings"] },
  raiseCompilerError: { callee: attr(name("exceptions"), "raise_compiler_error"), positional: 1, keywords: [] },
  warn: { callee: attr(name("exceptions"), "warn"), positional: 1, keywords: [] },
  dispatch: { callee: attr(name("adapter"), "dispatch"), positional: 2, keywords: [] },
  toJson: { callee: name("tojson"), positional: 1, keywords: [], fixedKeywords: [["sort_keys", lit(true)]] },
  fromJson: { callee: name("fromjson"), positional: 1, keywords: [] },
  localMd5: { callee: name("local_md5"), positional: 1, keywords: [] },
  printLine: { callee: name("print"), positional: 1, keywords: [] },
  asText: { callee: name("string"), positional: 1, keywords: [], filter: "string" },
  isExecuting: { callee: name("execute"), positional: 0, keywords: [], asValue: true },
  extraKeywordArguments: { callee: name("kwargs"), positional: 0, keywords: [], asValue: true },
  isMapping: { callee: name("mapping"), positional: 1, keywords: [], test: "mapping" },
};

export const PRELUDE_VALUES: Record<string, string> = {
  target: "target",
  graph: "graph",
};

/** Compile-time functions, evaluated by the compiler. */
export const PRELUDE_COMPILE_TIME = new Set(["embed"]);

/**
 * Names that a macro's locals must not take: dbt's context and Jinja's own words,
 * which a `set` would shadow or which cannot be assigned.
 */
export const RESERVED_NAMES = new Set([
  // dbt context members that compiled code reads.
  "adapter", "dbt_version", "env_var", "exceptions", "execute", "fromjson", "graph", "log", "return", "run_query",
  "target", "tojson", "var",
  // Jinja's own names and words.
  "loop", "namespace", "caller", "varargs", "kwargs", "self", "range", "dict", "lipsum", "cycler", "joiner",
  "true", "false", "none", "True", "False", "None", "and", "or", "not", "in", "is", "if", "else", "elif",
  "for", "endfor", "set", "do", "macro", "call", "filter", "with", "import", "include", "block", "extends",
]);

/** Prefix of every name the compiler makes up; sources may not use it. */
export const GENERATED_PREFIX = "tsj_";
