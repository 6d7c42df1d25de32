/** The generated Jinja of representative corpus macros, one snapshot file per macro. */
import { describe, expect, it } from "vitest";
import { compileCached } from "../../scripts/compiler/cache.js";
import { CORPUS_DIR } from "./corpus-dir.js";

const SNAPSHOT_MACROS: Array<[file: string, macro: string]> = [
  ["differences", "set_in_loop"],
  ["differences", "param_set_in_loop"],
  ["differences", "truthiness"],
  ["differences", "integer_division"],
  ["differences", "string_of_number"],
  ["differences", "none_vs_undefined"],
  ["differences", "replace_first_vs_all"],
  ["differences", "remainder_sign"],
  ["control", "loops"],
  ["control", "folded_conditions"],
  ["control", "shared_constant"],
  ["values", "objects_and_spreads"],
  ["collections", "array_methods"],
  ["logic", "logic_objects"],
  ["dbt_context", "dispatched"],
  ["dbt_context", "embedded_sql"],
  ["strings", "quoted_pair"],
];

const compiled = await compileCached(CORPUS_DIR);

function macroText(file: string, macro: string): string {
  const text = compiled.outputs.get(`${file}.sql`);
  if (text === undefined) throw new Error(`no output for ${file}.ts`);
  const start = text.indexOf(`{%- macro ${macro}(`);
  const end = text.indexOf("{%- endmacro -%}", start);
  if (start === -1 || end === -1) throw new Error(`no macro ${macro} in ${file}.sql`);
  return `${text.slice(start, end)}{%- endmacro -%}\n`;
}

describe("generated Jinja", () => {
  it("compiles the corpus without diagnostics", () => {
    expect(compiled.diagnostics).toEqual([]);
  });
  for (const [file, macro] of SNAPSHOT_MACROS) {
    it(`${file}.${macro}`, async () => {
      await expect(macroText(file, macro)).toMatchFileSnapshot(`./__snapshots__/jinja/${macro}.sql`);
    });
  }
});
