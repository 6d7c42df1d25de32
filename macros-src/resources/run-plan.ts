/** Prints a plan and runs it in order, logging "N of M" before each statement; a dry run only prints. */
import { log, runQuery, runWithBindings, warn } from "../prelude/dbt.js";
import { PACKAGE_NAME } from "../sql/names.js";
import { SECRET_PARAMETER, type PlannedStatement } from "./plan-types.js";
import type { PlanStep } from "./reconcile.js";

const SPACES = "                                                                                                    ";

function padded(text: string, width: number): string {
  return text + SPACES.slice(0, Math.max(0, width - text.length));
}

function column_width(rows: string[][], index: number): number {
  let width = 0;
  for (const row of rows) width = Math.max(width, row[index]!.length);
  return width;
}

/** Rows of cells (all as long as the first) as aligned text: every column but the last padded to its widest cell. */
export function plain_table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_cell, index) => column_width(rows, index));
  return rows.map((row) => row.map((value, index) => (index === row.length - 1 ? value : padded(value, widths[index]!))).join("  "));
}

/** The plan as a table: action, kind, object, reason. */
export function plan_table(steps: PlanStep[]): string[] {
  return plain_table([["action", "kind", "object", "reason"], ...steps.map((item) => [item.action, item.kind, item.object, item.reason])]);
}

const REDACTED = "'<redacted: read from the environment>'";

/**
 * Returns the SQL of every statement in the plan, run or not, as it may be shown: a secret's place
 * reads REDACTED.
 */
export function run_plan(plan: PlannedStatement[], dry_run: boolean, title: string): string[] {
  const total = plan.length;
  log(`${PACKAGE_NAME}: ${title}: ${total} statement(s)${dry_run ? " (dry run: nothing is executed)" : ""}`, true);
  const statements: string[] = [];
  for (const [index, item] of plan.entries()) {
    const shown = item.secret === undefined ? item.sql : item.sql.replaceAll(SECRET_PARAMETER, REDACTED);
    log(`${index + 1} of ${total} ${item.description}`, true);
    if (dry_run) {
      log(`${shown};`, true);
    } else if (item.secret !== undefined) {
      // With bind parameters the connector reads % as a placeholder marker: double the literal ones.
      runWithBindings(item.sql.replaceAll("%", "%%").replaceAll("%%s", SECRET_PARAMETER), [item.secret]);
    } else {
      runQuery(item.sql);
    }
    statements.push(shown);
  }
  return statements;
}

/**
 * Prints the plan table, its notes and its warnings, then runs (or, in a dry run, prints) the
 * statements of the steps that need any.
 */
export function run_steps(steps: PlanStep[], dry_run: boolean, title: string, notes: string[], warnings: string[]): string[] {
  const changes = steps.filter((item) => item.action !== "unchanged").length;
  log(`${PACKAGE_NAME}: ${title}: ${changes} change(s), ${steps.length - changes} unchanged`, true);
  log(`plan:\n${plan_table(steps).join("\n")}`, true);
  for (const note of notes) log(`${PACKAGE_NAME}: ${note}`, true);
  for (const warning of warnings) warn(`${PACKAGE_NAME}: ${warning}`);
  const statements: PlannedStatement[] = [];
  for (const item of steps) statements.push(...item.statements);
  return run_plan(statements, dry_run, "the plan's statements");
}
