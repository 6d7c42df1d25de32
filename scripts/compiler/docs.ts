/** dbt macro docs (`macros/*.yml`) from each exported function's JSDoc: one source for code and docs. */
import { Node, type FunctionDeclaration } from "ts-morph";

export interface MacroDoc {
  name: string;
  description: string;
  arguments: Array<{ name: string; type: string; description: string }>;
}

export function macroDocs(fn: FunctionDeclaration): MacroDoc {
  const jsDoc = fn.getJsDocs().at(-1);
  const description = (jsDoc?.getDescription() ?? "").trim().replace(/\s*\n\s*/g, " ");
  const paramDocs = new Map<string, string>();
  for (const tag of jsDoc?.getTags() ?? []) {
    if (Node.isJSDocParameterTag(tag)) {
      paramDocs.set(tag.getName(), (tag.getCommentText() ?? "").trim().replace(/^-\s*/, "").replace(/\s*\n\s*/g, " "));
    }
  }
  return {
    name: fn.getName() ?? "",
    description,
    arguments: fn.getParameters().map((parameter) => ({
      name: parameter.getName(),
      type: parameter.getTypeNode()?.getText() ?? parameter.getType().getText(parameter),
      description: paramDocs.get(parameter.getName()) ?? "",
    })),
  };
}
