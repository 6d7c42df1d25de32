/**
 * The original package's four macros, with their original arguments: each checks its arguments and
 * dispatches to its Snowflake implementation (in macros-src/resources/), like every public macro.
 */
import { check_arguments, check_flags, check_texts, unsupported_adapter } from "./entry/arguments.js";
import { dispatch, extraKeywordArguments } from "./prelude/dbt.js";
import { PACKAGE_NAME } from "./sql/names.js";

/**
 * Creates the managed stream on one table, if it does not exist yet. Quoted names keep their case:
 * pass '"Order Items"' for a case-sensitive table.
 * @public
 * @param database - the table's database
 * @param schema - the table's schema
 * @param table - the table's name
 * @param dry_run - print the statement instead of running it
 */
export function create_stream_generic(database: string, schema: string, table: string, dry_run = false): string[] {
  check_arguments("create_stream_generic", extraKeywordArguments(), ["database", "schema", "table", "dry_run"]);
  check_flags("create_stream_generic", { dry_run });
  check_texts("create_stream_generic", { database, schema, table });
  return dispatch<(database: string, schema: string, table: string, dry_run: boolean) => string[]>(
    "create_stream_generic", PACKAGE_NAME)(database, schema, table, dry_run);
}

/** Any adapter but Snowflake. */
export function default__create_stream_generic(_database: string, _schema: string, _table: string, _dry_run: boolean): string[] {
  return unsupported_adapter("create_stream_generic");
}

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

/** Any adapter but Snowflake. */
export function default__create_task_generic(
  _job_id: number, _job_name: string, _streams: string[], _schedule: string, _upstream_job_id: number,
  _min_elapsed_seconds: number, _min_start_time: string, _max_start_time: string, _days_of_week: number[],
  _prod_override: boolean, _logging_table: string, _dry_run: boolean, _override_prod_ownership: boolean,
): string[] {
  return unsupported_adapter("create_task_generic");
}

/**
 * Creates (or replaces) the DBT_CLOUD_RUN_JOB procedure in the orchestration schema.
 * @public
 * @param dry_run - print the statement instead of running it
 * @param override_prod_ownership - from a non-prod target, replace the procedure a prod target built anyway (printed as a warning)
 */
export function create_proc__dbt_cloud_run_job(dry_run = false, override_prod_ownership = false): string[] {
  check_arguments("create_proc__dbt_cloud_run_job", extraKeywordArguments(), ["dry_run", "override_prod_ownership"]);
  check_flags("create_proc__dbt_cloud_run_job", { dry_run, override_prod_ownership });
  return dispatch<(dry_run: boolean, override_prod_ownership: boolean) => string[]>("create_proc__dbt_cloud_run_job", PACKAGE_NAME)(
    dry_run, override_prod_ownership);
}

/** Any adapter but Snowflake. */
export function default__create_proc__dbt_cloud_run_job(_dry_run: boolean, _override_prod_ownership: boolean): string[] {
  return unsupported_adapter("create_proc__dbt_cloud_run_job");
}

/**
 * One-time setup (needs a role with CREATE INTEGRATION): the network rule for the configured dbt
 * Cloud host, the secret with the API token and the external access integration. The token is read
 * from an environment variable and sent as a bind parameter: it is in no SQL text, so in no dbt log,
 * and it is never printed, not even in a dry run.
 * @public
 * @param token_env_var - the environment variable holding the dbt Cloud API token
 * @param dry_run - print the statements (token redacted) instead of running them; warns when the token variable is unset
 * @param override_prod_ownership - from a non-prod target, overwrite the token of a secret a prod target stored anyway (printed as a warning)
 */
export function create_dbt_cloud_external_access(token_env_var = "DBT_CLOUD_API_TOKEN", dry_run = false,
  override_prod_ownership = false): string[] {
  check_arguments("create_dbt_cloud_external_access", extraKeywordArguments(), ["token_env_var", "dry_run", "override_prod_ownership"]);
  check_flags("create_dbt_cloud_external_access", { dry_run, override_prod_ownership });
  check_texts("create_dbt_cloud_external_access", { token_env_var });
  return dispatch<(token_env_var: string, dry_run: boolean, override_prod_ownership: boolean) => string[]>(
    "create_dbt_cloud_external_access", PACKAGE_NAME)(token_env_var, dry_run, override_prod_ownership);
}

/** Any adapter but Snowflake. */
export function default__create_dbt_cloud_external_access(_token_env_var: string, _dry_run: boolean,
  _override_prod_ownership: boolean): string[] {
  return unsupported_adapter("create_dbt_cloud_external_access");
}
