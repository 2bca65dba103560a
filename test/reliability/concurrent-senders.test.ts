import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Campaign } from "../../functions/domain/campaign";
import type { Invitation } from "../../functions/domain/invitation";
import { purchaseRef } from "../../functions/domain/invitation";
import { planInvitations, toPurchase } from "../../functions/domain/purchase";
import { createSendQueueHandler } from "../../functions/events/send-queue";
import { createSesNotificationHandler } from "../../functions/events/ses-notifications";
import { dispatchDueInvitations } from "../../functions/use-cases/dispatch-due-invitations";
import { reconcileCampaign } from "../../functions/use-cases/reconcile-campaign";
import type { SendPorts } from "../../functions/use-cases/send-invitation";
import { type DeliveryHarness, manualClock, startDeliveryHarness } from "../support/delivery-harness";
import { recordReliability, StatusTally } from "../support/reliability-summary";

/**
 * Concurrent senders checked against a history. SENDERS send functions at once take messages as SQS
 * hands them out, over many invitations per address across three campaigns, while unsubscribes,
 * bounces, answers and give-ups land in the middle of sends. Every step that decides (the send's
 * locks, each unsubscribe, bounce and answer) is recorded with when it started and when it finished;
 * afterwards, per address:
 * - no two emails about different purchases (every send falls inside one 30-day throttle window;
 *   a purchase's own follow-up and an invitation's reminder belong to the same purchase);
 * - no email whose locks were asked for after a suppression of its address had committed, and no
 *   reminder asked for after its survey was answered;
 * - every email belongs to an invitation marked sent and counted, whose link opens.
 * Size: CONCURRENT_ADDRESSES (default 120), SENDERS (default 8).
 */
const ADDRESSES = Number(process.env.CONCURRENT_ADDRESSES ?? 120);
const SENDERS = Number(process.env.SENDERS ?? 8);
const THROTTLE_DAYS = 30;

/** What the test does to address i while its surveys are being sent. */
function fateOf(i: number) {
  if (i % 10 === 1) return "unsubscribed before the lock"; // committed before its locks are asked for
  if (i % 10 === 2) return "unsubscribed during the send"; // racing the locks: either outcome is right
  if (i % 10 === 3) return "bounced during the send"; // an SES bounce event, racing the locks
  if (i % 10 === 4) return "flaky"; // SES fails each survey 5 times: given up, racing a redrive
  return "plain";
}

type Step = {
  kind: string;
  email: string;
  token?: string;
  started: number;
  finished: number;
  result?: string;
};

const clock = manualClock("2026-06-01T08:00:00.000Z");
let h: DeliveryHarness;
/** A logical clock for the history: each step takes one tick as it starts and one as it finishes. */
let tick = 0;
const history: Step[] = [];
const statuses = new StatusTally();

async function recorded<T>(kind: string, email: string, token: string | undefined, run: () => Promise<T>) {
  const started = ++tick;
  const result = await run();
  history.push({ kind, email, token, started, finished: ++tick, result: String(result) });
  return result;
}

beforeAll(async () => {
  h = await startDeliveryHarness({ clock: clock.now });
});
afterAll(async () => h?.close());

