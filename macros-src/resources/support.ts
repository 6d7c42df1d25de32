/** Building blocks shared by the resource statements: the managed objects' qualified names. */
import type { OrchestrationConfig } from "../config/types.js";
import { quote_name } from "../sql/quoting.js";
import { PROCEDURE_NAME } from "../sql/names.js";

/** A qualified name in the orchestration schema. */
export function managed_name(config: OrchestrationConfig, name: string): string {
  return quote_name([config.database, config.schema, name]);
}

export function procedure_name(config: OrchestrationConfig): string {
  return managed_name(config, PROCEDURE_NAME);
}

export function managed_comment(what: string): string {
  return `Managed by the dbt_cloud_orchestration dbt package: ${what}`;
}
