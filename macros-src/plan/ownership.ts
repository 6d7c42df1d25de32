/**
 * Prod is owned by prod: a run from a non-prod target never alters, suspends, replaces or drops what
 * a prod target built. It finds those objects in the plan and stops before the first statement,
 * unless the caller overrides it explicitly (and loudly).
 */
import type { OrchestrationConfig } from "../config/types.js";
import { stop_with_error } from "../errors.js";
import { printLine, target } from "dbt-prelude";
import { PACKAGE_NAME, profile_identifier } from "../sql/names.js";
import type { LiveObject, LiveState } from "../live/live-state.js";
import type { PlanStep } from "./reconcile.js";

/**
 * A task is prod's when its comment says a prod target built it, or, built before the package recorded
 * that, when it is started: only a prod target resumes tasks.
 */
export function is_prod_task(task: LiveObject): boolean {
  return task.managed && (task.owner === "prod" || (task.owner === "" && task.state === "started"));
}

/**
 * The names of what prod owns in the schema, by kind ("task:X", "stream:X", "procedure:X"), built in one
 * pass so a plan of any size is checked in linear time. Streams, the procedure and the log table serve the
 * tasks of their schema: where prod's tasks run, they are prod's too, whoever made them (a stream made by a
 * dev build is read by prod's task once prod builds there).
 */
function prod_owned_names(live: LiveState): Record<string, boolean> {
  const owned: Record<string, boolean> = {};
  const prod_schema = live.tasks.some((task) => is_prod_task(task));
  for (const task of live.tasks) {
    if (is_prod_task(task)) owned[`task:${task.name}`] = true;
  }
  for (const stream of live.streams) {
    if (stream.owner === "prod" || prod_schema) owned[`stream:${stream.name}`] = true;
  }
  for (const procedure of live.procedures) {
    if (procedure.owner === "prod" || prod_schema) owned[`procedure:${procedure.name}`] = true;
  }
  if (live.log_table_managed && (live.log_table_owner === "prod" || prod_schema)) owned["log table:"] = true;
  return owned;
}

function object_name(config: OrchestrationConfig, label: string): string {
  const prefix = `${config.database}.${config.schema}.`;
  const name = label.startsWith(prefix) ? label.slice(prefix.length) : label;
  return name.split("(")[0]!;
}

/** Whether a step changes an existing object a prod target owns. */
function changes_prod_object(config: OrchestrationConfig, owned: Record<string, boolean>, step: PlanStep): boolean {
  if (step.statements.length === 0 || step.action === "create") return false;
  const key = step.kind === "log table" ? "log table:" : `${step.kind}:${object_name(config, step.object)}`;
  return owned[key] === true;
}

/** "update task ANALYTICS.ORCHESTRATION.X" for each step that would change something prod owns. */
export function prod_owned_changes(config: OrchestrationConfig, live: LiveState, steps: PlanStep[]): string[] {
  if (config.deployment.is_prod) return [];
  const owned = prod_owned_names(live);
  return steps.filter((step) => changes_prod_object(config, owned, step)).map((step) => `${step.action} ${step.kind} ${step.object}`);
}

/** The two ways out, worded the same by every macro that refuses. */
function ways_out(config: OrchestrationConfig): string {
  const isolated = `${profile_identifier(target.schema)}_<schema>`;
  return [
    `  - give this target a schema of its own: with \`schema\` set and isolate_non_prod_schema: true (the default), a non-prod target builds in ${isolated}` +
      `${config.isolate_non_prod_schema ? "" : " (isolate_non_prod_schema is false here)"}; or give its profile another schema;`,
    "  - or, if this target really must change prod's objects, pass override_prod_ownership: true (it is printed as a warning).",
  ].join("\n");
}

/**
 * Stops before the first statement when `changes` (prod_owned_changes) is not empty, naming them and
 * the ways out; with the override, prints them as a loud warning and lets the run go on.
 */
export function check_prod_ownership(config: OrchestrationConfig, macro_name: string, changes: string[], override: boolean): void {
  if (changes.length === 0) return;
  const listed = changes.map((change) => `    ${change}`).join("\n");
  if (override) {
    printLine(`${PACKAGE_NAME}: WARNING: override_prod_ownership: target '${target.name}' (${config.deployment.reason}) ` +
      `changes ${changes.length} object(s) a prod target built:\n${listed}`);
    return;
  }
  stop_with_error(`${macro_name}: target '${target.name}' is ${config.deployment.reason}, and would change ${changes.length} object(s) ` +
    `a prod target built in ${config.database}.${config.schema}:\n${listed}\nNothing was run. Two ways out:\n${ways_out(config)}`);
}

/** The plan header's warning when a build would suspend (or stop calling dbt Cloud in) tasks a prod target resumed. */
export function prod_task_warning(config: OrchestrationConfig, live: LiveState, steps: PlanStep[]): string {
  if (config.deployment.is_prod) return "";
  const running: Record<string, boolean> = {};
  for (const task of live.tasks) {
    if (is_prod_task(task) && task.state === "started") running[task.name] = true;
  }
  const affected: string[] = [];
  for (const step of steps) {
    if (step.kind === "task" && step.statements.length > 0 && running[object_name(config, step.object)] === true) affected.push(step.object);
  }
  if (affected.length === 0) return "";
  return `WARNING: this build suspends ${affected.length} task(s) a prod target resumed: ${affected.join(", ")}`;
}
