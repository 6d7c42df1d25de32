/** Literals, arrays, objects, spreads, property and element access, equality and comparisons. */
const SCHEMAS = ["raw", "staging"] as const;
const DEFAULTS = { retries: 3, mode: "full", nested: { deep: true } };
const GREETING = "hi";

interface Job {
  id: string;
  items: string[];
  keys: string[];
  values?: number[];
  label?: string;
  extra: Record<string, string>;
}

export function literals(): unknown[] {
  return [1, -1, 2.5, 0, "text", 'single', "quote \" and \\", true, false, null, undefined, [], {}, [1, [2, [3]]], { a: { b: [] } }];
}

export function arrays_and_spreads(more: string[]): Record<string, unknown> {
  const base = ["a", "b"];
  const combined = [...base, "c", ...more, ...SCHEMAS];
  const copy = [...base];
  copy.push("z");
  return { combined, base, copy, first: combined[0], last: combined[combined.length - 1], schemas: SCHEMAS, greeting: GREETING };
}

export function objects_and_spreads(overrides: Record<string, unknown>): Record<string, unknown> {
  const merged = { ...DEFAULTS, mode: "incremental", ...overrides };
  const computedKey = "dyn";
  const withComputed = { [computedKey]: 1, "quoted key": 2, 3: "three" };
  const copy = { ...merged };
  copy.mode = "changed";
  copy["retries"] = 0;
  return { merged, with_computed: withComputed, copy, deep: DEFAULTS.nested.deep };
}

export function job_access(job: Job, key: string): Record<string, unknown> {
  return {
    id: job.id,
    items: job.items,
    item_count: job.items.length,
    keys: job.keys,
    values: job.values,
    has_values: job.values !== undefined,
    label: job.label,
    label_or: job.label ?? "none",
    extra_by_key: job.extra[key],
    extra_literal: job.extra["x"],
    by_name: job["id"],
  };
}

export function equality(a: string, b: string, n: number): Record<string, boolean> {
  return {
    same: a === b,
    different: a !== b,
    literal: a === "x",
    number_equal: n === 1,
    lt: n < 1,
    le: n <= 1,
    gt: n > 1,
    ge: n >= 1,
    string_lt: a < b,
    string_ge: a >= b,
  };
}

export function object_has_key(o: Record<string, string>, key: string): boolean {
  return key in o;
}
