import type { Campaign } from "../functions/domain/campaign";
import { systemClock } from "../functions/domain/clock";
import type { DeliveryMessage, Invitation } from "../functions/domain/invitation";
import type { PurchaseResult } from "../functions/domain/purchase";
import { createSendQueueHandler } from "../functions/events/send-queue";
import {
  DEFAULT_DISPATCH,
  dispatchDueInvitations,
  type WorkQueue,
} from "../functions/use-cases/dispatch-due-invitations";
import { SEND_CONCURRENCY_RANGE } from "../lib/config";
import { LocalWorkQueue } from "../local/delivery-loop";
import type { LocalStack } from "./local-stack";
import { runConcurrent } from "./stats";
import type { UsageMeter } from "./usage-meter";

/**
 * Item 3, delivery: `invitations` purchases are posted through the API (a sample one per request, the
 * rest 500 per request), all due at once (delayDays 0). Then, as on AWS, the dispatcher's code claims
 * and queues them, run after run, and the send handler's code drains the queue in SQS batches of 10
 * from `sendConcurrency` concurrent senders (the stack's default), mailing through the SES emulator.
 *
 * References: a dispatch run queues at most DEFAULT_DISPATCH.maxPerRun and runs once a minute, so the
 * stack dispatches at most maxPerRun / 60 s; the configured send rate is sendConcurrency ÷ the time one
 * send takes, which lib/delivery.ts puts at ~0.2 s on AWS (2 / 0.2 s = 10 emails/s by default).
 */
export type DeliveryResult = {
  readonly invitations: number;
  readonly purchaseSingle: { purchases: number; seconds: number };
  readonly purchaseBatched: { purchases: number; seconds: number };
  readonly dispatch: { runs: number; dispatched: number; seconds: number; perSecond: number };
  readonly dispatchReferencePerSecond: number;
  readonly send: {
    senders: number;
    emails: number;
    seconds: number;
    perSecond: number;
    /** Mean time one email took a sender (a batch's time ÷ its messages). */
    msPerEmail: number;
    deadLetters: number;
    sesStore: number;
  };
  readonly sendReference: { perSecond: number; msPerEmail: number };
};

/** Messages per send invocation: the SQS event source's batch size in lib/delivery.ts. */
const SEND_BATCH_SIZE = 10;
/** lib/delivery.ts: "the send rate is about sendConcurrency / latency of one send — roughly 0.2 s". */
const ASSUMED_SEND_SECONDS = 0.2;
export const REGIONS = ["north", "south", "east", "west"] as const;

