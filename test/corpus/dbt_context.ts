/** The dbt prelude: vars, env vars, logs, queries, target, dispatch, JSON, execute, embed. */
import {
  dispatch, embed, envVar, fromJson, getVar, isExecuting, log, runQuery, target, toJson, warn,
} from "dbt-prelude";

const EMBEDDED = "unused";

export function read_vars(): Record<string, unknown> {
  const required = getVar<string>("required_var");
  const withDefault = getVar<number>("optional_var", 10);
  const listVar = getVar<string[]>("list_var", []);
  return { required, with_default: withDefault, list_var: listVar, null_default: getVar<string | null>("nothing", null) };
}

export function read_env(): string[] {
  return [envVar("DBT_TEST_SET"), envVar("DBT_TEST_UNSET", "fallback")];
}

export function require_env(): string {
  return envVar("DBT_TEST_REQUIRED");
}

export function queries(schema: string): Record<string, unknown> {
  const table = runQuery(`select name, kind from ${schema}.jobs`);
  const names: string[] = [];
  for (const row of table.rows) {
    names.push(row["name"] as string);
  }
  const kinds = table.rows.map((row) => row["kind"] as string);
  const empty = runQuery("select 1 where false");
  log(`found ${table.rows.length} jobs`, true);
  warn("a warning");
  return { names, kinds, count: table.rows.length, empty_count: empty.rows.length, first: table.rows[0]!["name"] };
}

export function target_info(): Record<string, unknown> {
  return { name: target.name, type: target.type, schema: target.schema, database: target.database, qualified: `${target.schema}.x` };
}

export function default__quote_name(identifier: string): string {
  return `"${identifier}"`;
}

export function snowflake__quote_name(identifier: string): string {
  return `"${identifier.toUpperCase()}"`;
}

export function dispatched(identifier: string): string[] {
  const quote = dispatch<(identifier: string) => string>("quote_name", "dbt_cloud_orchestration");
  const direct = dispatch<(identifier: string) => string>("quote_name", "dbt_cloud_orchestration")(identifier);
  return [quote(identifier), direct];
}

export function dispatch_missing(): string {
  return dispatch<() => string>("no_such_macro", "dbt_cloud_orchestration")();
}

export function json_round_trip(payload: Record<string, unknown>): Record<string, unknown> {
  const text = toJson(payload);
  const parsed = fromJson(text);
  return { text, parsed, literal: toJson({ a: [1, "two", null, true], "b c": { nested: "é" } }), from_text: fromJson('{"x": [1, 2.5, "y"]}') };
}

export function only_when_executing(): string {
  if (!isExecuting()) {
    return "parsing";
  }
  const result = runQuery("select 1");
  return `ran ${result.rows.length}`;
}

export function embedded_sql(): string {
  const sql = embed("./embedded/select.sql");
  runQuery(sql);
  return sql + EMBEDDED;
}

export function query_numbers(): string[] {
  const table = runQuery("select n from numbers");
  return table.rows.map((row) => `n=${row["n"] as number}`);
}
