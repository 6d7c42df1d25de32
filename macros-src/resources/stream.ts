/** Streams: one per watched table, created if missing and never replaced (that would drop its pending changes). */
import { load_orchestration_config } from "../config/load.js";
import type { OrchestrationConfig } from "../config/types.js";
import { raiseCompilerError } from "../prelude/dbt.js";
import { parse_object_name, stream_name } from "../sql/names.js";
import { quote_literal, quote_name } from "../sql/quoting.js";
import type { PlannedStatement } from "./plan-types.js";
import { run_plan } from "./run-plan.js";
import { managed_comment, managed_name } from "./support.js";

export function stream_statement(config: OrchestrationConfig, table: string[]): PlannedStatement {
  const stream = stream_name(table);
  const table_label = table.join(".");
  return {
    action: "create if missing",
    object: `${config.database}.${config.schema}.${stream}`,
    description: `create stream ${stream} on ${table_label} if missing (never replaced)`,
    sql: [
      `create stream if not exists ${managed_name(config, stream)}`,
      `  on table ${quote_name(table)}`,
      `  comment = ${quote_literal(managed_comment(`changes of ${table_label}`))}`,
    ].join("\n"),
  };
}

function name_part(value: string, what: string): string {
  const parsed = parse_object_name(value);
  if (parsed.error !== null || parsed.parts.length !== 1) {
    raiseCompilerError(`create_stream_generic: ${what} '${value}' ${parsed.error ?? "must be a single name"}`);
  }
  return parsed.parts[0]!;
}

/**
 * Creates the managed stream on one table, if it does not exist yet. Quoted names keep their case:
 * pass '"Order Items"' for a case-sensitive table.
 * @param database - the table's database
 * @param schema - the table's schema
 * @param table - the table's name
 * @param dry_run - print the statement instead of running it
 */
export function create_stream_generic(database: string, schema: string, table: string, dry_run = false): string[] {
  const config = load_orchestration_config();
  const parts = [name_part(database, "database"), name_part(schema, "schema"), name_part(table, "table")];
  return run_plan([stream_statement(config, parts)], dry_run, "create a stream");
}
