/** `dbt run-operation teardown_orchestration_resources`: removes what the package built, and only that. */
import { load_orchestration_config } from "./config/load.js";
import { target } from "./prelude/dbt.js";
import { read_live_state } from "./resources/live-state.js";
import { managed_label, managed_name } from "./resources/names.js";
import type { PlanStep } from "./resources/reconcile.js";
import { run_steps } from "./resources/run-plan.js";

function drop(kind: string, label: string, sql: string): PlanStep {
  return { action: "drop", kind, object: label, reason: "teardown", statements: [{ action: "drop", object: label, description: `drop ${kind} ${label}`, sql }] };
}

/**
 * Drops every object the package manages in the orchestration schema: tasks first (they name the
 * streams), then streams and the procedure; the log table only when asked. Objects the package did
 * not create are left alone, and so are the schema and the one-time external access objects.
 * @param dry_run - print the plan and its statements, run no DDL
 * @param drop_log_table - also drop the log table and its history
 */
export function teardown_orchestration_resources(dry_run = false, drop_log_table = false): string[] {
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
  return run_steps(steps, dry_run, `teardown for target '${target.name}'`, [], []);
}
