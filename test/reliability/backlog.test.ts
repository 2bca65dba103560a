import { describe, expect, inject, it } from "vitest";
import { createSendQueueHandler } from "../../functions/events/send-queue";
import {
  DEFAULT_DISPATCH,
  type DispatchOptions,
  dispatchDueInvitations,
} from "../../functions/use-cases/dispatch-due-invitations";
import { manualClock, startDeliveryHarness } from "../support/delivery-harness";
import { recordReliability } from "../support/reliability-summary";

/**
 * A backlog on a controlled clock: more surveys fall due than the senders can send within a claim's
 * lease (15 minutes), as a burst of purchases meets a low SES quota or throttling. Minute by minute the
 * dispatcher runs and the senders take what they can. A backlog may only delay sends: every survey
 * goes out once, none is given up, and the queue holds no more than its budget.
 */
const SURVEYS = 200;
/** Messages the senders get through per simulated minute: far below the lease's worth of the backlog. */
const SENT_PER_MINUTE = 2;

async function runBacklog(options: DispatchOptions) {
  const clock = manualClock("2026-06-01T08:00:00.000Z");
  const h = await startDeliveryHarness({ clock: clock.now });
  try {
    const campaign = await h.createCampaign({ delayDays: 0, throttleDays: 0 });
    const purchases = Array.from({ length: SURVEYS }, (_, i) => ({
      orderId: `b-${i}`,
      email: `b${i}@example.com`,
    }));
    expect((await h.postPurchases(campaign.id, purchases)).every((r) => r.status === "scheduled")).toBe(true);
    const sender = createSendQueueHandler(h.sendPorts);
    let minutes = 0;
    let deepest = 0;
    for (; minutes < 600; minutes++) {
      await dispatchDueInvitations(
        { invitations: h.stores.invitations, queue: h.queue, clock: h.clock },
        options,
      );
      deepest = Math.max(deepest, h.queue.size);
      for (let i = 0; i < SENT_PER_MINUTE; i++) await h.queue.deliver(sender, 1);
      clock.advance({ minutes: 1 });
      if (h.queue.size === 0 && (await h.stores.invitations.findDue(clock.now(), 1)).length === 0) break;
    }
    const invitations = await h.stores.invitations.getMany(await h.stores.purchases.tokensOf(campaign.id));
    const emails = await h.inbox();
    return { h, invitations, emails, minutes, deepest };
  } catch (error) {
    await h.close();
    throw error;
  }
}

describe("a backlog of surveys", () => {
  it("delays sends and loses none, even when the queue's budget lets copies of waiting claims pile up", async () => {
    // A budget far above what the senders take in a lease: claims run out while their messages wait.
    const { h, invitations, emails, minutes } = await runBacklog({
      ...DEFAULT_DISPATCH,
      queueBudget: 10_000,
    });
    try {
      expect(minutes).toBeGreaterThan(75);
      expect(invitations.filter((i) => i.status === "skipped")).toEqual([]);
      expect(invitations.every((i) => i.status === "sent")).toBe(true);
      expect(emails).toHaveLength(SURVEYS);
      expect(new Set(emails.flatMap((e) => e.to)).size).toBe(SURVEYS);
      expect(h.queue.deadLetters).toEqual([]);
      recordReliability(inject("reliabilitySummaryDir"), {
        name: "backlog",
        delivery: {
          invitations: SURVEYS,
          sent: SURVEYS,
          counted: SURVEYS,
          rejected: 0,
          emails: emails.length,
        },
        statuses: {},
        duplicateEmails: { duplicates: emails.length - SURVEYS, sends: SURVEYS },
      });
    } finally {
      await h.close();
    }
  }, 300_000);

  it("keeps the queue within its budget, so the backlog waits in the due index", async () => {
    const { h, invitations, emails, deepest } = await runBacklog({ ...DEFAULT_DISPATCH, queueBudget: 6 });
    try {
      expect(deepest).toBeLessThanOrEqual(6);
      expect(invitations.every((i) => i.status === "sent")).toBe(true);
      expect(emails).toHaveLength(SURVEYS);
    } finally {
      await h.close();
    }
  }, 300_000);
});
