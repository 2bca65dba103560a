import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import type { Campaign } from "../../functions/domain/campaign";
import type { PurchaseInput, PurchaseResult } from "../../functions/domain/purchase";
import { createSendQueueHandler } from "../../functions/events/send-queue";
import { aggregatesOf } from "../../functions/store/keys";
import { dispatchDueInvitations } from "../../functions/use-cases/dispatch-due-invitations";
import { reconcileCampaign } from "../../functions/use-cases/reconcile-campaign";
import { SEND_CONCURRENCY_RANGE } from "../../lib/config";
import { type DeliveryHarness, manualClock, startDeliveryHarness } from "../support/delivery-harness";
import {
  dynamoTransactionConflict,
  type FaultProxy,
  type ProxiedRequest,
  startFaultProxy,
  unacknowledgedWrite,
} from "../support/fault-proxy";
import { recordReliability } from "../support/reliability-summary";
import {
  type Acknowledged,
  answerUnderLoad,
  expectExact,
  type LoadClients,
  loadClients,
  random,
} from "./answer-load";

/**
 * Writes that commit but are never acknowledged, and sustained conflict on one hot item, under the
 * delivery loop's code at the stack's largest sendConcurrency (50 senders taking SQS batches of 10).
 *
 * A. Every store reaches DynamoDB Local through a proxy that forwards some PutItem, UpdateItem and
 *    TransactWriteItems and, once they committed, drops the connection or answers DynamoDB's 500
 *    instead: the SDK retries a write that already landed, as after a network fault on AWS. Purchases
 *    (some throttled: a PutItem), delivery, answers and unsubscribes (a PutItem) run through it. Every
 *    invitation must be sent and emailed once, the results must equal a recount, reconcile must be clean.
 * B. One campaign, one day: every send and answer ADDs to one aggregate (its 4 shards), and the proxy
 *    cancels transactions touching them for a TransactionConflict, all of them for a storm long enough
 *    that marks outlast the sender's own retries (the queue retries them as marks), then half of them.
 *    Every invitation must be sent, emailed and counted once, reconcile clean.
 * Both measure duplicate emails per 1,000 sends for the summary (goal 0).
 * Size: UNACK_INVITATIONS (default 300), HOT_INVITATIONS (default 500).
 */
const UNACK_INVITATIONS = Number(process.env.UNACK_INVITATIONS ?? 300);
const HOT_INVITATIONS = Number(process.env.HOT_INVITATIONS ?? 500);
const SENDERS = SEND_CONCURRENCY_RANGE.max;
/** Messages per send invocation: the SQS event source's batch size in lib/delivery.ts. */
const SQS_BATCH_SIZE = 10;
/** Of the writes: answers lost once after they committed. PutItem is rarer here, so lost more often. */
const LOST_RATE = 0.1;
const PUT_LOST_RATE = 0.25;
/**
 * Hot-item transactions refused in a row at first: 50 senders × 32 attempts (sendTransaction's 8,
 * each retried 4 times by the sender) is 1,600, so the first marks outlast the sender's retries.
 */
const HOT_STORM = 2_500;
/** Then, of the hot-item transactions, those cancelled for a conflict, for the rest of the run. */
const HOT_CONFLICT_RATE = 0.5;
/** Delivery passes, each after the last one's leases ran out: a claim whose answer was lost waits. */
const MAX_PASSES = 6;

const WRITES = new Set(["PutItem", "UpdateItem", "TransactWriteItems"]);
const operationOf = (request: ProxiedRequest) => request.target.split(".")[1] ?? "";

