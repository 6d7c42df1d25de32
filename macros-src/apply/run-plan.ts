/**
 * How a plan is shown and run: the plan table and one `Plan:` summary line (or one JSON document),
 * then "N of M" before each statement it runs. Shown with `print`, so it appears alike on dbt-core
 * and dbt 2.x, also under `--quiet` (dbt-core hides `log(info=True)` there; dbt 2.x does not).
 */
import { plain_table } from "../text/table.js";
import { stop_with_error } from "../errors.js";
import { log, printLine, raiseCompilerError, runQuery, runWithBindings, toJson, warn } from "dbt-prelude";
import { PACKAGE_NAME } from "../sql/names.js";
import type { ConditionsSection } from "../plan/job-conditions.js";
import { SECRET_PARAMETER, type PlannedStatement } from "../plan/plan-types.js";
import type { PlanStep } from "../plan/reconcile.js";

/** The plan as a table: action, kind, object, reason. */
export function plan_table(steps: PlanStep[]): string[] {
  return plain_table([["action", "kind", "object", "reason"], ...steps.map((item) => [item.action, item.kind, item.object, item.reason])]);
}

const REDACTED = "'<redacted: read from the environment>'";

/** How a plan is shown and run: the arguments the public macros take for it. */
export interface PlanOutput {
  dry_run: boolean;
  /** Print every statement's SQL (a dry run alone prints none). */
  verbose: boolean;
  /** "text", or "json": one JSON document on stdout and nothing else (progress goes to the debug log). */
  format: string;
  /** With dry_run: stop with an error (a non-zero exit) when the plan has changes. */
  fail_on_changes: boolean;
}

/** Every action but `unchanged`, in the order the summary line names them. */
const CHANGE_ACTIONS = ["create", "update", "recreate", "resume", "suspend", "drop"];

function count(steps: PlanStep[], action: string): number {
  return steps.filter((item) => item.action === action).length;
}

/** The summary line, worded the same every time for people and scripts. */
export function plan_summary(steps: PlanStep[]): string {
  const changes: string[] = [];
  for (const action of CHANGE_ACTIONS) {
    const planned = count(steps, action);
    changes.push(`${planned} to ${action}`);
  }
  const unchanged = count(steps, "unchanged");
  return `Plan: ${changes.join(", ")}, ${unchanged} unchanged.`;
}

/** A statement's SQL as it may be shown: a secret's place reads REDACTED. */
function shown_sql(item: PlannedStatement): string {
  return item.secret === undefined ? item.sql : item.sql.replaceAll(SECRET_PARAMETER, REDACTED);
}

function run_statement(item: PlannedStatement): void {
  if (item.secret !== undefined) {
    // With bind parameters the connector reads % as a placeholder marker: double the literal ones.
    runWithBindings(item.sql.replaceAll("%", "%%").replaceAll("%%s", SECRET_PARAMETER), [item.secret]);
  } else {
    runQuery(item.sql);
  }
}

/**
 * Runs the statements in order, "N of M <what>" before each (with its SQL when verbose); a dry run
 * runs none. Returns every statement's SQL as it may be shown.
 */
export function run_statements(plan: PlannedStatement[], output: PlanOutput): string[] {
  const total = plan.length;
  const statements: string[] = [];
  for (const [index, item] of plan.entries()) {
    const shown = shown_sql(item);
    const progress = `${index + 1} of ${total} ${item.description}`;
    if (output.format === "json") {
      if (!output.dry_run) log(progress);
    } else if (output.verbose) {
      printLine(`${progress}\n${shown};`);
    } else if (!output.dry_run) {
      printLine(progress);
    }
    if (!output.dry_run) run_statement(item);
    statements.push(shown);
  }
  return statements;
}

/**
 * The plan of one of the original single-object macros: a title, then its statements; a dry run
 * prints their SQL (what these macros always did).
 */
export function run_plan(plan: PlannedStatement[], dry_run: boolean, title: string): string[] {
  printLine(`${PACKAGE_NAME}: ${title}: ${plan.length} statement(s)${dry_run ? " (dry run: nothing is executed)" : ""}`);
  return run_statements(plan, { dry_run, verbose: dry_run, format: "text", fail_on_changes: false });
}

function plan_document(steps: PlanStep[], output: PlanOutput, title: string, notes: string[], warnings: string[],
  conditions?: ConditionsSection): Record<string, unknown> {
  const summary: Record<string, number> = { unchanged: count(steps, "unchanged") };
  for (const action of CHANGE_ACTIONS) summary[action] = count(steps, action);
  const document: Record<string, unknown> = {
    package: PACKAGE_NAME,
    title,
    dry_run: output.dry_run,
    changes: steps.length - count(steps, "unchanged"),
    summary,
    notes,
    warnings,
    plan: steps.map((item) => ({
      action: item.action, kind: item.kind, object: item.object, reason: item.reason,
      statements: item.statements.map((statement) => shown_sql(statement)),
    })),
  };
  if (conditions !== undefined) document["jobs"] = conditions.jobs;
  return document;
}

/**
 * Shows the plan (text: a title, the table, the jobs' conditions when given, its notes and the `Plan:`
 * line, its warnings as dbt warnings; json: one document holding them all), stops when fail_on_changes
 * finds changes, then runs the statements of the steps that need any.
 */
export function run_steps(steps: PlanStep[], output: PlanOutput, title: string, notes: string[], warnings: string[],
  conditions?: ConditionsSection): string[] {
  const statements: PlannedStatement[] = [];
  for (const item of steps) statements.push(...item.statements);
  const changes = steps.length - count(steps, "unchanged");
  if (output.format === "json") {
    printLine(toJson(plan_document(steps, output, title, notes, warnings, conditions)));
  } else {
    printLine(`${PACKAGE_NAME}: ${title}`);
    printLine(plan_table(steps).join("\n"));
    if (conditions !== undefined) {
      printLine(`${PACKAGE_NAME}: ${conditions.heading}`);
      printLine(conditions.table.join("\n"));
    }
    for (const note of notes) printLine(`${PACKAGE_NAME}: ${note}`);
    for (const warning of warnings) warn(`${PACKAGE_NAME}: ${warning}`);
    printLine(plan_summary(steps));
    if (output.dry_run && !output.verbose && statements.length > 0) {
      printLine(`Dry run: nothing was executed; verbose: true prints the SQL of the ${statements.length} statement(s).`);
    }
  }
  if (output.fail_on_changes && changes > 0) {
    const message = `${PACKAGE_NAME}: the plan has ${changes} change(s), and fail_on_changes is set.`;
    // In json mode stdout holds the document alone; the error still goes to dbt's error output.
    if (output.format === "json") raiseCompilerError(message);
    else stop_with_error(message);
  }
  return run_statements(statements, output);
}
