/**
 * create_task_generic, the original package's macro with its original arguments: the entry point
 * checks them and dispatches to the Snowflake implementation below.
 */
import { run_plan } from "../apply/run-plan.js";
import { load_job, load_orchestration_config } from "../config/load.js";
import type { JobConfig, OrchestrationConfig } from "../config/types.js";
import { desired_task, schedule_label, type TaskSettings } from "../desired/task.js";
import { managed_label, managed_name } from "../desired/names.js";
import { check_arguments, check_flags, check_texts, unsupported_adapter } from "../entry/arguments.js";
import { stop_with_error } from "../errors.js";
import { read_live_state } from "../live/live-state.js";
import { check_prod_ownership, prod_owned_changes } from "../plan/ownership.js";
import type { PlannedStatement } from "../plan/plan-types.js";
import { dispatch, extraKeywordArguments } from "dbt-prelude";
import { PACKAGE_NAME, parse_object_name } from "../sql/names.js";

/**
 * Creates or alters the task of one dbt Cloud job, with the original macro's arguments. Resumes it
 * only in a prod target; elsewhere it stays suspended and, unless prod_override, never calls dbt Cloud.
 * @public
 * @param job_id - the dbt Cloud job id
 * @param job_name - the job's name (any text; it names the task)
 * @param streams - the streams that wake the task: names in the orchestration schema or DATABASE.SCHEMA.STREAM
 * @param schedule - '15 MINUTE', 'USING CRON 0 6 * * 1-5 UTC' or 'triggered'
 * @param upstream_job_id - a job that must have succeeded today first; -1 for none
 * @param min_elapsed_seconds - the least time since the job's newest run
 * @param min_start_time - start of the daily window, HH:MM
 * @param max_start_time - end of the daily window, HH:MM (may be before the start: the window crosses midnight)
 * @param days_of_week - allowed weekdays, 0 = Monday … 6 = Sunday
 * @param prod_override - call dbt Cloud even outside a prod target
 * @param logging_table - the log table in the orchestration schema
 * @param dry_run - print the statements instead of running them
 * @param override_prod_ownership - from a non-prod target, alter the task a prod target built anyway (printed as a warning)
 */
export function create_task_generic(
  job_id: number,
  job_name: string,
  streams: string[],
  schedule = "15 MINUTE",
  upstream_job_id = -1,
  min_elapsed_seconds = 300,
  min_start_time = "00:00",
  max_start_time = "23:59",
  days_of_week: number[] = [0, 1, 2, 3, 4, 5, 6],
  prod_override = false,
  logging_table = "orchestration_logs",
  dry_run = false,
  override_prod_ownership = false,
): string[] {
  check_arguments("create_task_generic", extraKeywordArguments(), [
    "job_id", "job_name", "streams", "schedule", "upstream_job_id", "min_elapsed_seconds", "min_start_time",
    "max_start_time", "days_of_week", "prod_override", "logging_table", "dry_run", "override_prod_ownership",
  ]);
  check_flags("create_task_generic", { prod_override, dry_run, override_prod_ownership });
  check_texts("create_task_generic", { logging_table });
  return dispatch<(job_id: number, job_name: string, streams: string[], schedule: string, upstream_job_id: number,
    min_elapsed_seconds: number, min_start_time: string, max_start_time: string, days_of_week: number[],
    prod_override: boolean, logging_table: string, dry_run: boolean, override_prod_ownership: boolean) => string[]>(
    "create_task_generic", PACKAGE_NAME)(
    job_id, job_name, streams, schedule, upstream_job_id, min_elapsed_seconds, min_start_time, max_start_time,
    days_of_week, prod_override, logging_table, dry_run, override_prod_ownership);
}

/** create_task_generic's statements: it does not read the live state, so it suspends first in case the task runs. */
function task_statements(config: OrchestrationConfig, job: JobConfig, settings: TaskSettings, resume: boolean):
  PlannedStatement[] {
  const task = desired_task(config, job, settings, true);
  const qualified = managed_name(config, task.name);
  const plan: PlannedStatement[] = [
    { action: "suspend", object: task.label, description: `suspend task ${task.name} if it exists, so it can be changed`,
      sql: `alter task if exists ${qualified} suspend` },
    { action: "create", object: task.label, description: `create or alter task ${task.name} (${schedule_label(job)})`, sql: task.sql },
  ];
  if (resume) plan.push({ action: "resume", object: task.label, description: `resume task ${task.name} (prod target)`, sql: `alter task ${qualified} resume` });
  return plan;
}

function stream_parts(config: OrchestrationConfig, value: string): string[] {
  const parsed = parse_object_name(value);
  if (parsed.error !== null) stop_with_error(`create_task_generic: stream '${value}' ${parsed.error}`);
  if (parsed.parts.length === 1) return [config.database, config.schema, parsed.parts[0]!];
  if (parsed.parts.length === 3) return parsed.parts;
  return stop_with_error(`create_task_generic: stream '${value}' must be a stream name or DATABASE.SCHEMA.STREAM`);
}

/** Outside prod a run first reads the task it would suspend and alter (a dry run, like the original macro's, reads nothing). */
function check_original_task_ownership(config: OrchestrationConfig, task: string, plan: PlannedStatement[], override: boolean): void {
  const live = read_live_state(config);
  const exists = live.tasks.some((found) => found.name === task);
  const steps = [{ action: exists ? "update" : "create", kind: "task", object: managed_label(config, task), reason: "", statements: plan }];
  check_prod_ownership(config, "create_task_generic", prod_owned_changes(config, live, steps), override);
}

/** Snowflake implementation of create_task_generic. */
export function snowflake__create_task_generic(
  job_id: number,
  job_name: string,
  streams: string[],
  schedule = "15 MINUTE",
  upstream_job_id = -1,
  min_elapsed_seconds = 300,
  min_start_time = "00:00",
  max_start_time = "23:59",
  days_of_week: number[] = [0, 1, 2, 3, 4, 5, 6],
  prod_override = false,
  logging_table = "orchestration_logs",
  dry_run = false,
  override_prod_ownership = false,
): string[] {
  const base = load_orchestration_config();
  const config = { ...base, log_table: logging_table.toUpperCase() };
  const problems: string[] = [];
  const job = load_job({
    name: job_name, job_id, schedule, upstream_job_id: upstream_job_id === -1 ? null : upstream_job_id,
    min_elapsed_seconds, min_start_time, max_start_time, days_of_week,
  }, "create_task_generic", problems, false);
  if (job === null || problems.length > 0) stop_with_error(`create_task_generic: ${problems.join("; ")}`);
  const is_prod = config.deployment.is_prod;
  if (streams.length === 0) stop_with_error("create_task_generic: give at least one stream");
  const settings = { streams: streams.map((stream) => stream_parts(config, stream)), calls_dbt_cloud: is_prod || prod_override };
  const plan = task_statements(config, job, settings, is_prod);
  if (!dry_run && !is_prod) check_original_task_ownership(config, job.task_name, plan, override_prod_ownership);
  return run_plan(plan, dry_run, `create the task of job ${job_id}`);
}

/** Any adapter but Snowflake. */
export function default__create_task_generic(
  _job_id: number, _job_name: string, _streams: string[], _schedule: string, _upstream_job_id: number,
  _min_elapsed_seconds: number, _min_start_time: string, _max_start_time: string, _days_of_week: number[],
  _prod_override: boolean, _logging_table: string, _dry_run: boolean, _override_prod_ownership: boolean,
): string[] {
  return unsupported_adapter("create_task_generic");
}
