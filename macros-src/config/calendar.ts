/**
 * Weekdays and times of day as a job's start conditions take them. Weekdays are kept as numbers,
 * 0 = Monday … 6 = Sunday (what the task body compares with dayofweekiso - 1), and may be written as
 * names, MON … SUN: a cron habit of 1-5 for Monday-Friday would mean Tuesday-Saturday here.
 */
import { problem } from "./checks.js";
import { shown } from "../text/messages.js";

/** The weekday names, by number: 0 = Monday. */
export const WEEKDAY_NAMES = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"];
const MINUTES_PER_DAY = 1440;
const DIGITS = "0123456789";

/** The day a value names: a name (any case) or a number 0-6, or -1. */
function weekday_number(day: unknown): number {
  if (typeof day === "string") {
    const name = day.trim().toUpperCase();
    for (const [index, weekday] of WEEKDAY_NAMES.entries()) {
      if (weekday === name) return index;
    }
    return -1;
  }
  if (typeof day === "number" && Number.isInteger(day) && day >= 0 && day <= 6) return day;
  return -1;
}

/** `days_of_week`: distinct weekdays as numbers (0 = Monday), in the order given; all seven by default. */
export function days_of_week(value: unknown, path: string, problems: string[]): number[] {
  if (value == null) return [0, 1, 2, 3, 4, 5, 6];
  if (!Array.isArray(value) || value.length === 0) {
    problem(problems, path, `${shown(value)} is not a non-empty list of weekdays (MON … SUN, or 0 = Monday … 6 = Sunday)`);
    return [];
  }
  const days: number[] = [];
  for (const [index, day] of value.entries()) {
    const number = weekday_number(day);
    if (number < 0) {
      problem(problems, `${path}[${index}]`, `${shown(day)} is not a weekday: MON … SUN, or 0-6 with 0 = Monday`);
    } else if (days.includes(number)) {
      problem(problems, `${path}[${index}]`, `${shown(day)} is ${WEEKDAY_NAMES[number]!}, listed twice`);
    } else {
      days.push(number);
    }
  }
  return days;
}

/** Weekdays as names in week order, runs of three or more joined: [0, 1, 2, 3, 4] is MON-FRI, all seven are "every day". */
export function weekday_names(days: number[]): string {
  if (days.length === WEEKDAY_NAMES.length) return "every day";
  const parts: string[] = [];
  let run: string[] = [];
  for (const [day, name] of WEEKDAY_NAMES.entries()) {
    if (days.includes(day)) run.push(name);
    if (!days.includes(day) || day === WEEKDAY_NAMES.length - 1) {
      if (run.length >= 3) parts.push(`${run[0]!}-${run[run.length - 1]!}`);
      else parts.push(...run);
      run = [];
    }
  }
  return parts.join(",");
}

function two_digits(text: string): boolean {
  return text.length === 2 && DIGITS.includes(text.slice(0, 1)) && DIGITS.includes(text.slice(1, 2));
}

/** "H:MM" or "HH:MM" within a day, as "HH:MM", or "" when it is not one. */
function padded_time(text: string): string {
  const hours = text.length === 4 ? `0${text.slice(0, 1)}` : text.slice(0, 2);
  const minutes = text.slice(text.length - 2);
  if ((text.length === 4 || text.length === 5) && text.slice(text.length - 3, text.length - 2) === ":" &&
    two_digits(hours) && two_digits(minutes) && hours <= "23" && minutes <= "59") {
    return `${hours}:${minutes}`;
  }
  return "";
}

/**
 * "HH:MM", 24-hour, zero-padded, so that times compare as strings. YAML 1.1 (dbt-core's reader) takes
 * an unquoted 8:00 for the base-60 number 480 and 18:00 for 1080; dbt 2.x keeps both as text, where
 * 8:00 lacks its leading zero. Both get "quote it", with the time meant.
 */
export function clock_time(value: unknown, path: string, problems: string[]): string | null {
  if (typeof value === "string") {
    const time = padded_time(value);
    if (time !== "" && time === value) return value;
    if (time !== "") {
      problem(problems, path, `${shown(value)} is not a time of day as HH:MM (two-digit hours); quote it: '${time}'`);
      return null;
    }
  }
  if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value < MINUTES_PER_DAY) {
    const hours = Math.floor(value / 60);
    const minutes = String(value % 60).padStart(2, "0");
    problem(problems, path,
      `${value} is not a time of day: YAML read an unquoted ${hours}:${minutes} as the sexagesimal (base-60) number ` +
        `${hours} × 60 + ${value % 60} = ${value}, as dbt-core does; quote it: '${String(hours).padStart(2, "0")}:${minutes}'`);
    return null;
  }
  problem(problems, path, `${shown(value)} is not a time of day as HH:MM (00:00-23:59), quoted: '08:00'`);
  return null;
}
