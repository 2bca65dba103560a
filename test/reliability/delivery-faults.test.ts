import { describe, expect, inject, it, vi } from "vitest";
import type { InvitationStore } from "../../functions/store/invitation-store";
import { reconcileCampaign } from "../../functions/use-cases/reconcile-campaign";
import type { SendPorts } from "../../functions/use-cases/send-invitation";
import { manualClock, startDeliveryHarness } from "../support/delivery-harness";
import { sesRejection, sesThrottling, startFaultProxy } from "../support/fault-proxy";
import { recordReliability, StatusTally } from "../support/reliability-summary";

/**
 * Delivery faults: SES in front of the emulator throttles some sends once (the SDK's retry absorbs it)
 * and some twice (outlasting the SDK's two attempts, so the queue retries the message), rejects some
 * recipients for good, and the sender dies after SES accepted some emails: before marking them sent
 * (the acceptance was recorded: the retry marks, one email) or before even recording the acceptance
 * (the one window left: the retry sends again, a second email). Afterwards every invitation is sent
 * or, if rejected, given up; nothing is lost; the sent counts and reconcile agree with the
 * invitations; no crash counts twice. Size: DELIVERY_FAULT_INVITATIONS (default 200).
 */
const INVITATIONS = Number(process.env.DELIVERY_FAULT_INVITATIONS ?? 200);

/** What happens to the invitation of customer i. */
function fateOf(i: number): "rejected" | "crash" | "lost" | "throttled-once" | "throttled-twice" | "clean" {
  if (i % 20 === 0) return "rejected";
  if (i % 20 === 5) return "crash";
  if (i % 20 === 15) return "lost";
  if (i % 20 === 3) return "throttled-once";
  if (i % 40 === 7) return "throttled-twice";
  return "clean";
}
const addressOf = (i: number) => `${fateOf(i)}-${i}@example.com`;

class SimulatedCrash extends Error {
  override name = "SimulatedCrash";
}

