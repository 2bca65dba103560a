import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import { expiresAt, firstFullyRetainedDay } from "../../functions/domain/retention";
import { reconcileCampaign } from "../../functions/use-cases/reconcile-campaign";
import { manualClock, startDeliveryHarness } from "../support/delivery-harness";
import { sweepExpired } from "../support/ttl-sweep";

describe("retention (DynamoDB TTL)", () => {
  it("puts expiresAt on records holding customer data, and never on aggregates, suppressions or settings", async () => {
    const h = await startDeliveryHarness();
    try {
      const campaign = await h.createCampaign({ delayDays: 0, followUpDays: 30, segmentBy: ["region"] });
      await h.postPurchases(campaign.id, [
        { orderId: "r-1", email: "kept@example.com", properties: { region: "north" } },
      ]);
      await h.deliver();
      const [email] = await h.inbox({ to: "kept@example.com" });
      if (!email) throw new Error("no email");
      const { survey, unsubscribe } = h.linksIn(email);
      expect(
        (await fetch(survey, { method: "POST", body: new URLSearchParams({ score: "8" }) })).status,
      ).toBe(200);
      expect((await fetch(unsubscribe, { method: "POST" })).status).toBe(200);

      const { Items = [] } = await h.table.db.send(
        new ScanCommand({ TableName: h.table.tableName, ConsistentRead: true }),
      );
      const ofType = (type: string) => Items.filter((item) => item.type === type);
      const invitations = ofType("invitation");
      expect(invitations).toHaveLength(2);
      // Kept from when it was sent (the day it is counted on), or, not sent yet, from when it is due.
      const [sent, due] = [...invitations].sort((a, b) => String(a.sendAt).localeCompare(String(b.sendAt)));
      expect(sent?.expiresAt).toBe(expiresAt(String(sent?.sentAt), 730));
      expect(due?.sentAt).toBeUndefined();
      expect(due?.expiresAt).toBe(expiresAt(String(due?.sendAt), 730));
      // The purchase lists its invitations for reconcile: it lives as long as the one sent last.
      expect(ofType("purchase")[0]?.expiresAt).toBe(expiresAt(String(sent?.sentAt), 730));
      const [response] = ofType("response");
      expect(response?.expiresAt).toBe(expiresAt(String(response?.createdAt), 730));
      expect(typeof ofType("contact")[0]?.expiresAt).toBe("number");
      for (const type of ["campaign", "apiKey", "aggregate", "suppression"]) {
        expect(ofType(type).length, type).toBeGreaterThan(0);
        for (const item of ofType(type)) expect(item.expiresAt, type).toBeUndefined();
      }
    } finally {
      await h.close();
    }
  });
});

describe("reconcile across a TTL sweep", () => {
  it("finds every record behind a late send's count for the whole window it compares, so --fix changes nothing", async () => {
    const clock = manualClock("2026-01-05T09:00:00.000Z");
    const h = await startDeliveryHarness({ clock: clock.now, retentionDays: 180 });
    try {
      const campaign = await h.createCampaign({ delayDays: 0, status: "paused" });
      await h.postPurchases(campaign.id, [{ orderId: "late-1", email: "late@example.com" }]);
      await h.deliver();
      expect(await h.inbox()).toHaveLength(0);
      // Paused for 40 days: the survey due on the first day goes out on the 41st.
      clock.advance({ days: 40 });
      expect((await h.api("PATCH", `/v1/campaigns/${campaign.id}`, { status: "active" })).status).toBe(200);
      clock.advance({ hours: 1 });
      await h.deliver();
      expect(await h.inbox({ to: "late@example.com" })).toHaveLength(1);

      // 185 days after it was due, 145 after it was sent: its count's day is inside the window compared.
      clock.set("2026-07-09T09:00:00.000Z");
      expect(await sweepExpired(h.table.db, h.table.tableName, clock.now())).toBeGreaterThanOrEqual(0);
      const since = firstFullyRetainedDay(clock.now(), 180);
      expect(since <= "2026-02-14").toBe(true);
      const report = await reconcileCampaign(h.stores, campaign.id, { since });
      expect(report).toMatchObject({ invitationsSent: 1, differences: [] });
      const sent = async () =>
        (
          await h.api<{ overall: { sent: number } }>(
            "GET",
            `/v1/campaigns/${campaign.id}/results?from=2026-02-01&to=2026-02-28`,
          )
        ).body.overall.sent;
      expect(await sent()).toBe(1);
      await reconcileCampaign(h.stores, campaign.id, { since, fix: true });
      await reconcileCampaign(h.stores, campaign.id, { since, fix: true });
      expect(await sent()).toBe(1);
    } finally {
      await h.close();
    }
  });
});
