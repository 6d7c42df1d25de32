/**
 * Prints the Jinja IR. Every tag trims the whitespace around it, so a macro renders no text
 * of its own: the SQL it produces travels in strings passed to `run_query`, never in output.
 * Every compound operand is parenthesised: Jinja2 and minijinja (dbt 2.x) rank some operators
 * differently (`is`, `~`, filters), and parentheses mean the same in both.
 */
import type { Expr, JinjaModule, Macro, Stmt } from "./ir.js";

const INDENT = "  ";

export function printModule(module: JinjaModule, header: string): string {
  const parts = [header, ...module.macros.map(printMacro)];
  return `${parts.join("\n\n")}\n`;
}

function printMacro(macro: Macro): string {
  const params = macro.params
    .map((param) => (param.default === undefined ? param.name : `${param.name}=${printExpr(param.default)}`));
  const flat = `{%- macro ${macro.name}(${params.join(", ")}) -%}`;
  const open = flat.length <= WIDTH ? flat : `{%- macro ${macro.name}(\n${params.map((param) => INDENT + INDENT + param).join(",\n")}\n) -%}`;
  const lines = [`{#- ${macro.source.file}:${macro.source.line} -#}`, open, ...printBlock(macro.body, 1), "{%- endmacro -%}"];
  return lines.join("\n");
}

function printBlock(body: Stmt[], depth: number): string[] {
  return body.flatMap((stmt) => printStmt(stmt, depth));
}

function tag(depth: number, content: string): string {
  return `${INDENT.repeat(depth)}{%- ${content} -%}`;
}

/** A tag whose expression is wrapped to fit WIDTH columns: `{%- <keyword><expr><suffix> -%}`. */
function exprTag(depth: number, keyword: string, expr: Expr, suffix = ""): string {
  const indent = INDENT.repeat(depth);
  const prefix = `${indent}{%- ${keyword}`;
  return `${prefix}${wrapped(expr, indent, prefix.length, suffix.length + 4)}${suffix} -%}`;
}

function printStmt(stmt: Stmt, depth: number): string[] {
  switch (stmt.kind) {
    case "set":
      return [exprTag(depth, `set ${stmt.target} = `, stmt.value)];
    case "setRaw":
      // The raw text keeps every character, so only the tags around it are trimmed.
      return [`${INDENT.repeat(depth)}{%- set ${stmt.target} -%}{% raw %}${stmt.text}{% endraw %}{%- endset -%}`];
    case "do":
      return [exprTag(depth, "do ", stmt.expr)];
    case "return":
      return [exprTag(depth, "do return(", stmt.value, ")")];
    case "break":
      return [tag(depth, "break")];
    case "continue":
      return [tag(depth, "continue")];
    case "for":
      return [
        // Jinja reads `for x in a if c else b` as a loop over `a` filtered by `c`: an iterable that is
        // not an atom (or a filter of one) is parenthesised.
        ATOMS.has(stmt.iterable.kind) || stmt.iterable.kind === "filter"
          ? exprTag(depth, `for ${stmt.targets.join(", ")} in `, stmt.iterable)
          : exprTag(depth, `for ${stmt.targets.join(", ")} in (`, stmt.iterable, ")"),
        ...printBlock(stmt.body, depth + 1),
        tag(depth, "endfor"),
      ];
    case "if": {
      const lines: string[] = [];
      stmt.branches.forEach((branch, index) => {
        lines.push(exprTag(depth, `${index === 0 ? "if" : "elif"} `, branch.test));
        lines.push(...printBlock(branch.body, depth + 1));
      });
      if (stmt.otherwise !== undefined && stmt.otherwise.length > 0) {
        lines.push(tag(depth, "else"), ...printBlock(stmt.otherwise, depth + 1));
      }
      lines.push(tag(depth, "endif"));
      return lines;
    }
  }
}

/** Atoms print without parentheses wherever they stand. */
const ATOMS = new Set<Expr["kind"]>(["literal", "name", "attr", "item", "slice", "call", "list", "dict"]);

function operand(expr: Expr): string {
  if (expr.kind === "literal" && typeof expr.value === "number" && expr.value < 0) return `(${printExpr(expr)})`;
  return ATOMS.has(expr.kind) ? printExpr(expr) : `(${printExpr(expr)})`;
}

/** Operands of a chain of the same associative operator need no parentheses of their own. */
function chainOperand(expr: Expr, op: string): string {
  if (expr.kind === "binary" && expr.op === op && (op === "and" || op === "or" || op === "~")) {
    return `${chainOperand(expr.left, op)} ${op} ${chainOperand(expr.right, op)}`;
  }
  return operand(expr);
}

export function printExpr(expr: Expr): string {
  switch (expr.kind) {
    case "literal":
      return printLiteral(expr.value);
    case "name":
      return expr.name;
    case "attr":
      return `${operand(expr.object)}.${expr.name}`;
    case "item":
      return `${operand(expr.object)}[${printExpr(expr.key)}]`;
    case "slice":
      return `${operand(expr.object)}[${expr.start === undefined ? "" : printExpr(expr.start)}:${
        expr.end === undefined ? "" : printExpr(expr.end)
      }${expr.step === undefined ? "" : `:${printExpr(expr.step)}`}]`;
    case "call": {
      const args = [
        ...expr.args.map(printExpr),
        ...expr.kwargs.map(([key, value]) => `${key}=${printExpr(value)}`),
      ];
      return `${operand(expr.callee)}(${args.join(", ")})`;
    }
    case "binary":
      return `${chainOperand(expr.left, expr.op)} ${expr.op} ${chainOperand(expr.right, expr.op)}`;
    case "not":
      return `not ${operand(expr.operand)}`;
    case "negate":
      return `-${operand(expr.operand)}`;
    case "conditional":
      return `${operand(expr.then)} if ${operand(expr.test)} else ${operand(expr.otherwise)}`;
    case "list":
      return `[${expr.items.map(printExpr).join(", ")}]`;
    case "dict":
      return `{${expr.entries.map(([key, value]) => `${printExpr(key)}: ${printExpr(value)}`).join(", ")}}`;
    case "filter": {
      const args = expr.args.length === 0 ? "" : `(${expr.args.map(printExpr).join(", ")})`;
      return `${operand(expr.operand)} | ${expr.name}${args}`;
    }
    case "test":
      return `${operand(expr.operand)} is ${expr.negated ? "not " : ""}${expr.name}`;
  }
}

