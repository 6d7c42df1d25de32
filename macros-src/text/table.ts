/** Aligned plain-text tables, for the plan and the status. */
const SPACES = "                                                                                                    ";

function padded(text: string, width: number): string {
  return text + SPACES.slice(0, Math.max(0, width - text.length));
}

function column_width(rows: string[][], index: number): number {
  let width = 0;
  for (const row of rows) width = Math.max(width, row[index]!.length);
  return width;
}

/** Rows of cells (all as long as the first) as aligned text: every column but the last padded to its widest cell. */
export function plain_table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_cell, index) => column_width(rows, index));
  return rows.map((row) => row.map((value, index) => (index === row.length - 1 ? value : padded(value, widths[index]!))).join("  "));
}
