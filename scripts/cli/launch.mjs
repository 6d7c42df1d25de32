// Runs one of the compiler's CLIs (build, compile) from a bundle that esbuild keeps current. Loading
// the TypeScript sources through tsx on every run would cost a third of a build.
import { existsSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const [name, ...args] = process.argv.slice(2);
if (name !== "build" && name !== "compile") {
  console.error("usage: node scripts/cli/launch.mjs build|compile [arguments]");
  process.exit(2);
}

function newestSource(directory) {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (/\.(ts|mjs|js)$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

// One folder per state of scripts/ (named for its newest modification): built once, then only read.
// Code splitting keeps what a run may not need (the compiler and TypeScript, when the compile cache
// answers) in chunks that load on first use.
const bundleDir = join(root, ".cache", "cli", `${name}-${Math.round(newestSource(join(root, "scripts")))}`);
const bundle = join(bundleDir, `${name}.mjs`);
if (!existsSync(bundle)) {
  const { build } = await import("esbuild");
  // Built beside, then renamed: CLIs started together (the diagnostics tests) never read half a bundle.
  const staging = `${bundleDir}.${process.pid}.tmp`;
  await build({
    entryPoints: [join(root, "scripts", "cli", `${name}.ts`)],
    outdir: staging,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    splitting: true,
    platform: "node",
    format: "esm",
    packages: "external",
    logLevel: "error",
  });
  try {
    renameSync(staging, bundleDir);
  } catch (error) {
    // Another CLI built the same folder first.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(bundle)) throw error;
  }
}
// Earlier folders of this CLI, once nothing can still be loading chunks from them (an hour on). Another
// CLI's staging folder may be renamed or removed between the listing and the stat: skip those.
for (const entry of readdirSync(join(root, ".cache", "cli"))) {
  const path = join(root, ".cache", "cli", entry);
  if (!entry.startsWith(`${name}-`) || entry.endsWith(".tmp") || path === bundleDir) continue;
  const stats = statSync(path, { throwIfNoEntry: false });
  if (stats !== undefined && Date.now() - stats.mtimeMs > 3_600_000) rmSync(path, { recursive: true, force: true });
}
process.argv = [process.argv[0], bundle, ...args];
await import(pathToFileURL(bundle).href);
