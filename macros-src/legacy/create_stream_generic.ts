/**
 * create_stream_generic, the original package's macro with its original arguments: the entry point
 * checks them and dispatches to the Snowflake implementation below.
 */
import { load_orchestration_config } from "../config/load.js";
import { run_plan } from "../apply/run-plan.js";
import { stream_statement } from "../desired/stream.js";
import { check_arguments, check_flags, check_texts, unsupported_adapter } from "../entry/arguments.js";
import { stop_with_error } from "../errors.js";
import { read_one_object, stream_problems, watched_object } from "../live/watched-objects.js";
import { dispatch, extraKeywordArguments } from "dbt-prelude";
import { PACKAGE_NAME, parse_object_name } from "../sql/names.js";

/**
 * Creates the managed stream on one table, if it does not exist yet. Quoted names keep their case:
 * pass '"Order Items"' for a case-sensitive table.
 * @public
 * @param database - the table's database
 * @param schema - the table's schema
 * @param table - the table's name
 * @param dry_run - print the statement instead of running it
 */
export function create_stream_generic(database: string, schema: string, table: string, dry_run = false): string[] {
  check_arguments("create_stream_generic", extraKeywordArguments(), ["database", "schema", "table", "dry_run"]);
  check_flags("create_stream_generic", { dry_run });
  check_texts("create_stream_generic", { database, schema, table });
  return dispatch<(database: string, schema: string, table: string, dry_run: boolean) => string[]>(
    "create_stream_generic", PACKAGE_NAME)(database, schema, table, dry_run);
}

function name_part(value: string, what: string): string {
  const parsed = parse_object_name(value);
  if (parsed.error !== null || parsed.parts.length !== 1) {
    stop_with_error(`create_stream_generic: ${what} '${value}' ${parsed.error ?? "must be a single name"}`);
  }
  return parsed.parts[0]!;
}

/**
 * Snowflake implementation of create_stream_generic. A run reads the table first: its kind chooses
 * the CREATE STREAM form, and what Snowflake would refuse stops here, before the statement. A dry run,
 * like the original macro's, opens no connection: it reads nothing and shows the statement for a table.
 */
export function snowflake__create_stream_generic(database: string, schema: string, table: string, dry_run = false): string[] {
  const config = load_orchestration_config();
  const parts = [name_part(database, "database"), name_part(schema, "schema"), name_part(table, "table")];
  if (dry_run) {
    return run_plan([stream_statement(config, parts, "table")], true,
      "create a stream (the dry run reads nothing: it shows the form for a table; a run reads the object's kind first)");
  }
  const watched = read_one_object(parts);
  const problems = stream_problems(watched, parts, false);
  if (problems.length > 0) {
    stop_with_error(`create_stream_generic: no stream on ${parts.join(".")}:\n  - ` +
      problems.map((problem) => `${parts.join(".")} ${problem.why}; ${problem.fix}`).join("\n  - "));
  }
  return run_plan([stream_statement(config, parts, watched_object(watched, parts).kind)], false, "create a stream");
}

/** Any adapter but Snowflake. */
export function default__create_stream_generic(_database: string, _schema: string, _table: string, _dry_run: boolean): string[] {
  return unsupported_adapter("create_stream_generic");
}
