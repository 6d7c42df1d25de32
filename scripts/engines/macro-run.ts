/** The JSON contract every engine answers with, and the context every engine reads. */
import type { Graph, ScriptedQueryResult, Target } from "../compiler/prelude/dbt.js";

export interface MacroContextFile {
  target?: Target;
  vars?: Record<string, unknown>;
  env?: Record<string, string>;
  args?: Record<string, unknown>;
  query_results?: ScriptedQueryResult[];
  graph?: Graph;
  execute?: boolean;
}

export interface MacroRun {
  statements: string[];
  logs: string[];
  returned: unknown;
  error: string | null;
}

export const DEFAULT_TARGET: Target = { name: "dev", type: "snowflake", schema: "public", database: "db" };

export type Engine = "ts" | "jinja" | "fusion";
