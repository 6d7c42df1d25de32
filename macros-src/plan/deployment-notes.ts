/** What a non-prod build costs outside its own schema, said in the plan before anything runs. */
import type { OrchestrationConfig } from "../config/types.js";
import type { WatchedObjects } from "../live/watched-objects.js";

/**
 * Outside prod: the tables the build's streams watch (each outside the orchestration schema, usually
 * production data), and what a stream costs there. While a stream is not consumed, Snowflake extends
 * its table's data retention up to MAX_DATA_EXTENSION_TIME_IN_DAYS (14 days by default) so the stream
 * does not go stale (https://docs.snowflake.com/en/user-guide/streams-intro#data-retention-period-and-staleness):
 * storage paid for on the production table, for a stream nothing in a dev target consumes.
 */
export function deployment_notes(config: OrchestrationConfig, watched: WatchedObjects): string[] {
  if (config.deployment.is_prod) return [];
  if (!config.non_prod_streams) {
    return ["not prod, non_prod_streams: false: no stream and no task is built here (streams only in prod)"];
  }
  const tables: string[] = [];
  for (const job of config.jobs) {
    for (const table of job.tables) {
      const label = table.join(".");
      if (!tables.includes(label)) tables.push(label);
    }
  }
  const offline = watched.read ? "" : " (offline: assumed)";
  return [
    `not prod: this target keeps streams on ${tables.length} table(s) outside its schema${offline}: ${tables.join(", ")}\n` +
      "  while a stream is unconsumed, Snowflake keeps its table's history longer (up to 14 days by default): storage\n" +
      "  non_prod_streams: false builds no streams (and no tasks) outside prod",
  ];
}
