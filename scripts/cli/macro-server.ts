/**
 * The macro server behind `npm run macro` (client: scripts/cli/macro.mjs): one long-lived process that
 * keeps what costs seconds to start, so each call costs only the macro's run.
 * - the Jinja engine's Python oracle (importing dbt-core takes about 2 s) stays up;
 * - compiles come from the compile cache (scripts/compiler/cache.ts), so unchanged sources are not
 *   type-checked again; the Jinja and Fusion engines recompile changed sources on the next call;
 * - the TypeScript engine imports a source folder once. Node cannot forget an imported module, so
 *   when that folder's files change the server answers `stale` and exits, and the client starts a
 *   fresh one; it does the same when the tools themselves (scripts/ with the compiler's prelude, tsconfig.json, the lock files) change.
 * It listens on a Unix socket named for the repository (or TSJ_MACRO_SOCKET), answers one JSON line per
 * request, and exits after ten idle minutes.
 */
import { createHash } from "node:crypto";
import { existsSync, statSync, unlinkSync } from "node:fs";
import { createConnection, createServer, type Socket } from "node:net";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { compileCached, contentDigest, filesUnder } from "../compiler/cache.js";
import { REPO_ROOT } from "../compiler/repo.js";
import { FusionEngine } from "../engines/fusion-engine.js";
import { compileToScratch, JinjaOracle } from "../engines/jinja-engine.js";
import type { MacroContextFile, MacroRun } from "../engines/macro-run.js";
import { runTsMacro } from "../engines/ts-engine.js";
import { macroServerSocket } from "./macro-socket.mjs";

const IDLE_EXIT_MS = 10 * 60 * 1000;

export interface MacroRequest {
  engine: "ts" | "jinja" | "fusion" | "stop";
  src: string;
  macro: string;
  context: MacroContextFile;
}

export type MacroResponse = { run: MacroRun } | { error: string } | { stale: string };

/** What the files hold: their content, or (`cheap`, enough for the tools) their size and modification time. */
function digestOf(paths: string[], cheap = false): string {
  const digest = createHash("sha256");
  for (const path of paths) {
    const stat = statSync(path, { throwIfNoEntry: false });
    digest.update(`${path}\0${stat === undefined ? "missing" : cheap ? `${stat.size}:${stat.mtimeMs}` : contentDigest(path)}\0`);
  }
  return digest.digest("hex");
}

// Python's bytecode files appear when the oracle first runs: not a change of the tools.
const filesIfAny = (directory: string) => (existsSync(directory) ? filesUnder(directory, (name) => !name.endsWith(".pyc")) : []);

/** The tools this server runs: a change to any of them retires it. */
const toolFiles = () => [
  ...["cli", "compiler", "engines"].flatMap((folder) => filesIfAny(join(REPO_ROOT, "scripts", folder))),
  // tsconfig.json names the prelude module ("dbt-prelude") the macros import.
  join(REPO_ROOT, "tsconfig.json"), join(REPO_ROOT, "package-lock.json"), join(REPO_ROOT, "requirements-dev.txt"),
];
const toolsAtStart = digestOf(toolFiles(), true);

/** Source folders the TypeScript engine has imported, with the digest of what their compile read. */
const importedSources = new Map<string, string>();
const sourceDigest = async (src: string) => digestOf((await compileCached(src)).inputs);

let oracle: JinjaOracle | undefined;
let fusion: FusionEngine | undefined;

async function answer(request: MacroRequest): Promise<MacroResponse> {
  if (digestOf(toolFiles(), true) !== toolsAtStart) return { stale: "the compiler, the engines or the prelude changed" };
  if (request.engine === "ts") {
    const digest = await sourceDigest(request.src);
    const imported = importedSources.get(request.src);
    if (imported !== undefined && imported !== digest) return { stale: `${request.src} changed since this server imported it` };
    importedSources.set(request.src, digest);
    return { run: await runTsMacro(request.src, request.macro, request.context) };
  }
  const compiled = await compileToScratch(request.src);
  if (request.engine === "jinja") {
    oracle ??= new JinjaOracle();
    return { run: await oracle.render(compiled, request.macro, request.context) };
  }
  fusion ??= new FusionEngine();
  return { run: await fusion.render(compiled, request.macro, request.context) };
}

async function shutDown(server: ReturnType<typeof createServer>, socketPath: string): Promise<never> {
  server.close();
  try {
    unlinkSync(socketPath);
  } catch {
    /* already gone */
  }
  await oracle?.close();
  process.exit(0);
}

function serve(socketPath: string): void {
  let idle: NodeJS.Timeout | undefined;
  const server = createServer((socket: Socket) => {
    const lines = createInterface({ input: socket });
    lines.once("line", (line) => {
      lines.close();
      clearTimeout(idle);
      idle = setTimeout(() => void shutDown(server, socketPath), IDLE_EXIT_MS);
      void (async () => {
        let response: MacroResponse;
        let retire = false;
        try {
          const request = JSON.parse(line) as MacroRequest;
          if (request.engine === "stop") {
            response = { stale: "stopped on request" };
          } else {
            response = await answer(request);
          }
          retire = "stale" in response;
        } catch (error) {
          response = { error: error instanceof Error ? error.message : String(error) };
        }
        socket.end(`${JSON.stringify(response)}\n`, () => {
          if (retire) void shutDown(server, socketPath);
        });
      })();
    });
  });
  server.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EADDRINUSE") throw error;
    // A socket file is there: another server answers on it (then this one is not needed), or it is
    // left from a server that died (then it is removed and this one takes its place).
    const probe = createConnection(socketPath);
    probe.once("connect", () => {
      probe.destroy();
      process.exit(0);
    });
    probe.once("error", () => {
      unlinkSync(socketPath);
      server.listen(socketPath);
    });
  });
  server.listen(socketPath);
  idle = setTimeout(() => void shutDown(server, socketPath), IDLE_EXIT_MS);
}

serve(macroServerSocket(REPO_ROOT));
