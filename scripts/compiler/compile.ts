/**
 * The compiler driver: type-checks a folder of macro sources with ts-morph, runs the transforms
 * over every function, and prints one Jinja file (plus its dbt macro docs) per source file.
 * All or nothing: any diagnostic means no output.
 */
import { readdirSync, statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { Node, Project, ts, type FunctionDeclaration, type SourceFile } from "ts-morph";
import { findNamespacedLocals, MacroContext, NAMESPACE, type ProgramFacts } from "./context.js";
import {
  asyncOrGeneratorMacro, CompileError, duplicateMacro, invalidMacroName, macroHidesDbtName, macroNamedAsPackage,
  macroWithoutBody, macroWithoutName, moduleVariableNotConst, parameterDefaultNotLiteral, parameterNotPlainName,
  sortDiagnostics, unsupportedTopLevelStatement, type Diagnostic,
} from "./diagnostics.js";
import { call, ifStmt, isNone, lit, macro as macroNode, name, setStmt, type JinjaModule, type Macro, type MacroParam, type Stmt } from "./ir.js";
import { optimizeModules } from "./optimize.js";
import { dropUncalledPrivateMacros } from "./uncalled.js";
import { shareRepeatedLiterals } from "./shared-literals.js";
import { nameResultsAfterTheirLocals } from "./named-results.js";
import { printModule } from "./printer.js";
import { includes } from "./types.js";
import { effectFreeMacros } from "./transforms/effects.js";
import { checkModuleConstant } from "./transforms/identifiers.js";
import { VISITORS } from "./transforms/visitors/index.js";
import { macroDocs, type MacroDoc } from "./docs.js";
import { macroVisibilities, type MacroVisibility, type Visibility } from "./visibility.js";
import { packageNameFor, packageProjectFile, PRELUDE_FILE, PRELUDE_MODULE, REPO_ROOT } from "./repo.js";
import { dbtMeaningOf } from "./reserved-names.js";

export { PRELUDE_FILE, REPO_ROOT } from "./repo.js";

export interface MacroSignature {
  /** The TypeScript name (the TypeScript engine calls it by this name). */
  name: string;
  /** The macro's name in dbt: private helpers carry a prefix (scripts/compiler/visibility.ts). */
  dbtName: string;
  visibility: Visibility;
  file: string;
  /** Reads `kwargs` (the prelude's extraKeywordArguments): Jinja then accepts unknown keyword arguments. */
  readsKeywordArguments: boolean;
  params: string[];
  /** False for a private macro nothing calls once helpers are inlined: it is left out of the output (uncalled.ts). */
  emitted: boolean;
}

export interface CompileResult {
  /** Output path (relative to the output folder) → text. Empty when there are diagnostics. */
  outputs: Map<string, string>;
  diagnostics: Diagnostic[];
  macros: MacroSignature[];
  /**
   * Every file this compile read, outside TypeScript's own library: the sources, the prelude and what
   * they import, embedded files (also those it looked for and did not find), the dbt_project.yml that
   * named the package. The compile cache (cache.ts) trusts a stored result only while these are unchanged.
   */
  inputs: string[];
}

const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  strict: true,
  noImplicitReturns: true,
  // An index read may be outside the array (JavaScript's undefined, which the compiled read gives as
  // none): its type says so, and '!' asserts it is not (a run-time check in the compiled macro).
  noUncheckedIndexedAccess: true,
  noEmit: true,
  skipLibCheck: true,
  // Macros import the prelude by its module name, as tsconfig.json maps it for tsc, tsx and esbuild.
  paths: { [PRELUDE_MODULE]: [PRELUDE_FILE] },
  // Macros run in dbt, not Node: no @types/node (the prelude's Node side hides behind host.d.ts).
  types: [],
  // The parts of the standard library the macro language and the prelude use: loading all of ES2023
  // would double the time of a build.
  lib: [
    "lib.es5.d.ts", "lib.es2015.core.d.ts", "lib.es2015.collection.d.ts", "lib.es2015.iterable.d.ts",
    "lib.es2015.symbol.d.ts", "lib.es2015.symbol.wellknown.d.ts", "lib.es2015.proxy.d.ts", "lib.es2015.reflect.d.ts",
    "lib.es2016.array.include.d.ts", "lib.es2017.object.d.ts", "lib.es2017.string.d.ts", "lib.es2019.array.d.ts",
    "lib.es2019.object.d.ts", "lib.es2019.string.d.ts", "lib.es2021.string.d.ts", "lib.es2022.array.d.ts",
  ],
};

