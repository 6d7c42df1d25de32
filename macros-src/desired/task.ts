/**
 * Tasks: one per enabled job. The task fires when any of its streams has data, checks the cheap
 * conditions (start window, weekday) in SQL, checks that a stream holds a row, then calls the procedure.
 * Its streams are read inside a transaction that commits only when a run was triggered (or adopted) for
 * the changes, or when there were none, so no change is lost; a procedure ERROR fails the task run.
 */
import type { JobConfig, OrchestrationConfig } from "../config/types.js";
import { target } from "dbt-prelude";
import { quote_literal, quote_name } from "../sql/quoting.js";
import { fingerprint_of, fingerprinted_comment, ORIGINAL_TASK_MARK, type DesiredObject } from "./managed.js";
import { managed_label, managed_name, procedure_name } from "./names.js";
import { record_outcomes_sql, unfinished_runs_sql } from "./outcomes.js";

const DAYS_IN_WEEK = 7;
const SINK_TABLE = "orchestration_stream_sink";

/** A SQL condition that is true while the job may start, or "" when it may always start. */
function start_condition(job: JobConfig): string {
  const conditions: string[] = [];
  if (job.min_start_time !== "00:00" || job.max_start_time !== "23:59") {
    const now = "to_char(local_now, 'HH24:MI')";
    const min_time = quote_literal(job.min_start_time);
    const max_time = quote_literal(job.max_start_time);
    // A window such as 22:00-02:00 crosses midnight: it is open after the start or before the end.
    conditions.push(job.min_start_time <= job.max_start_time
      ? `${now} between ${min_time} and ${max_time}`
      : `(${now} >= ${min_time} or ${now} <= ${max_time})`);
  }
  // load_job keeps each weekday 0-6 at most once, so seven of them are all of them.
  if (job.days_of_week.length !== DAYS_IN_WEEK) conditions.push(`dayofweekiso(local_now) - 1 in (${job.days_of_week.join(", ")})`);
  return conditions.join(" and ");
}

/**
 * The log row insert up to the outcome it records, the same for all three a task body holds:
 * `${head}${outcome} as r);` completes it (log_insert).
 */
function log_insert_head(config: OrchestrationConfig, job: JobConfig, task: string): string {
  return [
    `insert into ${managed_name(config, config.log_table)}`,
    "      (invoked_at, job_name, job_id, task_name, status, run_id, run_url, result, logs)",
    `    select current_timestamp(), ${quote_literal(job.name)}, ${job.job_id}, ${quote_literal(task)},`,
    "      r:status::varchar, r:run_id::number, r:run_url::varchar, r, r:logs::array",
    "    from (select ",
  ].join("\n");
}

function log_insert(head: string, outcome: string): string {
  return `${head}${outcome} as r);`;
}

function skipped(reason: string): string {
  return `object_construct('status', 'SKIPPED', 'run_id', null, 'run_url', null, 'checks', array_construct(), ` +
    `'logs', array_construct(${quote_literal(reason)}))`;
}

/** How many unfinished runs a task asks about: the procedure finds them only among the job's 10 newest runs. */
const KNOWN_RUNS_LIMIT = 10;

/**
 * The job's watched tables whose stream has data, as the procedure's changed_sources:
 * {table, source} with the dbt source name, or without one for a table listed under `tables:`.
 * SYSTEM$STREAM_HAS_DATA only looks; it consumes nothing.
 */
function changed_sources_sql(config: OrchestrationConfig, job: JobConfig): string {
  const items: string[] = [];
  for (const [index, table] of job.tables.entries()) {
    const stream = managed_name(config, job.stream_names[index]!);
    const source = job.table_sources[index];
    const fields = [`'table', ${quote_literal(table.join("."))}`];
    if (source != null) fields.push(`'source', ${quote_literal(source)}`);
    items.push(`iff(system$stream_has_data(${quote_literal(stream)}), object_construct(${fields.join(", ")}), null)`);
  }
  return `array_construct_compact(\n      ${items.join(",\n      ")})`;
}

