/** The Python procedure that checks a job's conditions and triggers it through the dbt Cloud API. */
import { load_orchestration_config } from "../config/load.js";
import type { OrchestrationConfig } from "../config/types.js";
import { embed } from "../prelude/dbt.js";
import { PROCEDURE_NAME } from "../sql/names.js";
import { quote_literal, quote_name } from "../sql/quoting.js";
import type { PlannedStatement } from "./plan-types.js";
import { run_plan } from "./run-plan.js";
import { managed_comment, procedure_name } from "./support.js";

export function procedure_statement(config: OrchestrationConfig): PlannedStatement {
  const handler = embed("../procedure/dbt_cloud_run_job.py");
  return {
    action: "create or replace",
    object: `${config.database}.${config.schema}.${PROCEDURE_NAME}`,
    description: `create or replace procedure ${PROCEDURE_NAME} (the dbt Cloud trigger)`,
    sql: [
      `create or replace procedure ${procedure_name(config)}(`,
      "  access_url varchar, account_id number, job_id number, cause varchar, upstream_job_id number,",
      "  min_elapsed_seconds number, min_start_time varchar, max_start_time varchar, days_of_week array, timezone varchar",
      ")",
      "returns variant",
      "language python",
      "runtime_version = '3.11'",
      "packages = ('snowflake-snowpark-python', 'requests')",
      "handler = 'main'",
      `external_access_integrations = (${quote_name([config.external_access_integration])})`,
      `secrets = ('dbt_cloud_token' = ${quote_name(config.secret)})`,
      `comment = ${quote_literal(managed_comment("checks a job's conditions, then triggers it in dbt Cloud"))}`,
      "as",
      `$$\n${handler}$$`,
    ].join("\n"),
  };
}

/**
 * Creates (or replaces) the DBT_CLOUD_RUN_JOB procedure in the orchestration schema.
 * @param dry_run - print the statement instead of running it
 */
export function create_proc__dbt_cloud_run_job(dry_run = false): string[] {
  const config = load_orchestration_config();
  return run_plan([procedure_statement(config)], dry_run, "create the dbt Cloud trigger procedure");
}