function sourceFilesUnder(directory: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(directory).sort()) {
    const path = join(directory, entry);
    if (statSync(path).isDirectory()) {
      if (entry !== "node_modules") found.push(...sourceFilesUnder(path));
    } else if (entry.endsWith(".ts") && !entry.endsWith(".d.ts")) {
      found.push(path);
    }
  }
  return found;
}

export interface CompileOptions {
  /** The dbt package the macros belong to; by default read from dbt_project.yml (see packageNameFor). */
  packageName?: string;
}

export function compileDirectory(sourceDirectory: string, options: CompileOptions = {}): CompileResult {
  const srcDir = resolve(sourceDirectory);
  const packageName = options.packageName ?? packageNameFor(srcDir);
  const filesRead = new Set<string>(options.packageName === undefined ? [packageProjectFile(srcDir)] : []);
  const project = new Project({ compilerOptions: COMPILER_OPTIONS });
  const files = sourceFilesUnder(srcDir).filter((path) => path !== PRELUDE_FILE);
  for (const path of [...files, PRELUDE_FILE]) project.addSourceFileAtPath(path);
  project.resolveSourceFileDependencies();
  const inSources = (file: SourceFile) => files.includes(file.getFilePath());
  const inputs = (): string[] => {
    for (const file of project.getSourceFiles()) {
      if (!file.isInNodeModules() && !file.isFromExternalLibrary()) filesRead.add(file.getFilePath());
    }
    return [...filesRead].sort();
  };

  const diagnostics = typeErrors(project, (file) => inSources(file) || file.getFilePath() === PRELUDE_FILE);
  if (diagnostics.length > 0) return { outputs: new Map(), diagnostics: sortDiagnostics(diagnostics), macros: [], inputs: inputs() };

  const macros = new Map<string, FunctionDeclaration>();
  const signatures: Array<Omit<MacroSignature, "dbtName" | "visibility" | "emitted">> = [];
  for (const file of project.getSourceFiles().filter(inSources)) {
    for (const fn of file.getFunctions()) {
      const fnName = fn.getName();
      if (fnName === undefined) continue;
      const nameNode = fn.getNameNode() ?? fn;
      const clash = fnName === packageName ? macroNamedAsPackage(nameNode, fnName) : reservedNameClash(nameNode, fnName);
      if (clash !== undefined) {
        diagnostics.push(clash.diagnostic);
        continue;
      }
      const earlier = macros.get(fnName);
      if (earlier !== undefined) {
        diagnostics.push(duplicateMacro(nameNode, fnName, relative(srcDir, earlier.getSourceFile().getFilePath())).diagnostic);
        continue;
      }
      macros.set(fnName, fn);
      signatures.push({
        name: fnName, file: file.getFilePath(), params: fn.getParameters().map((p) => p.getName()),
        readsKeywordArguments: fn.getDescendantsOfKind(ts.SyntaxKind.Identifier).some((id) => id.getText() === "extraKeywordArguments"),
      });
    }
  }
  const visibility = macroVisibilities(macros);
  const facts: ProgramFacts = {
    checker: project.getTypeChecker(), preludeFile: PRELUDE_FILE, macros, isSourceFile: inSources, packageName,
    dbtNames: new Map([...visibility].map(([tsName, item]) => [tsName, item.dbtName])),
    filesRead,
    effectFree: new Set(),
    effectFreeCallees: new Set(),
  };
  for (const macroName of effectFreeMacros(macros, PRELUDE_FILE)) {
    facts.effectFree.add(macroName);
    facts.effectFreeCallees.add(`${packageName}.${facts.dbtNames.get(macroName) ?? macroName}`);
  }

  const compiled: Array<{ file: SourceFile; module: JinjaModule; docs: MacroDoc[] }> = [];
  for (const file of project.getSourceFiles().filter(inSources)) {
    const result = compileFile(file, facts, visibility);
    diagnostics.push(...result.diagnostics);
    if (result.module !== undefined) compiled.push({ file, module: result.module, docs: result.docs });
  }
  if (diagnostics.length > 0) return { outputs: new Map(), diagnostics: sortDiagnostics(diagnostics), macros: [], inputs: inputs() };
  const modules = compiled.map(({ module }) => module);
  for (const macro of modules.flatMap((module) => module.macros)) {
    shareRepeatedLiterals(macro, packageName);
    nameResultsAfterTheirLocals(macro);
  }
  optimizeModules(modules, packageName);
  const privateNames = new Set([...visibility.values()].filter((item) => item.visibility === "private").map((item) => item.dbtName));
  const dropped = dropUncalledPrivateMacros(modules, packageName, privateNames);
  const outputs = new Map<string, string>();
  for (const { file, module, docs } of compiled) {
    if (module.macros.length === 0) continue;
    const base = relative(srcDir, file.getFilePath()).replace(/\.ts$/, "");
    const sourceLabel = repositoryPath(file.getFilePath());
    outputs.set(`${base}.sql`, printModule(module, header(sourceLabel)));
    const printed = docs.filter((doc) => !dropped.has(doc.name));
    if (printed.length > 0) outputs.set(`${base}.yml`, macroDocsYaml(printed, sourceLabel));
  }
  return {
    outputs, diagnostics: [], inputs: inputs(),
    macros: signatures.map((item) => {
      const shown = visibility.get(item.name)!;
      return { ...item, ...shown, emitted: !dropped.has(shown.dbtName) };
    }),
  };
}

