/**
 * `npm run macro` (scripts/cli/macro.mjs and the macro server, scripts/cli/macro-server.ts): the same
 * answers as the engines in-process, one server for many calls, a fresh answer after a source edit on
 * every engine, and clear failures. Its own server (TSJ_MACRO_SOCKET), stopped at the end. How fast a call
 * is, is measured by `npm run bench` (scripts/bench/macro-cli.ts), not here.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../scripts/compiler/repo.js";
import { runTsMacro } from "../../scripts/engines/ts-engine.js";
import { CORPUS_DIR } from "../compiler/corpus-dir.js";

const scratch = mkdtempSync(join(tmpdir(), "macro-cli-"));
const env = { TSJ_MACRO_SOCKET: join(scratch, "server.sock") };
const CLI = join(REPO_ROOT, "scripts", "cli", "macro.mjs");
afterAll(async () => {
  await execa("node", [CLI, "--stop-server"], { env, reject: false });
  rmSync(scratch, { recursive: true, force: true });
});

const contextFile = join(scratch, "context.json");
writeFileSync(contextFile, JSON.stringify({ args: { who: "ada", greeting: "hey" } }));

const GREET = "export function greet(who: string, greeting = \"hello\"): string {\n  return `${greeting}, ${who}!`;\n}\n";

/** A source folder of one macro (no prelude import, so it compiles wherever it lives). */
function ownSources(name: string): string {
  const src = join(scratch, name);
  mkdirSync(src, { recursive: true });
  writeFileSync(join(src, "greet.ts"), GREET);
  return src;
}

const macroCli = (args: string[]) => execa("node", [CLI, ...args], { env, reject: false });
const run = (engine: string, src: string, macro: string) => macroCli(["--engine", engine, "--src", src, "--macro", macro, "--context", contextFile]);
const STARTED = /macro server: starting one/;

describe("npm run macro", () => {
  it("answers as the engines do in-process, from one server started by the first call", async () => {
    const first = await run("ts", CORPUS_DIR, "greet");
    expect(first.exitCode).toBe(0);
    expect(first.stderr).toMatch(STARTED);
    const context = JSON.parse(readFileSync(contextFile, "utf8"));
    expect(JSON.parse(first.stdout)).toEqual(await runTsMacro(CORPUS_DIR, "greet", context));
    expect(JSON.parse(first.stdout)).toEqual({ statements: [], logs: [], returned: "hey, ada!", error: null });
    for (const engine of ["jinja", "fusion"]) {
      const answer = await run(engine, CORPUS_DIR, "greet");
      expect(answer.stderr).not.toMatch(STARTED);
      expect(JSON.parse(answer.stdout)).toEqual(JSON.parse(first.stdout));
    }
  });

  it("gives the edited source's answer on every engine after an edit", async () => {
    const src = ownSources("edited");
    for (const engine of ["ts", "jinja", "fusion"]) expect(JSON.parse((await run(engine, src, "greet")).stdout).returned).toBe("hey, ada!");
    writeFileSync(join(src, "greet.ts"), GREET.replace("`${greeting}, ${who}", "`${greeting}, dear ${who}"));
    for (const engine of ["ts", "jinja", "fusion"]) {
      const edited = await run(engine, src, "greet");
      expect(edited.exitCode).toBe(0);
      expect(JSON.parse(edited.stdout).returned).toBe("hey, dear ada!");
    }
  });

  it("answers from the folder each call names, whatever folder the call before it named", async () => {
    const folders = ["first", "second"].map((name) => {
      const src = join(scratch, `alternating-${name}`);
      mkdirSync(src, { recursive: true });
      writeFileSync(join(src, `${name}.ts`), `export function ${name}_only(who: string, greeting: string): string {\n  return \`${name}: \${greeting}, \${who}\`;\n}\n`);
      return { name, src };
    });
    for (const engine of ["ts", "jinja", "fusion"]) {
      for (const { name, src } of [...folders, ...folders]) {
        const answer = await run(engine, src, `${name}_only`);
        expect({ engine, name, answer: JSON.parse(answer.stdout) }).toEqual({
          engine, name, answer: { statements: [], logs: [], returned: `${name}: hey, ada`, error: null },
        });
      }
    }
  });

  it("fails clearly: a usage error exits 2, a compile error exits 1 with the diagnostic and no JSON", async () => {
    const usage = await macroCli(["--engine", "lua", "--src", CORPUS_DIR, "--macro", "greet"]);
    expect(usage.exitCode).toBe(2);
    expect(usage.stderr).toMatch(/^usage: npm run macro/);
    const broken = ownSources("broken");
    writeFileSync(join(broken, "bad.ts"), "export function bad(): void {\n  throw new Error(\"no\");\n}\n");
    const failed = await run("jinja", broken, "greet");
    expect(failed.exitCode).toBe(1);
    expect(failed.stdout).toBe("");
    expect(failed.stderr).toMatch(/bad\.ts:2:3 - error TSJ1001: ThrowStatement/);
  });
});
