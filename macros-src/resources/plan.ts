/** The whole build, planned before anything runs: schema, log table, procedure, streams, tasks. */
import type { OrchestrationConfig } from "../config/types.js";
import { stream_name, task_name } from "../sql/names.js";
import type { PlannedStatement } from "./plan-types.js";
import { procedure_statement } from "./procedure.js";
import { log_table_statement, schema_statement } from "./schema.js";
import { stream_statement } from "./stream.js";
import { task_statements } from "./task.js";
import { managed_name } from "./support.js";

export function plan_orchestration(config: OrchestrationConfig, is_prod: boolean, prod_override: boolean): PlannedStatement[] {
  const plan: PlannedStatement[] = [schema_statement(config), log_table_statement(config), procedure_statement(config)];
  // Several jobs may watch one table: one stream serves them all.
  const planned_streams: string[] = [];
  for (const job of config.jobs) {
    if (!job.enabled) continue;
    for (const table of job.tables) {
      const stream = stream_name(table);
      if (planned_streams.includes(stream)) continue;
      planned_streams.push(stream);
      plan.push(stream_statement(config, table));
    }
  }
  for (const job of config.jobs) {
    if (job.enabled) {
      const streams = job.tables.map((table) => [config.database, config.schema, stream_name(table)]);
      plan.push(...task_statements(config, job, { streams, calls_dbt_cloud: is_prod || prod_override }, is_prod));
    } else {
      const task = task_name(job.name, job.job_id);
      plan.push({
        action: "suspend",
        object: `${config.database}.${config.schema}.${task}`,
        description: `suspend task ${task} if it exists (job ${job.job_id} is disabled)`,
        sql: `alter task if exists ${managed_name(config, task)} suspend`,
      });
    }
  }
  return plan;
}