export async function runDeliveryBench(
  stack: LocalStack,
  meter: UsageMeter,
  options: { invitations: number; singlePurchases: number },
): Promise<{ result: DeliveryResult; campaign: Campaign; sent: Invitation[] }> {
  const campaign = await stack.api<Campaign>(
    "POST",
    "/v1/campaigns",
    {
      name: "Benchmark: delivery and answers",
      brandName: "Acme",
      delayDays: 0,
      segmentBy: ["region"],
      attributes: [{ key: "delivery", label: "Delivery" }],
    },
    201,
  );
  const path = `/v1/campaigns/${campaign.id}/purchases`;
  const purchase = (i: number) => ({
    orderId: `order-${i}`,
    email: `customer-${i}@example.com`,
    name: `Customer ${i}`,
    properties: { region: REGIONS[i % REGIONS.length] ?? "north", tier: i % 3 === 0 ? "high" : "mid" },
  });
  const expectScheduled = (results: PurchaseResult[]) => {
    const other = results.find((r) => r.status !== "scheduled");
    if (other) throw new Error(`a purchase was not scheduled: ${JSON.stringify(other)}`);
  };

  // The order system's usual way: one purchase per request; one at a time, as one Lambda
  // instance serves them, so their run time is a fair proxy for the function's duration.
  const single = Math.min(options.singlePurchases, options.invitations);
  let started = performance.now();
  const singleRun = await meter.measure("purchase-single", () =>
    runConcurrent(1, single, async (i) => {
      const { results } = await stack.api<{ results: PurchaseResult[] }>(
        "POST",
        path,
        { purchases: [purchase(i)] },
        202,
      );
      expectScheduled(results);
    }),
  );
  if (singleRun.errors > 0) throw new Error(`posting purchases failed: ${singleRun.firstError}`);
  const purchaseSingle = { purchases: single, seconds: (performance.now() - started) / 1000 };

  // The rest in the API's largest batches, one request at a time (each schedules 16 purchases at once).
  const batches: number[][] = [];
  for (let i = single; i < options.invitations; i += 500) {
    batches.push(Array.from({ length: Math.min(500, options.invitations - i) }, (_, k) => i + k));
  }
  started = performance.now();
  const batchRun = await meter.measure("purchase-batch", () =>
    runConcurrent(1, batches.length, async (b) => {
      const { results } = await stack.api<{ results: PurchaseResult[] }>(
        "POST",
        path,
        { purchases: (batches[b] ?? []).map(purchase) },
        202,
      );
      expectScheduled(results);
    }),
  );
  if (batchRun.errors > 0) throw new Error(`posting purchases failed: ${batchRun.firstError}`);
  const purchaseBatched = {
    purchases: options.invitations - single,
    seconds: (performance.now() - started) / 1000,
  };

  // Dispatch: one call of the dispatcher's code is one run of the dispatch function.
  const queue = new LocalWorkQueue();
  const sqs: WorkQueue = {
    enqueue: async (messages: DeliveryMessage[]) => {
      // SqsWorkQueue sends one SendMessageBatch per 10 messages.
      meter.count("sqsRequests", Math.ceil(messages.length / 10));
      await queue.enqueue(messages);
    },
    depth: () => queue.depth(),
  };
  let runs = 0;
  let dispatched = 0;
  started = performance.now();
  await meter.measure("dispatch", async () => {
    for (;;) {
      const begin = performance.now();
      // Everything is dispatched before anything is sent, to time each on its own: the queue's budget
      // (which keeps a production backlog in the due index) is lifted to the whole run, which the
      // senders here drain well within one lease.
      const queued = await dispatchDueInvitations(
        { invitations: stack.stores.invitations, queue: sqs, clock: systemClock },
        { ...DEFAULT_DISPATCH, queueBudget: Math.max(DEFAULT_DISPATCH.queueBudget, options.invitations) },
      );
      meter.invoked("dispatch", performance.now() - begin);
      runs++;
      dispatched += queued;
      if (queued < DEFAULT_DISPATCH.maxPerRun) break;
    }
  });
  const dispatchSeconds = (performance.now() - started) / 1000;

  // Send: the send function's handler, `senders` at a time, each taking a batch of 10 from the queue.
  const senders = SEND_CONCURRENCY_RANGE.default;
  const handler = createSendQueueHandler(stack.sendPorts);
  let emails = 0;
  let batchMs = 0;
  let batchMessages = 0;
  started = performance.now();
  await meter.measure("send", async () => {
    const before = meter.usage("send").sesMessages;
    const sender = async () => {
      while (queue.size > 0) {
        const begin = performance.now();
        const { delivered, failed } = await queue.deliver(handler, SEND_BATCH_SIZE);
        const ms = performance.now() - begin;
        meter.invoked("send", ms);
        // The event source's ReceiveMessage and DeleteMessageBatch for this batch.
        meter.count("sqsRequests", 2);
        batchMs += ms;
        batchMessages += delivered + failed;
      }
    };
    await Promise.all(Array.from({ length: senders }, sender));
    emails = meter.usage("send").sesMessages - before;
  });
  const sendSeconds = (performance.now() - started) / 1000;

  const tokens = await stack.stores.purchases.tokensOf(campaign.id);
  const sent = (await stack.stores.invitations.getMany(tokens)).filter((i) => i.sentAt !== null);
  const result: DeliveryResult = {
    invitations: options.invitations,
    purchaseSingle,
    purchaseBatched,
    dispatch: { runs, dispatched, seconds: dispatchSeconds, perSecond: dispatched / dispatchSeconds },
    dispatchReferencePerSecond: DEFAULT_DISPATCH.maxPerRun / 60,
    send: {
      senders,
      emails,
      seconds: sendSeconds,
      perSecond: emails / sendSeconds,
      msPerEmail: batchMessages > 0 ? batchMs / batchMessages : Number.NaN,
      deadLetters: queue.deadLetters.length,
      sesStore: await stack.sesStoreCount(),
    },
    sendReference: {
      perSecond: senders / ASSUMED_SEND_SECONDS,
      msPerEmail: ASSUMED_SEND_SECONDS * 1000,
    },
  };
  if (sent.length !== options.invitations) {
    throw new Error(`${sent.length} of ${options.invitations} invitations were sent`);
  }
  return { result, campaign, sent };
}
