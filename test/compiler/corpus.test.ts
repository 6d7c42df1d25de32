/**
 * Every corpus case runs through both engines — the TypeScript in Node and the compiled Jinja in
 * dbt-core's Jinja environment — and the two must answer with identical JSON.
 * A case file `test/corpus/<topic>.cases.json` lists runs of the macros in `<topic>.ts`:
 * `[{ "macro": "name", "context": {...}, "expect"?: { "returned"?, "logs"?, "statements"?, "error"? } }]`.
 * `expect` pins what JavaScript computes, so a case cannot pass by both engines being wrong alike.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileToScratch, JinjaOracle } from "../../scripts/runtime/jinja-engine.js";
import type { MacroContextFile, MacroRun } from "../../scripts/runtime/macro-run.js";
import { runTsMacro } from "../../scripts/runtime/ts-engine.js";
import { CORPUS_DIR } from "./corpus-dir.js";


interface CorpusCase {
  macro: string;
  context: MacroContextFile;
  expect?: Partial<MacroRun>;
}

const caseFiles = readdirSync(CORPUS_DIR).filter((file) => file.endsWith(".cases.json")).sort();

let oracle: JinjaOracle;
let compiledDir: string;

beforeAll(() => {
  compiledDir = compileToScratch(CORPUS_DIR);
  oracle = new JinjaOracle();
});

afterAll(async () => {
  await oracle?.close();
});

it("has a case file next to every corpus source", () => {
  const sources = readdirSync(CORPUS_DIR).filter((file) => file.endsWith(".ts")).map((file) => file.replace(/\.ts$/, ""));
  expect(caseFiles.map((file) => file.replace(/\.cases\.json$/, ""))).toEqual(sources.sort());
});

for (const caseFile of caseFiles) {
  const cases = JSON.parse(readFileSync(join(CORPUS_DIR, caseFile), "utf8")) as CorpusCase[];
  describe(caseFile.replace(/\.cases\.json$/, ""), () => {
    cases.forEach((corpusCase, index) => {
      it(`${corpusCase.macro} #${index + 1}`, async () => {
        const [ts, jinja] = await Promise.all([
          runTsMacro(CORPUS_DIR, corpusCase.macro, corpusCase.context),
          oracle.render(compiledDir, corpusCase.macro, corpusCase.context),
        ]);
        expect(jinja, "the compiled Jinja must answer as the TypeScript does").toEqual(ts);
        if (corpusCase.expect !== undefined) expect(ts).toMatchObject(corpusCase.expect);
      });
    });
  });
}
