/** `dbt run-operation orchestration_status`: how every configured job stands, as a table in the dbt log. */
import { load_orchestration_config } from "../config/load.js";
import { shown } from "../text/messages.js";
import type { JobConfig, OrchestrationConfig } from "../config/types.js";
import { stop_with_error } from "../errors.js";
import { check_arguments, check_flags, unsupported_adapter } from "../entry/arguments.js";
import { asText, dispatch, extraKeywordArguments, printLine, runQuery, target, toJson, type QueryRow } from "dbt-prelude";
import { read_live_state, type LiveObject, type LiveState } from "../live/live-state.js";
import { is_true } from "../sql/rows.js";
import { managed_name } from "../desired/names.js";
import { refresh_outcomes } from "../apply/refresh-outcomes.js";
import { schedule_label } from "../desired/task.js";
import { PACKAGE_NAME } from "../sql/names.js";
import { quote_literal, quote_name } from "../sql/quoting.js";

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

/** A job's state, its streams and its last invocation, for people (lines) and machines (the JSON document). */
interface JobStatus {
  lines: string[];
  document: Record<string, unknown>;
  warning: string;
}

/** The stream of job `job` on its table `index`: "has changes", "no changes", "missing" or why it is broken. */
function stream_state(live: LiveState, has_data: Record<string, boolean>, name: string): string {
  const found = live.streams.filter((item) => item.name === name);
  if (found.length === 0) return "missing";
  if (found[0]!.broken !== "") return found[0]!.broken;
  return has_data[name] === true ? "has changes" : "no changes";
}

/**
 * In a prod target, a task that does not trigger its job is a warning: suspended (by hand, by a
 * non-prod build, or by Snowflake after failures), or built without the call to dbt Cloud.
 */
function task_warning(config: OrchestrationConfig, job: JobConfig, task: LiveObject | null): string {
  if (!config.deployment.is_prod || !job.enabled) return "";
  if (task === null) return `WARNING: prod task ${job.task_name}: missing; job ${job.job_id} never runs`;
  const problems: string[] = [];
  if (task.state !== "started") problems.push("suspended");
  if (!task.calls_dbt_cloud) problems.push("does not call dbt Cloud");
  if (problems.length === 0) return "";
  return `WARNING: prod task ${job.task_name}: ${problems.join(", ")}; job ${job.job_id} never runs`;
}

/** A cell for the JSON document: null where the text shows "-". */
function or_null(text: string): string | null {
  return text === "-" ? null : text;
}

function job_status(config: OrchestrationConfig, live: LiveState, has_data: Record<string, boolean>, job: JobConfig,
  last: QueryRow | undefined): JobStatus {
  const found = live.tasks.filter((item) => item.name === job.task_name);
  const task = found.length === 0 ? null : found[0]!;
  const state = task === null ? "missing" : task_state(task, job.enabled);
  const lines = [`${job.name} (${job.job_id}): ${state}, ${schedule_label(job)}`, `  task ${job.task_name}`];
  const streams: Array<Record<string, unknown>> = [];
  for (const [index, table] of job.tables.entries()) {
    const name = job.stream_names[index]!;
    const stream_found = live.streams.filter((item) => item.name === name);
    const listed = stream_state(live, has_data, name);
    const stale = stream_found.length === 0 || stream_found[0]!.broken !== "" ? "" : stale_after(stream_found[0]!);
    lines.push(`  stream on ${table.join(".")}: ${listed}${stale}`);
    streams.push({
      table: table.join("."), stream: name, state: listed,
      stale_after_utc: stream_found.length === 0 ? null : stream_found[0]!.stale_after === "" ? null : stream_found[0]!.stale_after,
      stale_soon: stream_found.length > 0 && stream_found[0]!.stale_soon,
    });
  }
  const invoked = cell(last, "INVOKED_AT");
  lines.push(`  last invocation: ${invoked === "-" ? "-" : `${invoked} UTC, ${cell(last, "STATUS")}`}`);
  const success = cell(last, "LAST_SUCCESS_AT");
  lines.push(`  last run: ${last_run(last)}; last success: ${success === "-" ? "-" : `${success} UTC`}`);
  const warning = task_warning(config, job, task);
  return {
    lines, warning,
    document: {
      name: job.name, job_id: job.job_id, enabled: job.enabled, schedule: schedule_label(job),
      task: {
        name: job.task_name, state: task === null ? "missing" : task.state,
        suspended_reason: task === null || task.suspended_reason === "" ? null : task.suspended_reason,
        calls_dbt_cloud: task !== null && task.calls_dbt_cloud,
      },
      streams,
      last_invocation_utc: or_null(invoked), last_status: or_null(cell(last, "STATUS")), last_run: or_null(last_run(last)),
      last_success_utc: or_null(success),
    },
  };
}

