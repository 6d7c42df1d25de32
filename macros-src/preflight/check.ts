/** One preflight check: what was checked, whether it passed, what was found and the exact fix. */
import type { QueryRow } from "dbt-prelude";
import { cell_text } from "../sql/rows.js";

export interface CheckResult {
  ok: boolean;
  name: string;
  detail: string;
  /** The statement or command that fixes a failed check ("" when it passed). */
  fix: string;
}

export function passed(name: string, detail: string): CheckResult {
  return { ok: true, name, detail, fix: "" };
}

export function failed(name: string, detail: string, fix: string): CheckResult {
  return { ok: false, name, detail, fix };
}

/** `✓ name: detail` or `✗ name: detail → fix: …`. */
export function check_line(check: CheckResult): string {
  return check.ok ? `✓ ${check.name}: ${check.detail}` : `✗ ${check.name}: ${check.detail} → fix: ${check.fix}`;
}

/** The rows whose column equals the value exactly (SHOW … LIKE is case-insensitive and '_' is a wildcard). */
export function rows_where(rows: QueryRow[], column: string, value: string): QueryRow[] {
  return rows.filter((row) => cell_text(row, column) === value);
}
