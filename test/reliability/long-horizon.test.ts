import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { combineCounters, emptyCounters, OVERALL } from "../../functions/domain/counters";
import { firstFullyRetainedDay } from "../../functions/domain/retention";
import { createSendQueueHandler } from "../../functions/events/send-queue";
import { DEFAULT_DISPATCH, dispatchDueInvitations } from "../../functions/use-cases/dispatch-due-invitations";
import { reconcileCampaign } from "../../functions/use-cases/reconcile-campaign";
import { type DeliveryHarness, manualClock, startDeliveryHarness } from "../support/delivery-harness";
import { recordReliability, StatusTally } from "../support/reliability-summary";
import { sweepExpired } from "../support/ttl-sweep";

/**
 * Months on a controlled clock. The dispatcher runs every simulated minute (every hour while nothing
 * is due), the senders take what SES lets them (2 emails a minute: a backlog of hours), claims' leases
 * run out while their messages wait in a queue whose budget lets copies pile up, a campaign stays
 * paused for three weeks, reminders go out and customers answer, and DynamoDB's TTL sweep deletes
 * what has expired. Invariants: nothing is given up while a copy of it is queued or being sent (every
 * survey goes out, once); reconcile never reports a difference on counters the product wrote, before
 * and after the sweep; a repair is applied by the first --fix and the second changes nothing.
 */
const RETENTION_DAYS = 180;
const BACKLOG = Number(process.env.LONG_HORIZON_BACKLOG ?? 120);
const PAUSED = Number(process.env.LONG_HORIZON_PAUSED ?? 40);
const SENT_PER_MINUTE = 2;

const clock = manualClock("2026-01-05T08:00:00.000Z");
let h: DeliveryHarness;
const statuses = new StatusTally();

beforeAll(async () => {
  h = await startDeliveryHarness({ clock: clock.now, retentionDays: RETENTION_DAYS });
});
afterAll(async () => h?.close());

