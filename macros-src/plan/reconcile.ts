/**
 * The plan: the desired objects against the live ones. Each managed object gets one action —
 * create, update, recreate, resume, suspend, drop or unchanged — with its reason, and only the
 * statements that action needs; an unchanged object gets none.
 */
import type { JobConfig, OrchestrationConfig } from "../config/types.js";
import { stop_with_error } from "../errors.js";
import { PACKAGE_NAME } from "../sql/names.js";
import type { LiveObject, LiveState } from "../live/live-state.js";
import type { DesiredObject } from "../desired/managed.js";
import { managed_label, managed_name } from "../desired/names.js";
import type { PlannedStatement } from "./plan-types.js";
import { desired_procedure, procedure_signature } from "../desired/procedure.js";
import { add_log_column_sql, delete_expired_log_rows_sql, desired_log_table, desired_schema, missing_log_columns } from "../desired/schema.js";
import { desired_stream } from "../desired/stream.js";
import { desired_task, schedule_label, trigger_interval_note } from "../desired/task.js";
import { enables_change_tracking, watched_object, type WatchedObjects } from "../live/watched-objects.js";

export interface PlanStep {
  action: string;
  kind: string;
  object: string;
  reason: string;
  statements: PlannedStatement[];
}

const SUSPENDED_DUE_TO_ERRORS = "SUSPENDED_DUE_TO_ERRORS";

export interface PlanOptions {
  is_prod: boolean;
  prod_override: boolean;
}

function step(action: string, kind: string, object: string, reason: string, statements: PlannedStatement[]): PlanStep {
  return { action, kind, object, reason, statements };
}

function planned_statement(action: string, object: string, description: string, sql: string): PlannedStatement {
  return { action, object, description, sql };
}

/** Live objects by name: one pass, so planning stays linear in the number of jobs. */
function by_name(objects: LiveObject[]): Record<string, LiveObject> {
  const index: Record<string, LiveObject> = {};
  for (const object of objects) index[object.name] = object;
  return index;
}

function names_set(names: string[]): Record<string, boolean> {
  const members: Record<string, boolean> = {};
  for (const name of names) members[name] = true;
  return members;
}

/** A job's streams, each on one of its tables. A disabled job keeps them, so enabling it again finds the changes made meanwhile. */
export function job_streams(config: OrchestrationConfig, job: JobConfig): string[][] {
  return job.stream_names.map((name) => [config.database, config.schema, name]);
}

export function job_task(config: OrchestrationConfig, job: JobConfig, options: PlanOptions): DesiredObject {
  return desired_task(config, job, { streams: job_streams(config, job), calls_dbt_cloud: options.is_prod || options.prod_override });
}

/**
 * An existing log table is never replaced: missing columns are added in place, its rows kept, but for
 * rows older than log_retention_days, which are deleted (planned only when there are any).
 */
function log_table_step(config: OrchestrationConfig, live: LiveState): PlanStep {
  const label = desired_log_table(config).label;
  const missing = missing_log_columns(live.log_table_columns);
  const reasons: string[] = [];
  const statements: PlannedStatement[] = [];
  if (missing.length > 0) {
    reasons.push(`lacks ${missing.map((column) => column[0]!).join(", ")}: added in place, rows kept`);
    for (const column of missing) {
      statements.push(planned_statement("update", label, `add column ${column[0]} to ${config.log_table}`, add_log_column_sql(config, column)));
    }
  }
  if (live.log_rows_expired !== "0") {
    reasons.push(`${live.log_rows_expired} row(s) older than ${config.log_retention_days} days (log_retention_days): deleted`);
    statements.push(planned_statement("update", label,
      `delete ${config.log_table} rows older than ${config.log_retention_days} days`, delete_expired_log_rows_sql(config)));
  }
  if (statements.length === 0) return step("unchanged", "log table", label, "exists (never replaced)", []);
  return step("update", "log table", label, reasons.join("; "), statements);
}

