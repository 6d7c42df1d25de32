/** The plan-printing arguments that build and teardown share, checked before anything runs. */
import { stop_with_error } from "../errors.js";
import type { PlanOutput } from "../apply/run-plan.js";
import { shown } from "../text/messages.js";
import { check_flags } from "./arguments.js";

const FORMATS = ["text", "json"];

export function check_plan_output(macro_name: string, dry_run: boolean, verbose: boolean, format: string, fail_on_changes: boolean): PlanOutput {
  check_flags(macro_name, { dry_run, verbose, fail_on_changes });
  if (!FORMATS.includes(format)) {
    stop_with_error(`${macro_name}: argument 'format' must be one of: ${FORMATS.join(", ")}; not ${shown(format)}. Nothing was run.`);
  }
  if (fail_on_changes && !dry_run) {
    stop_with_error(`${macro_name}: fail_on_changes is a check of the plan; use it with dry_run: true. Nothing was run.`);
  }
  return { dry_run, verbose, format, fail_on_changes };
}
