/** The orchestration schema and the log table: created when missing, never replaced. */
import type { OrchestrationConfig } from "../config/types.js";
import { quote_literal, quote_name } from "../sql/quoting.js";
import { fingerprint_of, fingerprinted_comment, type DesiredObject } from "./managed.js";
import { managed_label, managed_name } from "./names.js";
import { outcome_columns } from "./outcomes.js";

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
    "  logs array,",
    outcome_columns().map((column) => `  ${column[0]} ${column[1]}`).join(",\n"),
    `) comment = ${quote_literal(comment)}`,
  ].join("\n");
}

/** The log table holds the history: it is created once and never replaced. */
export function desired_log_table(config: OrchestrationConfig): DesiredObject {
  const fingerprint = fingerprint_of(log_table_sql(config, LOG_TABLE_PURPOSE));
  return {
    kind: "log table", name: config.log_table, label: managed_label(config, config.log_table), fingerprint,
    sql: log_table_sql(config, fingerprinted_comment(LOG_TABLE_PURPOSE, fingerprint, config.deployment)),
  };
}

/**
 * A log table made before the outcome columns existed gains them in place: ALTER TABLE … ADD COLUMN
 * keeps every row (https://docs.snowflake.com/en/sql-reference/sql/alter-table). Only the missing
 * ones, with IF NOT EXISTS in case a column was added by hand meanwhile.
 */
export function missing_log_columns(existing: string[]): Array<[string, string]> {
  const upper = existing.map((name) => name.toUpperCase());
  return outcome_columns().filter((column) => !upper.includes(column[0]!.toUpperCase()));
}

export function add_log_column_sql(config: OrchestrationConfig, column: [string, string]): string {
  return `alter table ${managed_name(config, config.log_table)} add column if not exists ${column[0]} ${column[1]}`;
}

/** The log rows past log_retention_days: invoked before that many days ago. */
export function expired_log_rows(config: OrchestrationConfig): string {
  return `invoked_at < dateadd(day, -${config.log_retention_days}, current_timestamp())`;
}

/** Deletes them; the history younger than that is kept as it is. */
export function delete_expired_log_rows_sql(config: OrchestrationConfig): string {
  return `delete from ${managed_name(config, config.log_table)} where ${expired_log_rows(config)}`;
}
