/**
 * Every corpus case runs through three engines — the TypeScript in Node, the compiled Jinja in
 * dbt-core's Jinja environment, and the compiled Jinja in dbt 2.x (`dbt run-operation`, see
 * scripts/engines/fusion-engine.ts) — and they must answer with identical JSON. dbt 2.x words
 * dbt's own errors differently (test/support/engines.ts); a case whose context dbt 2.x cannot
 * reproduce pins the difference in `fusion_expect` (see docs/development.md, "dbt engines").
 * A case file `test/corpus/<topic>.cases.json` lists runs of the macros in `<topic>.ts`:
 * `[{ "macro": "name", "context": {...}, "expect"?: { "returned"?, "logs"?, "statements"?, "error"? } }]`.
 * `expect` pins what JavaScript computes, so a case cannot pass by both engines being wrong alike.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileToScratch, JinjaOracle } from "../../scripts/engines/jinja-engine.js";
import type { MacroContextFile, MacroRun } from "../../scripts/engines/macro-run.js";
import { FusionEngine } from "../../scripts/engines/fusion-engine.js";
import { runTsMacro } from "../../scripts/engines/ts-engine.js";
import { acrossEngines } from "../support/engines.js";
import { CORPUS_DIR } from "./corpus-dir.js";


interface CorpusCase {
  macro: string;
  context: MacroContextFile;
  expect?: Partial<MacroRun>;
  /** Where dbt 2.x cannot answer as dbt-core does (documented in docs/development.md, "dbt engines"): what it answers instead. */
  fusion_expect?: Partial<MacroRun>;
  /**
   * Where the compiled macro stops on a run-time guard (an input JavaScript computes and dbt cannot
   * reproduce, scripts/compiler/transforms/guard.ts): what both dbt engines answer instead.
   */
  dbt_expect?: Partial<MacroRun>;
}

const caseFiles = readdirSync(CORPUS_DIR).filter((file) => file.endsWith(".cases.json")).sort();

let oracle: JinjaOracle;
let compiledDir: string;
const fusionRuns = new Map<string, Promise<MacroRun>>();

const caseKey = (caseFile: string, index: number) => `${caseFile}#${index}`;

beforeAll(async () => {
  compiledDir = await compileToScratch(CORPUS_DIR);
  oracle = new JinjaOracle();
  // dbt 2.x: start every case at once; the engine runs them in batches, a few at a time.
  const fusion = new FusionEngine();
  for (const caseFile of caseFiles) {
    (JSON.parse(readFileSync(join(CORPUS_DIR, caseFile), "utf8")) as CorpusCase[]).forEach((corpusCase, index) => {
      // run-operation always executes: a context with execute: false has no dbt 2.x counterpart.
      if (corpusCase.context.execute === false) return;
      const run = fusion.render(compiledDir, corpusCase.macro, corpusCase.context);
      run.catch(() => undefined);
      fusionRuns.set(caseKey(caseFile, index), run);
    });
  }
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
        const dbtExpected = corpusCase.dbt_expect === undefined ? ts : { ...ts, ...corpusCase.dbt_expect };
        expect(jinja, "the compiled Jinja must answer as the TypeScript does").toEqual(dbtExpected);
        if (corpusCase.expect !== undefined) expect(ts).toMatchObject(corpusCase.expect);
        const fusionRun = fusionRuns.get(caseKey(caseFile, index));
        if (fusionRun !== undefined) {
          const fusion = acrossEngines(await fusionRun);
          const expected = { ...acrossEngines(dbtExpected), ...corpusCase.fusion_expect };
          expect(fusion, "dbt 2.x must answer as the TypeScript does").toEqual(expected);
        }
      });
    });
  });
}