/** A path as the generated files name it: relative to the repository, with `/`. */
function repositoryPath(path: string): string {
  return relative(REPO_ROOT, path).split(sep).join("/");
}

function reservedNameClash(nameNode: Node, macroName: string): CompileError | undefined {
  const meaning = dbtMeaningOf(macroName);
  return meaning === undefined ? undefined : macroHidesDbtName(nameNode, macroName, meaning);
}

function header(source: string): string {
  return `{#- Generated by scripts/compiler from ${source}.
    Do not edit: edit the source and run 'npm run build'. -#}`;
}

function typeErrors(project: Project, include: (file: SourceFile) => boolean): Diagnostic[] {
  return project.getPreEmitDiagnostics().flatMap((diagnostic) => {
    const file = diagnostic.getSourceFile();
    if (file !== undefined && !include(file)) return [];
    const start = diagnostic.getStart() ?? 0;
    const position = file?.getLineAndColumnAtPos(start) ?? { line: 1, column: 1 };
    const text = diagnostic.getMessageText();
    const message = typeof text === "string" ? text : ts.flattenDiagnosticMessageText(text.compilerObject, " ");
    return [{
      file: file?.getFilePath() ?? "<project>", line: position.line, column: position.column,
      code: `TS${diagnostic.getCode()}` as const, message,
    }];
  });
}

