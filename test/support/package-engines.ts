/** Runs the package's macros (macros-src/) through both engines, one oracle process per test file. */
import { join } from "node:path";
import { REPO_ROOT } from "../../scripts/compiler/compile.js";
import { compileToScratch, JinjaOracle } from "../../scripts/runtime/jinja-engine.js";
import type { MacroContextFile, MacroRun } from "../../scripts/runtime/macro-run.js";
import { runTsMacro } from "../../scripts/runtime/ts-engine.js";

export const PACKAGE_SOURCES = join(REPO_ROOT, "macros-src");

export class PackageEngines {
  private readonly oracle = new JinjaOracle();
  private readonly compiled = compileToScratch(PACKAGE_SOURCES);

  async both(macro: string, context: MacroContextFile): Promise<{ ts: MacroRun; jinja: MacroRun }> {
    const [ts, jinja] = await Promise.all([
      runTsMacro(PACKAGE_SOURCES, macro, context),
      this.oracle.render(this.compiled, macro, context),
    ]);
    return { ts, jinja };
  }

  close(): Promise<void> {
    return this.oracle.close();
  }
}
