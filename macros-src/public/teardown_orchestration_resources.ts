/** `dbt run-operation teardown_orchestration_resources`: removes what the package built, and only that. */
import { load_orchestration_config } from "../config/load.js";
import { check_arguments, check_flags, unsupported_adapter } from "../entry/arguments.js";
import { check_plan_output } from "../entry/plan-output.js";
import { dispatch, extraKeywordArguments, target } from "dbt-prelude";
import { read_live_state } from "../live/live-state.js";
import { managed_label, managed_name } from "../desired/names.js";
import { check_prod_ownership, prod_owned_changes } from "../plan/ownership.js";
import type { PlanStep } from "../plan/reconcile.js";
import { run_steps, type PlanOutput } from "../apply/run-plan.js";
import { PACKAGE_NAME } from "../sql/names.js";

const MACRO = "teardown_orchestration_resources";

function drop(kind: string, label: string, sql: string): PlanStep {
  return { action: "drop", kind, object: label, reason: "teardown", statements: [{ action: "drop", object: label, description: `drop ${kind} ${label}`, sql }] };
}

/**
 * Drops every object the package manages in the orchestration schema: tasks first (they name the
 * streams), then streams and the procedure; the log table only when asked. Objects the package did
 * not create are left alone, and so are the schema and the one-time external access objects.
 * @public
 * @param dry_run - print the plan, run no DDL
 * @param drop_log_table - also drop the log table and its history
 * @param verbose - also print every statement's SQL
 * @param format - 'text' (default), or 'json': one JSON document with the plan and nothing else on stdout (with --quiet)
 * @param override_prod_ownership - from a non-prod target, drop objects a prod target built anyway (printed as a warning); without it such a teardown stops before its first statement
 */
export function teardown_orchestration_resources(dry_run = false, drop_log_table = false, verbose = false, format = "text",
  override_prod_ownership = false): string[] {
  check_arguments(MACRO, extraKeywordArguments(), ["dry_run", "drop_log_table", "verbose", "format", "override_prod_ownership"]);
  check_flags(MACRO, { drop_log_table, override_prod_ownership });
  const output = check_plan_output(MACRO, dry_run, verbose, format, false);
  return dispatch<(output: PlanOutput, drop_log_table: boolean, override_prod_ownership: boolean) => string[]>(MACRO, PACKAGE_NAME)(
    output, drop_log_table, override_prod_ownership);
}

/** Snowflake implementation of teardown_orchestration_resources. */
export function snowflake__teardown_orchestration_resources(output: PlanOutput, drop_log_table: boolean,
  override_prod_ownership: boolean): string[] {
  const config = load_orchestration_config();
  const live = read_live_state(config);
  const steps: PlanStep[] = [];
  for (const task of live.tasks) {
    if (task.managed) steps.push(drop("task", managed_label(config, task.name), `drop task if exists ${managed_name(config, task.name)}`));
  }
  for (const stream of live.streams) {
    if (stream.managed) steps.push(drop("stream", managed_label(config, stream.name), `drop stream if exists ${managed_name(config, stream.name)}`));
  }
  // Every managed overload, by the signature it has in Snowflake (an earlier version of the package may have made it).
  for (const procedure of live.procedures) {
    if (procedure.managed) {
      steps.push(drop("procedure", managed_label(config, procedure.name),
        `drop procedure if exists ${managed_name(config, procedure.name)}(${procedure.signature})`));
    }
  }
  if (drop_log_table && live.log_table_managed) {
    steps.push(drop("log table", managed_label(config, config.log_table), `drop table if exists ${managed_name(config, config.log_table)}`));
  }
  check_prod_ownership(config, MACRO, prod_owned_changes(config, live, steps), override_prod_ownership);
  return run_steps(steps, output, `teardown for target '${target.name}' in ${config.database}.${config.schema}\n  ${config.deployment.reason}`, [], []);
}

/** Any adapter but Snowflake. */
export function default__teardown_orchestration_resources(_output: PlanOutput, _drop_log_table: boolean,
  _override_prod_ownership: boolean): string[] {
  return unsupported_adapter(MACRO);
}
