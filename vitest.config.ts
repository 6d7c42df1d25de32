import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // One Jinja oracle for every test file (test/support/oracle-relay.ts).
    globalSetup: ["test/support/oracle-relay.ts"],
    testTimeout: 60000,
    hookTimeout: 120000,
    pool: "forks",
  },
});