/**
 * The change-set key the procedure puts in the trigger's `cause` and looks for before triggering: a hash
 * of SYSTEM$LAST_CHANGE_COMMIT_TIME of each watched table or view, a token that changes with every DML on
 * it (sql-reference/functions/system_last_change_commit_time). A wake over the same unconsumed changes
 * (an earlier invocation died after its trigger, before COMMIT) computes the same key; new changes, another.
 */
function change_key_sql(job: JobConfig): string {
  const tokens = job.tables.map((table) => `system$last_change_commit_time(${quote_literal(quote_name(table))})`);
  return `select md5(array_to_string(array_construct(${tokens.join(", ")}), ',')) into :change_key;`;
}

/**
 * Whether any of the job's streams holds a row: at most one row read per stream. Inside the transaction a
 * stream returns the same rows to every statement (user-guide/streams-intro, repeatable read isolation).
 */
function pending_rows_sql(streams: string[][]): string {
  const reads = streams.map((stream) => `select * from (select 1 as pending from ${quote_name(stream)} limit 1)`);
  return `select count(*) into :pending_rows from (${reads.join(" union all ")});`;
}

/** The procedure's options: the runs to report on, the change-set key, and, for a selective job, what changed. */
function procedure_options(job: JobConfig): string {
  const entries = ["'known_run_ids', :known_runs"];
  if (job.tables.length > 0) entries.push("'change_key', :change_key");
  if (job.select_changed) entries.push("'select_changed', true", "'changed_sources', :changed_sources");
  return `object_construct(${entries.join(", ")})`;
}

export interface TaskSettings {
  streams: string[][];
  calls_dbt_cloud: boolean;
}

/** What a wake logs when no stream holds a row: a keep-alive run or a false positive of the WHEN condition. */
const NO_NEW_ROWS = "no new rows in the job's streams (a keep-alive wake or a false positive of SYSTEM$STREAM_HAS_DATA): " +
  "dbt Cloud was not called";

/** Raised after a procedure ERROR is logged and the streams rolled back, so the task run fails. */
const ERROR_EXCEPTION = "dbt_cloud_error";
const ERROR_EXCEPTION_NUMBER = -20001;