describe("SES throttling and rejection, and a crash between send and mark", () => {
  it(`lose nothing and count nothing twice over ${INVITATIONS} invitations`, async () => {
    const throttlesLeft = new Map<string, number>();
    for (let i = 0; i < INVITATIONS; i++) {
      const fate = fateOf(i);
      if (fate === "throttled-once") throttlesLeft.set(addressOf(i), 1);
      if (fate === "throttled-twice") throttlesLeft.set(addressOf(i), 2);
    }
    const proxy = await startFaultProxy("", (request) => {
      const to = (JSON.parse(request.body.toString() || "{}") as { Destination?: { ToAddresses?: string[] } })
        .Destination?.ToAddresses?.[0];
      if (!to) return undefined;
      if (to.startsWith("rejected-")) return sesRejection();
      const left = throttlesLeft.get(to) ?? 0;
      if (left === 0) return undefined;
      throttlesLeft.set(to, left - 1);
      return sesThrottling();
    });

    // The sender dies once per "crash" invitation after SES accepted its email and the acceptance was
    // recorded, before marking it; once per "lost" invitation before even the acceptance was recorded.
    const crashed = new Set<string>();
    const lost = new Set<string>();
    const emailOf = new Map<string, string>();
    const dieAfterSending = (deps: SendPorts): SendPorts => {
      const markSent: InvitationStore["markSent"] = async (invitation, ...rest) => {
        if (invitation.email.startsWith("crash-") && !crashed.has(invitation.token)) {
          crashed.add(invitation.token);
          throw new SimulatedCrash("the sender died between SES and marking the invitation sent");
        }
        return deps.invitations.markSent(invitation, ...rest);
      };
      const recordAcceptance: InvitationStore["recordAcceptance"] = async (token, ...rest) => {
        if (emailOf.get(token)?.startsWith("lost-") && !lost.has(token)) {
          lost.add(token);
          throw new SimulatedCrash("the sender died between SES and recording that SES accepted");
        }
        return deps.invitations.recordAcceptance(token, ...rest);
      };
      const invitations = Object.create(deps.invitations, {
        markSent: { value: markSent },
        recordAcceptance: { value: recordAcceptance },
      }) as InvitationStore;
      return { ...deps, invitations };
    };

    const clock = manualClock();
    const h = await startDeliveryHarness({
      clock: clock.now,
      sesEndpoint: proxy.url,
      sesMaxAttempts: 2,
      wrapSendPorts: dieAfterSending,
    });
    proxy.target.url = h.sesUrl;
    const statuses = new StatusTally();
    // The sender logs each failed message; here every one must be an injected fault, nothing else.
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const campaign = await h.createCampaign({ delayDays: 0, throttleDays: 0 });
      const purchases = Array.from({ length: INVITATIONS }, (_, i) => ({
        orderId: `d-${i}`,
        email: addressOf(i),
      }));
      for (let start = 0; start < purchases.length; start += 500) {
        const response = await h.api("POST", `/v1/campaigns/${campaign.id}/purchases`, {
          purchases: purchases.slice(start, start + 500),
        });
        expect(statuses.add(response.status)).toBe(202);
      }
      const tokensByOrder = await h.stores.invitations.getMany(
        await h.stores.purchases.tokensOf(campaign.id),
      );
      for (const invitation of tokensByOrder) emailOf.set(invitation.token, invitation.email);

      // The first pass meets every fault. A crash after the acceptance was recorded is marked by the
      // queue's retry at once. One before it holds its lock (10 minutes) and its dispatch lease
      // (15 minutes): once both have passed, the next pass sends it again and marks it.
      await h.deliver();
      for (let pass = 0; pass < 3; pass++) {
        clock.advance({ minutes: 16 });
        await h.deliver();
      }
      expect(await h.stores.invitations.findDue(clock.advance({ minutes: 16 }), 10)).toEqual([]);
      expect(h.queue.deadLetters).toEqual([]);

      const tokens = await h.stores.purchases.tokensOf(campaign.id);
      expect(tokens).toHaveLength(INVITATIONS);
      const invitations = await h.stores.invitations.getMany(tokens);
      expect(invitations).toHaveLength(INVITATIONS);
      const emails = await h.inbox();
      const emailsTo = new Map<string, number>();
      for (const email of emails) for (const to of email.to) emailsTo.set(to, (emailsTo.get(to) ?? 0) + 1);
      let rejected = 0;
      let sent = 0;
      for (const invitation of invitations) {
        const fate = invitation.email.split("-")[0];
        if (fate === "rejected") {
          rejected++;
          expect(invitation).toMatchObject({ status: "skipped", skipReason: "rejected", sentAt: null });
          expect(emailsTo.get(invitation.email) ?? 0).toBe(0);
        } else {
          sent++;
          expect(invitation.status, invitation.email).toBe("sent");
          expect(emailsTo.get(invitation.email), invitation.email).toBe(fate === "lost" ? 2 : 1);
        }
      }

      const results = await h.api<{ overall: { sent: number } }>(
        "GET",
        `/v1/campaigns/${campaign.id}/results`,
      );
      expect(statuses.add(results.status)).toBe(200);
      expect(results.body.overall.sent).toBe(sent);
      const report = await reconcileCampaign(h.stores, campaign.id);
      expect(report.differences).toEqual([]);

      const withFate = (fate: string) => purchases.filter((p) => p.email.startsWith(`${fate}-`)).length;
      const [once, twice, crashes, losses] = [
        withFate("throttled-once"),
        withFate("throttled-twice"),
        withFate("crash"),
        withFate("lost"),
      ];
      expect(Math.min(once, twice, crashes, losses, withFate("rejected"))).toBeGreaterThan(0);
      // Every failure the sender logged is an injected one, and each path ran as many times as planned:
      // a crash fails its message once; a throttle outlasting the SDK's 2 attempts fails it once (the
      // queue's retry then succeeds); a single throttle is absorbed by the SDK and logs nothing.
      const failures = logged.mock.calls.map((args) => JSON.parse(String(args[0])) as { error?: string });
      const failed = (name: string) => failures.filter((f) => f.error?.startsWith(`${name}:`)).length;
      expect(failed("SimulatedCrash")).toBe(crashes + losses);
      expect(failed("TooManyRequestsException")).toBe(twice);
      expect(failures).toHaveLength(crashes + losses + twice);

      const faults = proxy.faults();
      // A rejection is given up at once: SES sees each rejected recipient exactly once.
      expect(faults.SesRejection).toBe(withFate("rejected"));
      expect(faults.SesThrottling).toBe(once + 2 * twice);
      expect([...throttlesLeft.values()].every((left) => left === 0)).toBe(true);
      expect(crashed.size).toBe(crashes);
      expect(lost.size).toBe(losses);
      // Duplicate emails: only the crashes before the acceptance was recorded.
      expect(emails.length - sent).toBe(losses);
      expect(statuses.serverErrors).toBe(0);
      recordReliability(inject("reliabilitySummaryDir"), {
        name: "delivery faults",
        delivery: {
          invitations: INVITATIONS,
          sent,
          counted: results.body.overall.sent,
          rejected,
          emails: emails.length,
        },
        reconciled: { aggregates: report.aggregatesChecked, differences: report.differences.length },
        faults: {
          "SES throttling": faults.SesThrottling ?? 0,
          "SES rejection": faults.SesRejection ?? 0,
          "crash between send and mark": crashed.size,
          "crash between send and recording it": lost.size,
        },
        statuses: statuses.toJSON(),
        // The crashes injected between SES accepting an email and the product recording it: the one
        // window where a retry sends again.
        duplicateEmails: { duplicates: emails.length - sent, sends: sent },
      });
    } finally {
      logged.mockRestore();
      await h.close();
      await proxy.close();
    }
  }, 300_000);
});
