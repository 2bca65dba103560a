import { describe, expect, inject, it } from "vitest";
import { startDeliveryHarness } from "../support/delivery-harness";
import { recordReliability } from "../support/reliability-summary";
import { answerUnderLoad, expectExact, loadClients, loadRunRecord, sendInvitations } from "./answer-load";

/**
 * The load run: purchases posted with retries become emails; 32 clients answer at once with double
 * posts, retries, edits and racing edits; afterwards every acknowledged answer is stored, nothing else
 * is, the results equal an independent recount, and reconcile finds no difference.
 * Size: LOAD_INVITATIONS (default 2,500 invitations, about 2,250 answers).
 */
const INVITATIONS = Number(process.env.LOAD_INVITATIONS ?? 2500);
const CLIENTS = 32;

describe("load run", () => {
  it(`counts the answers to ${INVITATIONS} invitations exactly`, async () => {
    const h = await startDeliveryHarness();
    try {
      const clients = loadClients(42);
      const sent = await sendInvitations(h, clients, INVITATIONS);
      const { attempted, acknowledged } = await answerUnderLoad(h, clients, sent.tokens, CLIENTS);
      const report = await expectExact(h, sent, acknowledged);

      // Nothing present that was never sent: the link of an invitation still waiting is refused.
      const later = await h.createCampaign({ delayDays: 3 });
      await h.postPurchases(later.id, [{ orderId: "later-1", email: "later@example.com" }]);
      const [unsent = ""] = await h.stores.purchases.tokensOf(later.id);
      const early = await fetch(`${h.baseUrl}/s/${unsent}`, {
        method: "POST",
        body: new URLSearchParams({ score: "10" }),
      });
      expect(clients.statuses.add(early.status)).toBe(404);
      expect(await h.stores.responses.get(unsent)).toBeUndefined();
      expect(clients.statuses.serverErrors).toBe(0);
      recordReliability(
        inject("reliabilitySummaryDir"),
        await loadRunRecord(h, {
          name: "load run",
          clients,
          sent,
          answered: { attempted, acknowledged },
          report,
        }),
      );
    } finally {
      await h.close();
    }
  }, 600_000);
});
