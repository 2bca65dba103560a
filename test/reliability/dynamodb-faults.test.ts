import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { messagesFor } from "../../functions/domain/messages";
import { type DeliveryHarness, startDeliveryHarness } from "../support/delivery-harness";
import {
  dynamoThrottling,
  dynamoTransactionConflict,
  type FaultProxy,
  type ProxiedRequest,
  startFaultProxy,
} from "../support/fault-proxy";
import { recordReliability, StatusTally } from "../support/reliability-summary";
import {
  answerUnderLoad,
  expectExact,
  loadClients,
  loadRunRecord,
  random,
  sendInvitations,
} from "./answer-load";

/**
 * DynamoDB faults under the whole product: every store (API, customer pages, delivery) reaches DynamoDB
 * Local through a proxy that answers some requests with DynamoDB's own ThrottlingException, and some
 * TransactWriteItems with a TransactionCanceledException for a TransactionConflict, as DynamoDB does
 * when transactions overlap. The load run on top must end exact. Then a stretch where every request is
 * throttled must answer 429 with Retry-After, never a 5xx, and write nothing.
 * Size: FAULT_INVITATIONS (default 300).
 */
const INVITATIONS = Number(process.env.FAULT_INVITATIONS ?? 300);
const CLIENTS = 16;
/** Of the data-plane requests: throttled once; of the TransactWriteItems: cancelled once for a conflict. */
const THROTTLE_RATE = 0.03;
const CONFLICT_RATE = 0.1;

const DATA_PLANE = new Set([
  "GetItem",
  "PutItem",
  "UpdateItem",
  "DeleteItem",
  "Query",
  "Scan",
  "BatchGetItem",
  "BatchWriteItem",
  "TransactGetItems",
  "TransactWriteItems",
]);
const operationOf = (request: ProxiedRequest) => request.target.split(".")[1] ?? "";

let proxy: FaultProxy;
let h: DeliveryHarness;
/**
 * "some": faults now and then, each request at most once; "throttle-all": every data-plane request is
 * throttled; "conflict-all": every TransactWriteItems is cancelled for a conflict.
 */
let mode: "some" | "throttle-all" | "conflict-all" = "some";
const byOperation = new Map<string, number>();

beforeAll(async () => {
  const next = random(7);
  const faulted = new Set<string>();
  proxy = await startFaultProxy(inject("dynamoEndpoint"), (request) => {
    const operation = operationOf(request);
    if (!DATA_PLANE.has(operation)) return undefined;
    if (mode === "throttle-all") return dynamoThrottling();
    if (mode === "conflict-all") {
      if (operation !== "TransactWriteItems") return undefined;
      const items = (JSON.parse(request.body.toString()) as { TransactItems: unknown[] }).TransactItems
        .length;
      return dynamoTransactionConflict(items);
    }
    // An SDK retry repeats the request byte for byte: it goes through, so every fault here is one the
    // product must absorb by retrying, and none can outlast its retries. (sendTransaction's own retry
    // carries a new ClientRequestToken, so it is a new request here and may meet a fault again.)
    if (faulted.has(request.digest)) return undefined;
    const roll = next();
    const count = () => {
      faulted.add(request.digest);
      byOperation.set(operation, (byOperation.get(operation) ?? 0) + 1);
    };
    if (operation === "TransactWriteItems" && roll < CONFLICT_RATE) {
      count();
      const items = (JSON.parse(request.body.toString()) as { TransactItems: unknown[] }).TransactItems
        .length;
      return dynamoTransactionConflict(items, Math.floor(next() * items));
    }
    if (next() < THROTTLE_RATE) {
      count();
      return dynamoThrottling();
    }
    return undefined;
  });
  h = await startDeliveryHarness({ dynamoEndpoint: proxy.url });
}, 60_000);

afterAll(async () => {
  await h?.close();
  await proxy?.close();
});