/** Which product write a request is, named by what it writes (for the counts and for a failure's story). */
const PATHS: readonly (readonly [string, RegExp])[] = [
  ["claim", /claimedAt = :now/],
  ["send locks", /SET sendingUntil = :until/],
  ["acceptance", /sesMessageIds/],
  ["mark sent", /#status = :sent/],
  ["lock release", /REMOVE (sendingUntil|lockedBy)/],
  ["answer", /answeredAt/],
  ["purchase", /"type":\{"S":"purchase"\}/],
  ["unsubscribe", /"type":\{"S":"suppression"\}|unsubscribedAt/],
  ["segment value", /ADD #values/],
];
const pathOf = (body: string) => PATHS.find(([, pattern]) => pattern.test(body))?.[0] ?? "other";

type DynamoKey = { pk?: { S?: string }; sk?: { S?: string } };
type TransactItem = { Update?: { Key?: DynamoKey } };

/** The mode the proxy is in: nothing injected, A's lost answers, or B's conflicts on `hot`'s aggregates. */
let mode: "off" | "unacknowledged" | "hot" | "lose next put" = "off";
let hot: Campaign | undefined;
/** Hot-item transactions seen so far (the storm is the first HOT_STORM of them). */
let hotSeen = 0;
const hotConflicts = { storm: 0, sustained: 0 };
/** Throttled purchases whose PutItem answer was lost: the SDK's retry finds the purchase recorded. */
const lostPurchasePuts = new Set<string>();

let proxy: FaultProxy;
let h: DeliveryHarness;
const clock = manualClock("2026-06-01T08:00:00.000Z");

beforeAll(async () => {
  const next = random(12);
  const lostOnce = new Set<string>();
  proxy = await startFaultProxy(inject("dynamoEndpoint"), (request) => {
    const operation = operationOf(request);
    if (mode === "lose next put" && operation === "PutItem") {
      mode = "off";
      return unacknowledgedWrite(operation, "server-error");
    }
    if (mode === "unacknowledged" && WRITES.has(operation)) {
      // The SDK's retry repeats the write byte for byte (a TransactWriteItems with its
      // ClientRequestToken): it goes through, and meets the write that already landed.
      if (lostOnce.has(request.digest)) return undefined;
      if (next() >= (operation === "PutItem" ? PUT_LOST_RATE : LOST_RATE)) return undefined;
      lostOnce.add(request.digest);
      const body = request.body.toString();
      const path = pathOf(body);
      if (operation === "PutItem" && path === "purchase") {
        lostPurchasePuts.add((JSON.parse(body) as { Item: { orderId: { S: string } } }).Item.orderId.S);
      }
      const lost = unacknowledgedWrite(operation, next() < 0.5 ? "reset" : "server-error");
      return { ...lost, kind: `${lost.kind}: ${path}` };
    }
    if (mode === "hot" && hot && operation === "TransactWriteItems") {
      const items = (JSON.parse(request.body.toString()) as { TransactItems: TransactItem[] }).TransactItems;
      const aggregates = aggregatesOf(hot.id);
      const at = items.findIndex(
        (item) =>
          item.Update?.Key?.pk?.S === aggregates.pk &&
          item.Update.Key.sk?.S?.startsWith(aggregates.skPrefix) === true,
      );
      if (at < 0) return undefined;
      hotSeen++;
      if (hotSeen <= HOT_STORM) hotConflicts.storm++;
      else if (next() < HOT_CONFLICT_RATE) hotConflicts.sustained++;
      else return undefined;
      return dynamoTransactionConflict(items.length, at);
    }
    return undefined;
  });
  h = await startDeliveryHarness({ dynamoEndpoint: proxy.url, clock: clock.now });
}, 60_000);

afterAll(async () => {
  await h?.close();
  await proxy?.close();
});

/**
 * Delivery as the stack runs it at its largest sendConcurrency: the dispatcher's code queues what is
 * due, then SENDERS send functions take SQS batches of 10 until the queue is empty; then the clock
 * moves past a lease (15 minutes) and the next pass runs, until no invitation has anything left to do.
 * Returns the passes it took.
 */
async function deliverAll(tokens: readonly string[]): Promise<number> {
  const handler = createSendQueueHandler(h.sendPorts);
  for (let pass = 1; pass <= MAX_PASSES; pass++) {
    await dispatchDueInvitations({ invitations: h.stores.invitations, queue: h.queue, clock: h.clock });
    // A message that fails goes back to the queue; one failing after the other senders stopped is
    // picked up by the next round.
    while (h.queue.size > 0) {
      await Promise.all(
        Array.from({ length: SENDERS }, async () => {
          while (h.queue.size > 0) await h.queue.deliver(handler, SQS_BATCH_SIZE);
        }),
      );
    }
    const open = (await h.stores.invitations.getMany(tokens)).filter((i) => i.nextAction !== null);
    if (open.length === 0) return pass;
    clock.advance({ minutes: 16 });
  }
  return MAX_PASSES + 1;
}

/** Emails in the inbox per invitation, and the duplicates among them (emails beyond the first). */
async function emailsPerInvitation(campaignId: string) {
  const invitations = await h.stores.invitations.getMany(await h.stores.purchases.tokensOf(campaignId));
  const emails = await h.inbox();
  const to = new Map<string, number>();
  for (const email of emails) for (const address of email.to) to.set(address, (to.get(address) ?? 0) + 1);
  const counts = invitations.map((invitation) => ({ invitation, emails: to.get(invitation.email) ?? 0 }));
  return {
    invitations,
    counts,
    duplicates: counts.reduce((sum, { emails }) => sum + Math.max(0, emails - 1), 0),
  };
}

/** Posts purchases in the API's largest batches; every request must be accepted. */
async function postPurchases(
  clients: LoadClients,
  campaignId: string,
  purchases: readonly PurchaseInput[],
): Promise<PurchaseResult[]> {
  const results: PurchaseResult[] = [];
  for (let start = 0; start < purchases.length; start += 500) {
    const response = await h.api<{ results: PurchaseResult[] }>(
      "POST",
      `/v1/campaigns/${campaignId}/purchases`,
      {
        purchases: purchases.slice(start, start + 500),
      },
    );
    expect(clients.statuses.add(response.status), response.text).toBe(202);
    results.push(...response.body.results);
  }
  return results;
}

/** The failures the send handler logged ("delivery message failed"), by their error's "Name: message". */
function sendFailures(calls: readonly unknown[][]): string[] {
  return calls.flatMap((args) => {
    let line: { message?: string; error?: string };
    try {
      line = JSON.parse(String(args[0])) as typeof line;
    } catch {
      return []; // not one of the product's log lines
    }
    return line.message === "delivery message failed" ? [line.error ?? ""] : [];
  });
}

// As answer-load.ts's load run, so expectExact's segment checks hold.
const REGIONS = ["North", " north ", "South", "East", "West", "Central"];
const TIERS = ["gold", "silver", "bronze"];

describe("writes that commit but are never acknowledged, and a hot item in conflict, at sendConcurrency 50", () => {
  it("creates one campaign when the answer to its put is lost and the SDK puts it again", async () => {
    mode = "lose next put";
    const created = await h.api<{ id: string }>("POST", "/v1/campaigns", {
      name: "Lost answer",
      brandName: "Acme",
    });
    expect(mode).toBe("off");
    expect(created.status, created.text).toBe(201);
    const listed = await h.api<{ items: { id: string; name: string }[] }>("GET", "/v1/campaigns?limit=100");
    expect(listed.body.items.filter((c) => c.name === "Lost answer").map((c) => c.id)).toEqual([
      created.body.id,
    ]);
  });

  it(`count once and email once: ${UNACK_INVITATIONS} invitations with a tenth of their writes' answers lost`, async () => {
    const clients = loadClients(21);
    const campaign = await h.createCampaign({
      delayDays: 0,
      throttleDays: 30,
      segmentBy: ["region", "tier"],
      attributes: [
        { key: "price", label: "Price" },
        { key: "delivery", label: "Delivery" },
      ],
    });
    const pick = <T>(items: readonly T[]): T => items[Math.floor(clients.random() * items.length)] as T;
    const purchases = Array.from(
      { length: UNACK_INVITATIONS },
      (_, i): PurchaseInput => ({
        orderId: `u-${i}`,
        email: `unack-${i}@example.com`,
        properties: i % 17 === 0 ? { tier: pick(TIERS) } : { region: pick(REGIONS), tier: pick(TIERS) },
      }),
    );
    // A tenth of the customers buy again at once: inside the 30-day window, recorded with a PutItem.
    const again = purchases
      .filter((_, i) => i % 10 === 5)
      .map((p): PurchaseInput => ({ ...p, orderId: `${p.orderId}-again`, properties: {} }));

    // The sender logs each message that fails: a lost answer must fail none.
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    mode = "unacknowledged";
    let passes: number;
    let acknowledged: Acknowledged;
    let attempted: number;
    const unsubscribed: string[] = [];
    const repeatLabels: PurchaseResult[] = [];
    const failures: string[] = [];
    try {
      const first = await postPurchases(clients, campaign.id, purchases);
      // A TransactWriteItems retried with its ClientRequestToken is answered as the commit it repeats.
      expect(first.map((r) => r.status)).toEqual(purchases.map(() => "scheduled"));
      const reposted = await postPurchases(
        clients,
        campaign.id,
        purchases.filter((_, i) => i % 10 === 0),
      );
      expect(new Set(reposted.map((r) => r.status))).toEqual(new Set(["duplicate"]));
      repeatLabels.push(...(await postPurchases(clients, campaign.id, again)));

      const tokens = await h.stores.purchases.tokensOf(campaign.id);
      expect(tokens).toHaveLength(UNACK_INVITATIONS);
      passes = await deliverAll(tokens);
      // Every invitation ends sent before anyone answers: otherwise its answer is (rightly) a 404, which
      // would hide why. An unsent one is named with where it stood (given up after failed sends?).
      const unsent = (await h.stores.invitations.getMany(tokens)).filter(
        (i) => i.sentAt === null && i.acceptedAt === null,
      );
      expect({ passes, unsent }).toEqual({ passes, unsent: [] });

      // Answers, and a tenth of the customers unsubscribing (a PutItem and an UpdateItem), at once.
      const unsubscribe = async () => {
        for (const token of tokens.filter((_, i) => i % 10 === 3)) {
          const response = await fetch(`${h.baseUrl}/u/${token}`, {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
            body: "List-Unsubscribe=One-Click",
          });
          expect(clients.statuses.add(response.status)).toBe(200);
          expect(await response.json()).toEqual({ status: "unsubscribed" });
          unsubscribed.push(token);
        }
      };
      [{ attempted, acknowledged }] = await Promise.all([
        answerUnderLoad(h, clients, tokens, 16),
        unsubscribe(),
      ]);
    } finally {
      mode = "off";
      failures.push(...sendFailures(logged.mock.calls));
      logged.mockRestore();
    }
    const faults = proxy.faults();

    // Every invitation sent and marked once, its email sent once; the results equal a recount and
    // reconcile is clean (expectExact).
    const tokens = await h.stores.purchases.tokensOf(campaign.id);
    expect(passes).toBeLessThanOrEqual(MAX_PASSES);
    const report = await expectExact(h, { campaign, tokens }, acknowledged);
    expect(report.sentMarked).toBe(UNACK_INVITATIONS);
    expect(report.sentCounted).toBe(report.sentMarked);
    const { invitations, counts, duplicates } = await emailsPerInvitation(campaign.id);
    expect(invitations.every((i) => i.status === "sent")).toBe(true);
    expect(counts.filter((c) => c.emails !== 1).map((c) => `${c.invitation.email}: ${c.emails}`)).toEqual([]);
    expect(duplicates).toBe(0);
    expect(h.queue.deadLetters).toEqual([]);
    expect(failures).toEqual([]);
    expect(clients.statuses.serverErrors).toBe(0);

    // The repeat purchases are throttled, none scheduled; one whose PutItem answer was lost is
    // answered `duplicate` (its SDK retry found it recorded), and is stored throttled all the same.
    for (const [i, result] of repeatLabels.entries()) {
      const orderId = again[i]?.orderId ?? "";
      expect(result.status, orderId).toBe(lostPurchasePuts.has(orderId) ? "duplicate" : "throttled");
      expect((await h.stores.purchases.get(campaign.id, orderId))?.status).toBe("throttled");
    }
    for (const token of unsubscribed) {
      const invitation = invitations.find((inv) => inv.token === token);
      expect(invitation?.unsubscribedAt, token).not.toBeNull();
      expect(await h.stores.invitations.isSuppressed(invitation?.email ?? "")).toBe(true);
    }

    // Every kind of write, and every path that decides a send or a count, lost answers.
    const byOperation: Record<string, number> = {};
    const byPath: Record<string, number> = {};
    for (const [kind, n] of Object.entries(faults)) {
      const [operation = "", path = ""] = kind.split(": ");
      byOperation[operation] = (byOperation[operation] ?? 0) + n;
      byPath[path] = (byPath[path] ?? 0) + n;
    }
    for (const operation of WRITES)
      expect(byOperation[`unacknowledged ${operation}`] ?? 0).toBeGreaterThan(0);
    for (const path of [
      "claim",
      "send locks",
      "acceptance",
      "mark sent",
      "answer",
      "purchase",
      "unsubscribe",
    ]) {
      expect(byPath[path] ?? 0, path).toBeGreaterThan(0);
    }
    // A claim whose answer was lost reads as taken by someone else: its invitation waits out the lease.
    expect(passes).toBeGreaterThan(1);

    recordReliability(inject("reliabilitySummaryDir"), {
      name: "unacknowledged writes",
      answers: { attempted, acknowledged: acknowledged.size, stored: report.stored, counted: report.counted },
      delivery: {
        invitations: UNACK_INVITATIONS,
        sent: report.sentMarked,
        counted: report.sentCounted,
        rejected: 0,
        emails: counts.reduce((sum, c) => sum + c.emails, 0),
      },
      reconciled: { aggregates: report.aggregatesChecked, differences: report.differences },
      duplicateEmails: { duplicates, sends: report.sentMarked },
      faults: byOperation,
      statuses: clients.statuses.toJSON(),
    });
  }, 300_000);

  it(`count once and email once: ${HOT_INVITATIONS} sends of one campaign and day while its aggregates stay in conflict`, async () => {
    const clients = loadClients(31);
    const campaign = await h.createCampaign({
      delayDays: 0,
      throttleDays: 0,
      attributes: [
        { key: "price", label: "Price" },
        { key: "delivery", label: "Delivery" },
      ],
    });
    const purchases = Array.from(
      { length: HOT_INVITATIONS },
      (_, i): PurchaseInput => ({ orderId: `h-${i}`, email: `hot-${i}@example.com` }),
    );
    const results = await postPurchases(clients, campaign.id, purchases);
    expect(results.every((r) => r.status === "scheduled")).toBe(true);
    const tokens = await h.stores.purchases.tokensOf(campaign.id);
    const day = clock.now().toISOString().slice(0, 10);

    // The sender logs each message that fails; here only marks that outlasted the retries may.
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    hot = campaign;
    mode = "hot";
    let passes: number;
    let answered: { attempted: number; acknowledged: Acknowledged };
    const failures: string[] = [];
    try {
      passes = await deliverAll(tokens);
      answered = await answerUnderLoad(h, clients, tokens, SENDERS);
    } finally {
      mode = "off";
      failures.push(...sendFailures(logged.mock.calls));
      logged.mockRestore();
    }

    const { invitations, counts, duplicates } = await emailsPerInvitation(campaign.id);
    expect(passes).toBeLessThanOrEqual(MAX_PASSES);
    expect(invitations.every((i) => i.status === "sent" && i.sentAt?.slice(0, 10) === day)).toBe(true);
    expect(counts.filter((c) => c.emails !== 1).map((c) => `${c.invitation.email}: ${c.emails}`)).toEqual([]);
    expect(duplicates).toBe(0);
    expect(h.queue.deadLetters).toEqual([]);

    // Counted once: the sent count and the answers equal a recount of the raw records.
    const stored = await h.stores.responses.allOf(campaign.id);
    expect(stored).toHaveLength(answered.acknowledged.size);
    for (const response of stored) {
      const { score, csat, attributes, comment } = response;
      expect(answered.acknowledged.get(response.token)).toContainEqual({ score, csat, attributes, comment });
    }
    const overall = await h.api<{ overall: { sent: number; responses: number; scores: number[] } }>(
      "GET",
      `/v1/campaigns/${campaign.id}/results`,
    );
    expect(clients.statuses.add(overall.status)).toBe(200);
    const scores = new Array<number>(11).fill(0);
    for (const response of stored) scores[response.score] = (scores[response.score] ?? 0) + 1;
    expect(overall.body.overall).toMatchObject({
      sent: HOT_INVITATIONS,
      responses: answered.acknowledged.size,
      scores,
    });
    const reconciled = await reconcileCampaign(h.stores, campaign.id);
    expect(reconciled.differences).toEqual([]);
    expect(reconciled).toMatchObject({ invitationsSent: HOT_INVITATIONS, responses: stored.length });
    expect(clients.statuses.serverErrors).toBe(0);

    // The storm outlasted the retries of some marks: the queue retried them as marks (no second
    // email, above). Nothing else failed.
    expect(hotConflicts.storm).toBe(HOT_STORM);
    expect(hotConflicts.sustained).toBeGreaterThan(0);
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.filter((f) => !f.startsWith("CapacityExceededError:"))).toEqual([]);

    recordReliability(inject("reliabilitySummaryDir"), {
      name: "hot item in conflict",
      answers: {
        attempted: answered.attempted,
        acknowledged: answered.acknowledged.size,
        stored: stored.length,
        counted: overall.body.overall.responses,
      },
      delivery: {
        invitations: HOT_INVITATIONS,
        sent: invitations.filter((i) => i.sentAt !== null).length,
        counted: overall.body.overall.sent,
        rejected: 0,
        emails: counts.reduce((sum, c) => sum + c.emails, 0),
      },
      reconciled: { aggregates: reconciled.aggregatesChecked, differences: reconciled.differences.length },
      duplicateEmails: { duplicates, sends: HOT_INVITATIONS },
      faults: { "hot item transaction conflict": hotConflicts.storm + hotConflicts.sustained },
      statuses: clients.statuses.toJSON(),
    });
  }, 300_000);
});
