/**
 * Whether a view has a shape streams on views do not support: GROUP BY, QUALIFY, LIMIT or DISTINCT
 * ("Streams on views", https://docs.snowflake.com/en/user-guide/streams-intro). Read from SHOW VIEWS'
 * `text` (the CREATE VIEW statement) with its string literals, quoted identifiers and comments taken
 * out, so that a column named "limit" or a comment saying "group by" does not count. A view whose
 * text Snowflake hides (another role's secure view) is not judged here: CREATE STREAM is the judge.
 */

const CLAUSES = ["GROUP BY", "QUALIFY", "LIMIT", "DISTINCT"];

/** The parts of `text` outside `open … close` pairs (for strings, `''` inside one splits into two pairs, with nothing between). */
function outside(text: string, open: string, close: string): string {
  if (open === close) {
    return text.split(open).filter((_part, index) => index % 2 === 0).join(" ");
  }
  let kept = "";
  for (const [index, piece] of text.split(open).entries()) {
    if (index === 0) kept += piece;
    else {
      const after = piece.split(close);
      kept += ` ${after.length > 1 ? after.slice(1).join(close) : ""}`;
    }
  }
  return kept;
}

/** Each line cut at `--`. */
function without_line_comments(text: string): string {
  return text.split("\n").map((line) => line.split("--")[0]!).join("\n");
}

/** The clauses of CLAUSES the view's text uses ([] when it uses none, or when the text is hidden). */
export function unsupported_view_clauses(text: string): string[] {
  if (text === "") return [];
  const code = without_line_comments(outside(outside(outside(text, "'", "'"), '"', '"'), "/*", "*/"));
  let words = ` ${code.toUpperCase()} `;
  for (const separator of ["\n", "\r", "\t", "(", ")", ",", ";"]) words = words.replaceAll(separator, " ");
  // "GROUP   BY" reads as "GROUP BY".
  for (const _pass of [1, 2, 3, 4, 5, 6]) words = words.replaceAll("  ", " ");
  return CLAUSES.filter((clause) => words.includes(` ${clause} `));
}
