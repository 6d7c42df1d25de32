/** The entry point: `dbt run-operation build_orchestration_resources`. */
import { stop_with_error } from "../errors.js";
import { load_orchestration_config } from "../config/load.js";
import { check_arguments, check_flags, unsupported_adapter } from "../entry/arguments.js"
import { check_plan_output } from "../entry/plan-output.js";
import { dispatch, extraKeywordArguments, target } from "dbt-prelude";
import { job_conditions } from "../plan/job-conditions.js";
import { empty_live_state, read_expired_log_rows, read_live_state } from "../live/live-state.js";
import { plan_notes, plan_warnings, reconcile } from "../plan/reconcile.js";
import { deployment_notes } from "../plan/deployment-notes.js";
import { check_prod_ownership, prod_owned_changes, prod_task_warning } from "../plan/ownership.js";
import { run_steps, type PlanOutput } from "../apply/run-plan.js";
import { assumed_watched_objects, check_watched_objects, read_watched_objects } from "../live/watched-objects.js";
import { PACKAGE_NAME } from "../sql/names.js";

const MACRO = "build_orchestration_resources";

/**
 * Builds every orchestration resource from `vars: dbt_cloud_orchestration`, changing only what
 * differs from what is in Snowflake: the schema, the log table, the procedure, a stream per watched
 * table and a task per job; drops managed tasks and streams no longer in the config, recreates stale
 * streams, resumes prod tasks suspended by hand. Streams and the log table are never replaced.
 * Tasks are resumed, and dbt Cloud called, only in a prod target. Prints the plan table and a
 * `Plan:` summary line, then `N of M` before each statement it runs.
 * @public
 * @param dry_run - read the live state and the watched objects (SHOW and SELECT queries only), print the plan, run no DDL
 * @param prod_override - outside a prod target, let the (still suspended) tasks call dbt Cloud
 * @param offline - with dry_run only: plan against an empty schema without reading Snowflake (no connection is opened); watched objects are assumed to be tables
 * @param verbose - also print every statement's SQL
 * @param format - 'text' (default), or 'json': one JSON document with the plan and nothing else on stdout (with --quiet)
 * @param fail_on_changes - with dry_run only: fail (non-zero exit status) when the plan has changes, for CI drift checks
 * @param override_prod_ownership - from a non-prod target, change objects a prod target built anyway (printed as a warning); without it such a build stops before its first statement
 */
export function build_orchestration_resources(
  dry_run = false, prod_override = false, offline = false, verbose = false, format = "text", fail_on_changes = false,
  override_prod_ownership = false,
): string[] {
  check_arguments(MACRO, extraKeywordArguments(),
    ["dry_run", "prod_override", "offline", "verbose", "format", "fail_on_changes", "override_prod_ownership"]);
  check_flags(MACRO, { prod_override, offline, override_prod_ownership });
  const output = check_plan_output(MACRO, dry_run, verbose, format, fail_on_changes);
  if (offline && !dry_run) {
    stop_with_error(`${MACRO}: offline plans against an empty schema, so running it would replace what exists; use offline only with dry_run: true. Nothing was run.`);
  }
  return dispatch<(output: PlanOutput, prod_override: boolean, offline: boolean, override_prod_ownership: boolean) => string[]>(
    MACRO, PACKAGE_NAME)(output, prod_override, offline, override_prod_ownership);
}

/** Snowflake implementation of build_orchestration_resources. */
export function snowflake__build_orchestration_resources(output: PlanOutput, prod_override: boolean, offline: boolean,
  override_prod_ownership: boolean): string[] {
  const config = load_orchestration_config();
  const is_prod = config.deployment.is_prod;
  const mode = is_prod ? "tasks are resumed"
    : prod_override ? "tasks stay suspended, but may call dbt Cloud (prod_override)"
    : "tasks stay suspended and never call dbt Cloud";
  // Everything is read, and every reason to stop is found, before the first statement.
  const watched = offline ? assumed_watched_objects() : read_watched_objects(config);
  check_watched_objects(config, watched);
  const live = offline ? empty_live_state() : read_live_state(config);
  if (!offline) read_expired_log_rows(config, live);
  const steps = reconcile(config, live, { is_prod, prod_override }, watched);
  const against = offline ? "against an empty schema (offline)" : "against the live schema";
  check_prod_ownership(config, MACRO, prod_owned_changes(config, live, steps), override_prod_ownership);
  const prod_warning = prod_task_warning(config, live, steps);
  return run_steps(steps, output,
    `plan for target '${target.name}' in ${config.database}.${config.schema}, ${against}\n  ${config.deployment.reason}; ${mode}`,
    [...deployment_notes(config, watched), ...plan_notes(watched)], [...(prod_warning === "" ? [] : [prod_warning]), ...plan_warnings(config, live)],
    job_conditions(config));
}

/** Any adapter but Snowflake: streams, tasks and Python procedures are Snowflake features. */
export function default__build_orchestration_resources(_output: PlanOutput, _prod_override: boolean, _offline: boolean,
  _override_prod_ownership: boolean): string[] {
  return unsupported_adapter(MACRO);
}
