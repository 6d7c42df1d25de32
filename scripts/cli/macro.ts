/**
 * `npm run macro -- --engine ts|jinja|fusion --src DIR --macro NAME --context FILE.json`
 * Runs one macro and prints {"statements", "logs", "returned", "error"} as JSON.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { runFusionMacro } from "../runtime/fusion-engine.js";
import { runJinjaMacro } from "../runtime/jinja-engine.js";
import type { MacroContextFile } from "../runtime/macro-run.js";
import { runTsMacro } from "../runtime/ts-engine.js";
import { flag } from "./run-compiler.js";

const args = process.argv.slice(2);
const engine = flag(args, "--engine");
const src = flag(args, "--src");
const macro = flag(args, "--macro");
const contextFile = flag(args, "--context");
if ((engine !== "ts" && engine !== "jinja" && engine !== "fusion") || src === undefined || macro === undefined) {
  console.error("usage: npm run macro -- --engine ts|jinja|fusion --src DIR --macro NAME [--context FILE.json]");
  process.exit(2);
}
const context = (contextFile === undefined ? {} : JSON.parse(readFileSync(contextFile, "utf8"))) as MacroContextFile;
try {
  const run = engine === "ts" ? await runTsMacro(resolve(src), macro, context)
    : engine === "jinja" ? await runJinjaMacro(resolve(src), macro, context)
      : await runFusionMacro(resolve(src), macro, context);
  console.log(JSON.stringify(run, null, 2));
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
