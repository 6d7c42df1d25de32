/** Statements: declarations, reassignment, branches, loops, loop control, returns. */
import { log, raiseCompilerError } from "dbt-prelude";

export function classify(n: number): string {
  let label: string;
  if (n < 0) {
    label = "negative";
  } else if (n === 0) {
    label = "zero";
  } else if (n < 10) {
    label = "small";
  } else {
    label = "large";
  }
  return label;
}

export function loops(items: string[], stopAt: string): Record<string, unknown> {
  let seen = 0;
  let lastIndex = -1;
  const kept: string[] = [];
  for (const [index, item] of items.entries()) {
    if (item === "") continue;
    if (item === stopAt) break;
    seen += 1;
    lastIndex = index;
    kept.push(`${index}:${item}`);
  }
  let chars = 0;
  for (const ch of "abc") {
    chars++;
    log(ch);
  }
  return { seen, last_index: lastIndex, kept, chars };
}

export function nested_loops(rows: string[][]): string[] {
  const out: string[] = [];
  let total = 0;
  for (const [r, row] of rows.entries()) {
    for (const [c, cell] of row.entries()) {
      if (cell === "skip") continue;
      total = total + 1;
      out.push(`${r}.${c}=${cell}#${total}`);
    }
  }
  out.push(`total ${total}`);
  return out;
}

export function object_loop(settings: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(settings)) {
    out.push(`${key}=${value}`);
  }
  const pairs = Object.entries(settings);
  for (const [key, value] of pairs) {
    out.push(`${value}<-${key}`);
  }
  return out;
}

export function find_first(items: string[], prefix: string): string | null {
  for (const item of items) {
    if (item.startsWith(prefix)) {
      return item;
    }
  }
  return null;
}

export function void_macro(messages: string[]): void {
  for (const message of messages) {
    if (message === "stop") return;
    log(message, true);
  }
  log("done");
}

export function calls_void(): string {
  void_macro(["a", "stop", "b"]);
  void_macro([]);
  return "called";
}

export function guard(value: string): string {
  if (value.length === 0) {
    raiseCompilerError(`value must not be empty (got '${value}')`);
  }
  log("after guard");
  return value;
}

export function let_without_value(flag: boolean): string | undefined {
  let result: string | undefined;
  if (flag) result = "set";
  return result;
}

export function shadowing(flag: boolean): string[] {
  const name = "outer";
  const out: string[] = [name];
  if (flag) {
    const name = "inner";
    out.push(name);
  }
  for (const item of ["x"]) {
    const name = `loop ${item}`;
    out.push(name);
  }
  out.push(name);
  return out;
}

const STRICT_CHECKS = false;

function creation(kind: string, replace: boolean): string {
  return (replace ? "create or replace " : "create ") + kind;
}

/** Conditions that are literals once constants are inlined and helpers are inlined: the compiler keeps only the branch taken. */
export function folded_conditions(kind: string): string[] {
  const lines: string[] = [];
  if (STRICT_CHECKS) {
    lines.push("strict");
  } else if (kind === "") {
    lines.push("no kind");
  } else {
    lines.push("lenient");
  }
  if (!STRICT_CHECKS) lines.push("not strict");
  lines.push(creation(kind, false));
  lines.push(creation(kind, true));
  lines.push(STRICT_CHECKS ? "checked" : "unchecked");
  return lines;
}

const LETTER_PAIRS: string[][] = [["a", "b"], ["c", "d"], ["e", "f"], ["g", "h"], ["i", "j"]];

/** A constant list read three times: set once in the macro under the constant's name, read through it. */
export function shared_constant(separator: string): string {
  const first = LETTER_PAIRS.slice(0, 2).map((pair) => pair.join("")).join(separator);
  const rest = LETTER_PAIRS.slice(3).map((pair) => pair.join("")).join(separator);
  let count = 0;
  for (const pair of LETTER_PAIRS) count += pair.length;
  return `${first}|${rest}|${count}`;
}
