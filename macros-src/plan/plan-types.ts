/** One statement of a plan: what it does, to which object, and its SQL. */
export interface PlannedStatement {
  action: string;
  object: string;
  description: string;
  /** The SQL; where it holds SECRET_PARAMETER, `secret` is bound there and never printed. */
  sql: string;
  secret?: string;
}

/** Where a secret goes in a statement's SQL: a bind parameter, so no SQL text (and no dbt log) holds it. */
export const SECRET_PARAMETER = "%s";
