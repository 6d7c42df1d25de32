/**
 * SHOW <objects> over schemas of any size. A SHOW returns at most 10,000 rows, and LIMIT … FROM
 * pages through more, the rows ordered by name (https://docs.snowflake.com/en/sql-reference/sql/show-tables,
 * "LIMIT rows [ FROM 'name_string' ]"; pagination: https://docs.snowflake.com/en/release-notes/bcr-bundles/2023_05/bcr-1080).
 * Each page asks for the rows from the last name of the page before; a row two pages share is kept once.
 */
import { runQuery, type QueryRow, type QueryTable } from "dbt-prelude";
import { quote_literal } from "./quoting.js";

/** The most rows one SHOW returns. */
export const SHOW_PAGE_ROWS = 10000;

function row_name(row: QueryRow): string {
  const value = row["name"];
  return typeof value === "string" ? value : "";
}

/** One page of `command` (a SHOW <objects> … IN …, without LIMIT), from the row named `from` ("" for the first page). */
export function show_page(command: string, from: string): QueryTable {
  return runQuery(from === "" ? `${command} limit ${SHOW_PAGE_ROWS}` : `${command} limit ${SHOW_PAGE_ROWS} from ${quote_literal(from)}`);
}

/** The page's rows but the one the page before already had (FROM starts at the row with that name). */
export function new_rows(page: QueryTable, from: string): QueryRow[] {
  return page.rows.filter((row, index) => !(index === 0 && from !== "" && row_name(row) === from));
}

/** Where the next page starts: the page's last name, or "" when this page was the last one. */
export function next_page_from(page: QueryTable): string {
  return page.rows.length < SHOW_PAGE_ROWS ? "" : row_name(page.rows[page.rows.length - 1]!);
}

function pages_from(command: string, from: string, rows: QueryRow[]): QueryRow[] {
  const page = show_page(command, from);
  rows.push(...new_rows(page, from));
  const next = next_page_from(page);
  return next === "" ? rows : pages_from(command, next, rows);
}

/** Every row of `command`, however many objects there are: one query per page. */
export function show_all(command: string): QueryRow[] {
  return pages_from(command, "", []);
}
