/** Runs the package's macros (macros-src/) through the engines (the Jinja oracle is shared by the whole vitest run); `all` adds dbt 2.x. */
import { join } from "node:path";
import { REPO_ROOT } from "../../scripts/compiler/repo.js";
import { compileToScratch, JinjaOracle } from "../../scripts/engines/jinja-engine.js";
import type { MacroContextFile, MacroRun } from "../../scripts/engines/macro-run.js";
import { FusionEngine } from "../../scripts/engines/fusion-engine.js";
import { runTsMacro } from "../../scripts/engines/ts-engine.js";

export const PACKAGE_SOURCES = join(REPO_ROOT, "macros-src");

export class PackageEngines {
  private readonly oracle = new JinjaOracle();
  private readonly compiled = compileToScratch(PACKAGE_SOURCES);

  async both(macro: string, context: MacroContextFile): Promise<{ ts: MacroRun; jinja: MacroRun }> {
    const [ts, jinja] = await Promise.all([
      runTsMacro(PACKAGE_SOURCES, macro, context),
      this.compiled.then((compiled) => this.oracle.render(compiled, macro, context)),
    ]);
    return { ts, jinja };
  }

  private fusionEngine: FusionEngine | undefined;

  /** TypeScript, dbt-core's Jinja and dbt 2.x (`dbt run-operation`). */
  async all(macro: string, context: MacroContextFile): Promise<{ ts: MacroRun; jinja: MacroRun; fusion: MacroRun }> {
    this.fusionEngine ??= new FusionEngine();
    const [{ ts, jinja }, fusion] = await Promise.all([this.both(macro, context), this.compiled.then((compiled) => this.fusionEngine!.render(compiled, macro, context))]);
    return { ts, jinja, fusion };
  }

  close(): Promise<void> {
    return this.oracle.close();
  }
}
