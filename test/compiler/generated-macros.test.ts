/**
 * What a dbt user reads in macros/: no private macro that nothing calls (overriding it would change
 * nothing), and above each macro a `{#- macros-src/<file>.ts:<line> -#}` comment naming the line of
 * the TypeScript function it was compiled from. Both read the committed files as text.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../scripts/compiler/repo.js";

const MACROS = join(REPO_ROOT, "macros");

function sqlFiles(directory: string): string[] {
  return readdirSync(directory).sort().flatMap((entry) => {
    const path = join(directory, entry);
    return statSync(path).isDirectory() ? sqlFiles(path) : path.endsWith(".sql") ? [path] : [];
  });
}

const packageFiles = new Map(sqlFiles(MACROS).map((path) => [relative(REPO_ROOT, path), readFileSync(path, "utf8")]));

interface DefinedMacro {
  name: string;
  body: string;
  /** The comment line above the macro, if any. */
  comment: string | undefined;
}

function definedMacros(files: Map<string, string>): DefinedMacro[] {
  return [...files.values()].flatMap((text) =>
    [...text.matchAll(/(?:^\{#- ([^\n]*) -#\}\n)?^\{%- macro (\w+)\((.*?)^\{%- endmacro -%\}/gms)]
      .map((match) => ({ comment: match[1], name: match[2]!, body: match[3]! })));
}

/**
 * Private macros (`_x`) that no macro reaches from the public ones and their dispatch
 * implementations, following every mention of a macro's name (a call, or its name in a string).
 */
function uncalledPrivateMacros(files: Map<string, string>): string[] {
  const macros = definedMacros(files);
  const byName = new Map(macros.map((macro) => [macro.name, macro]));
  const reached = new Set<string>();
  const pending = macros.filter((macro) => !macro.name.startsWith("_"));
  while (pending.length > 0) {
    const macro = pending.pop()!;
    if (reached.has(macro.name)) continue;
    reached.add(macro.name);
    for (const [name, other] of byName) {
      if (!reached.has(name) && new RegExp(`(?<![\\w])${name}(?![\\w])`).test(macro.body)) pending.push(other);
    }
  }
  return macros.filter((macro) => macro.name.startsWith("_") && !reached.has(macro.name)).map((macro) => macro.name).sort();
}

/** Macros whose comment does not name the line of `function <name>` (private macros drop their `_`). */
function misplacedSourceLines(files: Map<string, string>): string[] {
  return definedMacros(files).flatMap((macro) => {
    const position = /^(macros-src\/[\w/.-]+\.ts):(\d+)$/.exec(macro.comment ?? "");
    if (position === null) return [`${macro.name}: no source-line comment`];
    const tsName = macro.name.startsWith("_") ? macro.name.slice(1) : macro.name;
    const line = readFileSync(join(REPO_ROOT, position[1]!), "utf8").split("\n")[Number(position[2]) - 1] ?? "";
    return new RegExp(`\\bfunction ${tsName}\\(`).test(line) ? [] : [`${macro.name}: ${macro.comment} reads ${JSON.stringify(line)}`];
  });
}

describe("macros/ as a dbt user reads it", () => {
  it("has no private macro that nothing calls", () => {
    expect(definedMacros(packageFiles).length).toBeGreaterThan(150);
    expect(uncalledPrivateMacros(packageFiles)).toEqual([]);
  });

  it("finds a private macro that nothing calls, and one called only by it (negative control)", () => {
    const withOrphans = new Map(packageFiles);
    withOrphans.set("macros/orphans.sql", [
      "{#- macros-src/orphans.ts:1 -#}", "{%- macro _orphan(x) -%}", "  {%- do return(dbt_cloud_orchestration._orphan_helper(x)) -%}",
      "{%- endmacro -%}", "", "{#- macros-src/orphans.ts:5 -#}", "{%- macro _orphan_helper(x) -%}", "  {%- do return(x) -%}", "{%- endmacro -%}",
    ].join("\n"));
    expect(uncalledPrivateMacros(withOrphans)).toEqual(["_orphan", "_orphan_helper"]);
  });

  it("names, above each macro, the line of the TypeScript function it comes from", () => {
    expect(misplacedSourceLines(packageFiles)).toEqual([]);
    const sample = packageFiles.get("macros/desired/stream.sql")!;
    const line = Number(/^\{#- macros-src\/desired\/stream\.ts:(\d+) -#\}\n\{%- macro _desired_stream\(/m.exec(sample)![1]);
    expect(readFileSync(join(REPO_ROOT, "macros-src/desired/stream.ts"), "utf8").split("\n")[line - 1]).toMatch(/^export function desired_stream\(/);
  });

  it("finds a source-line comment that points at the wrong line (negative control)", () => {
    const [path, text] = [...packageFiles].find(([, content]) => content.includes("{%- macro _desired_stream("))!;
    const shifted = text.replace(/^(\{#- macros-src\/desired\/stream\.ts:)(\d+)( -#\}\n\{%- macro _desired_stream\()/m,
      (_, head: string, line: string, tail: string) => `${head}${Number(line) + 1}${tail}`);
    expect(misplacedSourceLines(new Map([[path, shifted]]))).toEqual([expect.stringMatching(/^_desired_stream: /)]);
  });
});
