/**
 * Scripted warehouse states for the reconciliation tests: the rows SHOW SCHEMAS / TABLES /
 * PROCEDURES / STREAMS / TASKS would return, built from what an offline build creates.
 */
import type { MacroContextFile, MacroRun } from "../../scripts/engines/macro-run.js";

export interface LiveTask {
  name: string;
  comment: string;
  state: "started" | "suspended";
  /** SHOW TASKS' last_suspended_reason. */
  last_suspended_reason?: string;
  /** SHOW TASKS' definition: the task's SQL after AS. */
  definition?: string;
}

export interface LiveStream {
  name: string;
  comment: string;
  stale?: boolean;
  invalid_reason?: string;
  /** SHOW STREAMS' stale_after as the build's RESULT_SCAN query returns it (UTC text), and whether that is within 3 days. */
  stale_after?: string;
  stale_soon?: boolean;
  /** Whether that stale_after has passed (the RESULT_SCAN's STALE_NOW). */
  stale_now?: boolean;
}

/** A watched object as SHOW TABLES / SHOW VIEWS list it. */
export interface WatchedRow {
  database: string;
  schema: string;
  name: string;
  kind?: "table" | "view" | "dynamic table" | "external table" | "materialized view" | "event table" | "hybrid table" | "iceberg table";
  owner?: string;
  change_tracking?: boolean;
  /** Dynamic tables: SHOW DYNAMIC TABLES' refresh_mode (INCREMENTAL unless a test says otherwise). */
  refresh_mode?: string;
  /** Iceberg tables: SHOW ICEBERG TABLES' catalog_name (SNOWFLAKE unless a test says otherwise). */
  catalog?: string;
  /** Views: SHOW VIEWS' text (a plain SELECT unless a test says otherwise) and what GET_OBJECT_REFERENCES returns. */
  text?: string;
  secure?: boolean;
  base?: string[][];
}

/** The example project's watched tables, all tables with change tracking on, owned by the build role. */
export const EXAMPLE_WATCHED: WatchedRow[] = [
  { database: "RAW", schema: "SALES", name: "ORDERS" },
  { database: "RAW", schema: "SALES", name: "Order Items" },
  { database: "RAW", schema: "SALES", name: "CUSTOMERS" },
  { database: "RAW", schema: "INVENTORY", name: "STOCK_LEVELS" },
  { database: "RAW", schema: "FINANCE", name: "GENERAL_LEDGER" },
];

type Results = NonNullable<MacroContextFile["query_results"]>;

const TABLE_COLUMNS = ["name", "database_name", "schema_name", "kind", "owner", "change_tracking", "is_external", "is_event", "is_hybrid", "is_iceberg", "is_dynamic"];
const VIEW_COLUMNS = ["name", "database_name", "schema_name", "owner", "change_tracking", "is_materialized", "is_secure", "text"];

function flag(row: WatchedRow, kind: string): string {
  return row.kind === kind ? "Y" : "N";
}

/** SHOW TABLES then SHOW VIEWS of one schema, as the build reads it. */
function schemaResults(rows: WatchedRow[], database: string, schema: string): Results {
  const here = rows.filter((row) => row.database === database && row.schema === schema);
  const tables = here.filter((row) => !(row.kind ?? "table").includes("view"));
  const views = here.filter((row) => (row.kind ?? "table").includes("view"));
  return [
    {
      columns: TABLE_COLUMNS,
      rows: tables.map((row) => [row.name, database, schema, "TABLE", row.owner ?? "TRANSFORMER", row.change_tracking === false ? "OFF" : "ON",
        flag(row, "external table"), row.kind === "event table" ? "true" : "false", flag(row, "hybrid table"), flag(row, "iceberg table"),
        flag(row, "dynamic table")]),
    },
    {
      columns: VIEW_COLUMNS,
      rows: views.map((row) => [row.name, database, schema, row.owner ?? "TRANSFORMER", row.change_tracking === false ? "OFF" : "ON",
        row.kind === "materialized view" ? "true" : "false", row.secure === true ? "true" : "false",
        row.text ?? `create view ${row.name} as select id from ${row.database}.${row.schema}.BASE`]),
    },
  ];
}

function key(parts: string[]): string {
  return parts.join(".");
}

/**
 * What the build's watched-object queries return, in their order (macros-src/live/watched-objects.ts): for the
 * objects of one level (the watched ones, then the objects under their views) SHOW TABLES and SHOW
 * VIEWS per schema not read yet, then per object SHOW DYNAMIC TABLES / SHOW ICEBERG TABLES LIKE its
 * name (dynamic and Iceberg tables) and GET_OBJECT_REFERENCES (views); then, when `role` is given,
 * the build role and, for each owner of an object without change tracking, whether the session has
 * that role (its own, or one of `inherited`). `schemas` lists the watched schemas in the order the
 * jobs name them; `objects`, when given, the watched objects in that order (default: every row of
 * those schemas that no view reads).
 */
