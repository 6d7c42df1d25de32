/** Parameters: required, defaulted and optional; several macros per file; calls across files. */
import { shout } from "./strings.js";

export function greet(who: string, greeting = "hello", punctuation?: string): string {
  const end = punctuation ?? "!";
  return `${greeting}, ${who}${end}`;
}

export function greet_all(names: string[], loud = false): string[] {
  const out: string[] = [];
  for (const person of names) {
    const line = greet(person, "hi");
    out.push(loud ? shout(line) : line);
  }
  return out;
}

export function defaults_of_every_kind(
  count = 3, ratio = 0.5, negative = -2, flag = true, nothing = null, words = ["a", "b"], shape = { k: "v" },
): unknown[] {
  return [count, ratio, negative, flag, nothing, words, shape];
}

export function optional_number(limit?: number): string {
  if (limit === undefined) return "unlimited";
  return `limit ${limit}`;
}

/** `| undefined` without `?`: dbt callers (run-operation --args, other macros) may still leave it out. */
export function left_out(name: string, label: string | undefined, count: number | undefined): string[] {
  return [name, label ?? "dflt", label === undefined ? "no label" : "label", count === undefined ? "no count" : "count", `${count ?? -1}`];
}

/** `unknown` may be left out too: undefined in JavaScript, none in Jinja, never Jinja's Undefined. */
export function left_out_unknown(value: unknown): string {
  return value == null ? "nothing" : "something";
}

/** A required parameter after a defaulted one: Jinja wants a default there too (none, as JavaScript's undefined). */
export function required_after_default(count = 1, label: string | null = null, tail: string): string {
  return `${label ?? "no label"}:${count}:${tail ?? "no tail"}`;
}