function compileFile(file: SourceFile, facts: ProgramFacts, visibility: Map<string, MacroVisibility>):
  { module: JinjaModule | undefined; docs: MacroDoc[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const macros: Macro[] = [];
  const docs: MacroDoc[] = [];
  for (const statement of file.getStatements()) {
    try {
      if (Node.isFunctionDeclaration(statement)) {
        const macro = compileFunction(statement, facts);
        macros.push(macro);
        const shown = visibility.get(statement.getName() ?? "");
        if (shown !== undefined && shown.visibility !== "unlisted") docs.push(macroDocs(statement, shown, macro.params.map((p) => p.name)));
      } else if (Node.isVariableStatement(statement)) {
        if (statement.getDeclarationKind() !== "const") throw moduleVariableNotConst(statement);
        for (const declaration of statement.getDeclarations()) checkModuleConstant(declaration);
      } else if (!isTypeOnly(statement)) {
        throw unsupportedTopLevelStatement(statement, statement.getKindName());
      }
    } catch (error) {
      if (error instanceof CompileError) diagnostics.push(error.diagnostic);
      else throw error;
    }
  }
  return { module: macros.length === 0 ? undefined : { sourcePath: file.getFilePath(), macros }, docs, diagnostics };
}

function isTypeOnly(statement: Node): boolean {
  return Node.isInterfaceDeclaration(statement) || Node.isTypeAliasDeclaration(statement) ||
    Node.isImportDeclaration(statement) || (Node.isExportDeclaration(statement) && statement.isTypeOnly());
}

function compileFunction(fn: FunctionDeclaration, facts: ProgramFacts): Macro {
  const context = new MacroContext(facts, VISITORS);
  const nameNode = fn.getNameNode();
  if (nameNode === undefined) throw macroWithoutName(fn);
  if (fn.isAsync() || fn.isGenerator()) throw asyncOrGeneratorMacro(nameNode);
  const macroName = nameNode.getText();
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(macroName) || macroName.startsWith("tsj_")) throw invalidMacroName(nameNode, macroName);
  const body = fn.getBody();
  if (body === undefined || !Node.isBlock(body)) throw macroWithoutBody(fn);
  for (const symbol of findNamespacedLocals(body, facts.checker)) context.namespaced.add(symbol);

  const params: MacroParam[] = [];
  const prologue: Stmt[] = [];
  for (const parameter of fn.getParameters()) {
    const parameterName = parameter.getNameNode();
    if (!Node.isIdentifier(parameterName) || parameter.isRestParameter()) throw parameterNotPlainName(parameter);
    const jinjaName = context.declare(parameterName);
    let initializer = parameter.getInitializer();
    if (initializer !== undefined && !isLiteral(initializer)) {
      // A default computed from earlier parameters (`b = a * 2`): computed in the macro, per call, where
      // the argument is none. JavaScript applies it to undefined only, so a parameter that may be null cannot have one.
      if ((parameter.getType().isUnion() ? parameter.getType().getUnionTypes() : [parameter.getType()]).some((part) => part.isNull())) {
        throw parameterDefaultNotLiteral(initializer);
      }
      const computed = initializer;
      prologue.push(...context.withHoisted(() => [
        ifStmt([{ test: isNone(name(jinjaName)), body: [setStmt(jinjaName, context.transformExpression(computed))] }]),
      ]));
      initializer = undefined;
      params.push({ name: jinjaName, default: lit(null) });
      const symbol = parameterName.getSymbol();
      if (symbol !== undefined && context.namespaced.has(symbol)) prologue.push(setStmt(context.local(symbol)!, name(jinjaName)));
      continue;
    }
    // An argument left out is `undefined` in JavaScript, but Jinja's Undefined in dbt, which `is not
    // none` (so `b ?? "x"` would give Undefined). A parameter the caller may omit (`b?: T`, `b: T |
    // undefined`, `unknown`) defaults to none, which is how the compiler spells undefined everywhere.
    // Jinja also refuses a parameter without a default after one with a default.
    const mayBeOmitted = parameter.hasQuestionToken() || includes(parameter.getType(), "nullish") ||
      includes(parameter.getType(), "unknown") || params.some((earlier) => earlier.default !== undefined);
    const fallback = initializer !== undefined ? context.transformExpression(initializer) : mayBeOmitted ? lit(null) : undefined;
    params.push({ name: jinjaName, default: fallback });
    const symbol = parameterName.getSymbol();
    if (symbol !== undefined && context.namespaced.has(symbol)) {
      prologue.push(setStmt(context.local(symbol)!, name(jinjaName)));
    }
  }
  const compiledBody = context.transformStatements(body.getStatements());
  const needsNamespace = context.namespaced.size > 0 || context.usesNamespace;
  const namespaceInit: Stmt[] = needsNamespace ? [setStmt(NAMESPACE, call(name("namespace")))] : [];
  const source = { file: repositoryPath(fn.getSourceFile().getFilePath()), line: fn.getStartLineNumber() };
  return macroNode(facts.dbtNames.get(macroName) ?? macroName, params, [...namespaceInit, ...prologue, ...compiledBody], source);
}

function isLiteral(node: Node): boolean {
  if (Node.isStringLiteral(node) || Node.isNumericLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) return true;
  const kind = node.getKind();
  if (kind === ts.SyntaxKind.TrueKeyword || kind === ts.SyntaxKind.FalseKeyword || kind === ts.SyntaxKind.NullKeyword) return true;
  if (Node.isPrefixUnaryExpression(node)) return Node.isNumericLiteral(node.getOperand());
  if (Node.isArrayLiteralExpression(node)) return node.getElements().every(isLiteral);
  if (Node.isAsExpression(node)) return isLiteral(node.getExpression());
  if (Node.isObjectLiteralExpression(node)) {
    return node.getProperties().every((p) => Node.isPropertyAssignment(p) && isLiteral(p.getInitializerOrThrow()));
  }
  return false;
}

function macroDocsYaml(docs: MacroDoc[], source: string): string {
  const lines = [`# Generated by scripts/compiler from ${source}. Do not edit.`, "version: 2", "macros:"];
  for (const doc of docs) {
    lines.push(`  - name: ${doc.name}`);
    if (!doc.show) lines.push("    docs:", "      show: false");
    if (doc.description !== "") lines.push(`    description: ${JSON.stringify(doc.description)}`);
    if (doc.arguments.length > 0) {
      lines.push("    arguments:");
      for (const argument of doc.arguments) {
        lines.push(`      - name: ${argument.name}`, `        type: ${JSON.stringify(argument.type)}`,
          `        description: ${JSON.stringify(argument.description)}`);
      }
    }
  }
  return `${lines.join("\n")}\n`;
}
