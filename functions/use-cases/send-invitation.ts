import type { Campaign } from "../domain/campaign";
import type { Clock } from "../domain/clock";
import { CapacityExceededError, MailRejectedError } from "../domain/errors";
import {
  type DeliveryMessage,
  type DueAction,
  decideDelivery,
  type Invitation,
  type InvitationEmail,
  invitationEmail,
  type Recipient,
  reminderDueAt,
  type SkipReason,
  type SurveySnapshot,
  surveySnapshotOf,
} from "../domain/invitation";

export type SendPorts = {
  readonly campaigns: { get(id: string): Promise<Campaign | undefined> };
  readonly invitations: {
    get(token: string): Promise<Invitation | undefined>;
    recipient(email: string): Promise<Recipient>;
    drop(token: string, action: DueAction): Promise<void>;
    skip(token: string, reason: SkipReason, now: Date): Promise<void>;
    /** Out of the due index while the campaign is paused; false when it no longer is. */
    park(invitation: Invitation, action: DueAction, now: Date): Promise<boolean>;
    /**
     * Takes the send's locks, atomically with the throttle window and the suppression check, and
     * copies onto the invitation the survey this email asks (what its link's page shows).
     */
    beginSend(
      invitation: Invitation,
      action: DueAction,
      now: Date,
      leaseMs: number,
      throttleDays: number,
      survey: SurveySnapshot,
    ): Promise<"locked" | "busy" | "throttled" | "suppressed" | "changed">;
    /** With `failed`, the attempt counts against the action (see MAX_SEND_FAILURES). */
    releaseSendLock(
      invitation: Pick<Invitation, "token" | "email">,
      action: DueAction,
      options?: { readonly failed?: boolean },
    ): Promise<void>;
    /** Records that SES accepted the email, before it is marked: it can no longer be given up. */
    recordAcceptance(token: string, action: DueAction, at: Date, messageId: string): Promise<void>;
    /** False when an earlier attempt marked it already. */
    markSent(
      invitation: Invitation,
      sentAt: Date,
      reminderDueAt: string | null,
      segments: Record<string, string>,
    ): Promise<boolean>;
    markReminderSent(invitation: Pick<Invitation, "token" | "email">, sentAt: Date): Promise<void>;
  };
  readonly results: {
    resolveSegments(
      campaignId: string,
      segmentBy: readonly string[],
      properties: Record<string, string | number | boolean>,
    ): Promise<Record<string, string>>;
  };
  /** Renders and sends a survey email; throws MailRejectedError when retrying cannot help. */
  readonly mail: { send(email: InvitationEmail): Promise<string> };
  /** Origin the survey links point at, e.g. https://surveys.acme.com (no trailing slash). */
  readonly publicBaseUrl: string;
  /** How long the send lock holds if the sender dies between sending and marking (default 10 minutes). */
  readonly sendLockMs?: number;
  readonly clock: Clock;
};

export type SendOutcome = "sent" | "reminded" | "skipped" | "dropped" | "parked" | "busy";

/**
 * Carries out one due action: checks again that it should happen (campaign state, suppression,
 * throttle window), takes the send's locks, sends, records that SES accepted the email, and marks it
 * sent. Throws on transient faults, so the queue retries the message; the conditional writes make
 * every retry safe, and a retry of an email SES already accepted marks it, never sends it again.
 */
