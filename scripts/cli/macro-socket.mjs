// Where the macro server listens: one socket per repository checkout, in the temporary folder because a
// Unix socket's path may not be longer than about 100 bytes. TSJ_MACRO_SOCKET overrides it (tests use
// their own server).
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** @param {string} repoRoot */
export function macroServerSocket(repoRoot) {
  if (process.env.TSJ_MACRO_SOCKET) return process.env.TSJ_MACRO_SOCKET;
  return join(tmpdir(), `tsj-macro-${createHash("sha256").update(repoRoot).digest("hex").slice(0, 16)}.sock`);
}
