/** The Python procedure that checks a job's conditions and triggers it through the dbt Cloud API. */
import type { OrchestrationConfig } from "../config/types.js";
import { embed } from "dbt-prelude";
import { PROCEDURE_NAME } from "../sql/names.js";
import { quote_literal, quote_name } from "../sql/quoting.js";
import { fingerprint_of, fingerprinted_comment, type DesiredObject } from "./managed.js";
import { managed_label, procedure_name } from "./names.js";

const PURPOSE = "checks a job's conditions, then triggers it in dbt Cloud";

/** The procedure's arguments (name, type), in order. Snowflake tells overloads apart by their types. */
export const PROCEDURE_ARGUMENTS: string[][] = [
  ["access_url", "varchar"], ["account_id", "number"], ["job_id", "number"], ["cause", "varchar"], ["upstream_job_id", "number"],
  ["min_elapsed_seconds", "number"], ["min_start_time", "varchar"], ["max_start_time", "varchar"], ["days_of_week", "array"],
  ["timezone", "varchar"], ["options", "variant"],
];

/** The argument types as SHOW PROCEDURES prints them in `arguments` (`NAME(VARCHAR, NUMBER) RETURN …`) and DROP names them. */
export function procedure_signature(): string {
  return PROCEDURE_ARGUMENTS.map((argument) => argument[1]!.toUpperCase()).join(", ");
}

function declared(names_and_types: string[][]): string {
  return names_and_types.map((argument) => `${argument[0]!} ${argument[1]!}`).join(", ");
}

function procedure_sql(config: OrchestrationConfig, comment: string): string {
  const handler = embed("../procedure/dbt_cloud_run_job.py");
  return [
    `create or replace procedure ${procedure_name(config)}(`,
    `  ${declared(PROCEDURE_ARGUMENTS.slice(0, 5))},`,
    `  ${declared(PROCEDURE_ARGUMENTS.slice(5))}`,
    ")",
    // Replacing keeps the privileges others were granted on it (https://docs.snowflake.com/en/sql-reference/sql/create-procedure:
    // COPY GRANTS, after the arguments); without it CREATE OR REPLACE drops them.
    "copy grants",
    "returns variant",
    "language python",
    "runtime_version = '3.11'",
    "packages = ('snowflake-snowpark-python', 'requests')",
    "handler = 'main'",
    `external_access_integrations = (${quote_name([config.external_access_integration])})`,
    `secrets = ('dbt_cloud_token' = ${quote_name(config.secret)})`,
    `comment = ${quote_literal(comment)}`,
    "as",
    `$$\n${handler}$$`,
  ].join("\n");
}

/** The procedure holds no state, so a changed definition simply replaces it. */
export function desired_procedure(config: OrchestrationConfig): DesiredObject {
  const fingerprint = fingerprint_of(procedure_sql(config, PURPOSE));
  return {
    kind: "procedure", name: PROCEDURE_NAME, label: managed_label(config, PROCEDURE_NAME), fingerprint,
    sql: procedure_sql(config, fingerprinted_comment(PURPOSE, fingerprint, config.deployment)),
  };
}
