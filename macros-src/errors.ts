/** How the package stops with an error, so that the user always reads it. */
import { printLine, raiseCompilerError } from "dbt-prelude";

/**
 * Stops the macro with `message`, printed first (`print` shows even under `--quiet`). On dbt-core,
 * dbt-snowflake's exception handler rolls back after any error in a run-operation, and reading the
 * connection's handle to do so opens the lazy connection (dbt-adapters' `rollback_if_open`); without
 * a reachable account the user would see only `250001: Could not connect to Snowflake backend`.
 * dbt 2.x shows the error itself as well, so there it appears twice: the price of one behaviour on
 * every engine.
 */
export function stop_with_error(message: string): never {
  printLine(message);
  return raiseCompilerError(message);
}
