/**
 * The constructs a macro author reaches for beyond the basics, each lowered exactly (or guarded) on
 * dbt-core and dbt 2.x: loops with a test, switch, sorting, reducing, removing from arrays, rounding,
 * fixed-point text, padding, searching and splitting text.
 */

/** `while`, `do … while` and `for (;;)`, with break and continue. */
export function loops_with_tests(n: number): number[] {
  const out: number[] = [];
  let i = 0;
  while (i < n) {
    i += 1;
    if (i === 2) continue;
    if (i > 5) break;
    out.push(i);
  }
  let j = 10;
  do {
    j -= 3;
    out.push(j);
  } while (j > n);
  for (let k = 0; k < 3; k++) {
    if (k === 1) continue;
    out.push(k * 100);
  }
  return out;
}

/** `switch` with shared clauses, a default and a return. */
export function switched(kind: string, flag: boolean | number): string[] {
  const out: string[] = [];
  switch (kind) {
    case "a":
    case "b":
      out.push("a or b");
      break;
    case "c":
      return ["c returns"];
    default:
      out.push("other");
  }
  switch (flag) {
    case true:
      out.push("true");
      break;
    case 1:
      out.push("one");
      break;
    default:
      out.push("neither");
  }
  return out;
}

/** In-place sorts, reduce, pop and shift. */
export function array_methods_more(xs: number[], names: string[]): unknown[] {
  const numbers = [...xs];
  numbers.sort((a, b) => a - b);
  const descending = [...xs].sort((a, b) => b - a);
  const sortedNames = [...names];
  sortedNames.sort();
  const total = xs.reduce((sum, x) => sum + x, 0);
  const longest = names.reduce((best, name, i) => (name.length > best.length ? `${i}:${name}` : best), "");
  const copy = [...xs];
  const last = copy.pop();
  const first = copy.shift();
  return [numbers, descending, sortedNames, total, longest, last ?? "none", first ?? "none", copy];
}

/** Math.round rounds half up; toFixed rounds the exact value; an exact tie raises. */
export function rounding(x: number, digits: number): string[] {
  const fixed = digits === 0 ? x.toFixed(0) : digits === 1 ? x.toFixed(1) : x.toFixed(2);
  return [String(Math.round(x)), String(Math.round(-x)), fixed];
}

/** padStart/padEnd, indexOf/lastIndexOf (by character), split with a limit, trimStart/trimEnd, repeat. */
export function text_methods(s: string, width: number): string[] {
  return [
    s.padStart(width, "*"), s.padEnd(width, "ab"), s.padStart(width),
    String(s.indexOf("x")), String(s.lastIndexOf("x")), String(s.indexOf("")),
    s.split(",", 2).join("|"), `[${s.trimStart()}]`, `[${s.trimEnd()}]`, `[${s.trim()}]`, "-".repeat(3),
  ];
}

/** Reads outside an array give undefined (none), also at a negative index; '!' asserts and raises. */
export function index_reads(xs: string[], i: number): string[] {
  const out = [xs[i] ?? "?", xs[i - 1] ?? "?", xs[0] ?? "?"];
  for (const x of xs ?? []) out.push(x);
  return out;
}

/** Asserted reads: a wrong '!' stops the macro with the source line. */
export function asserted_read(xs: string[], i: number): string {
  return xs[i]!;
}

/** JavaScript lists integer-like keys first, ascending; adding keys while walking entries is fine. */
export function key_order(o: Record<string, number>): unknown[] {
  const made: Record<string, number> = { b: 1 };
  made["10"] = 2;
  made["a"] = 3;
  made["2"] = 4;
  for (const [key, value] of Object.entries(made)) made[`${key}_copy`] = value;
  return [Object.keys(made), Object.values(made), Object.keys(o)];
}

/** `%` is the exact remainder with the dividend's sign; integers beyond 2^53 raise. */
export function exact_numbers(a: number, b: number): string[] {
  return [String(a % b), String(-a % b), `${a * b}`];
}

/** `Record<number, T>` reads and writes use the number's text; spreading an optional object adds nothing. */
export function number_keys_and_optional_spread(r: Record<number, string>, extra?: Record<string, string>): unknown[] {
  const copy: Record<number, string> = { ...r };
  copy[3] = "three";
  const merged = { base: "x", ...extra };
  return [r[1] ?? "none", copy[3] ?? "none", Object.keys(merged)];
}

interface Job {
  name: string;
  id: number;
  owner?: { team: string; emails: string[] };
  tags?: string[];
}

/** Destructuring declarations and loop bindings, with defaults, nesting and an array rest. */
export function destructured(jobs: Job[], pair: string[]): string[] {
  const out: string[] = [];
  const [first = "none", second, ...others] = pair;
  out.push(first, second ?? "missing", String(others.length));
  for (const { name, id, tags = [] } of jobs) out.push(`${name}#${id}:${tags.length}`);
  const [{ name: firstName } = { name: "nobody" }] = jobs;
  out.push(firstName);
  return out;
}

/** Optional chaining: the whole chain is undefined where a link's object is. */
export function optional_chains(job: Job | undefined, names?: string[]): unknown[] {
  return [
    job?.name ?? "no job", job?.owner?.team ?? "no team", job?.owner?.emails.length ?? -1, job?.tags?.[0] ?? "no tag",
    names?.length ?? -1, names?.[1]?.trim() ?? "no second name", job?.name.toUpperCase() ?? "NONE",
  ];
}

/** A default computed from an earlier parameter, per call. */
export function computed_default(width: number, height = width * 2, label = `${width}x${height}`): string {
  return label;
}

/**
 * A pad past 2^24 characters stops the macro. Found by the differential test: Jinja2 folds constant
 * expressions when it compiles a template, so `"ab" * 4294967296` under a run-time check was built anyway.
 */
export function huge_pad(s: string): string {
  return s.padStart(4294967296, "ab");
}

/**
 * A pad that stops the macro still stops it where the result is searched for an empty pattern (at 0
 * without reading the text): JavaScript builds the pad before indexOf runs. Found by the differential test.
 */
export function huge_pad_searched(s: string, width: number): number {
  return s.padStart(width, "1").indexOf("");
}

/**
 * A fraction may lie exactly halfway between two shortest texts:
 * JavaScript and dbt-core print the even one, dbt 2.x the upper one, so printing it stops the macro.
 * Found by the differential test.
 */
export function halfway_fractions(x: number): string {
  return String(x + 0);
}

/**
 * The floor of a negative zero is zero: `0 / -7` is -0.0, which dbt 2.x orders below 0, so a floor
 * tested as `value < int(value)` gave -1 there. Found by the differential test.
 */
export function floor_of_negative_zero(n: number): number[] {
  return [Math.floor(0 / n), Math.round(0 / n), Math.ceil(0 / n), Math.floor(-3 / n)];
}