describe("DynamoDB throttling and transaction conflicts", () => {
  it(`lose and double nothing: ${INVITATIONS} invitations sent and answered through the faults`, async () => {
    const clients = loadClients(11);
    const sent = await sendInvitations(h, clients, INVITATIONS);
    const { attempted, acknowledged } = await answerUnderLoad(h, clients, sent.tokens, CLIENTS);
    const faults = proxy.faults();
    proxy.setEnabled(false);
    const report = await expectExact(h, sent, acknowledged);

    // Every path met faults: purchases, dispatch and send, answers.
    expect(faults.DynamoThrottling ?? 0).toBeGreaterThan(0);
    expect(faults.TransactionConflict ?? 0).toBeGreaterThan(0);
    expect(byOperation.get("UpdateItem") ?? 0).toBeGreaterThan(0);
    expect(h.queue.deadLetters).toHaveLength(0);
    expect(clients.statuses.serverErrors).toBe(0);
    recordReliability(
      inject("reliabilitySummaryDir"),
      await loadRunRecord(h, {
        name: "DynamoDB faults",
        clients,
        sent,
        answered: { attempted, acknowledged },
        report,
        faults: {
          "DynamoDB throttling": faults.DynamoThrottling ?? 0,
          "DynamoDB transaction conflict": faults.TransactionConflict ?? 0,
        },
      }),
    );
  }, 600_000);

  it("answers 429 with Retry-After while every request is throttled or every transaction conflicts, writes nothing, and works again after", async () => {
    const statuses = new StatusTally();
    const campaign = await h.createCampaign({ delayDays: 0, locale: "zh-Hant" });
    await h.postPurchases(campaign.id, [{ orderId: "busy-1", email: "busy@example.com" }]);
    await h.deliver();
    const [email] = await h.inbox({ to: "busy@example.com" });
    if (!email) throw new Error("no email");
    const { token, survey } = h.linksIn(email);
    const answer = () => fetch(survey, { method: "POST", body: new URLSearchParams({ score: "9" }) });
    const purchase = () =>
      h.api("POST", `/v1/campaigns/${campaign.id}/purchases`, { orderId: "busy-2", email: "b2@example.com" });

    proxy.setEnabled(true);
    mode = "throttle-all";
    const before = proxy.faults();
    try {
      const page = await answer();
      expect(statuses.add(page.status)).toBe(429);
      expect(page.headers.get("retry-after")).toBe("1");
      // Reading the invitation was what failed: no locale is known, so the browser's (here none: English),
      // and a button that opens the survey again.
      const busyPage = await page.text();
      expect(busyPage).toContain(messagesFor("en").busyBody);
      expect(busyPage).toContain(`<form class="action" method="get" action="${new URL(survey).pathname}"`);
      const json = await fetch(survey, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ score: 9 }),
      });
      expect(statuses.add(json.status)).toBe(429);
      expect(((await json.json()) as { error: { code: string } }).error.code).toBe("throttled");
      for (const response of [
        await purchase(),
        await h.api("GET", `/v1/campaigns/${campaign.id}/results`),
        await h.api("GET", `/v1/campaigns/${campaign.id}/responses`),
        await h.api("PATCH", `/v1/campaigns/${campaign.id}`, { name: "Renamed" }),
      ]) {
        expect(statuses.add(response.status), response.text).toBe(429);
        expect(response.headers.get("retry-after")).toBe("1");
      }
      // Transactions that keep conflicting past sendTransaction's retries are "busy" too, not a 500.
      mode = "conflict-all";
      const busy = await answer();
      expect(statuses.add(busy.status)).toBe(429);
      // The invitation was read before the write failed: the survey form comes back in its language,
      // the answer filled in as it was sent, ready to send again.
      const busyForm = await busy.text();
      expect(busyForm).toContain(messagesFor("zh-Hant").busyAnswerAlert);
      expect(busyForm).toMatch(/id="score-9"[^>]* checked/);
      expect(busy.headers.get("retry-after")).toBe("1");
      expect(statuses.add((await purchase()).status)).toBe(429);
    } finally {
      mode = "some";
      proxy.setEnabled(false);
    }
    const after = proxy.faults();
    const throttledNow = (after.DynamoThrottling ?? 0) - (before.DynamoThrottling ?? 0);
    const conflictsNow = (after.TransactionConflict ?? 0) - (before.TransactionConflict ?? 0);
    expect(throttledNow).toBeGreaterThan(0);
    expect(conflictsNow).toBeGreaterThan(0);

    // Nothing half-written: no response, no purchase, no rename, no count.
    expect(await h.stores.responses.get(token)).toBeUndefined();
    expect(await h.stores.purchases.tokensOf(campaign.id)).toHaveLength(1);
    expect((await h.stores.campaigns.get(campaign.id))?.name).toBe(campaign.name);
    // And the same requests go through once the table has capacity again.
    expect(statuses.add((await answer()).status)).toBe(200);
    expect(statuses.add((await purchase()).status)).toBe(202);
    const results = await h.api<{ overall: { responses: number; sent: number } }>(
      "GET",
      `/v1/campaigns/${campaign.id}/results`,
    );
    expect(results.body.overall).toMatchObject({ responses: 1, sent: 1 });
    expect(statuses.serverErrors).toBe(0);
    recordReliability(inject("reliabilitySummaryDir"), {
      name: "DynamoDB refusing everything",
      faults: { "DynamoDB throttling": throttledNow, "DynamoDB transaction conflict": conflictsNow },
      statuses: statuses.toJSON(),
    });
  }, 120_000);
});
