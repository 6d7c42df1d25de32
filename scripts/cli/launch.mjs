// Runs one of the compiler's CLIs (build, compile) from a bundle that esbuild keeps current. Loading
// the TypeScript sources through tsx on every run would cost a third of a build.
import { existsSync, readdirSync, renameSync, statSync } from "node:fs";
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

const bundle = join(root, ".cache", "cli", `${name}.mjs`);
if (!existsSync(bundle) || statSync(bundle).mtimeMs < newestSource(join(root, "scripts"))) {
  const { build } = await import("esbuild");
  // Written beside, then renamed: CLIs started together (the diagnostics tests) never read half a bundle.
  const staging = `${bundle}.${process.pid}.tmp`;
  await build({
    entryPoints: [join(root, "scripts", "cli", `${name}.ts`)],
    outfile: staging,
    bundle: true,
    platform: "node",
    format: "esm",
    packages: "external",
    logLevel: "error",
  });
  renameSync(staging, bundle);
}
process.argv = [process.argv[0], bundle, ...args];
await import(pathToFileURL(bundle).href);
