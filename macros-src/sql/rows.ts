/** Reading the rows of a query result (SHOW and SELECT alike), whatever types dbt handed over. */
import { asText, type QueryRow } from "dbt-prelude";

/** A text column; dbt's agate tables turn empty strings into none. */
export function text_of(row: QueryRow, column: string): string {
  const value = row[column];
  return typeof value === "string" ? value : "";
}

/** A column's value as text ("" when null); dbt may hand over typed values (booleans, numbers, timestamps). */
export function cell_text(row: QueryRow, column: string): string {
  const value = row[column];
  if (value == null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "true" : "false";
  return asText(value as string);
}

/** SHOW's 'true'/'false' columns: text from Snowflake, booleans once dbt's agate has typed them. */
export function is_true(value: unknown): boolean {
  return value === true || (typeof value === "string" && value.toLowerCase() === "true");
}

export function named(rows: QueryRow[], name: string): QueryRow[] {
  // LIKE is case-insensitive and '_' matches any character: keep exact names only.
  return rows.filter((row) => text_of(row, "name") === name);
}
