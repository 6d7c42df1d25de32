/**
 * The cron schedules CREATE TASK accepts, field by field, as its reference documents them
 * (https://docs.snowflake.com/en/sql-reference/sql/create-task, SCHEDULE = 'USING CRON <expr> <time_zone>'):
 *
 *   minute (0-59)  hour (0-23)  day of month (1-31, or L)  month (1-12, JAN-DEC)  day of week (0-6, SUN-SAT, or L)
 *
 * with `*` for every value, `,` lists, `-` ranges, `/` steps, and `L` for the last day of the month
 * (day of month) or the last given weekday of the month (day of week: `5L`, `FRIL`). Anything else
 * (`7` as Sunday, `W`, `#`, `?`) is refused, naming the field, so that CREATE TASK never fails on it.
 */
import { is_iana_timezone } from "./iana-timezones.js";

const MONTH_NAMES = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAY_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const DIGIT_VALUES: Record<string, number> = { "0": 0, "1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "6": 6, "7": 7, "8": 8, "9": 9 };

interface CronField {
  /** The field's name in messages. */
  name: string;
  low: number;
  high: number;
  names: string[];
  /** "none", "alone" (the field may be `L`) or "suffix" (`L`, or a value followed by `L`). */
  last: string;
  /** What the field takes, as the reference words it. */
  takes: string;
}

const CRON_FIELDS: CronField[] = [
  { name: "minute", low: 0, high: 59, names: [], last: "none", takes: "0-59" },
  { name: "hour", low: 0, high: 23, names: [], last: "none", takes: "0-23" },
  { name: "day of month", low: 1, high: 31, names: [], last: "alone", takes: "1-31 or L" },
  { name: "month", low: 1, high: 12, names: MONTH_NAMES, last: "none", takes: "1-12 or JAN-DEC" },
  { name: "day of week", low: 0, high: 6, names: DAY_NAMES, last: "suffix", takes: "0-6, SUN-SAT or L" },
];

/** The value of one to three digits, or -1. */
function small_number(text: string): number {
  if (text.length === 0 || text.length > 3) return -1;
  let value = 0;
  for (const ch of text) {
    const digit = DIGIT_VALUES[ch];
    if (digit === undefined) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** A single value of the field: a number in range or one of its names. */
function value_ok(text: string, field: CronField): boolean {
  if (field.names.includes(text)) return true;
  const value = small_number(text);
  return value >= field.low && value <= field.high;
}

/** One item of a comma-separated field: `*`, a value, a range, `L` forms, each with an optional `/step`. */
function item_ok(item: string, field: CronField): boolean {
  const parts = item.split("/");
  if (parts.length > 2) return false;
  if (parts.length === 2 && small_number(parts[1]!) < 1) return false;
  const base = parts[0]!;
  if (base === "*") return true;
  if (base === "L") return field.last !== "none";
  if (field.last === "suffix" && base.length > 1 && base.endsWith("L") && parts.length === 1) return value_ok(base.slice(0, -1), field);
  const bounds = base.split("-");
  if (bounds.length > 2) return false;
  return bounds.every((bound) => value_ok(bound, field));
}

/** Why a cron field is not one CREATE TASK takes ("" when it is). */
function field_problem(text: string, field: CronField, position: number): string {
  const upper = text.toUpperCase();
  const items = upper.split(",");
  if (items.every((item) => item.length > 0 && item_ok(item, field))) return "";
  return `${field.name} '${text}' is not ${field.takes} (cron field ${position})`;
}

/**
 * The problems of `USING CRON <five fields> <time zone>` given as words (the first two being USING
 * and CRON); an empty list when Snowflake takes it. The time zone must be an IANA name (iana-timezones.ts).
 */
export function cron_problems(words: string[]): string[] {
  if (words.length !== 8) {
    return [`a cron schedule has five fields and a time zone: 'USING CRON <minute> <hour> <day of month> <month> <day of week> <time zone>', found ${words.length - 2} word(s) after USING CRON`];
  }
  const problems: string[] = [];
  for (const [index, field] of CRON_FIELDS.entries()) {
    const problem = field_problem(words[index + 2]!, field, index + 1);
    if (problem !== "") problems.push(problem);
  }
  if (!is_iana_timezone(words[7]!)) problems.push(`time zone '${words[7]!}' is not a name of the IANA time zone database, such as 'America/Chicago'`);
  return problems;
}
