/** The Snowflake Scripting block of a `create or alter task … as execute immediate '<block>'`, unquoted. */
export function taskBody(sql: string): string {
  const marker = "\nas execute immediate '";
  const start = sql.indexOf(marker);
  if (start === -1 || !sql.endsWith("'")) throw new Error(`not a task with an execute immediate block: ${sql.slice(0, 60)}`);
  const literal = sql.slice(start + marker.length, -1);
  let out = "";
  for (let index = 0; index < literal.length; index += 1) {
    const char = literal[index]!;
    if (char === "'" && literal[index + 1] === "'") {
      out += "'";
      index += 1;
    } else if (char === "\\" && index + 1 < literal.length) {
      out += literal[index + 1];
      index += 1;
    } else {
      out += char;
    }
  }
  return out;
}
