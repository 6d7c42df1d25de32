/** Sources the compiler must reject, each with the one diagnostic it must print. */
export interface DiagnosticCase {
  name: string;
  /** File name → source. `PRELUDE` in a source is replaced by the relative import path of the prelude. */
  files: Record<string, string>;
  /** The exact lines, with files relative to the source folder. */
  expected: string[];
}

export const DIAGNOSTIC_CASES: DiagnosticCase[] = [
  {
    name: "throw",
    files: { "m.ts": `export function m(x: string): string {\n  if (x === "") throw new Error("empty");\n  return x;\n}\n` },
    expected: ["m.ts:2:17 - error TSJ1001: ThrowStatement is not part of the macro language: call raiseCompilerError(message) from the prelude instead of 'throw'."],
  },
  {
    name: "try",
    files: { "m.ts": `export function m(x: string): string {\n  try {\n    return x;\n  } catch {\n    return "";\n  }\n}\n` },
    expected: ["m.ts:2:3 - error TSJ1001: TryStatement is not part of the macro language: Jinja cannot catch errors; validate before acting instead."],
  },
  {
    name: "switch fall-through",
    files: { "m.ts": `export function m(x: string): string[] {\n  const out: string[] = [];\n  switch (x) {\n    case "a":\n      out.push("a");\n    case "b":\n      out.push("b");\n  }\n  return out;\n}\n` },
    expected: ["m.ts:4:5 - error TSJ1001: this case falls through into the next one; end it with break, return or continue (Jinja's if / elif has no fall-through)."],
  },
  {
    name: "object rest",
    files: { "m.ts": `export function m(o: { a: string; b: string }): string {\n  const { a, ...others } = o;\n  return a + Object.keys(others).join();\n}\n` },
    expected: ["m.ts:2:14 - error TSJ1001: object rest ('...others') has no Jinja counterpart; read the keys you need."],
  },
  {
    name: "for-in",
    files: { "m.ts": `export function m(o: Record<string, string>): string[] {\n  const keys: string[] = [];\n  for (const key in o) keys.push(key);\n  return keys;\n}\n` },
    expected: ["m.ts:3:3 - error TSJ1001: ForInStatement is not part of the macro language: write 'for (const [key, value] of Object.entries(o))'."],
  },
  {
    name: "switch on an object",
    files: { "m.ts": `export function m(o: { a: string }): number {\n  switch (o) {\n    default:\n      return 0;\n  }\n}\n` },
    expected: ["m.ts:2:11 - error TSJ1012: switch compares with '===', which compares arrays and objects by identity in JavaScript and by value in Jinja; switch on a string or number."],
  },
  {
    name: "class",
    files: { "m.ts": `export class Job {\n  id = "";\n}\n\nexport function m(): string {\n  return "x";\n}\n` },
    expected: ["m.ts:1:1 - error TSJ1002: ClassDeclaration at the top of a file is not part of the macro language: write functions (each becomes a macro), const literals, imports, types and interfaces."],
  },
  {
    name: "loose equality",
    files: { "m.ts": `export function m(x: string): boolean {\n  return x == "a";\n}\n` },
    expected: ["m.ts:2:12 - error TSJ1012: loose equality ('==', '!=') coerces types in JavaScript and not in Jinja; use '===' or '!=='."],
  },
  {
    name: "division outside Math.floor",
    files: { "m.ts": `export function m(a: number, b: number): number {\n  return a / b;\n}\n` },
    expected: ["m.ts:2:12 - error TSJ1007: '/' yields a float in Jinja ('6 / 2' is '3.0'): print or compare the quotient where it is computed (`${a / b}`, String(a / b), a / b > c), or wrap it in Math.floor, Math.ceil or Math.trunc."],
  },
  {
    name: "truthiness of unknown",
    files: { "m.ts": `export function m(x: unknown): string {\n  return x ? "yes" : "no";\n}\n` },
    expected: ["m.ts:2:10 - error TSJ1005: the truth of a value of type 'unknown' differs between JavaScript and Jinja (empty arrays and objects are true in JavaScript, false in Jinja). Compare explicitly, e.g. 'x !== undefined', 'x.length > 0' or 'typeof x === \"string\"'."],
  },
  {
    name: "truthiness of a mixed type",
    files: { "m.ts": `export function m(x: string | string[]): string {\n  if (x) return "yes";\n  return "no";\n}\n` },
    expected: ["m.ts:2:7 - error TSJ1005: the truth of a value of type 'string | string[]' differs between JavaScript and Jinja (empty arrays and objects are true in JavaScript, false in Jinja). Compare explicitly, e.g. 'x !== undefined', 'x.length > 0' or 'typeof x === \"string\"'."],
  },
  {
    name: "a nullable string in a template literal",
    files: { "m.ts": `export function m(label: string | null): string {\n  return \`label: \${label}\`;\n}\n` },
    expected: ["m.ts:2:20 - error TSJ1006: a template literal substitution of type 'string | null' would print differently in Jinja (null prints 'None'; a mix of booleans and other values cannot be told apart). Convert it to a string explicitly first."],
  },
  {
    name: "optional call",
    files: { "m.ts": `export function n(f?: () => string): string {\n  return f?.() ?? "";\n}\n` },
    expected: ["m.ts:2:10 - error TSJ1003: optional calls ('?.()') are not part of the macro language."],
  },
  {
    name: "regular expression pattern",
    files: { "m.ts": `export function m(s: string): string {\n  return s.replace(/a+/, "b");\n}\n` },
    expected: ["m.ts:2:20 - error TSJ1004: patterns must be strings; regular expressions are not supported."],
  },
  {
    name: "$ in a replacement",
    files: { "m.ts": `export function m(s: string): string {\n  return s.replaceAll("a", "$&$&");\n}\n` },
    expected: ["m.ts:2:28 - error TSJ1004: the replacement must be a string literal without '$' (JavaScript expands '$&', '$1'… in it; Jinja does not)."],
  },
  {
    name: "undefined passed to a defaulted parameter",
    files: { "m.ts": `export function inner(a: string, b = "x"): string {\n  return a + b;\n}\n\nexport function m(): string {\n  return inner("a", undefined);\n}\n` },
    expected: ["m.ts:6:21 - error TSJ1011: passing 'undefined' uses the default in JavaScript but passes none in Jinja; leave the argument out."],
  },
  {
    name: "a local named log",
    files: { "m.ts": `export function m(): string {\n  const log = "x";\n  return log;\n}\n` },
    expected: ["m.ts:2:9 - error TSJ1009: 'log' is a name of dbt's context or of Jinja; a local of that name would hide it. Rename it."],
  },
  {
    name: "a parameter named target",
    files: { "m.ts": `export function m(target: string): string {\n  return target;\n}\n` },
    expected: ["m.ts:1:19 - error TSJ1009: 'target' is a name of dbt's context or of Jinja; a local of that name would hide it. Rename it."],
  },
  {
    name: "a tsj_ local",
    files: { "m.ts": `export function m(): string {\n  const tsj_x = "x";\n  return tsj_x;\n}\n` },
    expected: ["m.ts:2:9 - error TSJ1009: names starting with 'tsj_' are reserved for the compiler. Rename 'tsj_x'."],
  },
  {
    name: "a macro named like dbt's statement (it hid dbt's own inside the package)",
    files: { "m.ts": `export function statement(sql: string): string {\n  return sql;\n}\n` },
    expected: ["m.ts:1:17 - error TSJ1009: macro 'statement' would hide a macro of dbt-core, dbt-adapters or dbt-snowflake inside the package; dbt's names are taken (scripts/compiler/dbt-reserved-names.json). Rename it."],
  },
  {
    name: "a macro named like a dbt context member",
    files: { "m.ts": `export function helper(): string {\n  return "x";\n}\n\nexport function ref(name: string): string {\n  return name;\n}\n` },
    expected: ["m.ts:5:17 - error TSJ1009: macro 'ref' would hide a member of dbt's Jinja context inside the package; dbt's names are taken (scripts/compiler/dbt-reserved-names.json). Rename it."],
  },
  {
    name: "a macro named like a Jinja global",
    files: { "m.ts": `export function range(): string {\n  return "x";\n}\n` },
    expected: ["m.ts:1:17 - error TSJ1009: macro 'range' would hide a global of dbt's Jinja environment inside the package; dbt's names are taken (scripts/compiler/dbt-reserved-names.json). Rename it."],
  },
  {
    name: "a macro named like a macro only dbt 2.x bundles",
    files: { "m.ts": `export function bigquery__get_columns_in_relation(): string {\n  return "x";\n}\n` },
    expected: ["m.ts:1:17 - error TSJ1009: macro 'bigquery__get_columns_in_relation' would hide a macro bundled with dbt 2.x inside the package; dbt's names are taken (scripts/compiler/dbt-reserved-names.json). Rename it."],
  },
  {
    name: "a macro named like the package",
    files: { "m.ts": `export function dbt_cloud_orchestration(): string {\n  return "x";\n}\n` },
    expected: ["m.ts:1:17 - error TSJ1009: macro 'dbt_cloud_orchestration' has the package's name (dbt_project.yml), which qualifies every call between its macros. Rename it."],
  },
  {
    name: "a tsj_ macro",
    files: { "m.ts": `export function tsj_m(): string {\n  return "x";\n}\n` },
    expected: ["m.ts:1:17 - error TSJ1009: 'tsj_m' cannot be a dbt macro name."],
  },
  {
    name: "duplicate macro names across files",
    files: {
      "a.ts": `export function same(): string {\n  return "a";\n}\n`,
      "b.ts": `export function same(): string {\n  return "b";\n}\n`,
    },
    expected: ["b.ts:1:17 - error TSJ1009: macro 'same' is also defined in a.ts; dbt macro names are global."],
  },
  {
    name: "computed default of a parameter that may be null",
    files: { "m.ts": `const BASE = 2;\n\nexport function m(n: number | null = BASE * 2): number {\n  return n ?? 0;\n}\n` },
    expected: ["m.ts:3:38 - error TSJ1011: a computed default applies to undefined only, but this parameter may be null, and both are none in Jinja; default it to a literal, or write 'const value = param ?? fallback' in the body."],
  },
  {
    name: "a lowering with effects after a call with effects",
    files: { "m.ts": `import { log } from "PRELUDE";\n\nexport function noisy(x: string): string {\n  log(x);\n  return x;\n}\n\nexport function m(xs: string[]): string {\n  return noisy("first") + xs.map((x) => noisy(x)).join();\n}\n` },
    expected: ["m.ts:9:27 - error TSJ1008: this needs statements with effects that Jinja runs before the whole statement, so before 'noisy(\"first\")', which JavaScript runs first. Compute it in a statement of its own first."],
  },
  {
    name: "sort of numbers without a comparator",
    files: { "m.ts": `export function m(xs: number[]): number[] {\n  return xs.sort();\n}\n` },
    expected: ["m.ts:2:10 - error TSJ1004: sort is lowered for strings ('names.sort()') and for numbers with '(a, b) => a - b' or '(a, b) => b - a'; for anything else build the order with a loop (without a comparator, JavaScript compares numbers as text)."],
  },
  {
    name: "join of nested arrays",
    files: { "m.ts": `export function m(xs: string[][]): string {\n  return xs.join(";");\n}\n` },
    expected: ["m.ts:2:10 - error TSJ1006: join needs an array of strings, numbers or booleans (null prints 'None' in Jinja, and a mix of booleans and other values cannot be told apart); for an array of arrays, join the inner arrays first: xs.map((x) => x.join(\",\")).join(sep)."],
  },
  {
    name: "split with a computed limit",
    files: { "m.ts": `export function m(s: string, n: number): string[] {\n  return s.split(",", n);\n}\n` },
    expected: ["m.ts:2:23 - error TSJ1004: split's limit must be a non-negative integer literal ('s.split(\",\", 2)'); otherwise slice the result: 's.split(\",\").slice(0, n)'."],
  },
  {
    name: "toFixed with computed digits",
    files: { "m.ts": `export function m(x: number, d: number): string {\n  return x.toFixed(d);\n}\n` },
    expected: ["m.ts:2:20 - error TSJ1004: toFixed takes one integer literal from 0 to 20 (the number of digits), e.g. 'x.toFixed(2)'."],
  },
  {
    name: "destructuring default on a value that may be null",
    files: { "m.ts": `export function m(o: { a: string | null }): string {\n  const { a = "x" } = o;\n  return a ?? "";\n}\n` },
    expected: ["m.ts:2:11 - error TSJ1012: a default applies to undefined only, but this value may be null, and null and undefined are both none in Jinja; read it and write 'value ?? fallback' if null should take the fallback too."],
  },
  {
    name: "equality of an unknown with undefined",
    files: { "m.ts": `export function m(x: unknown): boolean {\n  return x === undefined;\n}\n` },
    expected: ["m.ts:2:16 - error TSJ1012: 'x' may be null or undefined, which are both none in Jinja; test both with 'x == null' (or '!= null')."],
  },
  {
    name: "module-level let",
    files: { "m.ts": `let counter = 0;\n\nexport function m(): number {\n  counter += 1;\n  return counter;\n}\n` },
    expected: [
      "m.ts:1:1 - error TSJ1002: module-level variables must be const: Jinja macros share no module state.",
      "m.ts:4:3 - error TSJ1003: 'counter' is not a local, a module constant or a prelude value.",
    ],
  },
  {
    name: "embed of a missing file",
    files: { "m.ts": `import { embed } from "PRELUDE";\n\nexport function m(): string {\n  const sql = embed("./missing.sql");\n  return sql;\n}\n` },
    expected: ["m.ts:4:21 - error TSJ1010: embed: no file at './missing.sql'."],
  },
  {
    name: "a tsc type error",
    files: { "m.ts": `export function m(n: number): string {\n  const s: string = n;\n  return s;\n}\n` },
    expected: ["m.ts:2:9 - error TS2322: Type 'number' is not assignable to type 'string'."],
  },
  {
    name: "=== null where the value may be undefined",
    files: { "m.ts": `export function m(o: { a?: string | null }): boolean {\n  return o.a === null;\n}\n` },
    expected: ["m.ts:2:18 - error TSJ1012: 'o.a' may be null or undefined, which are both none in Jinja; test both with 'o.a == null' (or '!= null')."],
  },
  {
    name: "=== on arrays",
    files: { "m.ts": `export function m(a: string[], b: string[]): boolean {\n  return a === b;\n}\n` },
    expected: ["m.ts:2:10 - error TSJ1012: '===' compares arrays and objects by identity in JavaScript and by value in Jinja; compare their contents."],
  },
  {
    name: "printing a number that needs evaluating twice",
    files: { "m.ts": `export function count(): number {\n  return 1;\n}\n\nexport function m(): string {\n  return \`n=\${count()}\`;\n}\n` },
    expected: ["m.ts:6:15 - error TSJ1006: a template literal substitution is a number, which Jinja may print as a float ('3.0' where JavaScript prints '3'); assign it to a const first so that the compiler can print it as JavaScript does."],
  },
  {
    name: "a lowered callback right of &&",
    files: { "m.ts": `export function m(ok: boolean, xs: string[]): string[] | boolean {\n  return ok && xs.map((x) => x.trim());\n}\n` },
    expected: ["m.ts:2:16 - error TSJ1008: this needs a loop in Jinja, which would run even where JavaScript would not evaluate it (right of &&, ||, ?? or inside ?:). Compute it in a statement of its own first."],
  },
];
