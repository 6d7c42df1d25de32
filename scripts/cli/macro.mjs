// `npm run macro -- --engine ts|jinja|fusion --src DIR --macro NAME [--context FILE.json]`
// Runs one macro and prints {"statements", "logs", "returned", "error"} as JSON.
// `npm run macro -- --stop-server` stops the server.
//
// Plain JavaScript, so that it starts in tens of milliseconds: the work is done by the macro server
// (scripts/cli/macro-server.ts), which keeps the engines warm between calls. The first call starts it;
// a server that says it is stale (its tools or imported sources changed) is replaced.
import { spawn } from "node:child_process";
import { mkdirSync, openSync, readFileSync } from "node:fs";
import { createConnection } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { macroServerSocket } from "./macro-socket.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const socketPath = macroServerSocket(root);
const USAGE = "usage: npm run macro -- --engine ts|jinja|fusion --src DIR --macro NAME [--context FILE.json] | --stop-server";

function fail(message, code) {
  console.error(message);
  process.exit(code);
}

/** @param {string[]} args @param {string} name */
function flag(args, name) {
  const index = args.indexOf(name);
  return index === -1 ? undefined : args[index + 1];
}

/** One request, one answer; undefined when no server listens. */
function ask(request) {
  return new Promise((resolveAnswer, rejectAnswer) => {
    const socket = createConnection(socketPath);
    let text = "";
    socket.setEncoding("utf8");
    socket.on("connect", () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on("data", (chunk) => (text += chunk));
    socket.on("end", () => {
      try {
        resolveAnswer(JSON.parse(text));
      } catch {
        rejectAnswer(new Error(`the macro server's answer is not JSON: ${text.slice(0, 200)}`));
      }
    });
    socket.on("error", (error) => {
      if (error.code === "ENOENT" || error.code === "ECONNREFUSED") resolveAnswer(undefined);
      else rejectAnswer(error);
    });
  });
}

function startServer() {
  const log = join(root, ".cache", "macro-server.log");
  mkdirSync(dirname(log), { recursive: true });
  const output = openSync(log, "a");
  console.error(`macro server: starting one (it keeps the engines warm for the next calls; log: ${log})`);
  spawn(process.execPath, ["--import", "tsx", join(root, "scripts", "cli", "macro-server.ts")], {
    // The server outlives whoever started it, so it starts its own oracle rather than borrow a test run's.
    cwd: root, detached: true, stdio: ["ignore", output, output], env: { ...process.env, ORACLE_SOCKET: "" },
  }).unref();
}

async function askStartingServer(request) {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    let answer = await ask(request);
    if (answer === undefined) {
      // Started again every 10 s while nobody answers: a server that found the old one still closing exits.
      for (let waited = 0; answer === undefined && waited < 60_000; waited += 50) {
        if (waited % 10_000 === 0) startServer();
        await new Promise((wake) => setTimeout(wake, 50));
        answer = await ask(request);
      }
      if (answer === undefined) fail(`the macro server did not start; see ${join(root, ".cache", "macro-server.log")}`, 1);
    }
    if (!("stale" in answer)) return answer;
    // The stale server exits after answering; the next attempt starts a fresh one.
    await new Promise((wake) => setTimeout(wake, 50));
  }
  fail("the macro server kept answering 'stale'", 1);
}

const args = process.argv.slice(2);
if (args.includes("--stop-server")) {
  await ask({ engine: "stop" });
  process.exit(0);
}
const engine = flag(args, "--engine");
const src = flag(args, "--src");
const macro = flag(args, "--macro");
const contextFile = flag(args, "--context");
if ((engine !== "ts" && engine !== "jinja" && engine !== "fusion") || src === undefined || macro === undefined) fail(USAGE, 2);
let context = {};
if (contextFile !== undefined) {
  try {
    context = JSON.parse(readFileSync(contextFile, "utf8"));
  } catch (error) {
    fail(`--context ${contextFile}: ${error.message}`, 2);
  }
}
const answer = await askStartingServer({ engine, src: resolve(src), macro, context });
if ("error" in answer) fail(answer.error, 1);
console.log(JSON.stringify(answer.run, null, 2));
