/** Small validators for values from `vars`: each returns the clean value, or records a problem. */
import { toJson } from "../prelude/dbt.js";
import { is_plain_identifier } from "../sql/names.js";

/** A value as the user wrote it, for messages: strings quoted, everything else as JSON. */
export function shown(value: unknown): string {
  if (typeof value === "string") return `'${value}'`;
  if (typeof value === "number") return String(value);
  if (value == null) return "nothing";
  return toJson(value);
}

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

/** "HH:MM", 24-hour, zero-padded, so that times compare as strings. */
export function clock_time(value: unknown, path: string, problems: string[]): string | null {
  if (typeof value === "string" && value.length === 5 && value.slice(2, 3) === ":") {
    const hours = value.slice(0, 2);
    const minutes = value.slice(3, 5);
    if (all_digits(hours) && all_digits(minutes) && hours <= "23" && minutes <= "59") return value;
  }
  problem(problems, path, `${shown(value)} is not a time of day as HH:MM (00:00-23:59)`);
  return null;
}

const INTERVAL_UNITS = ["SECOND", "SECONDS", "MINUTE", "MINUTES", "HOUR", "HOURS"];
const CRON_CHARACTERS = "0123456789*,-/#?LWABCDEFGHIJKLMNOPQRSTUVXYZ";
const TIMEZONE_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+-/";

function only_characters(text: string, allowed: string): boolean {
  for (const ch of text) {
    if (!allowed.includes(ch)) return false;
  }
  return text.length > 0;
}

/** An IANA time zone name's shape; Snowflake and the procedure reject names they do not know. */
export function is_timezone_name(text: string): boolean {
  return only_characters(text, TIMEZONE_CHARACTERS) && !text.startsWith("/") && !text.endsWith("/") &&
    !text.includes("//");
}

export function schedule_text(value: unknown, path: string, problems: string[]): { kind: string; text: string } | null {
  if (typeof value === "string") {
    const words = value.trim().split(" ").filter((word) => word.length > 0);
    if (words.length === 1 && words[0]!.toLowerCase() === "triggered") return { kind: "triggered", text: "" };
    if (words.length === 2 && all_digits(words[0]!) && words[0]!.length <= 5 && !words[0]!.startsWith("0") &&
      INTERVAL_UNITS.includes(words[1]!.toUpperCase())) {
      return { kind: "interval", text: `${words[0]!} ${words[1]!.toUpperCase()}` };
    }
    if (words.length === 8 && words[0]!.toUpperCase() === "USING" && words[1]!.toUpperCase() === "CRON") {
      const fields = words.slice(2, 7);
      const timezone = words[7]!;
      if (fields.every((field) => only_characters(field.toUpperCase(), CRON_CHARACTERS)) && is_timezone_name(timezone)) {
        return { kind: "cron", text: `USING CRON ${fields.join(" ")} ${timezone}` };
      }
    }
  }
  problem(problems, path,
    `${shown(value)} is not a schedule: use '<n> MINUTE' (or SECOND/HOUR), 'USING CRON <5 fields> <time zone>' or 'triggered'`);
  return null;
}
