/** Prints a plan and runs it in order, logging "N of M" before each statement; a dry run only prints. */
import { log, runQuery } from "../prelude/dbt.js";
import { PACKAGE_NAME } from "../sql/names.js";
import type { PlannedStatement } from "./plan-types.js";
import type { PlanStep } from "./reconcile.js";

const SPACES = "                                                                                                    ";

function padded(text: string, width: number): string {
  return text + SPACES.slice(0, Math.max(0, width - text.length));
}

/** The plan as a table: action, kind, object, reason. */
export function plan_table(steps: PlanStep[]): string[] {
  let object_width = 6;
  for (const item of steps) object_width = Math.max(object_width, item.object.length);
  const lines = [`${padded("action", 10)} ${padded("kind", 10)} ${padded("object", object_width)} reason`];
  for (const item of steps) {
    lines.push(`${padded(item.action, 10)} ${padded(item.kind, 10)} ${padded(item.object, object_width)} ${item.reason}`);
  }
  return lines;
}

/** Returns the SQL of every statement in the plan, run or not. */
export function run_plan(plan: PlannedStatement[], dry_run: boolean, title: string): string[] {
  const total = plan.length;
  log(`${PACKAGE_NAME}: ${title}: ${total} statement(s)${dry_run ? " (dry run: nothing is executed)" : ""}`, true);
  const statements: string[] = [];
  for (const [index, item] of plan.entries()) {
    log(`${index + 1} of ${total} ${item.description}`, true);
    if (dry_run) log(`${item.sql};`, true);
    else runQuery(item.sql);
    statements.push(item.sql);
  }
  return statements;
}

/** Prints the plan table, then runs (or, in a dry run, prints) the statements of the steps that need any. */
export function run_steps(steps: PlanStep[], dry_run: boolean, title: string): string[] {
  const changes = steps.filter((item) => item.action !== "unchanged").length;
  log(`${PACKAGE_NAME}: ${title}: ${changes} change(s), ${steps.length - changes} unchanged`, true);
  log(plan_table(steps).join("\n"), true);
  const statements: PlannedStatement[] = [];
  for (const item of steps) statements.push(...item.statements);
  return run_plan(statements, dry_run, "statements");
}