export async function sendInvitation(ports: SendPorts, message: DeliveryMessage): Promise<SendOutcome> {
  const now = ports.clock();
  const invitation = await ports.invitations.get(message.token);
  if (!invitation) return "dropped";
  const campaign = await ports.campaigns.get(invitation.campaignId);
  if (!campaign) {
    // Its campaign was deleted (a purchase posted while it was being deleted): nothing will ever be
    // sent, so the entry leaves the due index rather than falling due again until it is given up.
    await ports.invitations.drop(invitation.token, message.action);
    return "dropped";
  }

  // SES accepted this email on an earlier attempt that could not mark it: mark it now.
  const accepted = message.action === "send" ? invitation.acceptedAt : invitation.reminderAcceptedAt;
  if (accepted !== null && invitation.nextAction === message.action) {
    return await recordSent(ports, campaign, invitation, message.action, new Date(accepted));
  }

  const recipient = await ports.invitations.recipient(invitation.email);
  const decision = decideDelivery(invitation, message.action, campaign, recipient, now);
  switch (decision.kind) {
    case "drop":
      await ports.invitations.drop(invitation.token, message.action);
      return "dropped";
    case "skip":
      await ports.invitations.skip(invitation.token, decision.reason, now);
      return "skipped";
    case "park":
      // Resumed meanwhile: the entry stays due and is sent after its lease.
      return (await ports.invitations.park(invitation, message.action, now)) ? "parked" : "busy";
    case "send":
      break;
  }

  // The read above is a hint; the locks decide, atomically with the throttle window and suppression.
  const lockMs = ports.sendLockMs ?? 10 * 60_000;
  const lock = await ports.invitations.beginSend(
    invitation,
    message.action,
    now,
    lockMs,
    campaign.throttleDays,
    surveySnapshotOf(campaign),
  );
  switch (lock) {
    case "locked":
      break;
    case "suppressed":
    case "throttled":
      if (message.action === "send") await ports.invitations.skip(invitation.token, lock, now);
      else await ports.invitations.drop(invitation.token, message.action);
      return "skipped";
    case "busy":
    case "changed":
      // Another sender holds this invitation or this address, or the invitation changed since it was
      // read (answered, unsubscribed): the entry falls due again after its lease, and is decided then.
      return "busy";
  }

  let messageId: string;
  try {
    messageId = await ports.mail.send(
      invitationEmail(campaign, invitation, {
        publicBaseUrl: ports.publicBaseUrl,
        isReminder: message.action === "remind",
      }),
    );
  } catch (error) {
    if (error instanceof MailRejectedError) {
      if (message.action === "send") await ports.invitations.skip(invitation.token, "rejected", now);
      else await ports.invitations.drop(invitation.token, message.action);
      await ports.invitations.releaseSendLock(invitation, message.action);
      return "skipped";
    }
    // Nothing was sent: the attempt counts, and the queue's retry may take the locks again at once.
    await ports.invitations.releaseSendLock(invitation, message.action, { failed: true });
    throw error;
  }

  // The email is out and cannot be recalled: first record that, on the invitation alone (a write no
  // answer competes with), then mark and count it. A mark that fails is retried by the queue as a mark.
  const sentAt = ports.clock();
  await retryWhileBusy(() =>
    ports.invitations.recordAcceptance(invitation.token, message.action, sentAt, messageId),
  );
  return await recordSent(ports, campaign, invitation, message.action, sentAt);
}

/** Marks an email SES accepted as sent, and counts it: idempotent, whichever attempt gets here. */
async function recordSent(
  ports: SendPorts,
  campaign: Campaign,
  invitation: Invitation,
  action: DueAction,
  sentAt: Date,
): Promise<SendOutcome> {
  if (action === "remind") {
    await retryWhileBusy(() => ports.invitations.markReminderSent(invitation, sentAt));
    return "reminded";
  }
  // The values the answer will be counted in too; admitted values are never removed, so a later
  // attempt resolves the same ones.
  const segments = await ports.results.resolveSegments(
    campaign.id,
    campaign.segmentBy,
    invitation.properties,
  );
  const reminder = reminderDueAt(sentAt.toISOString(), campaign.reminderDays);
  const marked = await retryWhileBusy(() =>
    ports.invitations.markSent(invitation, sentAt, reminder, segments),
  );
  // Marked already by an earlier attempt: counted once.
  return marked ? "sent" : "dropped";
}

const MARK_ATTEMPTS = 4;

/**
 * Records what was just sent, waiting out a busy table (up to about 3 s) before leaving it to the
 * queue's retry, which would find the acceptance recorded and mark it then.
 */
async function retryWhileBusy<T>(mark: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await mark();
    } catch (error) {
      if (!(error instanceof CapacityExceededError) || attempt >= MARK_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt * Math.random()));
    }
  }
}
