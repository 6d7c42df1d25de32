/** How values appear in messages. */
import { toJson } from "dbt-prelude";

/** A value as the user wrote it, for messages: strings quoted, everything else as JSON. */
export function shown(value: unknown): string {
  if (typeof value === "string") return `'${value}'`;
  if (typeof value === "number") return String(value);
  if (value == null) return "nothing";
  return toJson(value);
}
