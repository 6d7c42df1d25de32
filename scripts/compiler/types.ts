/** What the type checker says about a value, in the terms the transforms decide on. */
import { ts, type Type } from "ts-morph";

export type ValueKind = "string" | "number" | "boolean" | "array" | "object" | "nullish" | "unknown";

/** The kinds a type may hold at run time, nullish included. */
export function valueKinds(type: Type): Set<ValueKind> {
  const kinds = new Set<ValueKind>();
  const parts = type.isUnion() ? type.getUnionTypes() : [type];
  for (const part of parts) kinds.add(kindOf(part));
  return kinds;
}

function kindOf(type: Type): ValueKind {
  const flags = type.getFlags();
  if (flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined | ts.TypeFlags.Void)) return "nullish";
  if (flags & (ts.TypeFlags.StringLike)) return "string";
  if (flags & (ts.TypeFlags.NumberLike)) return "number";
  if (flags & (ts.TypeFlags.BooleanLike)) return "boolean";
  if (flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.Never | ts.TypeFlags.TypeParameter)) {
    return "unknown";
  }
  if (type.isArray() || type.isTuple() || type.isReadonlyArray?.()) return "array";
  if (type.isObject() || type.isIntersection()) return "object";
  return "unknown";
}

export function isOnly(type: Type, ...allowed: ValueKind[]): boolean {
  const kinds = valueKinds(type);
  for (const kind of kinds) if (!allowed.includes(kind)) return false;
  return kinds.size > 0;
}

export function includes(type: Type, kind: ValueKind): boolean {
  return valueKinds(type).has(kind);
}

export function describe(type: Type): string {
  return type.getText(undefined, ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope);
}
