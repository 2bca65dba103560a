import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import { expiresAt } from "../../functions/domain/retention";
import { startDeliveryHarness } from "../support/delivery-harness";

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
      for (const invitation of invitations)
        expect(invitation.expiresAt).toBe(expiresAt(invitation.sendAt, 730));
      const followUpSendAt = invitations.map((i) => String(i.sendAt)).sort()[1] ?? "";
      expect(ofType("purchase")[0]?.expiresAt).toBe(expiresAt(followUpSendAt, 730));
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
