/**
 * vitest globalSetup: one Jinja oracle (scripts/engines/oracle/jinja_oracle.py) for the whole run, shared by every
 * test file through a Unix socket (ORACLE_SOCKET, read by scripts/engines/jinja-engine.ts), instead of
 * one per file: each start imports dbt-core, about 2 s of CPU. The relay renumbers requests, so the
 * answers of files asking at the same time never mix.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { execa } from "execa";
import { REPO_ROOT } from "../../scripts/compiler/repo.js";
import { VENV_PYTHON } from "../../scripts/engines/jinja-engine.js";

export default async function setup(): Promise<() => Promise<void>> {
  const directory = mkdtempSync(join(tmpdir(), "oracle-relay-"));
  const socketPath = join(directory, "oracle.sock");
  const oracle = execa(VENV_PYTHON, [join(REPO_ROOT, "scripts", "engines", "oracle", "jinja_oracle.py")],
    { stdin: "pipe", stdout: "pipe", stderr: "inherit", reject: false });
  const waiting = new Map<number, { socket: Socket; id: number }>();
  let nextId = 0;
  createInterface({ input: oracle.stdout }).on("line", (line) => {
    const answer = JSON.parse(line) as { id: number };
    const asker = waiting.get(answer.id);
    waiting.delete(answer.id);
    if (asker !== undefined && !asker.socket.destroyed) asker.socket.write(`${JSON.stringify({ ...answer, id: asker.id })}\n`);
  });
  const server = createServer((socket) => {
    createInterface({ input: socket }).on("line", (line) => {
      const request = JSON.parse(line) as { id: number };
      const id = nextId++;
      waiting.set(id, { socket, id: request.id });
      oracle.stdin.write(`${JSON.stringify({ ...request, id })}\n`);
    });
    socket.on("error", () => socket.destroy());
  });
  await new Promise<void>((listening) => server.listen(socketPath, listening));
  process.env.ORACLE_SOCKET = socketPath;
  return async () => {
    server.close();
    oracle.stdin.end();
    await oracle;
    rmSync(directory, { recursive: true, force: true });
  };
}
