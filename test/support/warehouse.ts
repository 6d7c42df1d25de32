/**
 * Scripted warehouse states for the reconciliation tests: the rows SHOW SCHEMAS / TABLES /
 * PROCEDURES / STREAMS / TASKS would return, built from what an offline build creates.
 */
import type { MacroContextFile, MacroRun } from "../../scripts/runtime/macro-run.js";

export interface LiveTask {
  name: string;
  comment: string;
  state: "started" | "suspended";
}

export interface LiveStream {
  name: string;
  comment: string;
  stale?: boolean;
  invalid_reason?: string;
}

export interface LiveSchema {
  schemaExists: boolean;
  logTable: boolean;
  /** The log table's comment: the package's own unless a test says otherwise. */
  logTableComment?: string;
  /** The log table's columns as DESCRIBE TABLE names them (upper case): those the build created, unless a test says otherwise. */
  logTableColumns?: string[];
  procedureComment: string | null;
  /** The procedure's argument types as SHOW PROCEDURES prints them (`VARCHAR, NUMBER, …`). */
  procedureSignature?: string;
  streams: LiveStream[];
  tasks: LiveTask[];
}

const COMMENT = /comment = '((?:[^']|'')*)'/;
const NAME = /^create (?:or alter task|stream if not exists|or replace procedure|table if not exists) "[^"]+"\."[^"]+"\."([^"]+)"/;

/** What an offline build creates, as the live state right after it ran (tasks in the given state). */
export function liveStateAfter(build: MacroRun, taskState: "started" | "suspended"): LiveSchema {
  const live: LiveSchema = { schemaExists: true, logTable: false, procedureComment: null, streams: [], tasks: [] };
  for (const sql of build.returned as string[]) {
    const name = NAME.exec(sql)?.[1];
    const comment = COMMENT.exec(sql)?.[1]?.replaceAll("''", "'");
    if (name === undefined || comment === undefined) continue;
    if (sql.startsWith("create table")) {
      live.logTable = true;
      live.logTableComment = comment;
      live.logTableColumns = sql.split("\n").slice(1, -1).map((line) => line.trim().split(" ")[0]!.toUpperCase());
    }
    else if (sql.startsWith("create or replace procedure")) {
      live.procedureComment = comment;
      live.procedureSignature = signatureOf(sql);
    }
    else if (sql.startsWith("create stream")) live.streams.push({ name, comment });
    else if (sql.startsWith("create or alter task")) live.tasks.push({ name, comment, state: taskState });
  }
  return live;
}

/** `create or replace procedure X(\n  a varchar, b number\n)` → `VARCHAR, NUMBER`, as SHOW PROCEDURES prints the types. */
function signatureOf(sql: string): string {
  const declared = sql.slice(sql.indexOf("(") + 1, sql.indexOf("\n)"));
  return declared.split(",").map((argument) => argument.trim().split(/\s+/)[1]!.toUpperCase()).join(", ");
}

const MANAGED_PREFIX = "Managed by the dbt_cloud_orchestration dbt package";

/** The query results, in the order the build reads the live state: five SHOWs, then DESCRIBE of a log table of ours. */
export function showResults(live: LiveSchema, schema: string, logTable = "ORCHESTRATION_LOGS"): MacroContextFile["query_results"] {
  const schemas = { columns: ["created_on", "name", "database_name"], rows: live.schemaExists ? [["2026-01-01", schema, "ANALYTICS"]] : [] };
  if (!live.schemaExists) return [schemas];
  const describe = live.logTable && (live.logTableComment ?? "").startsWith(MANAGED_PREFIX)
    ? [{ columns: ["name", "type", "kind"], rows: (live.logTableColumns ?? []).map((column) => [column, "VARCHAR(16777216)", "COLUMN"]) }]
    : [];
  return [
    schemas,
    { columns: ["name", "kind", "comment"], rows: live.logTable ? [[logTable, "TABLE", live.logTableComment ?? ""]] : [] },
    {
      columns: ["name", "schema_name", "arguments", "description"],
      rows: live.procedureComment === null ? [] : [["DBT_CLOUD_RUN_JOB", schema, `DBT_CLOUD_RUN_JOB(${live.procedureSignature ?? ""}) RETURN VARIANT`, live.procedureComment]],
    },
    {
      columns: ["name", "database_name", "schema_name", "comment", "table_name", "stale", "invalid_reason"],
      rows: live.streams.map((stream) => [stream.name, "ANALYTICS", schema, stream.comment, "T",
        stream.stale === true ? "true" : "false", stream.invalid_reason ?? "N/A"]),
    },
    {
      columns: ["name", "database_name", "schema_name", "comment", "warehouse", "schedule", "state"],
      rows: live.tasks.map((task) => [task.name, "ANALYTICS", schema, task.comment, "TRANSFORMING", "15 MINUTE", task.state]),
    },
    ...describe,
  ];
}

/** The run without its SHOW queries: the statements a build against an empty account executed. */
export function withoutShowQueries(run: MacroRun): MacroRun {
  return { ...run, statements: run.statements.filter((sql) => !sql.startsWith("show ")) };
}
