/**
 * One macro per semantic difference between JavaScript and Jinja that the compiler bridges.
 * Each returns what JavaScript computes; the compiled Jinja must agree.
 */

/** A Jinja `set` inside a for loop is lost when the iteration ends; the compiler uses a namespace. */
export function set_in_loop(items: string[]): Record<string, unknown> {
  let count = 0;
  let last = "";
  let found = false;
  for (const item of items) {
    count += 1;
    last = item;
    if (item === "x") found = true;
  }
  return { count, last, found };
}

/** The parameter is reassigned in a loop, so it is copied into the namespace too. */
export function param_set_in_loop(total: number, items: number[]): number {
  for (const item of items) {
    total = total + item;
  }
  return total;
}

/** `[]` and `{}` are true in JavaScript and false in Jinja; `0` and `""` are false in both. */
export function truthiness(list: string[], record: Record<string, string>, zero: number, empty: string): string[] {
  const out: string[] = [];
  if (list) out.push("list is truthy");
  if (record) out.push("record is truthy");
  if (!zero) out.push("zero is falsy");
  if (!empty) out.push("empty string is falsy");
  out.push(list && record ? "both" : "not both");
  return out;
}

/** `/` is float division in both, but Jinja prints `3.0`; Math.floor gives JavaScript's integer. */
export function integer_division(a: number, b: number): string {
  return `${Math.floor(a / b)} r ${a % b}`;
}

/** `String(n)` of an integral float: JavaScript prints `1`, Python `1.0`. */
export function string_of_number(half: number): string[] {
  const whole = half + half;
  const scaled = half * 4;
  return [String(whole), `${scaled}`, String(half), "n=" + whole, String(whole - 0.25), whole.toString(), `${[half].length}`];
}

/** A missing key reads as undefined in JavaScript and as Jinja's Undefined unless read with `.get`. */
export function none_vs_undefined(settings: { mode?: string; retries?: number | null }): unknown[] {
  const mode = settings.mode;
  return [mode === undefined, settings.retries == null, mode ?? "default", settings.retries ?? 0, mode, settings];
}

/** `replace` replaces the first match only; `replaceAll` every match. */
export function replace_first_vs_all(text: string): string[] {
  return [text.replace("a", "_"), text.replaceAll("a", "_"), text.replace("zz", "_"), text.replace("an", "")];
}

/** `%` takes the sign of the dividend in JavaScript, of the divisor in Python. */
export function remainder_sign(a: number, b: number): number[] {
  return [a % b, -a % b, a % -b, -a % -b];
}
