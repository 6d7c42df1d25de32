/** Logical operators, conditionals and nullish coalescing on every kind of value. */
export function logic_strings(a: string, b: string): unknown[] {
  return [a && b, a || b, !a, !!a, a ? "yes" : "no", a || "fallback", a && "then"];
}

export function logic_numbers(n: number, m: number): unknown[] {
  return [n && m, n || m, !n, n ? "yes" : "no", n || 10, !(n > 1) && m > 1];
}

export function logic_arrays(xs: string[], ys: string[]): unknown[] {
  return [xs && ys, xs || ys, !xs, xs ? "truthy" : "falsy", xs.length > 0 ? "non-empty" : "empty", !xs.length];
}

export function logic_objects(o: Record<string, string>, maybe?: Record<string, string>): unknown[] {
  return [o && "has o", !o, o ? "object" : "none", maybe || o, maybe && "has maybe", maybe ?? { fallback: "yes" }, !maybe];
}

export function nullish(value?: string | null, count?: number): unknown[] {
  return [value ?? "default", count ?? -1, value == null, value != null, count === undefined, count !== undefined, (count ?? 0) + 1];
}

export function conditional_chain(n: number): string {
  return n > 100 ? "huge" : n > 10 ? "big" : n > 0 ? "positive" : "other";
}

export function boolean_ops(a: boolean, b: boolean): unknown[] {
  return [a && b, a || b, !a, a === b, a !== b, a ? 1 : 0];
}
