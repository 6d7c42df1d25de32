/**
 * The compiler's visibility rule (scripts/compiler/visibility.ts): in a folder with `@public`
 * macros, helpers get the private prefix at their definition and at every call, dispatch
 * implementations keep their names, the docs hide everything but the public macros, and a local
 * never takes a helper's dbt name. A folder without `@public` compiles as before.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { compileDirectory, PRELUDE_FILE } from "../../scripts/compiler/compile.js";

function compileSources(text: string): ReturnType<typeof compileDirectory> {
  const src = join(mkdtempSync(join(tmpdir(), "visibility-")), "src");
  mkdirSync(src, { recursive: true });
  const path = join(src, "entry.ts");
  writeFileSync(path, text.replace("PRELUDE", relative(dirname(path), PRELUDE_FILE).replace(/\.ts$/, ".js")));
  const result = compileDirectory(src);
  expect(result.diagnostics).toEqual([]);
  return result;
}

const PACKAGE = `import { dispatch } from "PRELUDE";

// Two statements, so the compiler does not inline it: the calls stay, and they must carry the prefix.
function label(text: string): string {
  const wrapped = "<" + text + ">";
  return wrapped;
}

/**
 * Greets.
 * @public
 * @param who - whom to greet
 */
export function greet(who = "you"): string {
  return dispatch<(who: string) => string>("greet", "pkg")(who);
}

/** Snowflake implementation of greet. */
export function snowflake__greet(who: string): string {
  const _label = "hello ";
  return _label + label(who);
}

export function default__greet(_who: string): string {
  return label("no");
}
`;

describe("a folder with @public macros", () => {
  const result = compileSources(PACKAGE);
  const jinja = result.outputs.get("entry.sql")!;

  it("prefixes helpers at their definition and their calls; public and dispatch names stay", () => {
    expect(result.macros.map((item) => [item.name, item.dbtName, item.visibility])).toEqual([
      ["label", "_label", "private"],
      ["greet", "greet", "public"],
      ["snowflake__greet", "snowflake__greet", "dispatch"],
      ["default__greet", "default__greet", "dispatch"],
    ]);
    expect(jinja).toMatch(/\{%- macro _label\(text\) -%\}/);
    expect(jinja).toContain("{%- macro greet(who=\"you\") -%}");
    expect(jinja).toContain("_label(who)");
    expect(jinja).not.toMatch(/[^_]label\(/);
  });

  it("renames a local that would hide a helper's dbt name", () => {
    expect(jinja).toContain('{%- set _label_2 = "hello " -%}');
    expect(jinja).toMatch(/_label_2 ~ \w+\._label\(who\)/);
  });

  it("documents the public macro and hides the others", () => {
    const docs = parse(result.outputs.get("entry.yml")!) as { macros: Array<{ name: string; docs?: { show: boolean }; arguments?: unknown[] }> };
    expect(docs.macros.map((macro) => [macro.name, macro.docs?.show ?? true])).toEqual([
      ["_label", false], ["greet", true], ["snowflake__greet", false], ["default__greet", false],
    ]);
    expect(docs.macros[1]!.arguments).toEqual([{ name: "who", type: "string", description: "whom to greet" }]);
    expect(docs.macros[0]!.arguments).toBeUndefined();
  });
});

describe("a folder without @public macros", () => {
  it("keeps every name and documents the exported macros only", () => {
    const result = compileSources(PACKAGE.replace(" * @public\n", ""));
    expect(result.macros.every((item) => item.dbtName === item.name)).toBe(true);
    expect(result.outputs.get("entry.sql")).toContain("{%- macro label(text) -%}");
    const docs = parse(result.outputs.get("entry.yml")!) as { macros: Array<{ name: string; docs?: unknown }> };
    expect(docs.macros.map((macro) => macro.name)).toEqual(["greet", "snowflake__greet", "default__greet"]);
    expect(docs.macros.every((macro) => macro.docs === undefined)).toBe(true);
  });
});
