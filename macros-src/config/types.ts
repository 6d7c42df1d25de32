import type { Deployment, DeploymentSettings } from "./deployment.js";

/** The validated configuration: what `load_orchestration_config` returns, with every default filled in. */

export interface ScheduleConfig {
  /** "interval" ('15 MINUTE'), "cron" ('USING CRON 0 6 * * 1-5 UTC') or "triggered" (no schedule). */
  kind: string;
  text: string;
}

export interface JobConfig {
  name: string;
  job_id: number;
  /** Watched tables, each as resolved name parts [database, schema, table]. */
  tables: string[][];
  /** For each of `tables` (same index): its dbt source as 'source_name.table_name', or null when listed under `tables:`. */
  table_sources: Array<string | null>;
  /**
   * For each of `tables` (same index): the job's own stream on it (job_stream_name). Derived once
   * here, where the names are checked, so planning never rebuilds them.
   */
  stream_names: string[];
  /** The job's managed task (task_name), derived once here as well. */
  task_name: string;
  /** Trigger only what is downstream of the changed dbt sources (steps_override). */
  select_changed: boolean;
  schedule: ScheduleConfig;
  upstream_job_id: number | null;
  min_elapsed_seconds: number;
  min_start_time: string;
  max_start_time: string;
  days_of_week: number[];
  enabled: boolean;
}

export interface OrchestrationConfig extends DeploymentSettings {
  account_id: number;
  access_url: string;
  host: string;
  timezone: string;
  warehouse: string | null;
  database: string;
  schema: string;
  prod_targets: string[];
  external_access_integration: string;
  secret: string[];
  log_table: string;
  /** The build deletes log rows invoked more than this many days ago. */
  log_retention_days: number;
  /** Drop managed tasks and streams that are no longer in the config. */
  drop_orphans: boolean;
  /** The tasks' SUSPEND_TASK_AFTER_NUM_FAILURES (0: Snowflake never suspends them). */
  suspend_task_after_num_failures: number;
  /** A notification integration for the tasks' ERROR_INTEGRATION, or null. */
  error_integration: string | null;
  jobs: JobConfig[];
  /** Whether this run is prod, and why (config/deployment.ts). */
  deployment: Deployment;
}