/** Lines longer than this are broken between tokens (inside a tag, Jinja ignores the whitespace). */
const WIDTH = 120;

/**
 * `expr` printed from `column` on, broken over lines indented from `indent` when it does not fit:
 * one item per line in lists, dicts and calls, one operand per line in operator chains, `if`/`else`
 * on lines of their own in conditionals. `reserve` columns are kept free for what follows on the line.
 */
function wrapped(expr: Expr, indent: string, column: number, reserve = 0): string {
  const flat = printExpr(expr);
  if (column + flat.length + reserve <= WIDTH) return flat;
  const inner = indent + INDENT;
  const items = (parts: string[], open: string, close: string) => `${open}\n${parts.map((part) => inner + part).join(",\n")}\n${indent}${close}`;
  switch (expr.kind) {
    case "list":
      if (expr.items.length === 0) return flat;
      return items(expr.items.map((item) => wrapped(item, inner, inner.length, 1)), "[", "]");
    case "dict":
      if (expr.entries.length === 0) return flat;
      return items(expr.entries.map(([key, value]) => {
        const keyText = `${printExpr(key)}: `;
        return keyText + wrapped(value, inner, inner.length + keyText.length, 1);
      }), "{", "}");
    case "call": {
      if (expr.args.length + expr.kwargs.length === 0) return flat;
      const args = [
        ...expr.args.map((arg) => wrapped(arg, inner, inner.length, 1)),
        ...expr.kwargs.map(([key, value]) => `${key}=${wrapped(value, inner, inner.length + key.length + 1, 1)}`),
      ];
      const callee = expr.callee.kind === "attr"
        ? `${wrappedOperand(expr.callee.object, indent, column)}.${expr.callee.name}`
        : operand(expr.callee);
      return items(args, `${callee}(`, ")");
    }
    case "binary": {
      const operands = [...chainOperands(expr.left, expr.op), ...chainOperands(expr.right, expr.op)];
      const first = wrappedOperand(operands[0]!, indent, column);
      return first + operands.slice(1).map((next) =>
        `\n${inner}${expr.op} ${wrappedOperand(next, inner, inner.length + expr.op.length + 1)}`).join("");
    }
    case "conditional":
      return `${wrappedOperand(expr.then, indent, column)}\n${inner}if ${wrappedOperand(expr.test, inner, inner.length + 3)}` +
        `\n${inner}else ${wrappedOperand(expr.otherwise, inner, inner.length + 5)}`;
    case "filter": {
      const args = expr.args.length === 0 ? "" : `(${expr.args.map(printExpr).join(", ")})`;
      return `${wrappedOperand(expr.operand, indent, column)} | ${expr.name}${args}`;
    }
    case "item":
      return `${wrappedOperand(expr.object, indent, column)}[${printExpr(expr.key)}]`;
    case "not":
      return `not ${wrappedOperand(expr.operand, indent, column + 4)}`;
    case "test":
      return `${wrappedOperand(expr.operand, indent, column)} is ${expr.negated ? "not " : ""}${expr.name}`;
    default:
      return flat;
  }
}

/** As operand(), wrapped. */
function wrappedOperand(expr: Expr, indent: string, column: number): string {
  const flat = operand(expr);
  if (expr.kind === "literal") return flat;
  if (ATOMS.has(expr.kind)) return wrapped(expr, indent, column);
  return `(${wrapped(expr, indent, column + 1, 1)})`;
}

/** The operands of a chain of one associative operator (see chainOperand); any other expression is one operand. */
function chainOperands(expr: Expr, op: string): Expr[] {
  if (expr.kind === "binary" && expr.op === op && (op === "and" || op === "or" || op === "~")) {
    return [...chainOperands(expr.left, op), ...chainOperands(expr.right, op)];
  }
  return [expr];
}

export function printLiteral(value: string | number | boolean | null): string {
  if (value === null) return "none";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`non-finite number literal ${value}`);
    return Number.isInteger(value) ? value.toFixed(0) : String(value);
  }
  return printString(value);
}

/** Characters that do not show as themselves (DEL, C1 controls, spaces other than ' ', joiners, BOM), escaped for the reader. */
const INVISIBLE = /[\u007f-\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f\u3000\ufeff]/;

function printString(text: string): string {
  let out = '"';
  for (const ch of text) {
    if (ch === "\\") out += "\\\\";
    else if (ch === '"') out += '\\"';
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    // Other control characters as \u escapes, which dbt-core's Jinja (Python's unicode-escape) and
    // dbt 2.x read alike: a raw byte such as NUL would make git and grep treat macros/ as binary.
    else if (ch < " " || INVISIBLE.test(ch)) out += `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}
