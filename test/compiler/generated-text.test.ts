/**
 * The generated macros are plain text: no control character but the newline (a raw NUL made git show
 * macros/sql/names.sql as binary and grep skip it). The printer writes them as \u escapes.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { expect, it } from "vitest";
import { REPO_ROOT } from "../../scripts/compiler/repo.js";

const MACROS = join(REPO_ROOT, "macros");

function filesUnder(directory: string): string[] {
  return readdirSync(directory).sort().flatMap((entry) => {
    const path = join(directory, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

it("no file under macros/ holds a control character other than newline", () => {
  const files = filesUnder(MACROS);
  expect(files.length).toBeGreaterThan(10);
  const found = files.flatMap((path) => {
    const bytes = readFileSync(path);
    const offsets = [...bytes.entries()].filter(([, byte]) => (byte < 0x20 && byte !== 0x0a) || byte === 0x7f);
    return offsets.map(([offset, byte]) => `${relative(REPO_ROOT, path)}@${offset}: 0x${byte.toString(16).padStart(2, "0")}`);
  });
  expect(found).toEqual([]);
});
