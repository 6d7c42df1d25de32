/**
 * The differential test at length: `npm run differential -- --programs 3000 [--seed N] [--batch 150] [--shrink]`.
 * Generates programs in batches, runs each batch on the three engines and prints the counts; with
 * --shrink, a mismatch is shrunk by fast-check to a smallest program that still differs.
 */
import { parseArgs } from "node:util";
import { FusionEngine } from "../../../scripts/engines/fusion-engine.js";
import { JinjaOracle } from "../../../scripts/engines/jinja-engine.js";
import { samplePrograms, shrinkProgram } from "./programs.js";
import { describeMismatch, runBatch, type BatchReport } from "./run.js";

const { values } = parseArgs({
  options: {
    programs: { type: "string", default: "1000" },
    seed: { type: "string", default: String(Date.now() % 1_000_000) },
    batch: { type: "string", default: "150" },
    shrink: { type: "boolean", default: false },
    "no-fusion": { type: "boolean", default: false },
  },
});
const total = Number(values.programs);
const seed = Number(values.seed);
const batchSize = Number(values.batch);

const oracle = new JinjaOracle();
const fusion = values["no-fusion"] ? undefined : new FusionEngine();
const started = Date.now();
const totals = { programs: 0, refused: 0, agreed: 0, guarded: 0, mismatches: 0 };
const refusedByCode = new Map<string, number>();
let firstFailure: { batchSeed: number; index: number } | undefined;
for (let done = 0, batch = 0; done < total; done += batchSize, batch += 1) {
  const count = Math.min(batchSize, total - done);
  const batchSeed = seed + batch;
  const report: BatchReport = await runBatch(`main-${seed}-${batch}`, samplePrograms(batchSeed, count, `d${batch}_`), { oracle, fusion });
  totals.programs += report.programs;
  totals.agreed += report.agreed;
  totals.guarded += report.guarded;
  totals.mismatches += report.mismatches.length;
  for (const [code, n] of report.refused) {
    totals.refused += n;
    refusedByCode.set(code, (refusedByCode.get(code) ?? 0) + n);
  }
  for (const mismatch of report.mismatches.slice(0, 3)) console.log(describeMismatch(mismatch), "\n");
  if (process.env.DIFFERENTIAL_SHOW_REFUSALS) for (const sample of report.refusalSamples.values()) console.log(sample);
  if (report.mismatches.length > 0 && firstFailure === undefined) {
    firstFailure = { batchSeed, index: Number(report.mismatches[0]!.program.macro.replace(/^.*_/, "")) };
  }
  console.log(`batch ${batch} (seed ${batchSeed}): ${report.programs} programs, ${[...report.refused.values()].reduce((a, b) => a + b, 0)} refused, ` +
    `${report.agreed} runs agreed, ${report.guarded} guarded, ${report.mismatches.length} mismatches`);
}
const seconds = (Date.now() - started) / 1000;
console.log(`\n${totals.programs} programs (seed ${seed}) in ${seconds.toFixed(1)} s: ${totals.refused} refused at compile time ` +
  `(${[...refusedByCode].map(([code, n]) => `${code} ${n}`).join(", ")}), ${totals.agreed} runs agreed, ${totals.guarded} guarded, ` +
  `${totals.mismatches} mismatches`);

if (values.shrink && firstFailure !== undefined) {
  // fast-check shrinks the failing program: each candidate runs alone on the three engines.
  const { batchSeed, index } = firstFailure;
  let runs = 0;
  const report = await shrinkProgram(batchSeed, index, async (program) => {
    runs += 1;
    const result = await runBatch(`shrink-${seed}-${runs}`, [program], { oracle, fusion });
    return result.mismatches.length > 0;
  });
  console.log(`\nshrunk in ${runs} runs:\n${(report ?? "the failure did not reproduce").split("\n").slice(0, 60).join("\n")}`);
}
await oracle.close();
process.exit(totals.mismatches > 0 ? 1 : 0);
