// The prelude's Node-only helpers, in JavaScript with a declaration file (host.d.ts): type-checking
// macros then never loads @types/node, which would double the compiler's time.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

// This folder: wherever the prelude lives, its own frames are not the caller.
const PRELUDE_DIRECTORY = dirname(fileURLToPath(import.meta.url));
const isPreludeFile = (file) => dirname(file) === PRELUDE_DIRECTORY && /^(host\.js|dbt\.[jt]s)$/.test(file.slice(PRELUDE_DIRECTORY.length + 1));

/** The first file on the call stack outside the prelude: the macro that called `embed`. */
function callerFile() {
  for (const frame of (new Error().stack ?? "").split("\n").slice(1)) {
    const match = /\(?((?:file:\/\/)?\/[^:)]+):\d+:\d+\)?$/.exec(frame.trim());
    if (match === null) continue;
    const file = match[1].startsWith("file://") ? fileURLToPath(match[1]) : match[1];
    if (!isPreludeFile(file)) return file;
  }
  throw new Error("embed: could not tell which source file called it");
}

export function readFileNextToCaller(relativePath) {
  return readFileSync(resolve(dirname(callerFile()), relativePath), "utf8");
}

export function md5Hex(text) {
  return createHash("md5").update(text, "utf8").digest("hex");
}
