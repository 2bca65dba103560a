import type { ScheduledEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createStores, type Stores } from "../../functions/store/stores";
import { arrangeCampaign, arrangePurchases } from "../support/arrange";
import { createTestTable, type TestTable } from "../support/dynamo";
import { invoke, type LambdaEntry, scheduledEvent, stubLambdaEnvironment } from "../support/lambda";
import { type SqsReceiver, startSqsReceiver } from "../support/sqs-receiver";

/**
 * The dispatcher's Lambda entry, driven with the EventBridge schedule's event; it queues to a
 * loopback SQS peer through the real SQS client.
 */

let table: TestTable;
let queue: SqsReceiver;
let stores: Stores;
let handler: LambdaEntry<ScheduledEvent, { queued: number }>;

beforeAll(async () => {
  table = await createTestTable();
  queue = await startSqsReceiver();
  // The owners' digests would go through SES with console links; this test has no campaign with owners.
  stubLambdaEnvironment(table, {
    QUEUE_URL: queue.queueUrl,
    PUBLIC_BASE_URL: "https://surveys.example.com",
    SENDER_ADDRESS: "surveys@example.com",
  });
  stores = createStores(table.db, table.tableName);
  handler = (await import("../../functions/handlers/dispatch")).handler;
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await queue?.close();
  await table?.drop();
});

/**
 * Runs the handler. The SDK warns that the queue URL's host differs from SQS's regional endpoint, then
 * sends to the queue URL as intended here (on AWS they are the same host): that warning is dropped,
 * any other passes.
 */
async function dispatch(): Promise<{ queued: number }> {
  const print = console.warn;
  const warn = vi.spyOn(console, "warn").mockImplementation((...args: unknown[]) => {
    if (!String(args[0]).startsWith("QueueUrl=")) print(...args);
  });
  try {
    return await invoke(handler, scheduledEvent(), "DispatchFunction");
  } finally {
    warn.mockRestore();
  }
}

describe("dispatch handler", () => {
  it("queues every due invitation in batches SQS accepts, and none that is not due yet", async () => {
    const dueNow = await arrangeCampaign(stores, { delayDays: 0 });
    const purchases = Array.from({ length: 12 }, (_, i) => ({
      orderId: `order-${i}`,
      email: `buyer-${i}@example.com`,
    }));
    const { tokens } = await arrangePurchases(stores, dueNow.id, purchases);
    const later = await arrangeCampaign(stores, { delayDays: 7 });
    await arrangePurchases(stores, later.id, [{ orderId: "later-1", email: "later@example.com" }]);
    const messagesBefore = queue.messages().length;
    const requestsBefore = queue.requests().length;

    expect(await dispatch()).toEqual({ queued: 12, webhookAttempts: 0, digests: 0 });

    const queued = queue
      .messages()
      .slice(messagesBefore)
      .map((body) => JSON.parse(body));
    const expected = [...tokens.values()].map((token) => ({ token, action: "send" }));
    const byToken = (a: { token: string }, b: { token: string }) => a.token.localeCompare(b.token);
    expect(queued.sort(byToken)).toEqual(expected.sort(byToken));
    const requests = queue
      .requests()
      .slice(requestsBefore)
      .filter((r) => r.target === "AmazonSQS.SendMessageBatch");
    // SQS takes at most ten messages per SendMessageBatch.
    expect(requests.map((r) => r.entries)).toEqual([10, 2]);
    for (const request of requests) {
      expect(request.target).toBe("AmazonSQS.SendMessageBatch");
      expect(request.queueUrl).toBe(queue.queueUrl);
      expect(request.headers.authorization).toContain("/us-east-1/sqs/aws4_request");
    }

    // Claimed invitations stay out of the next run until they are sent or their claim expires.
    expect(await dispatch()).toEqual({ queued: 0, webhookAttempts: 0, digests: 0 });
    expect(queue.messages()).toHaveLength(messagesBefore + 12);
  });

  it("fails the run when SQS refuses a message", async () => {
    const campaign = await arrangeCampaign(stores, { delayDays: 0 });
    const { tokens } = await arrangePurchases(stores, campaign.id, [
      { orderId: "order-1", email: "pam@example.com" },
    ]);
    const token = tokens.get("order-1") ?? "";
    queue.refuse((body) => body.includes(token));
    try {
      await expect(dispatch()).rejects.toThrow("SQS refused 1 delivery message(s)");
    } finally {
      queue.refuse(null);
    }
    expect(queue.messages().some((body) => body.includes(token))).toBe(false);
    expect(await stores.invitations.get(token)).toMatchObject({ status: "scheduled", nextAction: "send" });
  });
});
