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
  return parts.map((part) => quote_identifier(part)).join(".");
}

/**
 * A single-quoted string literal. Snowflake reads backslash escapes inside single quotes,
 * so backslashes are doubled as well as quotes.
 */
export function quote_literal(text: string): string {
  return `'${text.replaceAll("\\", "\\\\").replaceAll("'", "''")}'`;
}
