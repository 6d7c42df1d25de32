/** Reads a file relative to the source file of the macro on the call stack (the Node side of `embed`). */
export declare function readFileNextToCaller(relativePath: string): string;
