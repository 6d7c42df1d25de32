/**
 * The compiler's layout (modelled on TypeScriptToLua): no import cycle between its
 * files, visitors that reach each other only through the context, IR built only by ir.ts's factories,
 * and every error thrown by a transform built by a named factory of diagnostics.ts.
 * The package's layout: no import cycle in macros-src either, and each public macro in a file named
 * after it, with its snowflake__ and default__ implementations (as dbt-utils keeps one macro per file).
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Node, Project } from "ts-morph";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../scripts/compiler/repo.js";
import { importCycles, importGraph } from "./import-graph.js";

const COMPILER = join(REPO_ROOT, "scripts", "compiler");
const graph = importGraph(COMPILER);
const scratch = mkdtempSync(join(tmpdir(), "tsj-shape-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function writeFolder(files: Record<string, string>): string {
  const root = mkdtempSync(join(scratch, "graph-"));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(root, file, ".."), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  return root;
}

describe("import graph of scripts/compiler", () => {
  it("is read from the sources: the visitors, the built-ins and the context are in it", () => {
    expect(graph.get("compile.ts")).toContain("transforms/visitors/index.ts");
    expect(graph.get("transforms/visitors/call.ts")).toContain("transforms/builtins/index.ts");
    expect(graph.get("transforms/builtins/index.ts")).toEqual(expect.arrayContaining(["transforms/builtins/string.ts",
      "transforms/builtins/array.ts", "transforms/builtins/math.ts"]));
    expect([...graph.values()].flat().length).toBeGreaterThan(60);
  });

  it("has no cycle", () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it("negative control: a cycle through a type-only import is found, a file beside it is not part of it", () => {
    const root = writeFolder({
      "a.ts": `import { b } from "./nested/b.js";\nexport const a = (): number => b + 1;\n`,
      "nested/b.ts": `import type { A } from "../a.js";\nexport const b = 1;\nexport type B = A;\n`,
      "c.ts": `export * from "./a.js";\n`,
    });
    expect(importCycles(importGraph(root))).toEqual(["a.ts → nested/b.ts → a.ts"]);
    writeFileSync(join(root, "nested/b.ts"), "export const b = 1;\n");
    expect(importCycles(importGraph(root))).toEqual([]);
  });

  it("visitors import no other visitor: they recurse through the context (only visitors/index.ts gathers them)", () => {
    const intoVisitors = [...graph].flatMap(([file, targets]) => targets
      .filter((target) => target.startsWith("transforms/visitors/") && target !== "transforms/visitors/index.ts")
      .filter(() => file !== "transforms/visitors/index.ts")
      .map((target) => `${file} → ${target}`));
    expect(intoVisitors).toEqual([]);
    const intoIndex = [...graph].filter(([, targets]) => targets.includes("transforms/visitors/index.ts")).map(([file]) => file);
    expect(intoIndex).toEqual(["compile.ts"]);
  });

  it("built-ins and the shared transform helpers import no visitor", () => {
    const helpers = [...graph].filter(([file]) => file.startsWith("transforms/") && !file.startsWith("transforms/visitors/"));
    expect(helpers.length).toBeGreaterThan(10);
    expect(helpers.flatMap(([file, targets]) => targets.filter((t) => t.startsWith("transforms/visitors/")).map((t) => `${file} → ${t}`)))
      .toEqual([]);
  });
});

describe("import graph of macros-src", () => {
  const MACROS_SRC = join(REPO_ROOT, "macros-src");
  const packageGraph = importGraph(MACROS_SRC);

  it("is read from the sources: the entry points reach each stage of the pipeline", () => {
    expect(packageGraph.get("public/build_orchestration_resources.ts")).toEqual(expect.arrayContaining([
      "config/load.ts", "live/live-state.ts", "plan/reconcile.ts", "apply/run-plan.ts"]));
    expect(packageGraph.get("plan/reconcile.ts")).toEqual(expect.arrayContaining(["desired/stream.ts", "desired/task.ts"]));
    expect(packageGraph.get("legacy/create_stream_generic.ts")).toContain("apply/run-plan.ts");
    expect([...packageGraph.values()].flat().length).toBeGreaterThan(100);
  });

  it("has no cycle", () => {
    expect(importCycles(packageGraph)).toEqual([]);
  });

  it("negative control: a desired object's file that imports the plan runner again closes a cycle through the plan", () => {
    const copy = join(mkdtempSync(join(scratch, "macros-src-")), "macros-src");
    cpSync(MACROS_SRC, copy, { recursive: true });
    const stream = join(copy, "desired", "stream.ts");
    writeFileSync(stream, `import { run_plan } from "../apply/run-plan.js";\nexport const runner = run_plan;\n${readFileSync(stream, "utf8")}`);
    const cycles = importCycles(importGraph(copy));
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toContain("desired/stream.ts → apply/run-plan.ts");
    expect(cycles[0]).toContain("plan/reconcile.ts → desired/stream.ts");
  });
});

describe("public macros of macros-src", () => {
  const MACROS_SRC = join(REPO_ROOT, "macros-src");
  const FOLDERS = ["public", "legacy"];
  const filesOf = (folder: string): string[] => readdirSync(join(MACROS_SRC, folder)).filter((file) => file.endsWith(".ts"));
  const publicMacros = (text: string): string[] => [...text.matchAll(/@public[\s\S]*?\*\/\s*export function (\w+)/g)].map((m) => m[1]!);

  it("each in a file named after it, in public/ (the pipeline's) or legacy/ (the original package's), with its dispatch, snowflake__ and default__", () => {
    const found = FOLDERS.flatMap((folder) => filesOf(folder).map((file) => {
      const text = readFileSync(join(MACROS_SRC, folder, file), "utf8");
      const name = file.replace(/\.ts$/, "");
      return { file: `${folder}/${file}`, macros: publicMacros(text),
        together: [`dispatch<`, `export function snowflake__${name}(`, `export function default__${name}(`].every((part) => text.includes(part)) };
    }));
    expect(found.length).toBe(11);
    expect(found.filter(({ file, macros, together }) => macros.join() !== file.replace(/^\w+\/|\.ts$/g, "") || !together)).toEqual([]);
  });

  it("and nowhere else: no other file of macros-src declares a public macro or a snowflake__ implementation", () => {
    const walk = (folder: string): string[] => readdirSync(join(MACROS_SRC, folder), { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? walk(join(folder, entry.name)) : entry.name.endsWith(".ts") ? [join(folder, entry.name)] : []);
    const elsewhere = walk(".").filter((file) => !FOLDERS.some((folder) => file.startsWith(`${folder}/`)))
      .filter((file) => /@public|export function (snowflake|default)__/.test(readFileSync(join(MACROS_SRC, file), "utf8")));
    expect(elsewhere).toEqual([]);
  });
});

describe("sources of scripts/compiler", () => {
  const project = new Project({ skipAddingFilesFromTsConfig: true, skipFileDependencyResolution: true });
  project.addSourceFilesAtPaths(join(COMPILER, "**/*.ts"));
  const files = project.getSourceFiles();
  const relativePath = (node: Node) => node.getSourceFile().getFilePath().slice(COMPILER.length + 1);
  const at = (node: Node) => `${relativePath(node)}:${node.getStartLineNumber()}`;

  /** Object literals with a `kind` string property: IR built by hand. */
  const irLiterals = (sources: typeof files) => sources.flatMap((file) => file.getDescendants()
    .filter((node) => Node.isObjectLiteralExpression(node))
    .filter((node) => node.getProperties().some((property) => Node.isPropertyAssignment(property) &&
      property.getName() === "kind" && Node.isStringLiteral(property.getInitializer())))
    .map(at));

  it("build IR only through ir.ts's factories", () => {
    const outside = files.filter((file) => !file.getFilePath().endsWith("/scripts/compiler/ir.ts"));
    expect(outside.length).toBeGreaterThan(30);
    expect(irLiterals(outside)).toEqual([]);
    // The factories themselves are such literals: the check sees them.
    expect(irLiterals(files.filter((file) => file.getFilePath().endsWith("/scripts/compiler/ir.ts"))).length).toBeGreaterThanOrEqual(22);
  });

  it("throw, in the transforms, the context and the driver, only errors built by a named factory of diagnostics.ts", () => {
    const checked = files.filter((file) => /\/scripts\/compiler\/(transforms\/|context\.ts$|compile\.ts$)/.test(file.getFilePath()));
    const factories = new Set(project.getSourceFileOrThrow(join(COMPILER, "diagnostics.ts")).getExportedDeclarations().keys());
    const throws = checked.flatMap((file) => file.getDescendants().filter((node) => Node.isThrowStatement(node)));
    expect(throws.length).toBeGreaterThan(80);
    const handBuilt = throws.filter((statement) => {
      const thrown = statement.getExpression();
      if (Node.isIdentifier(thrown)) return !Node.isCatchClause(thrown.getSymbol()?.getDeclarations()[0]?.getParent()); // a rethrow
      return !(Node.isCallExpression(thrown) && factories.has(thrown.getExpression().getText()));
    });
    expect(handBuilt.map(at)).toEqual([]);
  });

  it("use every diagnostic factory somewhere, and no visitor casts its node or guards an unreachable case", () => {
    const diagnostics = readFileSync(join(COMPILER, "diagnostics.ts"), "utf8");
    const factoryNames = [...diagnostics.matchAll(/^export const (\w+) = createErrorFactory\(/gm)].map((match) => match[1]!);
    expect(factoryNames.length).toBeGreaterThan(90);
    const others = files.filter((file) => !file.getFilePath().endsWith("/diagnostics.ts")).map((file) => file.getFullText()).join("\n");
    expect(factoryNames.filter((factory) => !new RegExp(`\\b${factory}\\(`).test(others))).toEqual([]);
    expect(others).not.toMatch(/"unreachable"|as never|\(node: never/);
  });
});
