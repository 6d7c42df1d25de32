/** The graph of relative imports between the TypeScript files of a folder, and the cycles in it. */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { ts } from "ts-morph";

/** File → the files it imports (type-only imports and re-exports included), as paths relative to the folder with '/'. */
export type ImportGraph = Map<string, string[]>;

function typeScriptFilesUnder(directory: string): string[] {
  return readdirSync(directory).sort().flatMap((entry) => {
    const path = join(directory, entry);
    if (statSync(path).isDirectory()) return typeScriptFilesUnder(path);
    return entry.endsWith(".ts") && !entry.endsWith(".d.ts") ? [path] : [];
  });
}

const label = (root: string, path: string): string => relative(root, path).split(sep).join("/");

export function importGraph(root: string): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const path of typeScriptFilesUnder(root)) {
    // TypeScript's own scanner of import/export/require specifiers (no type checking needed).
    const specifiers = ts.preProcessFile(readFileSync(path, "utf8"), true, true).importedFiles.map((file) => file.fileName);
    const targets = specifiers
      .filter((specifier) => specifier.startsWith("."))
      .map((specifier) => resolve(dirname(path), specifier.replace(/\.js$/, ".ts")))
      .filter((target) => existsSync(target) && !relative(root, target).startsWith(".."));
    graph.set(label(root, path), [...new Set(targets.map((target) => label(root, target)))].sort());
  }
  return graph;
}

/** Every cycle a depth-first walk meets, each as `a.ts → b.ts → a.ts`. Empty when the graph is acyclic. */
export function importCycles(graph: ImportGraph): string[] {
  const cycles: string[] = [];
  const done = new Set<string>();
  const stack: string[] = [];
  const walk = (file: string): void => {
    const onStack = stack.indexOf(file);
    if (onStack !== -1) {
      cycles.push([...stack.slice(onStack), file].join(" → "));
      return;
    }
    if (done.has(file)) return;
    stack.push(file);
    for (const target of graph.get(file) ?? []) walk(target);
    stack.pop();
    done.add(file);
  };
  for (const file of [...graph.keys()].sort()) walk(file);
  return cycles;
}
