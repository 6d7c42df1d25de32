/**
 * compileDirectory through the compile cache (cache.ts): the stored result while nothing it read changed.
 * Its asynchronous form, `compileCached` (cache.ts), loads the compiler (and TypeScript, ~0.4 s) only when
 * the cache has no answer; this one is for code that loads the compiler anyway.
 */
import { compileAndStore, storedCompile } from "./cache.js";
import { compileDirectory, type CompileOptions, type CompileResult } from "./compile.js";

export function compileDirectoryCached(sourceDirectory: string, options: CompileOptions = {}): CompileResult {
  return storedCompile(sourceDirectory, options) ?? compileAndStore(compileDirectory, sourceDirectory, options);
}
