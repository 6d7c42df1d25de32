/**
 * The Jinja engine: compiles a source folder and renders the macro in dbt-core's own Jinja
 * environment, through the long-lived Python oracle (scripts/engines/oracle/jinja_oracle.py).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { createConnection } from "node:net";
import { createInterface } from "node:readline";
import { execa } from "execa";
import { REPO_ROOT } from "../compiler/repo.js";
import { compileCached } from "../compiler/cache.js";
import { formatDiagnostic } from "../compiler/diagnostics.js";
import type { MacroContextFile, MacroRun } from "./macro-run.js";

export const VENV_PYTHON = join(REPO_ROOT, ".venv", "bin", "python");
const ORACLE = join(REPO_ROOT, "scripts", "engines", "oracle", "jinja_oracle.py");

/**
 * Compiles `srcDir` and returns a folder holding the compiled macros. The folder is named for what it
 * holds and never rewritten in place (written beside, then renamed), so processes compiling the same
 * sources at once (test files, the macro server) never read a half-written one.
 */
export async function compileToScratch(srcDir: string): Promise<string> {
  const result = await compileCached(resolve(srcDir));
  if (result.diagnostics.length > 0) throw new Error(result.diagnostics.map((d) => formatDiagnostic(d)).join("\n"));
  const files = [...result.outputs].filter(([path]) => path.endsWith(".sql")).sort(([a], [b]) => a.localeCompare(b));
  const digest = createHash("sha256");
  for (const [path, text] of files) digest.update(`${path}\0${text}\0`);
  const outDir = join(REPO_ROOT, ".cache", "compiled", digest.digest("hex").slice(0, 16));
  if (existsSync(outDir)) return outDir;
  const staging = `${outDir}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  for (const [path, text] of files) {
    mkdirSync(dirname(join(staging, path)), { recursive: true });
    writeFileSync(join(staging, path), text);
  }
  try {
    renameSync(staging, outDir);
  } catch (error) {
    // Another process put the same folder there first: its content is the same.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(outDir)) throw error;
  }
  return outDir;
}

/** Where the oracle's requests go and its answers come from: its own Python process, or a shared one. */
interface OracleChannel {
  input: NodeJS.ReadableStream;
  write(line: string, done: (error?: Error | null) => void): void;
  close(): Promise<void>;
}

function ownProcess(): OracleChannel {
  const child = execa(VENV_PYTHON, [ORACLE], { stdin: "pipe", stdout: "pipe", stderr: "inherit", reject: false } as const);
  return {
    input: child.stdout,
    write: (line, done) => child.stdin.write(line, done),
    close: async () => {
      child.stdin.end();
      await child;
    },
  };
}

/** The oracle shared by every test file of a vitest run (test/support/oracle-relay.ts), over a Unix socket. */
function sharedProcess(socketPath: string): OracleChannel {
  const socket = createConnection(socketPath);
  return {
    input: socket,
    write: (line, done) => socket.write(line, done),
    close: () => new Promise((resolveClose) => socket.end(resolveClose)),
  };
}

/**
 * One Python process answering many render requests, one JSON line each. With ORACLE_SOCKET set it
 * talks to an oracle other processes share instead of starting one (importing dbt-core costs ~2 s).
 */
export class JinjaOracle {
  private readonly channel: OracleChannel;
  private readonly pending = new Map<number, (run: MacroRun) => void>();
  private nextId = 0;

  constructor() {
    const shared = process.env.ORACLE_SOCKET;
    this.channel = shared === undefined || shared === "" ? ownProcess() : sharedProcess(shared);
    const lines = createInterface({ input: this.channel.input });
    lines.on("line", (line) => {
      const response = JSON.parse(line) as MacroRun & { id: number };
      const resolveRun = this.pending.get(response.id);
      this.pending.delete(response.id);
      resolveRun?.({ statements: response.statements, logs: response.logs, returned: response.returned, error: response.error });
    });
  }

  render(macrosDir: string, macro: string, context: MacroContextFile): Promise<MacroRun> {
    const id = this.nextId++;
    return new Promise((resolveRun, rejectRun) => {
      this.pending.set(id, resolveRun);
      const request = JSON.stringify({ id, macros_dir: macrosDir, macro, context, package_name: "dbt_cloud_orchestration" });
      this.channel.write(`${request}\n`, (error) => {
        if (error) rejectRun(error);
      });
    });
  }

  close(): Promise<void> {
    return this.channel.close();
  }
}
