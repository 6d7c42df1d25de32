/** `npm run compile -- --src DIR --out DIR [--watch]`: compile any folder of macro sources. */
import { resolve } from "node:path";
import { flag, runCompiler } from "./run-compiler.js";

const args = process.argv.slice(2);
const src = flag(args, "--src");
const out = flag(args, "--out");
if (src === undefined || out === undefined) {
  console.error("usage: npm run compile -- --src DIR --out DIR [--watch] [--check]");
  process.exit(2);
}
await runCompiler({ srcDir: resolve(src), outDir: resolve(out), check: args.includes("--check") }, args.includes("--watch"));
