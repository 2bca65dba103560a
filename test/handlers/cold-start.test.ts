import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

/**
 * Handlers read their configuration when Lambda loads them: a missing or malformed variable must fail
 * that cold start, naming the variable, instead of the first request that needs it. Nothing here
 * reaches a service: loading a handler builds clients, it does not connect.
 */

const handlers = {
  api: () => import("../../functions/handlers/api"),
  survey: () => import("../../functions/handlers/survey"),
  send: () => import("../../functions/handlers/send"),
  dispatch: () => import("../../functions/handlers/dispatch"),
  "mail-events": () => import("../../functions/handlers/mail-events"),
  events: () => import("../../functions/handlers/events"),
  console: () => import("../../functions/handlers/console"),
};

/** What the stack sets for every function (each reads only its part). */
const COMPLETE = {
  TABLE_NAME: "open-nps-table",
  AWS_REGION: "us-east-1",
  RETENTION_DAYS: "730",
  PUBLIC_BASE_URL: "https://surveys.example.com",
  SENDER_ADDRESS: "surveys@example.com",
  QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/send-queue",
};

beforeEach(() => {
  // Each test loads its handler afresh, as a new Lambda instance would.
  vi.resetModules();
  for (const [name, value] of Object.entries(COMPLETE)) vi.stubEnv(name, value);
  for (const name of ["DYNAMODB_ENDPOINT", "SES_ENDPOINT", "CONFIGURATION_SET_NAME"]) {
    vi.stubEnv(name, undefined);
  }
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("handler cold start", () => {
  it.each(Object.keys(handlers) as (keyof typeof handlers)[])(
    "loads %s with its configuration complete",
    async (name) => {
      const loaded = await handlers[name]();
      expect(loaded.handler).toBeTypeOf("function");
    },
  );

  it.each([
    ["survey", "TABLE_NAME", undefined],
    ["api", "TABLE_NAME", "t"],
    ["api", "RETENTION_DAYS", "two years"],
    ["mail-events", "DYNAMODB_ENDPOINT", "not a url"],
    ["send", "SENDER_ADDRESS", "surveys at example.com"],
    ["send", "PUBLIC_BASE_URL", undefined],
    ["send", "PUBLIC_BASE_URL", "https://surveys.example.com/"],
    ["api", "SENDER_ADDRESS", undefined],
    ["api", "PUBLIC_BASE_URL", "not a url"],
    ["dispatch", "QUEUE_URL", undefined],
    ["dispatch", "SENDER_ADDRESS", undefined],
    ["events", "PUBLIC_BASE_URL", undefined],
    ["console", "SENDER_ADDRESS", undefined],
  ] as const)("refuses to load %s when %s is %s", async (name, variable, value) => {
    vi.stubEnv(variable, value);
    await expect(handlers[name]()).rejects.toThrow(new RegExp(`^Invalid configuration: .*\\b${variable}\\b`));
  });
});
