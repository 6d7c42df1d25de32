/**
 * Run outcomes in the log table: the columns that hold how a triggered run ended, which runs still
 * count as unfinished, and the one UPDATE that records what the procedure reported (`runs` in its
 * result), used by the task body and by refresh_orchestration_outcomes alike.
 */
import type { OrchestrationConfig } from "../config/types.js";
import { managed_name } from "./names.js";

/** The outcome columns, [name, type], in the order they are added to the log table. */
export function outcome_columns(): Array<[string, string]> {
  return [["run_status", "varchar"], ["run_finished_at", "timestamp_ltz"], ["run_duration_seconds", "number"]];
}

/** dbt Cloud's final run states (status_humanized of 10, 20, 30); anything else may still change. */
export function finished_statuses(): string[] {
  return ["Success", "Error", "Cancelled"];
}

/**
 * The log rows whose run may still change: a run id, and no final status yet. At most the newest
 * `limit` per job: the procedure looks for them among one page of the job's newest runs.
 */
export function unfinished_runs_sql(config: OrchestrationConfig, job_filter: string, limit: number): string {
  const finished = finished_statuses().map((status) => `'${status}'`).join(", ");
  return `select distinct job_id, run_id from ${managed_name(config, config.log_table)} ` +
    `where ${job_filter}run_id is not null and (run_status is null or run_status not in (${finished})) ` +
    `qualify dense_rank() over (partition by job_id order by run_id desc) <= ${limit}`;
}

/**
 * Records the outcomes a procedure result reports (`result` is a SQL expression for it: `:outcome`
 * in the task body) in the log rows of that job and run.
 */
export function record_outcomes_sql(config: OrchestrationConfig, job_id: number, result: string): string {
  const table = managed_name(config, config.log_table);
  return [
    `update ${table}`,
    "      set run_status = reported.outcome:status::varchar,",
    "        run_finished_at = reported.outcome:finished_at::timestamp_ltz,",
    "        run_duration_seconds = reported.outcome:duration_seconds::number",
    `      from (select item.value as outcome from (select ${result} as r) x, lateral flatten(input => x.r:runs) item) reported`,
    `      where ${table}.job_id = ${job_id} and ${table}.run_id = reported.outcome:run_id::number`,
  ].join("\n");
}
