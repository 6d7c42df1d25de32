/**
 * create_proc__dbt_cloud_run_job, the original package's macro with its original arguments: the entry
 * point checks them and dispatches to the Snowflake implementation below.
 */
import { run_plan } from "../apply/run-plan.js";
import { load_orchestration_config } from "../config/load.js";
import { desired_procedure, procedure_signature } from "../desired/procedure.js";
import { check_arguments, check_flags, unsupported_adapter } from "../entry/arguments.js";
import { read_live_state } from "../live/live-state.js";
import { check_prod_ownership, prod_owned_changes } from "../plan/ownership.js";
import { dispatch, extraKeywordArguments } from "dbt-prelude";
import { PACKAGE_NAME } from "../sql/names.js";

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

/** Snowflake implementation of create_proc__dbt_cloud_run_job. */
export function snowflake__create_proc__dbt_cloud_run_job(dry_run = false, override_prod_ownership = false): string[] {
  const config = load_orchestration_config();
  const procedure = desired_procedure(config);
  const step = { action: "create", object: procedure.label, description: `create or replace procedure ${procedure.name}`, sql: procedure.sql };
  // Outside prod a run first reads what it would replace (a dry run, like the original macro's, reads nothing).
  if (!dry_run && !config.deployment.is_prod) {
    const live = read_live_state(config);
    const plan = [{ action: live.procedures.some((found) => found.signature === procedure_signature()) ? "update" : "create", kind: "procedure", object: procedure.label, reason: "", statements: [step] }];
    check_prod_ownership(config, "create_proc__dbt_cloud_run_job", prod_owned_changes(config, live, plan), override_prod_ownership);
  }
  return run_plan([step], dry_run, "create the dbt Cloud trigger procedure");
}

/** Any adapter but Snowflake. */
export function default__create_proc__dbt_cloud_run_job(_dry_run: boolean, _override_prod_ownership: boolean): string[] {
  return unsupported_adapter("create_proc__dbt_cloud_run_job");
}
