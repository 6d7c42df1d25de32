/**
 * dbt macro docs (`macros/*.yml`) from each function's JSDoc: one source for code and docs. Public
 * macros are documented; dispatch implementations and private helpers are listed with
 * `docs: show: false`, so `dbt docs` shows only the package's public surface (visibility.ts).
 */
import { Node, type FunctionDeclaration, type Type } from "ts-morph";
import { includes, valueKinds } from "./types.js";
import type { MacroVisibility } from "./visibility.js";

export interface MacroDoc {
  name: string;
  /** False: hidden from dbt docs (`docs: show: false`). */
  show: boolean;
  description: string;
  arguments: Array<{ name: string; type: string; description: string }>;
}

/** `jinjaParams`: the compiled macro's parameter names (a name may differ from TypeScript's to avoid a clash). */
export function macroDocs(fn: FunctionDeclaration, visibility: MacroVisibility, jinjaParams: string[]): MacroDoc {
  if (visibility.visibility === "private") return { name: visibility.dbtName, show: false, description: "", arguments: [] };
  const jsDoc = fn.getJsDocs().at(-1);
  const description = (jsDoc?.getDescription() ?? "").trim().replace(/\s*\n\s*/g, " ");
  const paramDocs = new Map<string, string>();
  for (const tag of jsDoc?.getTags() ?? []) {
    if (Node.isJSDocParameterTag(tag)) {
      paramDocs.set(tag.getName(), (tag.getCommentText() ?? "").trim().replace(/^-\s*/, "").replace(/\s*\n\s*/g, " "));
    }
  }
  return {
    name: visibility.dbtName,
    show: visibility.visibility === "public",
    description,
    arguments: fn.getParameters().map((parameter, index) => ({
      name: jinjaParams[index] ?? parameter.getName(),
      type: dbtType(parameter.getType(), parameter.hasQuestionToken()),
      description: paramDocs.get(parameter.getName()) ?? "",
    })),
  };
}

/**
 * The argument's type in dbt's vocabulary (string, integer, boolean, list[T], dict[K,V], optional[T],
 * any), which dbt 2.x validates. TypeScript has one number type; the package's numbers are integers.
 */
export function dbtType(type: Type, optional = false): string {
  const nullable = optional || includes(type, "nullish");
  const core = type.getNonNullableType();
  const inner = coreType(core);
  return nullable && inner !== "any" ? `optional[${inner}]` : inner;
}

function coreType(type: Type): string {
  const kinds = valueKinds(type);
  if (kinds.size !== 1) return "any";
  const [kind] = [...kinds];
  switch (kind) {
    case "string": return "string";
    case "number": return "integer";
    case "boolean": return "boolean";
    case "array": {
      const element = type.getArrayElementType() ?? type.getNumberIndexType();
      return element === undefined ? "list[any]" : `list[${coreType(element)}]`;
    }
    case "object": {
      const values = type.getStringIndexType();
      return `dict[string, ${values === undefined ? "any" : coreType(values)}]`;
    }
    default: return "any";
  }
}
