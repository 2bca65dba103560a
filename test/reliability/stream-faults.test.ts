import { describe, expect, inject, it } from "vitest";
import type { Case } from "../../functions/domain/case";
import type { MailSender } from "../../functions/mail/mail-sender";
import type { StreamBatchHandler } from "../../local/table-stream-loop";
import { manualClock, startDeliveryHarness } from "../support/delivery-harness";
import { startLoopbackReceiver } from "../support/loopback-receiver";
import { recordReliability, StatusTally } from "../support/reliability-summary";

/**
 * The stream run: answers, edits and unsubscribes commit while the events path misbehaves as Lambda and
 * the network may. Stream batches are handed over twice, an earlier batch comes again after later ones
 * (reordered), the function crashes halfway through a batch (Lambda retries the whole batch), alert
 * emails fail or fail after SES took them (the one window that sends an alert twice), and the webhook
 * subscriber times out or answers 500 now and then. Afterwards: exactly one case for every answer
 * whose latest version meets the rule and none for any other, every case alerted, and every event
 * delivered to the subscriber at least once. Size: STREAM_FAULT_INVITATIONS (default 120).
 */
const INVITATIONS = Number(process.env.STREAM_FAULT_INVITATIONS ?? 120);
const OWNER = "owner@example.com";

class SimulatedCrash extends Error {
  override name = "SimulatedCrash";
}

/** What customer i does: the scores they give, in order (an edit is a second score), or an unsubscribe. */
function planOf(i: number): { scores: number[]; unsubscribes: boolean } {
  if (i % 10 === 7) return { scores: [], unsubscribes: true };
  if (i % 6 === 0) return { scores: [2], unsubscribes: false };
  if (i % 6 === 1) return { scores: [9], unsubscribes: false };
  if (i % 6 === 2) return { scores: [5, 10], unsubscribes: false };
  if (i % 6 === 3) return { scores: [8, 1], unsubscribes: false };
  if (i % 6 === 4) return { scores: [6], unsubscribes: false };
  return { scores: [10, 9], unsubscribes: false };
}
const addressOf = (i: number) => `customer-${i}@example.com`;

/** The owner's daily digest, told from an alert by its subject. */
const isDigest = (subject: string): boolean => subject.startsWith("Your cases today");

