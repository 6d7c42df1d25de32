/**
 * Compares two dumps of the compiler's output (test/support/compiled-dump.ts) and shows that they
 * differ only by the generated Jinja's intended clean-ups. Each side is normalised the same way, and
 * every macro must then read the same, token for token:
 *
 * 1. source-line comments (`{#- macros-src/x.ts:12 -#}`) are dropped;
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

function main(): number {
  const [beforeDir, afterDir] = process.argv.slice(2);
  if (beforeDir === undefined || afterDir === undefined) throw new Error("usage: compare-dumps.ts BEFORE_DIR AFTER_DIR");
  const problems: string[] = [];
  const tally = new Map<string, number>();
  const count = (label: string): void => void tally.set(label, (tally.get(label) ?? 0) + 1);
  const read = (dir: string, path: string): string => (existsSync(join(dir, path)) ? readFileSync(join(dir, path), "utf8") : "");

  const afterText = filesUnder(afterDir).map((file) => readFileSync(file, "utf8")).join("\n");
  const paths = new Set([...filesUnder(beforeDir), ...filesUnder(afterDir).map((f) => join(beforeDir, relative(afterDir, f)))].map((f) => relative(beforeDir, f)));
  const dropped = new Set<string>();
  const added = new Set<string>();
  for (const path of [...paths].sort().filter((p) => p.endsWith(".sql"))) {
    const before = macrosOf(read(beforeDir, path));
    const after = macrosOf(read(afterDir, path).replace(SOURCE_LINE, ""));
    for (const [macroName, text] of before) {
      const now = after.get(macroName);
      if (now === undefined) {
        const referenced = new RegExp(`\\b${macroName}\\b`).test(afterText);
        if (!macroName.startsWith("_") || referenced) problems.push(`${path}: ${macroName} is gone but is ${referenced ? "referenced" : "not private"}`);
        dropped.add(macroName);
        count("uncalled private macro left out");
        continue;
      }
      const steps = compareMacro(text, now);
      if (steps === undefined) problems.push(`${path}: ${macroName} differs beyond the intended clean-ups`);
      else count(steps.length === 0 ? "identical but for its source-line comment" : steps.join(" + "));
      if (process.env.COMPARE_VERBOSE && steps !== undefined && steps.length > 0) console.log(`${path}: ${macroName}: ${steps.join(" + ")}`);
    }
    // A macro only AFTER has comes from a function added to the sources: listed, not compared.
    for (const macroName of after.keys()) {
      if (before.has(macroName)) continue;
      console.log(`new macro (its source was added): ${path}: ${macroName}`);
      added.add(macroName);
    }
    const header = (text: string): string => text.slice(0, text.indexOf("-#}"));
    const [beforeText, afterFile] = [read(beforeDir, path), read(afterDir, path)];
    if (afterFile !== "" && header(beforeText) !== header(afterFile)) problems.push(`${path}: header differs`);
  }
  for (const path of [...paths].filter((p) => !p.endsWith(".sql"))) {
    // Docs entries (`  - name: x` and the lines under it) of macros left out or added are not compared.
    const entries = (text: string): string =>
      text.split(/(?=^ {2}- name: )/m).filter((entry) => {
        const entryName = /^ {2}- name: (\w+)/.exec(entry)?.[1];
        return entryName === undefined || !(dropped.has(entryName) || added.has(entryName));
      }).join("");
    const [before, after] = [entries(read(beforeDir, path)), entries(read(afterDir, path))];
    const empty = /^# Generated[^\n]*\nversion: 2\nmacros:\n$/.test(before);
    if (!(after === before || (after === "" && empty))) problems.push(`${path} differs`);
  }
  for (const [label, n] of [...tally].sort()) console.log(`${String(n).padStart(4)}  ${label}`);
  for (const problem of problems) console.log(`DIFFERENT: ${problem}`);
  console.log(problems.length === 0 ? "the dumps differ only by the intended clean-ups" : `${problems.length} difference(s)`);
  return problems.length === 0 ? 0 : 1;
}

process.exitCode = main();
