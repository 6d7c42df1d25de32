/**
 * The compile cache (scripts/compiler/cache.ts): a stored result is returned only while every file the
 * compile read is unchanged; an edited source, an edited or deleted embedded file and a new source
 * file each give a fresh compile. The tampered-entry test proves lookups really come from the cache.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cacheEntryPath, compileCached } from "../../scripts/compiler/cache.js";
import { compileDirectory, PRELUDE_FILE } from "../../scripts/compiler/compile.js";

const root = mkdtempSync(join(tmpdir(), "compile-cache-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function sourceFolder(name: string): string {
  const src = join(root, name, "src");
  mkdirSync(src, { recursive: true });
  const prelude = relative(src, PRELUDE_FILE).replace(/\.ts$/, ".js");
  writeFileSync(join(src, "query.ts"), `import { embed } from "${prelude}";\n\n` +
    "/** @public */\nexport function query(): string {\n  const text = embed(\"query.sql\");\n  return text;\n}\n");
  writeFileSync(join(src, "query.sql"), "select 1");
  return src;
}

const sqlOf = async (src: string, file = "query.sql") => (await compileCached(src)).outputs.get(file);

describe("the compile cache", () => {
  it("returns what a compile returns, and records every file it read", async () => {
    const src = sourceFolder("same");
    const fresh = compileDirectory(src);
    const cached = (await compileCached(src));
    expect(cached).toEqual(fresh);
    expect((await compileCached(src))).toEqual(fresh);
    expect(fresh.inputs).toEqual(expect.arrayContaining([join(src, "query.ts"), join(src, "query.sql"), PRELUDE_FILE]));
  });

  it("answers from the stored entry while nothing changed (and not when turned off)", async () => {
    const src = sourceFolder("tampered");
    expect(await sqlOf(src)).toContain("select 1");
    const entryPath = cacheEntryPath(src);
    const entry = JSON.parse(readFileSync(entryPath, "utf8")) as { outputs: Array<[string, string]> };
    entry.outputs = entry.outputs.map(([path, text]) => [path, `${text}-- from the cache`]);
    writeFileSync(entryPath, JSON.stringify(entry));
    expect(await sqlOf(src)).toContain("-- from the cache");
    process.env.TSJ_COMPILE_CACHE = "off";
    try {
      expect(await sqlOf(src)).not.toContain("-- from the cache");
    } finally {
      delete process.env.TSJ_COMPILE_CACHE;
    }
  });

  it("compiles again when a source, an embedded file or the set of sources changes", async () => {
    const src = sourceFolder("edited");
    expect(await sqlOf(src)).toContain("select 1");
    writeFileSync(join(src, "query.sql"), "select 2");
    expect(await sqlOf(src)).toContain("select 2");
    writeFileSync(join(src, "query.ts"), readFileSync(join(src, "query.ts"), "utf8").replace("const text", "const body").replace("return text", "return body"));
    expect(await sqlOf(src)).toContain("set body");
    writeFileSync(join(src, "other.ts"), "/** @public */\nexport function other(): number {\n  return 1;\n}\n");
    expect((await compileCached(src)).macros.map((macro) => macro.name).sort()).toEqual(["other", "query"]);
  });

  it("sees an embedded file disappear and come back", async () => {
    const src = sourceFolder("deleted");
    expect(await sqlOf(src)).toContain("select 1");
    rmSync(join(src, "query.sql"));
    const missing = (await compileCached(src));
    expect(missing.diagnostics.map((diagnostic) => diagnostic.message)).toEqual(["embed: no file at 'query.sql'."]);
    writeFileSync(join(src, "query.sql"), "select 3");
    expect(await sqlOf(src)).toContain("select 3");
  });
});
