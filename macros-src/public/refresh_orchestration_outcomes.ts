/** `dbt run-operation refresh_orchestration_outcomes`: how the log table's unfinished runs ended, asked of dbt Cloud. */
import { load_orchestration_config } from "../config/load.js";
import { check_arguments, check_flags, unsupported_adapter } from "../entry/arguments.js";
import { dispatch, extraKeywordArguments } from "dbt-prelude";
import { read_live_state } from "../live/live-state.js";
import { refresh_outcomes } from "../apply/refresh-outcomes.js";
import { PACKAGE_NAME } from "../sql/names.js";

const MACRO = "refresh_orchestration_outcomes";

/**
 * Fills in run_status, run_finished_at and run_duration_seconds of the log rows whose dbt Cloud run
 * has no final status yet: per job, one call of the procedure in mode 'refresh' (at most one
 * read-only dbt Cloud request), then one update. orchestration_status does the same first.
 * @public
 * @param dry_run - read the log table, print the procedure calls, call nothing
 */
export function refresh_orchestration_outcomes(dry_run = false): string[] {
  check_arguments(MACRO, extraKeywordArguments(), ["dry_run"]);
  check_flags(MACRO, { dry_run });
  return dispatch<(dry_run: boolean) => string[]>(MACRO, PACKAGE_NAME)(dry_run);
}

/** Snowflake implementation of refresh_orchestration_outcomes. */
export function snowflake__refresh_orchestration_outcomes(dry_run: boolean): string[] {
  const config = load_orchestration_config();
  return refresh_outcomes(config, read_live_state(config), dry_run);
}

/** Any adapter but Snowflake: the outcomes come through a Snowflake procedure. */
export function default__refresh_orchestration_outcomes(_dry_run: boolean): string[] {
  return unsupported_adapter(MACRO);
}
