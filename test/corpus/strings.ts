/** String operations. */
export function shout(text: string): string {
  return text.toUpperCase() + "!!";
}

export function string_ops(text: string): Record<string, unknown> {
  return {
    lower: text.toLowerCase(),
    upper: text.toUpperCase(),
    trimmed: text.trim(),
    length: text.length,
    trimmed_length: text.trim().length,
    has_dash: text.includes("-"),
    starts: text.trim().startsWith("Ab"),
    ends: text.trim().endsWith("yz"),
    parts: text.trim().split("-"),
    first_dash: text.replace("-", "+"),
    every_dash: text.replaceAll("-", "+"),
    head: text.trim().slice(0, 2),
    tail: text.trim().slice(-2),
    middle: text.trim().slice(1, -1),
    from_two: text.slice(2),
    first_char: text.trim()[0],
  };
}

export function concatenation(word: string, count: number): Record<string, unknown> {
  const plusNumbers = count + 1;
  const plusString = word + count;
  const numberFirst = count + word;
  let built = "";
  built += word;
  built += count;
  built += "-";
  return {
    plus_numbers: plusNumbers,
    plus_string: plusString,
    number_first: numberFirst,
    built,
    template: `${word}:${count}:${count * 2}`,
    only_number: `${count}`,
    only_string: `${word}`,
    multi_line: `line one
line "two" with \\ and \t tab`,
  };
}

export function string_of_numbers(n: number): string[] {
  return [String(n), String(n * 2), String(-n), n.toString(), String(n + 0.5)];
}

/** Booleans print as JavaScript prints them: in template literals, String(), toString(), '+' and join. */
export function boolean_text(flag: boolean, flags: boolean[]): string[] {
  return [`${flag}`, `flag=${flag}`, String(flag), flag.toString(), "is " + flag, [true, false].join(","), flags.join("|"),
    `${!flag}`, `${flags.length > 1}`];
}

/** Control characters in literals print as \u escapes in the generated Jinja and mean one character on every engine. */
export function control_characters(text: string): unknown[] {
  const marks = "\u0000\u0001\u001b\u007f";
  return [marks.length, text.includes("\u0000"), `a\u0007b`.length, (text + "\u001f").split("\u001f").length, marks.startsWith("\u0000\u0001")];
}

/** A helper of a single `return`: inlined at its call sites (see quoted_pair's snapshot). */
export function sql_quote(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** Calls the helper twice: each call becomes its expression, and the literals around it fold into one. */
export function quoted_pair(first: string, second: string): string {
  return "(" + sql_quote(first) + ", " + sql_quote(second.trim()) + ")";
}
