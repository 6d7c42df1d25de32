/** One statement of a plan: what it does, to which object, and its SQL. */
export interface PlannedStatement {
  action: string;
  object: string;
  description: string;
  sql: string;
}