describe("the stream run", () => {
  it(`opens one case per unhappy answer and delivers every event over ${INVITATIONS} invitations`, async () => {
    const clock = manualClock();
    const faults = {
      "stream batches handed over twice": 0,
      "earlier stream batches after later ones": 0,
      "events function dying halfway through a batch": 0,
      "alert sends failing": 0,
      "crash after SES took an alert": 0,
      "webhook receiver timing out": 0,
      "webhook receiver answering 500": 0,
    };
    // The subscriber hangs past the poster's timeout on every 9th request and answers 500 on every 7th.
    const subscriber = await startLoopbackReceiver((n) => {
      if (n % 9 === 4) {
        faults["webhook receiver timing out"]++;
        return "hang";
      }
      if (n % 7 === 2) {
        faults["webhook receiver answering 500"]++;
        return 500;
      }
      return 200;
    });
    let alertSends = 0;
    const flakyAlerts = (ses: MailSender): MailSender => ({
      send: async (email) => {
        // Alerts only: the owner's daily digest (a tick passing 08:00 UTC sends one) is not under test.
        if (email.to !== OWNER || isDigest(email.subject)) return await ses.send(email);
        alertSends++;
        if (alertSends % 7 === 3) {
          faults["alert sends failing"]++;
          throw new SimulatedCrash("SES did not answer");
        }
        const id = await ses.send(email);
        if (alertSends % 11 === 5) {
          faults["crash after SES took an alert"]++;
          throw new SimulatedCrash("died after SES took the alert");
        }
        return id;
      },
    });
    let batchNumber = 0;
    const seen: Parameters<StreamBatchHandler>[0][] = [];
    const unreliable =
      (handler: StreamBatchHandler): StreamBatchHandler =>
      async (event) => {
        batchNumber++;
        seen.push(event);
        if (batchNumber % 4 === 2) {
          faults["events function dying halfway through a batch"]++;
          await handler({ Records: event.Records.slice(0, Math.ceil(event.Records.length / 2)) });
          throw new SimulatedCrash("the events function died halfway through a batch");
        }
        const result = await handler(event);
        if (batchNumber % 3 === 0) {
          faults["stream batches handed over twice"]++;
          await handler(event);
        }
        const earlier = seen[Math.floor(seen.length / 2)];
        if (batchNumber % 5 === 0 && earlier && earlier !== event) {
          faults["earlier stream batches after later ones"]++;
          await handler(earlier);
        }
        return result;
      };
    const h = await startDeliveryHarness({
      events: true,
      clock: clock.now,
      wrapMail: flakyAlerts,
      wrapEventsHandler: unreliable,
      webhookTimeoutMs: 300,
    });
    const statuses = new StatusTally();
    try {
      const subscription = await h.api<{ id: string }>("POST", "/v1/webhooks", {
        url: subscriber.url,
        events: ["response.created", "response.updated", "case.opened", "person.unsubscribed"],
      });
      expect(statuses.add(subscription.status)).toBe(201);
      const campaign = await h.createCampaign({
        delayDays: 0,
        followUp: {
          owners: [OWNER],
          maxScore: 6,
          maxCsat: null,
          targetHours: 24,
          slackWebhookUrl: null,
          only: null,
        },
      });
      const customers = Array.from({ length: INVITATIONS }, (_, i) => i);
      for (let start = 0; start < customers.length; start += 100) {
        await h.postPurchases(
          campaign.id,
          customers.slice(start, start + 100).map((i) => ({ orderId: `order-${i}`, email: addressOf(i) })),
        );
      }
      await h.deliver();

      const links = new Map<number, { survey: string; unsubscribe: string }>();
      for (const email of await h.inbox()) {
        const i = Number(/customer-(\d+)@/.exec(email.to[0] ?? "")?.[1]);
        if (Number.isInteger(i)) links.set(i, h.linksIn(email));
      }
      expect(links.size).toBe(INVITATIONS);
      for (const i of customers) {
        const plan = planOf(i);
        const link = links.get(i);
        if (!link) throw new Error(`no survey email to customer ${i}`);
        if (plan.unsubscribes) statuses.add((await fetch(link.unsubscribe, { method: "POST" })).status);
        for (const score of plan.scores) {
          clock.advance({ ms: 1 });
          const posted = await fetch(link.survey, {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
            body: new URLSearchParams({ score: String(score), comment: `customer ${i} says ${score}` }),
          });
          expect(statuses.add(posted.status)).toBe(200);
        }
      }

      // The stream is read until a pass goes through without a crash: every crash is retried from the
      // batch it hit, as Lambda retries a failed invocation.
      let failedPasses = 0;
      for (let pass = 0; ; pass++) {
        expect(pass).toBeLessThan(100);
        try {
          await h.react();
          break;
        } catch {
          failedPasses++;
        }
      }
      expect(failedPasses).toBeGreaterThan(0);
      // Webhook retries come due on the dispatcher's tick (each takes a bounded number): ticks a day
      // apart, so every retry is due, until no delivery of the subscription is pending.
      for (let tick = 0; ; tick++) {
        expect(tick).toBeLessThan(30);
        const deliveries = await h.stores.webhooks.listDeliveries(subscription.body.id, 1000, undefined);
        if (deliveries.items.every((delivery) => delivery.status !== "pending")) break;
        clock.advance({ hours: 24, minutes: 1 });
        await h.deliver();
      }

      // Cases: exactly one for every answer whose latest score meets the rule, none for any other.
      const cases: Case[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `?campaignId=${campaign.id}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
        const page = await h.api<{ items: Case[]; nextCursor: string | null }>("GET", `/v1/cases${query}`);
        expect(statuses.add(page.status)).toBe(200);
        cases.push(...page.body.items);
        cursor = page.body.nextCursor;
      } while (cursor);
      const expected = customers.filter((i) => {
        const last = planOf(i).scores.at(-1);
        return last !== undefined && last <= 6;
      });
      const casesByCustomer = new Map<string, number>();
      for (const c of cases) casesByCustomer.set(c.email, (casesByCustomer.get(c.email) ?? 0) + 1);
      expect([...casesByCustomer.keys()].sort()).toEqual(expected.map(addressOf).sort());
      const duplicateCases = [...casesByCustomer.values()].reduce((sum, n) => sum + n - 1, 0);
      expect(duplicateCases).toBe(0);
      for (const c of cases) {
        const last = planOf(Number(/customer-(\d+)@/.exec(c.email)?.[1])).scores.at(-1);
        expect(c.score).toBe(last);
      }

      // Every case alerted: at least one email each, marked alerted.
      // The owner's daily digests (ticks a day apart pass 08:00 UTC on some days) are not alerts.
      const alerts = (await h.inbox({ to: OWNER })).filter((e) => !isDigest(e.subject));
      const alertsPerCustomer = new Map<string, number>();
      for (const alert of alerts) {
        const customer = /customer-\d+@example\.com/.exec(alert.text)?.[0] ?? "";
        alertsPerCustomer.set(customer, (alertsPerCustomer.get(customer) ?? 0) + 1);
      }
      for (const c of cases) {
        expect(alertsPerCustomer.get(c.email) ?? 0).toBeGreaterThanOrEqual(1);
        expect((await h.stores.cases.get(c.id))?.alertedAt).not.toBeNull();
      }
      const duplicateAlerts = alerts.length - cases.length;
      // Only a crash after SES took an alert sends it again.
      expect(duplicateAlerts).toBeLessThanOrEqual(faults["crash after SES took an alert"]);

      // Webhooks: every event delivered at least once (a 2xx from the subscriber).
      const deliveredEvents = new Set<string>();
      const attemptsPerRequest = subscriber.received.length;
      subscriber.received.forEach((request, n) => {
        if (n % 9 === 4 || n % 7 === 2) return;
        const body = JSON.parse(request.body) as { type: string; data: { id?: string; email?: string } };
        deliveredEvents.add(`${body.type} ${body.data.id ?? body.data.email}`);
      });
      const expectedEvents = new Set<string>();
      for (const i of customers) {
        const plan = planOf(i);
        if (plan.unsubscribes) expectedEvents.add(`person.unsubscribed ${addressOf(i)}`);
      }
      const responses = await h.api<{ items: { id: string; email: string }[] }>(
        "GET",
        `/v1/campaigns/${campaign.id}/responses?limit=1000`,
      );
      for (const response of responses.body.items) {
        const i = Number(/customer-(\d+)@/.exec(response.email)?.[1]);
        expectedEvents.add(`response.created ${response.id}`);
        if (planOf(i).scores.length > 1) expectedEvents.add(`response.updated ${response.id}`);
      }
      for (const c of cases) expectedEvents.add(`case.opened ${c.id}`);
      const lost = [...expectedEvents].filter((event) => !deliveredEvents.has(event));
      expect(lost).toEqual([]);
      expect(
        faults["webhook receiver timing out"] + faults["webhook receiver answering 500"],
      ).toBeGreaterThan(0);

      expect(statuses.serverErrors).toBe(0);
      recordReliability(inject("reliabilitySummaryDir"), {
        name: "stream run",
        faults,
        statuses: statuses.toJSON(),
        events: {
          expectedCases: expected.length,
          cases: cases.length,
          duplicateCases,
          alerts: alerts.length,
          duplicateAlerts,
          webhookEvents: expectedEvents.size,
          webhookEventsDelivered: expectedEvents.size - lost.length,
          webhookAttempts: attemptsPerRequest,
        },
      });
    } finally {
      await h.close();
      await subscriber.close();
    }
  }, 300_000);
});
