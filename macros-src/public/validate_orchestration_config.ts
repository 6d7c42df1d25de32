/** `dbt run-operation validate_orchestration_config`: the config check, for CI, with no warehouse. */
import { load_orchestration_config } from "../config/load.js";
import { check_arguments, unsupported_adapter } from "../entry/arguments.js";
import { dispatch, extraKeywordArguments, printLine, target } from "dbt-prelude";
import { PACKAGE_NAME } from "../sql/names.js";

/**
 * Checks `vars: dbt_cloud_orchestration` and the dbt sources its jobs name (through dbt's graph),
 * exactly as a build would, without opening a connection: prints "N jobs valid", or every problem
 * with its path and fails (a non-zero exit status), so CI can run it on every change.
 * @public
 */
export function validate_orchestration_config(): string {
  check_arguments("validate_orchestration_config", extraKeywordArguments(), []);
  return dispatch<() => string>("validate_orchestration_config", PACKAGE_NAME)();
}

/** Snowflake implementation of validate_orchestration_config. */
export function snowflake__validate_orchestration_config(): string {
  const jobs = load_orchestration_config().jobs.length;
  const message = `${PACKAGE_NAME}: ${jobs} job${jobs === 1 ? "" : "s"} valid (vars.${PACKAGE_NAME}, target '${target.name}').`;
  printLine(message);
  return message;
}

/** Any adapter but Snowflake. */
export function default__validate_orchestration_config(): string {
  return unsupported_adapter("validate_orchestration_config");
}