const FORMATS = ["text", "json"];

/**
 * How every configured job stands: its task's state (and whether Snowflake suspended it after
 * failures) and schedule, whether its streams hold changes, are stale, and when they go stale, its last
 * invocation (time in UTC, status), its last dbt Cloud run with outcome and duration, and its last
 * success, from the log table, as last recorded: the status only reads. With refresh, unfinished runs
 * are first asked of dbt Cloud and recorded (refresh_orchestration_outcomes: one read-only request per
 * job that has any, and an update of the log rows). In a prod target, a
 * WARNING line for each task that does not trigger its job (suspended, or not calling dbt Cloud).
 * @public
 * @param format - 'text' (default: a few short lines per job), or 'json': one JSON document and nothing else on stdout (with --quiet)
 * @param refresh - first ask dbt Cloud how unfinished runs ended and record it in the log table (calls the procedure)
 */
export function orchestration_status(format = "text", refresh = false): string[] {
  check_arguments("orchestration_status", extraKeywordArguments(), ["format", "refresh"]);
  check_flags("orchestration_status", { refresh });
  if (!FORMATS.includes(format)) {
    stop_with_error(`orchestration_status: argument 'format' must be one of: ${FORMATS.join(", ")}; not ${shown(format)}.`);
  }
  return dispatch<(format: string, refresh: boolean) => string[]>("orchestration_status", PACKAGE_NAME)(format, refresh);
}

/** Any adapter but Snowflake. */
export function default__orchestration_status(_format: string, _refresh: boolean): string[] {
  return unsupported_adapter("orchestration_status");
}

/** Snowflake implementation of orchestration_status. */
export function snowflake__orchestration_status(format: string, refresh: boolean): string[] {
  const config = load_orchestration_config();
  const live = read_live_state(config);
  const has_data = stream_data(config, live);
  // Read-only unless asked: refreshing calls the procedure (dbt Cloud) and updates log rows.
  if (refresh) refresh_outcomes(config, live, false);
  const invocations = last_invocations(config, live);
  const lines = [`${PACKAGE_NAME} status of ${config.database}.${config.schema}, target '${target.name}'`,
    `  ${config.deployment.reason}`];
  const jobs: Array<Record<string, unknown>> = [];
  const warnings: string[] = [];
  for (const job of config.jobs) {
    const status = job_status(config, live, has_data, job, invocations[String(job.job_id)]);
    lines.push(...status.lines);
    jobs.push(status.document);
    if (status.warning !== "") warnings.push(status.warning);
  }
  lines.push(...warnings);
  if (warnings.length > 0) lines.push("  build_orchestration_resources from a prod target repairs them");
  if (format === "json") {
    printLine(toJson({
      package: PACKAGE_NAME, target: target.name, prod: config.deployment.is_prod, prod_reason: config.deployment.reason,
      schema: `${config.database}.${config.schema}`, jobs, warnings,
    }));
  } else {
    printLine(lines.join("\n"));
  }
  return lines;
}
