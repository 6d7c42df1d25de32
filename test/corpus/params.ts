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
