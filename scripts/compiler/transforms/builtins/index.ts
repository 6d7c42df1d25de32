/**
 * The built-ins of the macro language, by how they are called: global functions (`String(x)`),
 * members of the global namespaces (`Math.floor(x)`), and methods by the receiver's value kind.
 */
import type { Type } from "ts-morph";
import { isOnly } from "../../types.js";
import { ARRAY_GLOBALS, ARRAY_METHODS } from "./array.js";
import { BOOLEAN_METHODS } from "./boolean.js";
import type { CallLowering, MethodLowering } from "./lowering.js";
import { MATH_GLOBALS, NUMBER_METHODS } from "./math.js";
import { OBJECT_GLOBALS } from "./object.js";
import { stringConversion, STRING_METHODS } from "./string.js";

const GLOBAL_FUNCTIONS: Record<string, CallLowering> = {
  String: stringConversion,
};

/** `Namespace.member` → lowering. */
const GLOBAL_CALLS: Record<string, CallLowering> = { ...OBJECT_GLOBALS, ...ARRAY_GLOBALS, ...MATH_GLOBALS };

/** The lowering of a call of a global function by its name (`String`), if it is a built-in. */
export function globalFunction(calleeName: string): CallLowering | undefined {
  return Object.prototype.hasOwnProperty.call(GLOBAL_FUNCTIONS, calleeName) ? GLOBAL_FUNCTIONS[calleeName] : undefined;
}

/** The lowering of `namespace.member(...)` (`Math.floor`), if it is a built-in. */
export function globalCall(namespace: string, member: string): CallLowering | undefined {
  return GLOBAL_CALLS[`${namespace}.${member}`];
}

/** The method table of a receiver type: one value kind only, or none. */
function methodsOf(type: Type): Record<string, MethodLowering> | undefined {
  return isOnly(type, "string") ? STRING_METHODS : isOnly(type, "array") ? ARRAY_METHODS
    : isOnly(type, "number") ? NUMBER_METHODS : isOnly(type, "boolean") ? BOOLEAN_METHODS : undefined;
}

/** The lowering of `receiver.method(...)` for the receiver's type, if the language has that method. */
export function builtinMethod(receiverType: Type, methodName: string): MethodLowering | undefined {
  const table = methodsOf(receiverType);
  return table !== undefined && Object.prototype.hasOwnProperty.call(table, methodName) ? table[methodName] : undefined;
}
