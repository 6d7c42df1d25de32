/** Array and object helpers, type tests and callbacks. */
import { isMapping } from "dbt-prelude";
interface Column {
  name: string;
  type: string;
  nullable: boolean;
}

export function array_methods(words: string[], numbers: number[]): Record<string, unknown> {
  const upper = words.map((word) => word.toUpperCase());
  const numbered = words.map((word, index) => `${index}-${word}`);
  const long = words.filter((word) => word.length > 2);
  const anyEmpty = words.some((word) => word === "");
  const allShort = words.every((word) => word.length < 4);
  const positive = numbers.filter((n) => n > 0);
  const doubled = numbers.map((n) => n * 2);
  return {
    joined: words.join(", "),
    joined_default: words.join(),
    joined_numbers: numbers.join("+"),
    has_b: words.includes("b"),
    has_three: numbers.includes(3),
    upper,
    numbered,
    long,
    any_empty: anyEmpty,
    all_short: allShort,
    positive,
    doubled,
    concat: words.concat(["end"]),
    sliced: words.slice(1),
    max: Math.max(1, 5, 3),
    min: Math.min(4, -2),
    abs: Math.abs(-7),
  };
}

export function object_helpers(o: Record<string, number>): Record<string, unknown> {
  const pairs = Object.entries(o);
  return { keys: Object.keys(o), values: Object.values(o), entries: pairs, count: Object.keys(o).length };
}

export function columns_sql(columns: Column[]): string {
  const required = columns.filter((column) => !column.nullable);
  const definitions = columns.map((column) => `${column.name} ${column.type}${column.nullable ? "" : " not null"}`);
  const anyNullable = columns.some((column) => column.nullable);
  return `create table t (${definitions.join(", ")}) -- ${required.length} required, nullable: ${anyNullable ? "yes" : "no"}`;
}

export function undefined_test(value?: string): boolean {
  return typeof value === "undefined";
}

export function type_tests(value: unknown): Record<string, boolean> {
  return {
    is_array: Array.isArray(value),
    is_integer: Number.isInteger(value),
    is_string: typeof value === "string",
    is_number: typeof value === "number",
    is_boolean: typeof value === "boolean",
    not_string: typeof value !== "string",
  };
}

export function push_spread(first: string[], second: string[]): string[] {
  const all: string[] = [];
  all.push(...first, "middle", ...second);
  return all;
}

export function mapping_test(value: unknown): boolean {
  return isMapping(value);
}
