/** `dbt run-operation orchestration_status`: how every configured job stands, as a table in the dbt log. */
import { load_orchestration_config } from "./config/load.js";
import type { OrchestrationConfig } from "./config/types.js";
import { check_arguments, unsupported_adapter } from "./entry/arguments.js";
import { asText, dispatch, extraKeywordArguments, printLine, runQuery, type QueryRow } from "./prelude/dbt.js";
import { is_true, read_live_state, type LiveObject, type LiveState } from "./resources/live-state.js";
import { managed_name } from "./resources/names.js";
import { refresh_outcomes } from "./resources/refresh.js";
import { schedule_label } from "./resources/task.js";
import { plain_table } from "./resources/run-plan.js";
import { PACKAGE_NAME } from "./sql/names.js";
import { quote_literal, quote_name } from "./sql/quoting.js";

function stream_data(config: OrchestrationConfig, live: LiveState): Record<string, boolean> {
  const present = live.streams.filter((stream) => stream.managed && stream.broken === "").map((stream) => stream.name);
  const found: Record<string, boolean> = {};
  if (present.length === 0) return found;
  // One query for every stream: SYSTEM$STREAM_HAS_DATA is a scalar function. Unquoted aliases come
  // back in upper case whatever QUOTED_IDENTIFIERS_IGNORE_CASE says (sql-reference/identifiers-syntax).
  const columns = present.map((stream, index) =>
    `system$stream_has_data(${quote_literal(quote_name([config.database, config.schema, stream]))}) as S${index}`);
  const result = runQuery(`select ${columns.join(", ")}`);
  if (result.rows.length === 0) return found;
  const row = result.rows[0]!;
  for (const [index, stream] of present.entries()) found[stream] = is_true(row[`S${index}`]);
  return found;
}

/** Per job: the last invocation, the last triggered run with its outcome and duration, and the last success. */
function last_invocations(config: OrchestrationConfig, live: LiveState): Record<string, QueryRow> {
  const found: Record<string, QueryRow> = {};
  if (!live.log_table_exists) return found;
  const newest_run = "over (partition by job_id order by iff(run_id is null, 1, 0), invoked_at desc)";
  // Unquoted aliases: Snowflake names them in upper case (JOB_ID) whatever QUOTED_IDENTIFIERS_IGNORE_CASE
  // says, which a quoted lower-case alias would not survive (sql-reference/identifiers-syntax).
  const result = runQuery([
    "select job_id::varchar as JOB_ID, to_varchar(convert_timezone('UTC', invoked_at), 'YYYY-MM-DD HH24:MI:SS') as INVOKED_AT,",
    "  status as STATUS, last_run_id::varchar as RUN_ID, last_run_status as RUN_STATUS, last_run_seconds::varchar as RUN_SECONDS,",
    "  to_varchar(convert_timezone('UTC', last_success_at), 'YYYY-MM-DD HH24:MI:SS') as LAST_SUCCESS_AT",
    "from (",
    "  select job_id, invoked_at, status,",
    `    first_value(run_id) ${newest_run} as last_run_id,`,
    `    first_value(run_status) ${newest_run} as last_run_status,`,
    `    first_value(run_duration_seconds) ${newest_run} as last_run_seconds,`,
    "    max(iff(run_status = 'Success', run_finished_at, null)) over (partition by job_id) as last_success_at,",
    "    row_number() over (partition by job_id order by invoked_at desc) as newest",
    `  from ${managed_name(config, config.log_table)}`,
    ") where newest = 1",
  ].join("\n"));
  for (const row of result.rows) {
    const job_id = row["JOB_ID"];
    if (job_id != null) found[asText(job_id as string)] = row;
  }
  return found;
}

/** A task's state; a task Snowflake suspended after failures says so (SHOW TASKS' last_suspended_reason). */
function task_state(task: LiveObject, enabled: boolean): string {
  const state = task.state === "suspended" && task.suspended_reason === "SUSPENDED_DUE_TO_ERRORS"
    ? "suspended by Snowflake after failures" : task.state;
  return enabled ? state : `${state} (disabled)`;
}

/** When Snowflake will consider the stream stale unless its changes are consumed (SHOW STREAMS' stale_after). */
function stale_after(stream: LiveObject): string {
  return stream.stale_after === "" ? "" : `, stale after ${stream.stale_after} UTC${stream.stale_soon ? " (soon)" : ""}`;
}

function cell(row: QueryRow | undefined, column: string): string {
  if (row === undefined) return "-";
  const value = row[column];
  return value == null ? "-" : asText(value as string);
}

/** "123456 Success in 83 s", "123456 Running", "123456 outcome unknown", or "-" when the job never triggered a run. */
function last_run(row: QueryRow | undefined): string {
  const run_id = cell(row, "RUN_ID");
  if (run_id === "-") return "-";
  const status = cell(row, "RUN_STATUS");
  const seconds = cell(row, "RUN_SECONDS");
  if (status === "-") return `${run_id} outcome unknown`;
  return seconds === "-" ? `${run_id} ${status}` : `${run_id} ${status} in ${seconds} s`;
}

/**
 * One line per configured job: its task's state (and whether Snowflake suspended it after failures)
 * and schedule, whether its streams hold changes, are stale, and when they go stale, its last
 * invocation (time in UTC, status), its last dbt Cloud run with outcome and duration, and its last
 * success, from the log table. Unfinished runs are first asked of dbt Cloud
 * (refresh_orchestration_outcomes: one read-only request per job that has any).
 * @public
 */
export function orchestration_status(): string[] {
  check_arguments("orchestration_status", extraKeywordArguments(), []);
  return dispatch<() => string[]>("orchestration_status", PACKAGE_NAME)();
}

/** Any adapter but Snowflake. */
export function default__orchestration_status(): string[] {
  return unsupported_adapter("orchestration_status");
}

/** Snowflake implementation of orchestration_status. */
export function snowflake__orchestration_status(): string[] {
  const config = load_orchestration_config();
  const live = read_live_state(config);
  const has_data = stream_data(config, live);
  refresh_outcomes(config, live, false);
  const invocations = last_invocations(config, live);
  const rows: string[][] = [["job", "task", "state", "schedule", "streams", "last invocation (UTC)", "status", "last run", "last success (UTC)"]];
  for (const job of config.jobs) {
    const task = job.task_name;
    const live_task = live.tasks.filter((item) => item.name === task);
    const state = live_task.length === 0 ? "missing" : task_state(live_task[0]!, job.enabled);
    const streams: string[] = [];
    for (const [index, table] of job.tables.entries()) {
      const name = job.stream_names[index]!;
      const found = live.streams.filter((item) => item.name === name);
      if (found.length === 0) streams.push(`${table.join(".")}: missing`);
      else if (found[0]!.broken !== "") streams.push(`${table.join(".")}: ${found[0]!.broken}`);
      else streams.push(`${table.join(".")}: ${has_data[name] === true ? "has changes" : "no changes"}${stale_after(found[0]!)}`);
    }
    const last = invocations[String(job.job_id)];
    rows.push([`${job.name} (${job.job_id})`, task, state, schedule_label(job), streams.join("; "),
      cell(last, "INVOKED_AT"), cell(last, "STATUS"), last_run(last), cell(last, "LAST_SUCCESS_AT")]);
  }
  const lines = plain_table(rows);
  printLine(`${PACKAGE_NAME} status for target schema ${config.database}.${config.schema}:\n${lines.join("\n")}`);
  return lines;
}
