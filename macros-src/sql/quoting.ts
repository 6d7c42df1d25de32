/**
 * SQL quoting for Snowflake. Every identifier that reaches SQL is quoted and every literal escaped
 * here, so no value from `vars` or arguments can end a string or start a new statement.
 */

/** A Snowflake identifier part, always quoted, so its case and characters are kept exactly. */
export function quote_identifier(part: string): string {
  return `"${part.replaceAll('"', '""')}"`;
}

/** A qualified name from its parts: "DB"."SCHEMA"."NAME". */
export function quote_name(parts: string[]): string {
  // Three parts, the usual case, without a loop (which costs a list append per part in dbt-core's Jinja).
  if (parts.length === 3) return quote_qualified_name(parts[0]!, parts[1]!, parts[2]!);
  return parts.map((part) => quote_identifier(part)).join(".");
}

/** quote_name of three parts; a single expression, so the compiler inlines it where it is called. */
export function quote_qualified_name(database: string, schema: string, name: string): string {
  return `${quote_identifier(database)}.${quote_identifier(schema)}.${quote_identifier(name)}`;
}

/**
 * A single-quoted string literal. Snowflake reads backslash escapes inside single quotes,
 * so backslashes are doubled as well as quotes.
 */
export function quote_literal(text: string): string {
  return `'${text.replaceAll("\\", "\\\\").replaceAll("'", "''")}'`;
}
