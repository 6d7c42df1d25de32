/** Runs a plan in order, logging "N of M" before each statement; a dry run only prints it. */
import { log, runQuery } from "../prelude/dbt.js";
import { PACKAGE_NAME } from "../sql/names.js";
import type { PlannedStatement } from "./plan-types.js";

/** Returns the SQL of every statement in the plan, run or not. */
export function run_plan(plan: PlannedStatement[], dry_run: boolean, title: string): string[] {
  const total = plan.length;
  log(`${PACKAGE_NAME}: ${title}: ${total} statement(s)${dry_run ? " (dry run: nothing is executed)" : ""}`, true);
  const statements: string[] = [];
  for (const [index, step] of plan.entries()) {
    log(`${index + 1} of ${total} ${step.description}`, true);
    if (dry_run) log(`${step.sql};`, true);
    else runQuery(step.sql);
    statements.push(step.sql);
  }
  return statements;
}
