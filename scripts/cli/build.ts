/** `npm run build [-- --check | --watch]`: macros-src/ → macros/. */
import { join } from "node:path";
import { REPO_ROOT } from "../compiler/repo.js";
import { runCompiler } from "./run-compiler.js";

const args = process.argv.slice(2);
await runCompiler(
  { srcDir: join(REPO_ROOT, "macros-src"), outDir: join(REPO_ROOT, "macros"), check: args.includes("--check") },
  args.includes("--watch"),
);
