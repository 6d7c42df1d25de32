/** Small validators for values from `vars`: each returns the clean value, or records a problem. */
import { shown } from "../text/messages.js";
import { is_plain_identifier } from "../sql/names.js";
import { cron_problems } from "./cron.js";
import { is_iana_timezone } from "./iana-timezones.js";

export function problem(problems: string[], path: string, message: string): void {
  problems.push(`${path}: ${message}`);
}

export function positive_integer(value: unknown, path: string, problems: string[]): number | null {
  if (typeof value === "number" && Number.isInteger(value) && value > 0) return value;
  problem(problems, path, `${shown(value)} is not a positive integer`);
  return null;
}

export function non_negative_integer(value: unknown, path: string, problems: string[]): number | null {
  if (typeof value === "number" && Number.isInteger(value) && value >= 0) return value;
  problem(problems, path, `${shown(value)} is not a whole number of seconds (0 or more)`);
  return null;
}

/** SUSPEND_TASK_AFTER_NUM_FAILURES: 0 (never suspend) or a count of consecutive failed runs. */
export function failure_count(value: unknown, path: string, problems: string[]): number | null {
  if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 1000000) return value;
  problem(problems, path, `${shown(value)} is not a number of failures (0 = never suspend, up to 1000000)`);
  return null;
}

export function non_empty_string(value: unknown, path: string, problems: string[]): string | null {
  if (typeof value === "string" && value.trim().length > 0) return value;
  problem(problems, path, `${shown(value)} is not a non-empty string`);
  return null;
}

/** A name Snowflake accepts unquoted; kept in upper case, as Snowflake resolves it. */
export function plain_identifier(value: unknown, path: string, problems: string[]): string | null {
  if (typeof value === "string" && is_plain_identifier(value)) return value.toUpperCase();
  problem(problems, path, `${shown(value)} is not a valid Snowflake name (letters, digits, _ and $, not starting with a digit)`);
  return null;
}

export function boolean_value(value: unknown, path: string, problems: string[]): boolean | null {
  if (typeof value === "boolean") return value;
  problem(problems, path, `${shown(value)} is not true or false`);
  return null;
}

const DIGITS = "0123456789";

function all_digits(text: string): boolean {
  if (text.length === 0) return false;
  for (const ch of text) {
    if (!DIGITS.includes(ch)) return false;
  }
  return true;
}

/** The longest interval Snowflake schedules: 8 days, in each unit. */
const INTERVAL_LIMITS: Record<string, number> = {
  SECOND: 691200, SECONDS: 691200, MINUTE: 11520, MINUTES: 11520, HOUR: 192, HOURS: 192,
};
const DIGIT_VALUES: Record<string, number> = { "0": 0, "1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "6": 6, "7": 7, "8": 8, "9": 9 };

/** The value of a string of digits (at most 9 of them), or -1 when it is not one. */
function digits_value(text: string): number {
  if (!all_digits(text) || text.length > 9) return -1;
  let value = 0;
  for (const ch of text) value = value * 10 + DIGIT_VALUES[ch]!;
  return value;
}
/**
 * A name from the IANA time zone database, embedded at compile time (iana-timezones.ts): an unknown
 * name would pass the build and then fail every task run, so it is refused here.
 */
export function is_timezone_name(text: string): boolean {
  return is_iana_timezone(text);
}

export function schedule_text(value: unknown, path: string, problems: string[]): { kind: string; text: string } | null {
  if (typeof value === "string") {
    const words = value.trim().split(" ").filter((word) => word.length > 0);
    if (words.length === 1 && words[0]!.toLowerCase() === "triggered") return { kind: "triggered", text: "" };
    if (words.length === 2) {
      const amount = digits_value(words[0]!);
      const unit = words[1]!.toUpperCase();
      const limit = INTERVAL_LIMITS[unit];
      if (limit !== undefined && amount >= 1 && amount <= limit && !words[0]!.startsWith("0")) {
        return { kind: "interval", text: `${words[0]!} ${unit}` };
      }
    }
    if (words.length >= 2 && words[0]!.toUpperCase() === "USING" && words[1]!.toUpperCase() === "CRON") {
      // Field by field, so the message names the field CREATE TASK would refuse.
      const cron = cron_problems(words);
      if (cron.length === 0) return { kind: "cron", text: `USING CRON ${words.slice(2, 7).join(" ")} ${words[7]!}` };
      for (const item of cron) problem(problems, path, `${shown(value)}: ${item}`);
      return null;
    }
  }
  problem(problems, path,
    `${shown(value)} is not a schedule: use '<n> MINUTE' (up to 11520; or SECOND, HOUR), ` +
      "'USING CRON <minute> <hour> <day> <month> <weekday> <IANA time zone>' or 'triggered'");
  return null;
}