/** The live procedure with the arguments the package declares (CREATE OR REPLACE replaces only that overload), or null. */
export function current_procedure(live: LiveState): LiveObject | null {
  const found = live.procedures.filter((procedure) => procedure.signature === procedure_signature());
  return found.length > 0 ? found[0]! : null;
}

function procedure_step(config: OrchestrationConfig, live: LiveState): PlanStep {
  const desired = desired_procedure(config);
  const create = [planned_statement("create", desired.label, `create or replace procedure ${desired.name}`, desired.sql)];
  const current = current_procedure(live);
  if (current === null) return step("create", "procedure", desired.label, "missing", create);
  if (current.fingerprint === desired.fingerprint) return step("unchanged", "procedure", desired.label, "up to date", []);
  return step("update", "procedure", desired.label, "its definition changed", create);
}

/** A managed procedure with other arguments (an earlier version of the package): no task calls it once the tasks are built. */
function earlier_procedure_step(config: OrchestrationConfig, procedure: LiveObject): PlanStep {
  const label = `${managed_label(config, procedure.name)}(${procedure.signature})`;
  return step("drop", "procedure", label, "an earlier signature, no longer called",
    [planned_statement("drop", label, `drop procedure ${procedure.name}(${procedure.signature}) (earlier signature)`,
      `drop procedure if exists ${managed_name(config, procedure.name)}(${procedure.signature})`)]);
}

/** "RAW.SALES.ORDERS" for a table, "view RAW.SALES.V" for the other kinds. */
function source_label(table: string[], kind: string): string {
  return kind === "table" ? table.join(".") : `${kind} ${table.join(".")}`;
}

/** The stream of `job` on its watched object `table`, which is `job.tables[index]`. */
function stream_step(config: OrchestrationConfig, streams: Record<string, LiveObject>, job: JobConfig, index: number, table: string[],
  watched: WatchedObjects): PlanStep {
  const object = watched_object(watched, table);
  const desired = desired_stream(config, job, index, object.kind);
  const existing = streams[desired.name];
  const source = source_label(table, object.kind);
  if (existing === undefined) {
    // The build role owns any object still without change tracking here (check_watched_objects stopped the others).
    const tracking = enables_change_tracking(watched, table) ? "; enables change tracking (the build role owns it)" : "";
    return step("create", "stream", desired.label, `missing (on ${source})${tracking}`,
      [planned_statement("create", desired.label, `create stream ${desired.name} on ${source}`, desired.sql)]);
  }
  if (existing.broken !== "") {
    // A stale stream can no longer return its changes: recreating it is the only way back.
    const healed = desired_stream(config, job, index, object.kind, true);
    return step("recreate", "stream", desired.label, `WARNING: ${existing.broken}; changes before now are lost`,
      [planned_statement("recreate", desired.label, `recreate stream ${desired.name} (${existing.broken})`, healed.sql)]);
  }
  // Never replaced otherwise: replacing a stream drops the changes it holds.
  return step("unchanged", "stream", desired.label, "exists (streams are never replaced)", []);
}

