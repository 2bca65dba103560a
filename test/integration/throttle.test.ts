import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Campaign } from "../../functions/domain/campaign";
import { planInvitations, toPurchase } from "../../functions/domain/purchase";
import { createSendQueueHandler } from "../../functions/events/send-queue";
import { dispatchDueInvitations } from "../../functions/use-cases/dispatch-due-invitations";
import { type DeliveryHarness, manualClock, startDeliveryHarness } from "../support/delivery-harness";

/**
 * The throttle window as the contact record enforces it: nobody gets two surveys about different
 * purchases within `throttleDays`, whatever order purchases arrive in and however many senders run.
 */

const clock = manualClock("2026-05-04T08:00:00.000Z");
let h: DeliveryHarness;

beforeAll(async () => {
  h = await startDeliveryHarness({ clock: clock.now });
});
afterAll(async () => h?.close());

/** Records a purchase the way the API does, skipping the purchase-time window check (as a race could). */
async function scheduleUnchecked(campaign: Campaign, orderId: string, email: string) {
  const purchase = toPurchase({ orderId, email }, clock.now());
  if (!purchase.ok) throw new Error("invalid purchase");
  return await h.stores.purchases.record(
    { id: campaign.id, throttleDays: 0 },
    purchase.value,
    planInvitations(campaign, purchase.value),
    false,
    clock.now(),
  );
}

describe("the throttle window", () => {
  it("lets only one of two senders mail one address when two campaigns' surveys fall due together", async () => {
    const first = await h.createCampaign({ delayDays: 0, throttleDays: 30 });
    const second = await h.createCampaign({ delayDays: 0, throttleDays: 30 });
    await scheduleUnchecked(first, "race-a", "racing@example.com");
    await scheduleUnchecked(second, "race-b", "racing@example.com");
    await dispatchDueInvitations({ invitations: h.stores.invitations, queue: h.queue, clock: h.clock });
    expect(h.queue.size).toBe(2);
    // Two send functions at once, one message each, as SQS would hand them out.
    const [a, b] = [createSendQueueHandler(h.sendPorts), createSendQueueHandler(h.sendPorts)];
    await Promise.all([h.queue.deliver(a, 1), h.queue.deliver(b, 1)]);
    await h.deliver();
    expect(await h.inbox({ to: "racing@example.com" })).toHaveLength(1);
  });

  it("never moves the last scheduled survey back, so an old purchase posted late hides no newer one", async () => {
    const campaign = await h.createCampaign({ delayDays: 0, throttleDays: 30 });
    const post = (orderId: string, purchasedAt: string) =>
      h.postPurchases(campaign.id, [{ orderId, email: "order@example.com", purchasedAt }]);
    // Today's purchase first, then one from 40 days ago (outside its window), then one from 10 days ago.
    expect((await post("now", "2026-05-04T08:00:00.000Z"))[0]?.status).toBe("scheduled");
    expect((await post("old", "2026-03-25T08:00:00.000Z"))[0]?.status).toBe("scheduled");
    expect((await post("recent", "2026-04-24T08:00:00.000Z"))[0]?.status).toBe("throttled");
  });
});
