import type { Campaign } from "../domain/campaign";
import { decideDelivery, reminderDueAt } from "../domain/invitation";
import type { MailSender } from "../mail/mail-sender";
import { MailRejectedError } from "../mail/mail-sender";
import { renderInvitationEmail } from "../mail/render-invitation-email";
import type { CampaignStore } from "../store/campaign-store";
import type { InvitationStore } from "../store/invitation-store";
import type { ResultsStore } from "../store/results-store";
import { failedConditions, isCapacityExceeded } from "../store/transactions";
import type { DeliveryMessage } from "./work-queue";

export type SendDependencies = {
  readonly campaigns: CampaignStore;
  readonly invitations: InvitationStore;
  readonly results: ResultsStore;
  readonly mail: MailSender;
  /** Origin the survey links point at, e.g. https://surveys.acme.com (no trailing slash). */
  readonly publicBaseUrl: string;
  /** How long the send lock holds if the sender dies between SES and marking. */
  readonly sendLockMs?: number;
  readonly clock?: () => Date;
};

export type SendOutcome = "sent" | "reminded" | "skipped" | "dropped" | "postponed" | "busy";

/**
 * Carries out one due action: checks again that it should happen (campaign state, suppression,
 * throttle window), takes the send lock, sends, and marks it sent. Throws on transient faults, so the
 * queue retries the message; the conditional writes make every retry safe.
 */
export async function sendDueInvitation(
  deps: SendDependencies,
  message: DeliveryMessage,
): Promise<SendOutcome> {
  const now = (deps.clock ?? (() => new Date()))();
  const invitation = await deps.invitations.get(message.token);
  if (!invitation) return "dropped";
  const campaign = await deps.campaigns.get(invitation.campaignId);
  if (!campaign) return "dropped";

  const recipient = await deps.invitations.recipient(invitation.email);
  const decision = decideDelivery(invitation, message.action, campaign, recipient, now);
  switch (decision.kind) {
    case "drop":
      await deps.invitations.drop(invitation.token, message.action);
      return "dropped";
    case "skip":
      await deps.invitations.skip(invitation.token, decision.reason, now);
      return "skipped";
    case "postpone":
      await deps.invitations.postpone(invitation.token, message.action, decision.until);
      return "postponed";
    case "send":
      break;
  }

  if (
    !(await deps.invitations.lockForSending(
      invitation.token,
      message.action,
      now,
      deps.sendLockMs ?? 10 * 60_000,
    ))
  ) {
    return "busy";
  }
  // Fixed before sending, so a failure here sends nothing; the answer will count in the same segments.
  const segments =
    message.action === "send"
      ? await deps.results.resolveSegments(campaign.id, campaign.segmentBy, invitation.properties)
      : {};
  const email = renderEmail(deps, campaign, invitation, message.action === "remind");
  try {
    await deps.mail.send(email);
  } catch (error) {
    if (error instanceof MailRejectedError) {
      if (message.action === "send") await deps.invitations.skip(invitation.token, "rejected", now);
      else await deps.invitations.drop(invitation.token, message.action);
      return "skipped";
    }
    // Nothing was sent: let the queue's retry take the lock again instead of waiting for it to expire.
    await deps.invitations.releaseSendLock(invitation.token, message.action);
    throw error;
  }

  const sentAt = (deps.clock ?? (() => new Date()))();
  if (message.action === "remind") {
    await markAfterSending(() => deps.invitations.markReminderSent(invitation.token, sentAt));
    return "reminded";
  }
  try {
    await markAfterSending(() =>
      deps.invitations.markSent(
        invitation,
        sentAt,
        reminderDueAt(sentAt.toISOString(), campaign.reminderDays),
        segments,
      ),
    );
  } catch (error) {
    // The invitation's own condition failed: an earlier attempt marked it already. The mail went out
    // twice at worst, and counts once. Anything else is thrown, so the queue retries the message.
    if (failedConditions(error)?.includes(0)) return "dropped";
    throw error;
  }
  return "sent";
}

const MARK_ATTEMPTS = 4;

/**
 * Records what was just sent. The email is out and cannot be recalled, so a busy table is waited out
 * here (up to about 3 s) rather than left to the queue: a message retried later finds its send lock
 * taken and would wait for the lease, then send the email again.
 */
async function markAfterSending(mark: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await mark();
      return;
    } catch (error) {
      if (!isCapacityExceeded(error) || attempt >= MARK_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt * Math.random()));
    }
  }
}

function renderEmail(
  deps: SendDependencies,
  campaign: Campaign,
  invitation: { token: string; email: string; name: string | null; locale: Campaign["locale"] | null },
  isReminder: boolean,
) {
  const rendered = renderInvitationEmail({
    locale: invitation.locale ?? campaign.locale,
    brandName: campaign.brandName,
    senderName: campaign.senderName,
    subject: campaign.subject,
    intro: campaign.intro,
    recipientName: invitation.name,
    isReminder,
    surveyUrl: `${deps.publicBaseUrl}/s/${invitation.token}`,
    unsubscribeUrl: `${deps.publicBaseUrl}/u/${invitation.token}`,
  });
  return { fromName: campaign.senderName, to: invitation.email, ...rendered };
}
