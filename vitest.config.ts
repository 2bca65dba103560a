import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
    // One DynamoDB Local for the whole run; each test file makes its own table.
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: CDK synthesis and DynamoDB Local compete for them.
    maxWorkers: 2,
  },
});
