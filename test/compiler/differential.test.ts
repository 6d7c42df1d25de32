/**
 * The differential test (test/compiler/differential/): programs generated from the macro language's
 * grammar with fast-check, each run with generated inputs on the TypeScript, dbt-core's Jinja and dbt
 * 2.x. Every run must answer as the TypeScript does, or the program must be refused at compile time,
 * or stop on dbt with a run-time guard naming its source line. `npm test` runs one seeded batch;
 * `npm run differential -- --programs 3000` runs thousands (docs/development.md).
 */
import { afterAll, expect, it } from "vitest";
import { FusionEngine } from "../../scripts/engines/fusion-engine.js";
import { JinjaOracle } from "../../scripts/engines/jinja-engine.js";
import { samplePrograms } from "./differential/programs.js";
import { describeMismatch, runBatch } from "./differential/run.js";

/** Fixed, so that a failure here is the same failure on every machine; the CLI varies it. */
const SEED = 2207;
const PROGRAMS = Number(process.env.DIFFERENTIAL_PROGRAMS ?? 30);

const oracle = new JinjaOracle();
afterAll(() => oracle.close());

it(`${PROGRAMS} generated programs answer alike on ts, jinja and fusion, or are refused, or stop on a guard`, async () => {
  const programs = samplePrograms(SEED, PROGRAMS, "g");
  const report = await runBatch(`test-${SEED}`, programs, { oracle, fusion: new FusionEngine() });
  expect(report.mismatches.map(describeMismatch)).toEqual([]);
  const refused = [...report.refused.values()].reduce((total, count) => total + count, 0);
  // The generator must mostly make programs the language accepts, or the test would prove little.
  expect(refused).toBeLessThan(PROGRAMS / 4);
  expect(report.agreed).toBeGreaterThan(PROGRAMS * 3);
}, 300_000);
