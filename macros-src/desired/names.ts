/** Qualified names of the objects in the orchestration schema. */
import type { OrchestrationConfig } from "../config/types.js";
import { quote_qualified_name } from "../sql/quoting.js";
import { PROCEDURE_NAME } from "../sql/names.js";

/** "DB"."SCHEMA"."NAME" of an object in the orchestration schema (inlined by the compiler: several per job). */
export function managed_name(config: OrchestrationConfig, name: string): string {
  return quote_qualified_name(config.database, config.schema, name);
}

/** A name for people: DATABASE.SCHEMA.NAME, unquoted. */
export function managed_label(config: OrchestrationConfig, name: string): string {
  return `${config.database}.${config.schema}.${name}`;
}

export function procedure_name(config: OrchestrationConfig): string {
  return managed_name(config, PROCEDURE_NAME);
}
