/** Reads a file relative to the source file of the macro on the call stack (the Node side of `embed`). */
export declare function readFileNextToCaller(relativePath: string): string;

/** The MD5 of a string's UTF-8 bytes, as 32 lower-case hex digits (dbt's `local_md5`). */
export declare function md5Hex(text: string): string;