export function task_body(config: OrchestrationConfig, job: JobConfig, settings: TaskSettings): string {
  const task = job.task_name;
  const log_head = log_insert_head(config, job, task);
  const qualified_task = `${config.database}.${config.schema}.${task}`;
  // DECLARE holds constants only: the block's EXCEPTION handler does not cover it
  // (sql-reference/snowflake-scripting/exception), so anything that can fail is assigned after BEGIN,
  // where a failure writes an ERROR row and then raises.
  const lines = [
    "declare",
    "  local_now timestamp_ntz default null;",
    "  outcome variant default null;",
    "  failure variant default null;",
    "  pending_rows number default 0;",
  ];
  if (settings.calls_dbt_cloud) lines.push("  known_runs array default null;");
  if (settings.calls_dbt_cloud && job.tables.length > 0) lines.push("  change_key varchar default null;");
  if (settings.calls_dbt_cloud && job.select_changed) lines.push("  changed_sources array default null;");
  if (settings.calls_dbt_cloud) {
    // A declared exception with a number and message (sql-reference/snowflake-scripting/raise).
    lines.push(`  ${ERROR_EXCEPTION} exception (${ERROR_EXCEPTION_NUMBER}, ${quote_literal(
      `dbt Cloud job ${job.job_id}: the procedure returned ERROR; the streams were rolled back and the log table has why`)});`);
  }
  lines.push("begin", `  local_now := convert_timezone(${quote_literal(config.timezone)}, current_timestamp())::timestamp_ntz;`);
  const condition = start_condition(job);
  if (condition !== "") {
    // Checked here, so a closed window costs no procedure call and no dbt Cloud API call.
    lines.push(
      `  if (not (${condition})) then`,
      `    outcome := ${skipped(`outside the start window or weekdays (${config.timezone}); changes wait for the next run`)};`,
      `    ${log_insert(log_head, ":outcome")}`,
      "    return 'SKIPPED';",
      "  end if;",
    );
  }
  lines.push(
    `  create temporary table if not exists ${SINK_TABLE} (consumed boolean);`,
    "  begin transaction;",
  );
  // Reading a stream in a DML statement moves its offset on commit; rolling back keeps the changes.
  for (const stream of settings.streams) {
    lines.push(`  insert into ${SINK_TABLE} select true from ${quote_name(stream)} where false;`);
  }
  // A stream-guarded task also runs about every 12 hours with no new data (release-notes/bcr-bundles/2024_06/bcr-1710),
  // and SYSTEM$STREAM_HAS_DATA may answer true for a stream with no row (sql-reference/functions/system_stream_has_data):
  // with no row, commit (the offsets move to now, past nothing: that page's way to consume a false positive) and call nobody.
  lines.push(
    `  ${pending_rows_sql(settings.streams)}`,
    "  if (pending_rows = 0) then",
    "    commit;",
    `    outcome := ${skipped(NO_NEW_ROWS)};`,
    `    ${log_insert(log_head, ":outcome")}`,
    "    return 'SKIPPED';",
    "  end if;",
  );
  if (settings.calls_dbt_cloud) {
    if (job.tables.length > 0) lines.push(`  ${change_key_sql(job)}`);
    // The log rows still waiting for an outcome: the procedure reports those it sees in the list it fetches anyway.
    lines.push(`  select array_agg(run_id) into :known_runs from (${unfinished_runs_sql(config, `job_id = ${job.job_id} and `, KNOWN_RUNS_LIMIT)});`);
    if (job.select_changed) lines.push(`  changed_sources := ${changed_sources_sql(config, job)};`);
    const args = [
      quote_literal(config.access_url),
      String(config.account_id),
      String(job.job_id),
      quote_literal(`Triggered by Snowflake task ${qualified_task}`),
      job.upstream_job_id === null ? "null" : String(job.upstream_job_id),
      String(job.min_elapsed_seconds),
      quote_literal(job.min_start_time),
      quote_literal(job.max_start_time),
      `array_construct(${job.days_of_week.join(", ")})`,
      quote_literal(config.timezone),
      procedure_options(job),
    ];
    lines.push(`  call ${procedure_name(config)}(${args.join(", ")}) into :outcome;`);
  } else {
    lines.push(`  outcome := ${skipped(`target ${target.name} is not a prod target: dbt Cloud was not called`)};`);
  }
  // A run triggered now or adopted (created for these same changes by an earlier invocation that died before COMMIT):
  // the changes are handed over, so the streams move on.
  lines.push(
    "  if (outcome:status::varchar in ('TRIGGERED', 'ADOPTED')) then",
    "    commit;",
    "  else",
    "    rollback;",
    "  end if;",
    `  ${log_insert(log_head, ":outcome")}`,
  );
  if (settings.calls_dbt_cloud) {
    // How earlier runs ended (and the new run's first state), as the procedure saw them.
    lines.push(`  ${record_outcomes_sql(config, job.job_id, ":outcome")};`);
    // The ERROR row is written and the streams rolled back; failing the run lets SUSPEND_TASK_AFTER_NUM_FAILURES and
    // ERROR_INTEGRATION act (user-guide/tasks-errors).
    lines.push(
      "  if (outcome:status::varchar = 'ERROR') then",
      `    raise ${ERROR_EXCEPTION};`,
      "  end if;",
    );
  }
  lines.push("  return outcome:status::varchar;", "exception");
  // Its row is already written: raised again as it is (sql-reference/snowflake-scripting/raise), not logged twice.
  if (settings.calls_dbt_cloud) lines.push(`  when ${ERROR_EXCEPTION} then`, "    raise;");
  lines.push(
    "  when other then",
    "    rollback;",
    "    failure := object_construct('status', 'ERROR', 'run_id', null, 'run_url', null, 'checks', array_construct(),",
    "      'logs', array_construct('the task failed: ' || sqlerrm));",
    `    ${log_insert(log_head, ":failure")}`,
    "    raise;",
    "end",
  );
  return lines.join("\n");
}

/** USER_TASK_MINIMUM_TRIGGER_INTERVAL_IN_SECONDS accepts 10 to 604800 (sql-reference/sql/create-task). */
export const MIN_TRIGGER_INTERVAL_SECONDS = 10;
export const MAX_TRIGGER_INTERVAL_SECONDS = 604800;

