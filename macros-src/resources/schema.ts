import type { OrchestrationConfig } from "../config/types.js";
import { quote_literal, quote_name } from "../sql/quoting.js";
import type { PlannedStatement } from "./plan-types.js";
import { managed_comment, managed_name } from "./support.js";

export function schema_statement(config: OrchestrationConfig): PlannedStatement {
  return {
    action: "create if missing",
    object: `${config.database}.${config.schema}`,
    description: `create schema ${config.database}.${config.schema} if missing`,
    sql: `create schema if not exists ${quote_name([config.database, config.schema])}`,
  };
}

/** The log table is created once and never replaced: it holds the history. */
export function log_table_statement(config: OrchestrationConfig): PlannedStatement {
  const comment = managed_comment("one row per orchestration task invocation");
  return {
    action: "create if missing",
    object: `${config.database}.${config.schema}.${config.log_table}`,
    description: `create log table ${config.log_table} if missing (never replaced)`,
    sql: [
      `create table if not exists ${managed_name(config, config.log_table)} (`,
      "  invoked_at timestamp_ltz not null,",
      "  job_name varchar not null,",
      "  job_id number not null,",
      "  task_name varchar not null,",
      "  status varchar not null,",
      "  run_id number,",
      "  run_url varchar,",
      "  result variant,",
      "  logs array",
      `) comment = ${quote_literal(comment)}`,
    ].join("\n"),
  };
}
