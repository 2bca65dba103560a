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
    // Lambda runs Node 22; the SDK's notice about Node 20 on developer machines is noise in test output.
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      LOG_LEVEL: "warn",
      // Business metrics are EMF lines on stdout for CloudWatch; test/unit/metrics.test.ts checks them.
      METRICS_DISABLED: "true",
    },
  },
});
