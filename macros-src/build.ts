/** The entry point: `dbt run-operation build_orchestration_resources`. */
import { load_orchestration_config } from "./config/load.js";
import { dispatch, raiseCompilerError, target } from "./prelude/dbt.js";
import { plan_orchestration } from "./resources/plan.js";
import { run_plan } from "./resources/run-plan.js";
import { PACKAGE_NAME } from "./sql/names.js";

/**
 * Builds every orchestration resource from `vars: dbt_cloud_orchestration`: the schema, the log
 * table, the procedure, a stream per watched table and a task per job. Safe to run again: streams and
 * the log table are never replaced. Tasks are resumed, and dbt Cloud called, only in a prod target.
 * @param dry_run - print the plan, every statement included, and run nothing (no connection is opened)
 * @param prod_override - outside a prod target, let the (still suspended) tasks call dbt Cloud
 */
export function build_orchestration_resources(dry_run = false, prod_override = false): string[] {
  return dispatch<(dry_run: boolean, prod_override: boolean) => string[]>("build_orchestration_resources", PACKAGE_NAME)(
    dry_run, prod_override);
}

/** Snowflake implementation of build_orchestration_resources. */
export function snowflake__build_orchestration_resources(dry_run: boolean, prod_override: boolean): string[] {
  const config = load_orchestration_config();
  const is_prod = config.prod_targets.includes(target.name);
  const mode = is_prod ? "a prod target: tasks are resumed"
    : prod_override ? "not a prod target: tasks stay suspended, but may call dbt Cloud (prod_override)"
    : "not a prod target: tasks stay suspended and never call dbt Cloud";
  const plan = plan_orchestration(config, is_prod, prod_override);
  return run_plan(plan, dry_run, `build for target '${target.name}' (${mode})`);
}

/** Any adapter but Snowflake: streams, tasks and Python procedures are Snowflake features. */
export function default__build_orchestration_resources(_dry_run: boolean, _prod_override: boolean): string[] {
  return raiseCompilerError(
    `${PACKAGE_NAME} supports only Snowflake (streams, tasks and Python procedures); target '${target.name}' uses the '${target.type}' adapter.`);
}
