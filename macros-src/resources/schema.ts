/** The orchestration schema and the log table: created when missing, never replaced. */
import type { OrchestrationConfig } from "../config/types.js";
import { quote_literal, quote_name } from "../sql/quoting.js";
import { fingerprint_of, fingerprinted_comment, type DesiredObject } from "./managed.js";
import { managed_label, managed_name } from "./names.js";

export function desired_schema(config: OrchestrationConfig): DesiredObject {
  const sql = `create schema if not exists ${quote_name([config.database, config.schema])}`;
  return { kind: "schema", name: config.schema, label: `${config.database}.${config.schema}`, fingerprint: "", sql };
}

const LOG_TABLE_PURPOSE = "one row per orchestration task invocation";

function log_table_sql(config: OrchestrationConfig, comment: string): string {
  return [
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
  ].join("\n");
}

/** The log table holds the history: it is created once and never replaced. */
export function desired_log_table(config: OrchestrationConfig): DesiredObject {
  const fingerprint = fingerprint_of(log_table_sql(config, LOG_TABLE_PURPOSE));
  return {
    kind: "log table", name: config.log_table, label: managed_label(config, config.log_table), fingerprint,
    sql: log_table_sql(config, fingerprinted_comment(LOG_TABLE_PURPOSE, fingerprint)),
  };
}
