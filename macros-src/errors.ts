/** How the package stops with an error, so that the user always reads it. */
import { dbtVersion, log, raiseCompilerError } from "./prelude/dbt.js";

/**
 * Stops the macro with `message`. On dbt-core the message is also logged first: dbt-snowflake's
 * exception handler rolls back after any error in a run-operation, and reading the connection's
 * handle to do so opens the lazy connection (dbt-adapters' `rollback_if_open`); without a reachable
 * account the user would see only `250001: Could not connect to Snowflake backend`. dbt 2.x shows
 * the macro's error itself, so it is not logged twice there.
 */
export function stop_with_error(message: string): never {
  if (dbtVersion().startsWith("1.")) log(message, true);
  return raiseCompilerError(message);
}