export function watchedResults(rows: WatchedRow[], schemas: string[][], role?: string, inherited: string[] = [], objects?: string[][]):
  MacroContextFile["query_results"] {
  const results: Results = [];
  const read: Record<string, boolean> = {};
  const under = new Set(rows.flatMap((row) => (row.base ?? []).map(key)));
  let level: string[][] = objects ?? rows.filter((row) => schemas.some(([d, s]) => d === row.database && s === row.schema) && !under.has(key([row.database, row.schema, row.name])))
    .map((row) => [row.database, row.schema, row.name]);
  let levelSchemas = schemas;
  const seen = new Set<string>();
  for (let depth = 0; level.length > 0 && depth < 9; depth += 1) {
    for (const [database, schema] of levelSchemas) {
      if (read[key([database!, schema!])]) continue;
      read[key([database!, schema!])] = true;
      results.push(...schemaResults(rows, database!, schema!));
    }
    const next: string[][] = [];
    for (const parts of level) {
      const row = rows.find((item) => key([item.database, item.schema, item.name]) === key(parts));
      if (row === undefined || seen.has(key(parts))) continue;
      seen.add(key(parts));
      if (row.kind === "dynamic table") results.push({ columns: ["name", "refresh_mode"], rows: [[row.name, row.refresh_mode ?? "INCREMENTAL"]] });
      if (row.kind === "iceberg table") results.push({ columns: ["name", "catalog_name"], rows: [[row.name, row.catalog ?? "SNOWFLAKE"]] });
      // Another role's secure view (its text hidden) is not asked for its references.
      if ((row.kind ?? "table") === "view" && depth < 8 && !(row.secure === true && row.text === "")) {
        results.push({
          columns: ["REFERENCED_DATABASE_NAME", "REFERENCED_SCHEMA_NAME", "REFERENCED_OBJECT_NAME"],
          rows: (row.base ?? []).map((base) => [...base]),
        });
        next.push(...(row.base ?? []));
      }
    }
    level = next;
    levelSchemas = [...new Map(next.map((parts) => [key([parts[0]!, parts[1]!]), [parts[0]!, parts[1]!]])).values()];
  }
  if (role !== undefined) {
    // Owners in the order the build meets them: each watched object, then (for a view) the objects under it.
    const byKey = new Map(rows.map((row) => [key([row.database, row.schema, row.name]), row]));
    const walk = (parts: string[], depth: number): WatchedRow[] => {
      const row = byKey.get(key(parts));
      if (row === undefined) return [];
      return [row, ...(depth > 0 && (row.kind ?? "table") === "view" ? (row.base ?? []).flatMap((base) => walk(base, depth - 1)) : [])];
    };
    const watchedParts = objects ?? rows.filter((row) => !under.has(key([row.database, row.schema, row.name]))).map((row) => [row.database, row.schema, row.name]);
    const owners = [...new Set(watchedParts.flatMap((parts) => walk(parts, 8)).filter((row) => row.change_tracking === false)
      .map((row) => row.owner ?? "TRANSFORMER"))];
    results.push({
      columns: ["BUILD_ROLE", ...owners.map((_owner, index) => `OWNER_ROLE_${index}`)],
      rows: [[role, ...owners.map((owner) => owner === role || inherited.includes(owner))]],
    });
  }
  return results;
}

export const EXAMPLE_SCHEMAS = [["RAW", "SALES"], ["RAW", "INVENTORY"], ["RAW", "FINANCE"]];

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
    else if (sql.startsWith("create or alter task")) {
      live.tasks.push({ name, comment, state: taskState, definition: sql.slice(sql.indexOf("\nas ") + 4) });
    }
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
      columns: ["name", "database_name", "schema_name", "comment", "table_name", "stale", "stale_after", "invalid_reason"],
      rows: live.streams.map((stream) => [stream.name, "ANALYTICS", schema, stream.comment, "T",
        stream.stale === true ? "true" : "false", "2026-12-10 08:00:00.000 +0000", stream.invalid_reason ?? "N/A"]),
    },
    // The RESULT_SCAN of SHOW STREAMS (columns by position, unquoted aliases), only when it listed any.
    ...(live.streams.length === 0 ? [] : [{
      columns: ["STREAM_NAME", "STALE_AFTER_UTC", "STALE_SOON", "STALE_NOW"],
      rows: live.streams.map((stream) => [stream.name, stream.stale_after ?? "2026-12-10 08:00", stream.stale_soon === true,
        stream.stale_now === true]),
    }]),
    {
      columns: ["name", "database_name", "schema_name", "comment", "warehouse", "schedule", "state", "last_suspended_reason", "definition"],
      rows: live.tasks.map((task) => [task.name, "ANALYTICS", schema, task.comment, "TRANSFORMING", "15 MINUTE", task.state,
        task.last_suspended_reason ?? null, task.definition ?? ""]),
    },
    ...describe,
  ];
}

/** showResults, then what the build's count of log rows past log_retention_days answers (a log table of ours only). */
export function buildResults(live: LiveSchema, schema: string, expired: number): MacroContextFile["query_results"] {
  const managed = live.logTable && (live.logTableComment ?? "").startsWith(MANAGED_PREFIX);
  return [...showResults(live, schema)!, ...(managed ? [{ columns: ["EXPIRED_ROWS"], rows: [[expired]] }] : [])];
}

/** The run without its SHOW queries: the statements a build against an empty account executed. */
export function withoutShowQueries(run: MacroRun): MacroRun {
  return { ...run, statements: run.statements.filter((sql) => !sql.startsWith("show ")) };
}