function task_step(config: OrchestrationConfig, tasks: Record<string, LiveObject>, job: JobConfig, options: PlanOptions): PlanStep {
  const desired = job_task(config, job, options);
  const qualified = managed_name(config, desired.name);
  const existing = tasks[desired.name];
  const resume = planned_statement("resume", desired.label, `resume task ${desired.name} (prod target)`, `alter task ${qualified} resume`);
  const suspend = planned_statement("suspend", desired.label, `suspend task ${desired.name}`, `alter task ${qualified} suspend`);
  const create = planned_statement("create", desired.label, `create or alter task ${desired.name} (${schedule_label(job)})`, desired.sql);
  const note = trigger_interval_note(job);
  const interval = note === "" ? "" : `; ${note}`;
  if (existing === undefined) {
    return step("create", "task", desired.label,
      `${options.is_prod ? "missing; resumed (prod target)" : "missing; stays suspended (not a prod target)"}${interval}`,
      options.is_prod ? [create, resume] : [create]);
  }
  const started = existing.state === "started";
  // SHOW TASKS' last_suspended_reason (release-notes/bcr-bundles/2023_08/bcr-1385-1414).
  const auto_suspended = !started && existing.suspended_reason === SUSPENDED_DUE_TO_ERRORS;
  const why_suspended = auto_suspended
    ? `suspended by Snowflake after ${config.suspend_task_after_num_failures} failed runs in a row (${SUSPENDED_DUE_TO_ERRORS}; the log table's ERROR rows say why)`
    : "suspended";
  if (existing.fingerprint !== desired.fingerprint) {
    // Snowflake alters a started task only once suspended; it is resumed after if it should run.
    const statements = started ? [suspend, create] : [create];
    if (options.is_prod) statements.push(resume);
    const resumed = auto_suspended && options.is_prod ? `; was ${why_suspended}, resumed` : "";
    return step("update", "task", desired.label, `its definition changed${started ? " (suspended while altered)" : ""}${resumed}${interval}`, statements);
  }
  if (options.is_prod && !started) return step("resume", "task", desired.label, `${why_suspended}, but a prod task should run`, [resume]);
  if (!options.is_prod && started) return step("suspend", "task", desired.label, "started, but not a prod target", [suspend]);
  return step("unchanged", "task", desired.label, `up to date, ${existing.state}`, []);
}

function disabled_task_step(config: OrchestrationConfig, tasks: Record<string, LiveObject>, job: JobConfig): PlanStep | null {
  const name = job.task_name;
  const existing = tasks[name];
  if (existing === undefined) return null;
  const label = managed_label(config, name);
  if (existing.state !== "started") return step("unchanged", "task", label, `job ${job.job_id} is disabled; task suspended`, []);
  return step("suspend", "task", label, `job ${job.job_id} is disabled`,
    [planned_statement("suspend", label, `suspend task ${name} (job disabled)`, `alter task ${managed_name(config, name)} suspend`)]);
}

function orphan_step(config: OrchestrationConfig, kind: string, orphan: LiveObject): PlanStep {
  const label = managed_label(config, orphan.name);
  if (orphan.original && !config.drop_original_macro_objects) {
    return step("unchanged", kind, label, `made by create_${kind}_generic, not in the config; kept (drop_original_macro_objects: true drops it)`, []);
  }
  if (!config.drop_orphans) return step("unchanged", kind, label, "no longer in the config; kept (drop_orphans: false)", []);
  return step("drop", kind, label, "no longer in the config",
    [planned_statement("drop", label, `drop ${kind} ${orphan.name} (no longer in the config)`, `drop ${kind} if exists ${managed_name(config, orphan.name)}`)]);
}

function check_no_foreign_objects(live: LiveState, desired_streams: Record<string, boolean>, desired_tasks: Record<string, boolean>,
  config: OrchestrationConfig): void {
  const foreign: string[] = [];
  // A log table of another shape (the original macros' has other columns) would make every task insert fail.
  if (live.log_table_exists && !live.log_table_managed) foreign.push(`log table ${managed_label(config, config.log_table)}`);
  for (const stream of live.streams) {
    if (!stream.managed && desired_streams[stream.name] === true) foreign.push(`stream ${managed_label(config, stream.name)}`);
  }
  for (const task of live.tasks) {
    if (!task.managed && desired_tasks[task.name] === true) foreign.push(`task ${managed_label(config, task.name)}`);
  }
  const procedure = current_procedure(live);
  if (procedure !== null && !procedure.managed) foreign.push(`procedure ${desired_procedure(config).label}`);
  if (foreign.length > 0) {
    stop_with_error(`${PACKAGE_NAME}: these objects have the names the package manages but were not created by it, ` +
      `so it leaves them alone and stops: ${foreign.join(", ")}. Rename or drop them, or change the config.`);
  }
}

