import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // The prelude's module name, as tsconfig.json's paths map it for tsc, tsx and esbuild.
  resolve: { alias: { "dbt-prelude": fileURLToPath(new URL("scripts/compiler/prelude/dbt.ts", import.meta.url)) } },
  test: {
    include: ["test/**/*.test.ts"],
    // One Jinja oracle for every test file (test/support/oracle-relay.ts).
    globalSetup: ["test/support/oracle-relay.ts"],
    testTimeout: 60000,
    hookTimeout: 120000,
    pool: "forks",
    // vitest's default is one fork fewer than the cores (one, on 2 cores); real-dbt.test.ts alone takes a
    // minute of dbt processes, so at least two files run at once. npm test also runs pytest meanwhile.
    poolOptions: { forks: { maxForks: Math.max(2, availableParallelism() - 1), minForks: 1 } },
  },
});