describe("a long horizon", () => {
  it("loses nothing to leases, pauses or the TTL sweep, and reconcile stays exact and idempotent", async () => {
    const sender = createSendQueueHandler(h.sendPorts);
    const dispatch = () =>
      dispatchDueInvitations(
        { invitations: h.stores.invitations, queue: h.queue, clock: h.clock },
        // A budget far above what the senders take in a lease, so leases run out while copies wait.
        { ...DEFAULT_DISPATCH, queueBudget: 10_000 },
      );
    /** Minutes pass: the dispatcher runs each minute, SES takes SENT_PER_MINUTE. */
    const minutes = async (count: number) => {
      for (let i = 0; i < count; i++) {
        await dispatch();
        for (let n = 0; n < SENT_PER_MINUTE; n++) await h.queue.deliver(sender, 1);
        clock.advance({ minutes: 1 });
      }
    };
    /** Hours pass with one dispatcher run each, draining the queue (nothing is due but what it finds). */
    const hours = async (count: number) => {
      for (let i = 0; i < count; i++) {
        await dispatch();
        while (h.queue.size > 0) await h.queue.deliver(sender, 10);
        clock.advance({ hours: 1 });
      }
    };

    const busy = await h.createCampaign({ name: "Busy", delayDays: 0, throttleDays: 0, reminderDays: 2 });
    const paused = await h.createCampaign({ name: "Paused", delayDays: 0, throttleDays: 0, reminderDays: 2 });
    expect((await h.api("PATCH", `/v1/campaigns/${paused.id}`, { status: "paused" })).status).toBe(200);
    const post = async (campaignId: string, prefix: string, count: number) => {
      const results = await h.postPurchases(
        campaignId,
        Array.from({ length: count }, (_, i) => ({
          orderId: `${prefix}-${i}`,
          email: `${prefix}${i}@example.com`,
        })),
      );
      expect(results.every((r) => r.status === "scheduled")).toBe(true);
    };
    await post(busy.id, "busy", BACKLOG);
    await post(paused.id, "paused", PAUSED);

    // Day 0: a backlog of BACKLOG surveys at 2 a minute, an hour and more, leases expiring under it.
    await minutes(Math.ceil(BACKLOG / SENT_PER_MINUTE) + 30);
    // Three weeks of the paused campaign: its surveys were parked once and stay parked, out of the
    // dispatcher's reach, whatever runs meanwhile (the busy campaign's reminders among them).
    const parkedPerDay: number[] = [];
    for (let day = 0; day < 21; day++) {
      await hours(24);
      parkedPerDay.push((await h.stores.invitations.findParked(paused.id, 1_000)).length);
    }
    expect(parkedPerDay).toEqual(Array.from({ length: 21 }, () => PAUSED));
    expect(await h.inbox({ to: `paused0@example.com` })).toEqual([]);
    // Resumed: every parked survey goes out; two days on, the reminders; a third of them answered first.
    expect((await h.api("PATCH", `/v1/campaigns/${paused.id}`, { status: "active" })).status).toBe(200);
    await hours(1);
    const tokensOf = async (campaignId: string) =>
      h.stores.invitations.getMany(await h.stores.purchases.tokensOf(campaignId));
    let answered = 0;
    let answeredBeforeReminder = 0;
    for (const invitation of [...(await tokensOf(busy.id)), ...(await tokensOf(paused.id))]) {
      if (
        invitation.orderId.endsWith("0") ||
        invitation.orderId.endsWith("3") ||
        invitation.orderId.endsWith("6")
      ) {
        const response = await fetch(`${h.baseUrl}/s/${invitation.token}`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: `score=${answered % 11}`,
        });
        await response.text();
        expect(statuses.add(response.status)).toBe(200);
        answered++;
        if (invitation.campaignId === paused.id) answeredBeforeReminder++;
      }
    }
    await hours(3 * 24);

    // Every survey went out once, and a reminder to each one unanswered two days on (the busy
    // campaign's all went during the pause), none given up.
    const all = [...(await tokensOf(busy.id)), ...(await tokensOf(paused.id))];
    expect(all.filter((i) => i.status === "skipped")).toEqual([]);
    expect(all.every((i) => i.sentAt !== null)).toBe(true);
    const emails = await h.inbox();
    const reminded = all.filter((i) => i.reminderSentAt !== null).length;
    expect(reminded).toBe(all.length - answeredBeforeReminder);
    expect(emails).toHaveLength(all.length + reminded);
    expect(new Set(emails.map((e) => `${e.to.join()} ${e.subject}`)).size).toBe(emails.length);
    expect(h.queue.deadLetters).toEqual([]);
    // Counted once: the results hold every send and every answer.
    let counted = 0;
    let responses = 0;
    for (const campaign of [busy, paused]) {
      const results = await h.api<{ overall: { sent: number; responses: number } }>(
        "GET",
        `/v1/campaigns/${campaign.id}/results?from=2026-01-01&to=2026-02-28`,
      );
      counted += results.body.overall.sent;
      responses += results.body.overall.responses;
    }
    expect(counted).toBe(all.length);
    expect(responses).toBe(answered);
    const stored =
      (await h.stores.responses.allOf(busy.id)).length + (await h.stores.responses.allOf(paused.id)).length;
    expect(stored).toBe(answered);

    // Reconcile is clean for both, before anything expired.
    for (const campaign of [busy, paused]) {
      expect((await reconcileCampaign(h.stores, campaign.id)).differences).toEqual([]);
    }

    // Months later the TTL sweep has deleted the busy campaign's raw records (sent on day 0); the
    // paused campaign's, sent three weeks later, are still within the retention. Reconcile compares
    // only the days whose raw records are all kept: no difference, and nothing a --fix would destroy.
    clock.set("2026-07-05T09:00:00.000Z");
    const swept = await sweepExpired(h.table.db, h.table.tableName, clock.now());
    expect(swept).toBeGreaterThan(0);
    const since = firstFullyRetainedDay(clock.now(), RETENTION_DAYS);
    expect(since > "2026-01-05" && since <= "2026-01-27").toBe(true);
    let aggregates = 0;
    for (const campaign of [busy, paused]) {
      const before = await h.stores.results.readAll(campaign.id);
      const report = await reconcileCampaign(h.stores, campaign.id, { since, fix: true });
      expect(report.differences).toEqual([]);
      expect(await h.stores.results.readAll(campaign.id)).toEqual(before);
      aggregates += report.aggregatesChecked;
    }
    const results = await h.api<{ overall: { sent: number; responses: number } }>(
      "GET",
      `/v1/campaigns/${busy.id}/results?from=2026-01-05&to=2026-01-05`,
    );
    expect(results.body.overall.sent).toBe(BACKLOG);

    // A counter damaged within the retained days: the first --fix repairs it, the second changes nothing.
    const day = (await tokensOf(paused.id))[0]?.sentAt?.slice(0, 10) ?? "";
    await h.stores.results.add(
      paused.id,
      { dimension: OVERALL, day, value: OVERALL },
      { ...emptyCounters(), sent: 3 },
    );
    const first = await reconcileCampaign(h.stores, paused.id, { since, fix: true });
    expect(first.differences).toHaveLength(1);
    expect(first.repaired).toBe(true);
    const repaired = await h.stores.results.readAll(paused.id);
    const second = await reconcileCampaign(h.stores, paused.id, { since, fix: true });
    expect(second.differences).toEqual([]);
    expect(await h.stores.results.readAll(paused.id)).toEqual(repaired);
    const overall = repaired
      .filter((row) => row.dimension === OVERALL)
      .reduce((sum, row) => combineCounters(sum, row.counters), emptyCounters());
    expect(overall.sent).toBe(PAUSED);

    expect(statuses.serverErrors).toBe(0);
    recordReliability(inject("reliabilitySummaryDir"), {
      name: "long horizon",
      answers: { attempted: answered, acknowledged: answered, stored, counted: responses },
      delivery: {
        invitations: all.length,
        sent: all.filter((i) => i.sentAt !== null).length,
        counted,
        rejected: 0,
        emails: emails.length,
      },
      faults: { "items deleted by the TTL sweep": swept, "counters damaged and repaired": 1 },
      reconciled: { aggregates, differences: 0 },
      statuses: statuses.toJSON(),
      duplicateEmails: { duplicates: emails.length - all.length - reminded, sends: all.length + reminded },
    });
  }, 600_000);
});