/**
 * How often a triggered task may wake while its changes wait (a closed window, a run in progress, an
 * upstream job not done): once per min_elapsed_seconds, clamped to what Snowflake accepts. A
 * triggered task also runs at least every 12 hours whatever this says (sql-reference/sql/create-task).
 * A scheduled task wakes on its schedule instead.
 */
export function trigger_interval_seconds(job: JobConfig): number {
  return Math.min(MAX_TRIGGER_INTERVAL_SECONDS, Math.max(MIN_TRIGGER_INTERVAL_SECONDS, job.min_elapsed_seconds));
}

/** Why the trigger interval is not min_elapsed_seconds, or "" when it is (or the task is scheduled). */
export function trigger_interval_note(job: JobConfig): string {
  const interval = trigger_interval_seconds(job);
  if (job.schedule.kind !== "triggered" || interval === job.min_elapsed_seconds) return "";
  const bound = interval === MIN_TRIGGER_INTERVAL_SECONDS ? "minimum" : "maximum";
  return `trigger interval ${interval} s: min_elapsed_seconds ${job.min_elapsed_seconds} is beyond Snowflake's ${bound}`;
}

/** A task's statement, but for its comment: the text before the comment and after it. */
interface TaskDefinition {
  head: string;
  tail: string;
}

/**
 * Built once per task: the statement is drafted with the plain comment for its fingerprint, then
 * finished with the fingerprinted one, and only the comment differs between the two.
 */
function task_definition(config: OrchestrationConfig, job: JobConfig, settings: TaskSettings): TaskDefinition {
  const when = settings.streams
    .map((stream) => `system$stream_has_data(${quote_literal(quote_name(stream))})`)
    .join("\n    or ");
  const triggered = job.schedule.kind === "triggered";
  const lines = [`create or alter task ${managed_name(config, job.task_name)}`];
  if (config.warehouse !== null) lines.push(`  warehouse = ${quote_name([config.warehouse])}`);
  // Serverless triggered tasks are sized by a completion target; scheduled ones by an initial size.
  else if (triggered) lines.push("  target_completion_interval = '5 MINUTES'");
  else lines.push("  user_task_managed_initial_warehouse_size = 'XSMALL'");
  const interval = trigger_interval_seconds(job);
  if (triggered) lines.push(`  user_task_minimum_trigger_interval_in_seconds = ${interval}`);
  else lines.push(`  schedule = ${quote_literal(job.schedule.text)}`);
  // Explicit, so a failing task's fate is in the config; ERROR_INTEGRATION makes a failure notify
  // someone (user-guide/tasks-errors).
  lines.push(`  suspend_task_after_num_failures = ${config.suspend_task_after_num_failures}`);
  if (config.error_integration !== null) lines.push(`  error_integration = ${quote_name([config.error_integration])}`);
  // The block is a string: dbt splits the statements it runs at every semicolon outside quotes.
  return { head: lines.join("\n"), tail: `  when ${when}\nas execute immediate ${quote_literal(task_body(config, job, settings))}` };
}

function task_sql(definition: TaskDefinition, comment: string): string {
  return `${definition.head}\n  comment = ${quote_literal(comment)}\n${definition.tail}`;
}

/** A job's task; CREATE OR ALTER changes an existing one in place. */
export function desired_task(config: OrchestrationConfig, job: JobConfig, settings: TaskSettings, original = false): DesiredObject {
  const job_purpose = `triggers dbt Cloud job ${job.job_id} (${job.name})`;
  const purpose = original ? `${job_purpose}${ORIGINAL_TASK_MARK}` : job_purpose;
  const definition = task_definition(config, job, settings);
  const fingerprint = fingerprint_of(task_sql(definition, purpose));
  return {
    kind: "task", name: job.task_name, label: managed_label(config, job.task_name), fingerprint,
    sql: task_sql(definition, fingerprinted_comment(purpose, fingerprint, config.deployment)),
  };
}

export function schedule_label(job: JobConfig): string {
  return job.schedule.kind === "triggered" ? "triggered" : job.schedule.text;
}