describe("concurrent senders against a history", () => {
  it("never mail twice inside the window, never after a suppression or an answer, and every email is a counted, open survey", async () => {
    const suppressions = createSesNotificationHandler({ invitations: h.stores.invitations, clock: h.clock });
    const unsubscribe = (email: string) =>
      recorded("suppression", email, undefined, () =>
        h.stores.invitations.suppress(email, "unsubscribed", clock.now(), "test"),
      );
    const bounce = (email: string) =>
      recorded("suppression", email, undefined, () =>
        suppressions({
          Records: [
            {
              Sns: {
                Message: JSON.stringify({
                  eventType: "Bounce",
                  mail: { messageId: `bounce-${email}` },
                  bounce: { bounceType: "Permanent", bouncedRecipients: [{ emailAddress: email }] },
                }),
              },
            },
          ],
        } as never),
      );
    const answer = async (token: string, email: string) =>
      recorded("answer", email, token, async () => {
        const response = await fetch(`${h.baseUrl}/s/${token}`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: "score=9",
        });
        await response.text();
        return statuses.add(response.status);
      });

    // Three campaigns; the third follows each purchase up after a day and reminds after a day.
    const campaigns: Campaign[] = [
      await h.createCampaign({ name: "A", delayDays: 0, throttleDays: THROTTLE_DAYS }),
      await h.createCampaign({ name: "B", delayDays: 0, throttleDays: THROTTLE_DAYS }),
      await h.createCampaign({
        name: "C",
        delayDays: 0,
        followUpDays: 1,
        reminderDays: 1,
        throttleDays: THROTTLE_DAYS,
      }),
    ];
    // Each address has a purchase in one to three campaigns, all due at once: recorded as the API
    // records them but without its purchase-time window check, as purchases racing each other would.
    const emailOf = (i: number) => `${fateOf(i).replaceAll(" ", "-")}-${i}@example.com`;
    for (let i = 0; i < ADDRESSES; i++) {
      for (const campaign of campaigns.slice(0, 1 + (i % 3))) {
        const purchase = toPurchase({ orderId: `o-${i}`, email: emailOf(i) }, clock.now());
        if (!purchase.ok) throw new Error("invalid purchase");
        await h.stores.purchases.record(
          { id: campaign.id, throttleDays: 0 },
          purchase.value,
          planInvitations(campaign, purchase.value),
          false,
          clock.now(),
        );
      }
    }

    // The senders' ports, recording each lock and each email, and injecting each address's fate.
    const sesFailures = new Map<string, number>();
    const racing: Promise<unknown>[] = [];
    const answerFirst = new Set<string>();
    const ports: SendPorts = {
      ...h.sendPorts,
      invitations: Object.create(h.sendPorts.invitations, {
        beginSend: {
          value: async (invitation: Invitation, action: "send" | "remind", ...rest: unknown[]) => {
            const fate = fateOf(Number(/-(\d+)@/.exec(invitation.email)?.[1]));
            if (action === "send" && fate === "unsubscribed before the lock")
              await unsubscribe(invitation.email);
            if (action === "send" && fate === "unsubscribed during the send")
              racing.push(unsubscribe(invitation.email));
            if (action === "send" && fate === "bounced during the send")
              racing.push(bounce(invitation.email));
            if (action === "remind" && answerFirst.has(invitation.token))
              await answer(invitation.token, invitation.email);
            return await recorded(`lock ${action}`, invitation.email, invitation.token, () =>
              (h.sendPorts.invitations.beginSend as (...args: unknown[]) => Promise<string>)(
                invitation,
                action,
                ...rest,
              ),
            );
          },
        },
      }),
      mail: {
        send: async (email) => {
          if (email.to.startsWith("flaky-")) {
            const failures = sesFailures.get(email.surveyUrl) ?? 0;
            if (failures < 5) {
              sesFailures.set(email.surveyUrl, failures + 1);
              throw new Error("SES unavailable (injected)");
            }
          }
          return await h.sendPorts.mail.send(email);
        },
      },
    };
    const dispatch = () =>
      dispatchDueInvitations({ invitations: h.stores.invitations, queue: h.queue, clock: h.clock });
    const senders = async () => {
      const handlers = Array.from({ length: SENDERS }, () => createSendQueueHandler(ports));
      await Promise.all(
        handlers.map(async (handler) => {
          while (h.queue.size > 0) await h.queue.deliver(handler, 1);
        }),
      );
    };

    // Round 1: every first survey at once, with the suppressions landing in the middle.
    await dispatch();
    await senders();
    await Promise.all(racing);
    // The flaky ones failed 5 times: in the dead-letter queue, their claims running out. After the
    // lease, the dispatcher gives them up while an operator redrives the dead letters (SES works
    // again): each either is sent (and can no longer be given up) or is given up (and is not sent).
    const flaky = h.queue.deadLetters.splice(0);
    expect(flaky.length).toBeGreaterThan(0);
    clock.advance({ minutes: 16 });
    for (const message of flaky) h.queue.push(message.body);
    await Promise.all([dispatch(), senders()]);
    await senders();

    // Round 2, a day later: the follow-ups and reminders of campaign C, some surveys answered just
    // before their reminder's locks are asked for, others racing them.
    const remindable = (
      await h.stores.invitations.getMany(await h.stores.purchases.tokensOf(campaigns[2]?.id ?? ""))
    ).filter((invitation) => invitation.status === "sent" && invitation.kind === "initial");
    remindable.forEach((invitation, i) => {
      if (i % 3 === 0) answerFirst.add(invitation.token);
    });
    clock.advance({ days: 1, hours: 1 });
    await dispatch();
    const racingAnswers = remindable
      .filter((_, i) => i % 3 === 1)
      .map((invitation) => answer(invitation.token, invitation.email));
    await Promise.all([senders(), ...racingAnswers]);
    for (let pass = 0; pass < 3; pass++) {
      clock.advance({ minutes: 16 });
      await dispatch();
      await senders();
    }

    // The history against the invariants.
    const emails = await h.inbox();
    const invitations = new Map<string, Invitation>();
    for (const campaign of campaigns) {
      for (const invitation of await h.stores.invitations.getMany(
        await h.stores.purchases.tokensOf(campaign.id),
      ))
        invitations.set(invitation.token, invitation);
    }
    const mailed = emails.map((email) => {
      const token = h.linksIn(email).token;
      const invitation = invitations.get(token);
      if (!invitation) throw new Error(`an email for no invitation of the run: ${token}`);
      return { to: email.to[0] ?? "", token, invitation };
    });
    // Emails per survey: its first, and its reminder if it was marked reminded; anything more would
    // be a second copy.
    const emailsPerToken = new Map<string, number>();
    for (const email of mailed) emailsPerToken.set(email.token, (emailsPerToken.get(email.token) ?? 0) + 1);
    for (const [token, count] of emailsPerToken) {
      const invitation = invitations.get(token);
      expect({ token, count }).toEqual({ token, count: invitation?.reminderSentAt ? 2 : 1 });
    }
    const byAddress = new Map<string, typeof mailed>();
    for (const email of mailed) byAddress.set(email.to, [...(byAddress.get(email.to) ?? []), email]);
    /** Emails against the customer's permission: inside the throttle window, after a suppression, after an answer. */
    let violations = 0;
    for (const [address, sent] of byAddress) {
      // One purchase per address at most: everything happened within one throttle window.
      const purchases = new Set(sent.map((email) => purchaseRef(email.invitation)));
      violations += purchases.size - 1;
      expect({ address, purchases: purchases.size }).toEqual({ address, purchases: 1 });
      const suppressed = history.filter((step) => step.kind === "suppression" && step.email === address);
      for (const email of sent) {
        const locks = history.filter(
          (step) => step.kind.startsWith("lock") && step.token === email.token && step.result === "locked",
        );
        expect(locks.length, address).toBeGreaterThan(0);
        // Each lock that let an email go was asked for before any suppression of the address committed.
        for (const lock of locks) {
          const before = suppressed.filter((step) => step.finished < lock.started);
          if (before.length > 0) violations++;
          expect({ address, suppressedBeforeLock: before.length }).toEqual({
            address,
            suppressedBeforeLock: 0,
          });
        }
        // A sent survey, counted, whose link opens.
        expect({ address, status: email.invitation.status }).toEqual({
          address,
          status: expect.stringMatching(/^(sent|answered)$/),
        });
        expect(email.invitation.sentAt, address).not.toBeNull();
        const page = await fetch(`${h.baseUrl}/s/${email.token}`);
        await page.text();
        expect({ address, page: statuses.add(page.status) }).toEqual({ address, page: 200 });
      }
    }
    // No reminder asked for after its survey was answered.
    const answered = history.filter((step) => step.kind === "answer" && step.result === "200");
    for (const lock of history.filter((step) => step.kind === "lock remind" && step.result === "locked")) {
      const before = answered.filter((step) => step.token === lock.token && step.finished < lock.started);
      if (before.length > 0) violations++;
      expect({ token: lock.token, answeredBeforeReminder: before.length }).toEqual({
        token: lock.token,
        answeredBeforeReminder: 0,
      });
    }
    // The answered-first surveys got no reminder; the flaky ones were either sent or given up.
    for (const token of answerFirst) {
      expect({
        token,
        emails: emailsPerToken.get(token),
        reminded: invitations.get(token)?.reminderSentAt,
      }).toEqual({ token, emails: 1, reminded: null });
    }
    const flakyInvitations = [...invitations.values()].filter((i) => i.email.startsWith("flaky-"));
    for (const invitation of flakyInvitations) {
      const emailed = mailed.some((email) => email.token === invitation.token);
      expect({ token: invitation.token, emailed, status: invitation.status }).toEqual({
        token: invitation.token,
        emailed,
        status: emailed ? expect.stringMatching(/^(sent|answered)$/) : "skipped",
      });
    }

    // Counted once: each campaign's sent count is its invitations marked sent, reconcile is clean.
    let differences = 0;
    let aggregates = 0;
    let counted = 0;
    for (const campaign of campaigns) {
      const results = await h.api<{ overall: { sent: number } }>(
        "GET",
        `/v1/campaigns/${campaign.id}/results`,
      );
      const marked = [...invitations.values()].filter(
        (i) => i.campaignId === campaign.id && i.sentAt !== null,
      );
      expect(results.body.overall.sent).toBe(marked.length);
      counted += results.body.overall.sent;
      const report = await reconcileCampaign(h.stores, campaign.id);
      expect(report.differences).toEqual([]);
      differences += report.differences.length;
      aggregates += report.aggregatesChecked;
    }
    const sentInvitations = [...invitations.values()].filter((i) => i.sentAt !== null);
    expect(emailsPerToken.size).toBe(sentInvitations.length);
    expect(violations).toBe(0);
    expect(statuses.serverErrors).toBe(0);
    // The injected races did happen: suppressions that stopped a send, and give-ups.
    const stoppedBySuppression = history.filter(
      (s) => s.kind === "lock send" && s.result === "suppressed",
    ).length;
    expect(stoppedBySuppression).toBeGreaterThan(0);
    const givenUp = flakyInvitations.filter((i) => i.skipReason === "undeliverable").length;
    recordReliability(inject("reliabilitySummaryDir"), {
      name: "concurrent senders",
      delivery: {
        invitations: invitations.size,
        sent: sentInvitations.length,
        counted,
        rejected: 0,
        emails: emails.length,
      },
      faults: {
        "unsubscribes and bounces during sends": history.filter((s) => s.kind === "suppression").length,
        "answers before or during reminders": answered.length,
        "failed sends redriven while give-ups ran": flaky.length,
      },
      reconciled: { aggregates, differences },
      emailsAgainstPermission: violations,
      statuses: statuses.toJSON(),
      duplicateEmails: {
        duplicates: [...emailsPerToken].reduce(
          (sum, [token, count]) => sum + count - (invitations.get(token)?.reminderSentAt ? 2 : 1),
          0,
        ),
        sends: emails.length,
      },
    });
    console.log(
      `concurrent senders: ${SENDERS} senders, ${invitations.size} invitations, ${emails.length} emails, ` +
        `${stoppedBySuppression} sends stopped by a suppression, ${givenUp} of ${flakyInvitations.length} flaky given up`,
    );
  }, 300_000);
});