/** The whole plan, in the order its statements must run. */
export function reconcile(config: OrchestrationConfig, live: LiveState, options: PlanOptions, watched: WatchedObjects): PlanStep[] {
  // non_prod_streams: false builds no stream outside prod, and so no task (a task wakes on its streams).
  const jobs = options.is_prod || config.non_prod_streams ? config.jobs : [];
  const stream_names: string[] = [];
  for (const job of jobs) stream_names.push(...job.stream_names);
  const desired_streams = names_set(stream_names);
  const desired_tasks = names_set(jobs.map((job) => job.task_name));
  check_no_foreign_objects(live, desired_streams, desired_tasks, config);
  const live_streams = by_name(live.streams);
  const live_tasks = by_name(live.tasks);

  const schema = desired_schema(config);
  const log_table = desired_log_table(config);
  const steps: PlanStep[] = [
    live.schema_exists ? step("unchanged", "schema", schema.label, "exists", [])
      : step("create", "schema", schema.label, "missing", [planned_statement("create", schema.label, `create schema ${schema.label}`, schema.sql)]),
    live.log_table_exists ? log_table_step(config, live)
      : step("create", "log table", log_table.label, "missing", [planned_statement("create", log_table.label, `create log table ${log_table.name}`, log_table.sql)]),
    procedure_step(config, live),
  ];
  // Orphan tasks go first (their WHEN names the streams), orphan streams last (after the tasks stop naming them).
  for (const task of live.tasks) {
    if (task.managed && desired_tasks[task.name] !== true) steps.push(orphan_step(config, "task", task));
  }
  for (const job of jobs) {
    for (const [index, table] of job.tables.entries()) steps.push(stream_step(config, live_streams, job, index, table, watched));
  }
  for (const job of jobs) {
    if (job.enabled) {
      steps.push(task_step(config, live_tasks, job, options));
    } else {
      const disabled = disabled_task_step(config, live_tasks, job);
      if (disabled !== null) steps.push(disabled);
    }
  }
  for (const stream of live.streams) {
    if (stream.managed && desired_streams[stream.name] !== true) steps.push(orphan_step(config, "stream", stream));
  }
  // Last, once the tasks call the current signature.
  for (const procedure of live.procedures) {
    if (procedure.managed && procedure.signature !== procedure_signature()) steps.push(earlier_procedure_step(config, procedure));
  }
  return steps;
}

/** What the plan assumed without reading: an offline plan's watched objects. */
export function plan_notes(watched: WatchedObjects): string[] {
  return watched.read ? [] : ["offline: the watched objects were not read; the plan assumes each is a table with change tracking on"];
}

/**
 * What the plan cannot fix but the user should know: each stream of a configured job that Snowflake
 * will consider stale within STALE_WARNING_DAYS days. A stream keeps unconsumed changes only until
 * then: its last consumption plus the greater of DATA_RETENTION_TIME_IN_DAYS and
 * MAX_DATA_EXTENSION_TIME_IN_DAYS (14 days by default; https://docs.snowflake.com/en/user-guide/streams-intro);
 * after it they are lost.
 */
export function plan_warnings(config: OrchestrationConfig, live: LiveState): string[] {
  const warnings: string[] = [];
  const live_streams = by_name(live.streams);
  for (const job of config.jobs) {
    for (const stream of job.stream_names) {
      const existing = live_streams[stream];
      if (existing === undefined || !existing.stale_soon || existing.broken !== "") continue;
      const why = job.enabled ? "its changes wait unconsumed (window closed, upstream job not done, or the task suspended)" : "its job is disabled";
      warnings.push(`stream ${managed_label(config, stream)} goes stale after ${existing.stale_after} UTC: ${why}; ` +
        "its changes are lost then, unless the job consumes them first");
    }
  }
  return warnings;
}
