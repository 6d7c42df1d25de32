/**
 * Compares two dumps of the compiler's output (test/support/compiled-dump.ts) and shows that they
 * differ only by the generated Jinja's intended clean-ups. Each side is normalised the same way, and
 * every macro must then read the same, token for token:
 *
 * 1. source-line comments (`{#- macros-src/x.ts:12 -#}`) are dropped, and source positions in messages
 *    (`macros-src/x.ts:12:5`) read alike; a macro is compared by name wherever its file is (a source
 *    file moved), docs entries too;
 * 2. a macro only BEFORE has it must be private (`_x`), and no macro AFTER may refer to it (its docs
 *    entry goes with it; a file left with no macro is absent);
 * 3. whitespace between tokens is dropped, so re-wrapped lines read the same;
 * 4. `(a if false else b)` / `(a if true else b)` with string operands become the branch taken, and
 *    adjacent string literals joined by `~` become one string (constant folding);
 * 5. a `set` of a constant list or dict bound once in the macro is put back where its name is read
 *    (a literal shared under a name);
 * 6. `set x = tsj_y` where `tsj_y` is bound once: `tsj_y` is renamed `x` and the copy dropped (a list
 *    built under its local's name);
 * 7. every name a `set` or `for` binds is renamed to a canonical one per binding, in order (names
 *    made readable, loop names reused).
 * A macro only AFTER has is listed by name (a function added to the sources). Diagnostics must be identical. Prints how many macros needed which step; exits 1 on any difference.
 *
 * Usage: npx tsx test/support/compare-dumps.ts BEFORE_DIR AFTER_DIR
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

type Tokens = string[];

const SOURCE_LINE = /^\{#- [\w./-]+\.ts:\d+ -#\}\n/gm;
/** A source position in a generated message (a guard's error names the TypeScript it checks): it moves with its source. */
const SOURCE_POSITION = /macros-src\/[\w./-]+\.ts:\d+:\d+/g;
const TOKEN = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\{%-|-%\}|\{#-|-#\}|==|!=|<=|>=|[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?|\s+|./gs;
const STRING = /^"(?:[^"\\]|\\.)*"$/;
const WORD = /^[A-Za-z_][A-Za-z0-9_]*$/;
const KEYWORDS = new Set(["set", "for", "in", "if", "else", "elif", "endif", "endfor", "do", "return", "not", "and", "or", "is", "none",
  "true", "false", "macro", "endmacro", "break", "continue", "raw", "endraw", "endset", "loop"]);

function filesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((entry) => {
    const path = join(directory, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Name → text of every macro of a generated .sql file. */
function macrosOf(text: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of text.matchAll(/\{%- macro (\w+)\(.*?\{%- endmacro -%\}/gs)) found.set(match[1]!, match[0]);
  return found;
}

function tokens(text: string): Tokens {
  // Raw blocks hold text that is not Jinja: one token each.
  const parts = text.split(/(\{% raw %\}.*?\{% endraw %\})/s);
  return parts.flatMap((part, index) => (index % 2 === 1 ? [part] : [...part.matchAll(TOKEN)].map((m) => m[0]).filter((t) => !/^\s+$/.test(t))));
}

function foldConstants(input: Tokens): Tokens {
  let out = [...input];
  for (let i = 0; i + 6 < out.length; i += 1) {
    const [open, a, ifWord, cond, elseWord, b, close] = out.slice(i, i + 7);
    if (open === "(" && STRING.test(a!) && ifWord === "if" && (cond === "true" || cond === "false") && elseWord === "else" &&
      STRING.test(b!) && close === ")") {
      out.splice(i, 7, cond === "true" ? a! : b!);
    }
  }
  const joined: Tokens = [];
  for (const token of out) {
    const n = joined.length;
    if (STRING.test(token) && joined[n - 1] === "~" && STRING.test(joined[n - 2] ?? "")) {
      joined.splice(n - 2, 2, `${joined[n - 2]!.slice(0, -1)}${token.slice(1)}`);
    } else {
      joined.push(token);
    }
  }
  out = joined;
  return out;
}

/** `{%- set NAME = <tokens> -%}` statements: their start index, name and value. */
function sets(input: Tokens): Array<{ start: number; end: number; target: string; value: Tokens }> {
  const found = [];
  for (let i = 0; i + 3 < input.length; i += 1) {
    if (input[i] === "{%-" && input[i + 1] === "set" && WORD.test(input[i + 2]!) && input[i + 3] === "=") {
      const end = input.indexOf("-%}", i);
      found.push({ start: i, end, target: input[i + 2]!, value: input.slice(i + 4, end) });
    }
  }
  return found;
}

const boundOnce = (input: Tokens, target: string): boolean =>
  sets(input).filter((set) => set.target === target).length === 1 && !input.some((t, i) => t === target && input[i - 1] === "for");

function inlineSharedLiterals(input: Tokens): Tokens {
  for (const set of sets(input)) {
    const constant = (set.value[0] === "[" || set.value[0] === "{") &&
      set.value.every((t) => STRING.test(t) || /^[\d.]+$/.test(t) || "[]{},:".includes(t) || ["true", "false", "none"].includes(t));
    // Only what the compiler shares: a non-empty literal, never changed through its name (no method but a read).
    const onlyRead = input.every((t, i) => t !== set.target || input[i + 1] !== "." || ["get", "keys", "items", "values"].includes(input[i + 2]!));
    if (!constant || set.value.length < 5 || !onlyRead || !boundOnce(input, set.target)) continue;
    const rest = [...input.slice(0, set.start), ...input.slice(set.end + 1)];
    return inlineSharedLiterals(rest.flatMap((t, i) => (t === set.target && rest[i - 1] !== "." ? set.value : [t])));
  }
  return input;
}

function dropResultCopies(input: Tokens): Tokens {
  for (const set of sets(input)) {
    const source = set.value[0]!;
    if (set.value.length !== 1 || !source.startsWith("tsj_") || !boundOnce(input, source)) continue;
    const rest = [...input.slice(0, set.start), ...input.slice(set.end + 1)];
    return dropResultCopies(rest.map((t, i) => (t === source && rest[i - 1] !== "." ? set.target : t)));
  }
  return input;
}

/** Each binding (`set x`, `for x, y in`) gets a fresh canonical name; a read takes the latest binding's. */
function canonicalNames(input: Tokens): Tokens {
  const current = new Map<string, string>();
  let counter = 0;
  const out: Tokens = [];
  let inForTargets = false;
  input.forEach((token, i) => {
    const previous = input[i - 1];
    if (previous === "for") inForTargets = true;
    if (token === "in") inForTargets = false;
    const binds = WORD.test(token) && !KEYWORDS.has(token) && previous !== "." &&
      ((previous === "set" && input[i - 2] === "{%-") || inForTargets);
    if (binds) current.set(token, `v${(counter += 1)}`);
    const kwarg = input[i + 1] === "=" && (previous === "(" || previous === ",");
    out.push(WORD.test(token) && previous !== "." && !kwarg && current.has(token) ? current.get(token)! : token);
  });
  return out;
}

const STEPS: Array<[string, (t: Tokens) => Tokens]> = [
  ["constants folded", foldConstants],
  ["shared literal", inlineSharedLiterals],
  ["result under its local's name", dropResultCopies],
  ["locals renamed", canonicalNames],
];

/** Runs the steps (all but `skipped`) on both sides; true when they then read the same. */
function sameAfter(before: Tokens, after: Tokens, skipped: string | undefined): boolean {
  let [b, a] = [before, after];
  for (const [label, step] of STEPS) if (label !== skipped) [b, a] = [step(b), step(a)];
  return b.join(" ") === a.join(" ");
}

/** The steps a macro needs to read the same (each one left out makes it differ), or undefined when it still differs. */
function compareMacro(before: string, after: string): string[] | undefined {
  if (before === after) return [];
  const [b, a] = [tokens(before), tokens(after)];
  if (b.join(" ") === a.join(" ")) return ["re-wrapped"];
  if (!sameAfter(b, a, undefined)) return undefined;
  return STEPS.map(([label]) => label).filter((label) => !sameAfter(b, a, label));
}

/** The dump's part (package/, corpus/) a file is in, so a name is looked up within its own part. */
const part = (directory: string, file: string): string => relative(directory, file).split(/[\\/]/)[0]!;

/** `part/name` → file and text of every macro of a dump's .sql files: a macro is compared wherever its source file now is. */
function macrosByName(directory: string): Map<string, { path: string; text: string }> {
  const found = new Map<string, { path: string; text: string }>();
  for (const file of filesUnder(directory).filter((f) => f.endsWith(".sql")).sort()) {
    const text = readFileSync(file, "utf8").replace(SOURCE_LINE, "").replace(SOURCE_POSITION, "macros-src/…");
    for (const [macroName, macroText] of macrosOf(text)) {
      found.set(`${part(directory, file)}/${macroName}`, { path: relative(directory, file), text: macroText });
    }
  }
  return found;
}

/** `part/name` → text of every docs entry (`  - name: x` and the lines under it) of a dump's .yml files. */
function docsEntriesByName(directory: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of filesUnder(directory).filter((f) => f.endsWith(".yml"))) {
    for (const entry of readFileSync(file, "utf8").split(/(?=^ {2}- name: )/m)) {
      const entryName = /^ {2}- name: (\w+)/.exec(entry)?.[1];
      if (entryName !== undefined) found.set(`${part(directory, file)}/${entryName}`, entry);
    }
  }
  return found;
}

function main(): number {
  const [beforeDir, afterDir] = process.argv.slice(2);
  if (beforeDir === undefined || afterDir === undefined) throw new Error("usage: compare-dumps.ts BEFORE_DIR AFTER_DIR");
  const problems: string[] = [];
  const tally = new Map<string, number>();
  const count = (label: string): void => void tally.set(label, (tally.get(label) ?? 0) + 1);
  const read = (dir: string, path: string): string => (existsSync(join(dir, path)) ? readFileSync(join(dir, path), "utf8") : "");

  const afterText = filesUnder(afterDir).map((file) => readFileSync(file, "utf8")).join("\n");
  const [before, after] = [macrosByName(beforeDir), macrosByName(afterDir)];
  const dropped = new Set<string>();
  const added = new Set<string>();
  let moved = 0;
  for (const [key, { path, text }] of [...before].sort(([a], [b]) => a.localeCompare(b))) {
    const macroName = key.slice(key.indexOf("/") + 1);
    const now = after.get(key);
    if (now === undefined) {
      const referenced = new RegExp(`\\b${macroName}\\b`).test(afterText);
      if (!macroName.startsWith("_") || referenced) problems.push(`${path}: ${macroName} is gone but is ${referenced ? "referenced" : "not private"}`);
      dropped.add(key);
      count("uncalled private macro left out");
      continue;
    }
    if (now.path !== path) moved += 1;
    const steps = compareMacro(text, now.text);
    if (steps === undefined) problems.push(`${path}: ${macroName} differs beyond the intended clean-ups`);
    else count(steps.length === 0 ? "identical but for its source-line comment" : steps.join(" + "));
    if (process.env.COMPARE_VERBOSE && steps !== undefined && steps.length > 0) console.log(`${path}: ${macroName}: ${steps.join(" + ")}`);
  }
  // A macro only AFTER has comes from a function added to the sources: listed, not compared.
  for (const [key, { path }] of after) {
    if (before.has(key)) continue;
    console.log(`new macro (its source was added): ${path}: ${key.slice(key.indexOf("/") + 1)}`);
    added.add(key);
  }
  // The header of a file both dumps have (a file whose source moved is compared macro by macro above).
  const header = (text: string): string => text.slice(0, text.indexOf("-#}"));
  for (const file of filesUnder(afterDir).filter((f) => f.endsWith(".sql"))) {
    const path = relative(afterDir, file);
    const beforeText = read(beforeDir, path);
    if (beforeText !== "" && header(beforeText) !== header(read(afterDir, path))) problems.push(`${path}: header differs`);
  }
  // Docs entries, by name: those of macros left out or added are not compared.
  const [beforeDocs, afterDocs] = [docsEntriesByName(beforeDir), docsEntriesByName(afterDir)];
  for (const key of new Set([...beforeDocs.keys(), ...afterDocs.keys()])) {
    if (dropped.has(key) || added.has(key)) continue;
    if (beforeDocs.get(key) !== afterDocs.get(key)) problems.push(`docs entry of ${key} differs`);
  }
  for (const [label, n] of [...tally].sort()) console.log(`${String(n).padStart(4)}  ${label}`);
  if (moved > 0) console.log(`${String(moved).padStart(4)}  of them in another file (their source file moved)`);
  for (const problem of problems) console.log(`DIFFERENT: ${problem}`);
  console.log(problems.length === 0 ? "the dumps differ only by the intended clean-ups" : `${problems.length} difference(s)`);
  return problems.length === 0 ? 0 : 1;
}

process.exitCode = main();
