/** compileDirectory through the compile cache (cache.ts): the stored result while nothing it read changed. */
import { compileAndStore, storedCompile } from "./cache.js";
import { compileDirectory, type CompileOptions, type CompileResult } from "./compile.js";

export function compileDirectoryCached(sourceDirectory: string, options: CompileOptions = {}): CompileResult {
  return storedCompile(sourceDirectory, options) ?? compileAndStore(compileDirectory, sourceDirectory, options);
}
