import { ANSWER_WINDOW_DAYS } from "./answer";
import type { Campaign, CampaignSettings } from "./campaign";
import { addDays, throttleWindow } from "./days";
import { type Locale, textIn } from "./locale";
import type { InvitationKind } from "./purchase";

/** One survey email to one person about one purchase, from scheduling to answer. */
export type DueAction = "send" | "remind";
/** Why an invitation was never sent; `erased`: its person's data was erased before it went out. */
export const SKIP_REASONS = [
  "suppressed",
  "throttled",
  "archived",
  "rejected",
  "undeliverable",
  "erased",
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];
export const INVITATION_STATUSES = ["scheduled", "sent", "skipped"] as const;

/**
 * Failed send attempts (a fault before SES accepted the email, each after the SDK's own retries)
 * after which a due action is given up as undeliverable. Only failures count: a claim whose lease ran
 * out while its message waited in a backlog is no failure, so a backlog delays a survey, never drops
 * it. The dead-letter queue, which alarms, holds the last failed message.
 */
export const MAX_SEND_FAILURES = 5;

export type Invitation = {
  token: string;
  campaignId: string;
  orderId: string;
  kind: InvitationKind;
  email: string;
  name: string | null;
  /** The purchase's locale; null means the campaign's. */
  locale: Locale | null;
  properties: Record<string, string | number | boolean>;
  purchasedAt: string;
  sendAt: string;
  status: (typeof INVITATION_STATUSES)[number];
  /** What is due next, and when; null once nothing more will happen. */
  nextAction: DueAction | null;
  dueAt: string | null;
  sentAt: string | null;
  reminderSentAt: string | null;
  /**
   * When SES accepted the email (or the reminder), recorded at once, before it is marked sent and
   * counted: from then on the invitation can no longer be given up, and a retry marks it instead of
   * sending it again.
   */
  acceptedAt: string | null;
  reminderAcceptedAt: string | null;
  /** Failed send attempts of the due action (see MAX_SEND_FAILURES). */
  sendFailures: number | null;
  answeredAt: string | null;
  unsubscribedAt: string | null;
  skipReason: SkipReason | null;
  /** The segment value counted for each segmentBy property, fixed when the email is sent. */
  segments: Record<string, string> | null;
  /**
   * When its person's data was erased (address, name, properties blanked): its links then answer like
   * unknown ones, and nothing more is sent or recorded for it.
   */
  erasedAt: string | null;
  /**
   * The campaign as the survey page and the answer need it, copied when the latest email was about to
   * go out; null for invitations sent before copies were kept (their pages read the campaign).
   */
  survey: SurveySnapshot | null;
};

/**
 * What the survey page and recording an answer need of a campaign. Copied onto the invitation with
 * each email (send or reminder), so a link's page is read in one request, and shows the survey the
 * customer was emailed: a campaign edited later (brand, questions, texts) changes the pages of surveys
 * emailed after the edit, never of those already in inboxes. Pausing, archiving and the answer window
 * do not depend on it.
 */
export type SurveySnapshot = Pick<
  Campaign,
  | "id"
  | "locale"
  | "brandName"
  | "logoUrl"
  | "accentColor"
  | "csat"
  | "attributes"
  | "promoterLink"
  | "thankYouNote"
  | "segmentBy"
>;

export const surveySnapshotOf = (campaign: Campaign): SurveySnapshot => ({
  id: campaign.id,
  locale: campaign.locale,
  brandName: campaign.brandName,
  logoUrl: campaign.logoUrl,
  accentColor: campaign.accentColor,
  csat: campaign.csat,
  attributes: campaign.attributes,
  promoterLink: campaign.promoterLink,
  thankYouNote: campaign.thankYouNote,
  segmentBy: campaign.segmentBy,
});

/** One survey email before rendering: the mail adapter renders it (HTML, text, headers) and sends it. */
export type InvitationEmail = {
  readonly to: string;
  readonly locale: Locale;
  readonly brandName: string;
  readonly senderName: string;
  /** Campaign's custom subject; null = localized default. */
  readonly subject: string | null;
  /** Campaign's custom intro line; null = localized default. May contain newlines (render as line breaks). */
  readonly intro: string | null;
  readonly recipientName: string | null;
  readonly isReminder: boolean;
  /** Absolute URL of the survey page for this invitation, without query; score links append ?score=N. */
  readonly surveyUrl: string;
  /** Absolute URL of the unsubscribe page (/u/{token}). */
  readonly unsubscribeUrl: string;
  /** The campaign's logo (https image URL) and accent colour (#RRGGBB), when it sets them. */
  readonly logoUrl: string | null;
  readonly accentColor: string | null;
};

/**
 * A due action found in the due index; `dueKey` is where it sits, which a claim must still find;
 * `failures` its failed send attempts so far.
 */
export type DueEntry = { token: string; action: DueAction; dueKey: string; failures: number };
/** A campaign's resume mark as read: the campaign left `paused`, and the mark's own key (opaque). */
export type ResumeMark = { readonly campaignId: string; readonly mark: string };

/** A unit of delivery work: one due action of one invitation (a queue message carries it). */
export type DeliveryMessage = { readonly token: string; readonly action: DueAction };

/** Why an address gets no more surveys: it unsubscribed, bounced for good, or complained. */
export const SUPPRESSION_REASONS = ["unsubscribed", "bounced", "complained"] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

/** What the record of a person says, read just before sending. */
export type Recipient = {
  suppressed: boolean;
  /** Why, while suppressed. */
  suppressedFor: SuppressionReason | null;
  /** When this person was last sent a survey, and for which purchase. */
  lastSentAt: string | null;
  lastSentPurchase: string | null;
};

export type DeliveryDecision =
  | { kind: "send" }
  | { kind: "skip"; reason: SkipReason }
  /** Nothing to send (answered, already done, or a stale message): the due entry just goes. */
  | { kind: "drop" }
  /** Campaign paused: wait outside the due index until it is resumed. */
  | { kind: "park" };

export const purchaseRef = (invitation: Pick<Invitation, "campaignId" | "orderId">): string =>
  `${invitation.campaignId}#${invitation.orderId}`;

/**
 * Decides, just before sending, whether the due action still should happen. Suppression and the
 * throttle window are checked again here because they may have changed since the purchase was posted.
 */
export function decideDelivery(
  invitation: Invitation,
  action: DueAction,
  campaign: Pick<CampaignSettings, "status" | "throttleDays">,
  recipient: Recipient,
  now: Date,
): DeliveryDecision {
  if (invitation.nextAction !== action || invitation.status === "skipped") return { kind: "drop" };
  if (campaign.status === "archived")
    return action === "send" ? { kind: "skip", reason: "archived" } : { kind: "drop" };
  if (campaign.status === "paused") return { kind: "park" };
  if (recipient.suppressed || invitation.unsubscribedAt) {
    return action === "send" ? { kind: "skip", reason: "suppressed" } : { kind: "drop" };
  }
  if (action === "remind") {
    return invitation.answeredAt || invitation.status !== "sent" ? { kind: "drop" } : { kind: "send" };
  }
  if (invitation.status !== "scheduled") return { kind: "drop" };
  const sameRelationship = recipient.lastSentPurchase === purchaseRef(invitation);
  if (recipient.lastSentAt && !sameRelationship && campaign.throttleDays > 0) {
    const window = throttleWindow(now.toISOString(), campaign.throttleDays);
    if (recipient.lastSentAt > window.from) return { kind: "skip", reason: "throttled" };
  }
  return { kind: "send" };
}

/** After the first email: a reminder is due `reminderDays` later when the campaign has one. */
export function reminderDueAt(sentAt: string, reminderDays: number | null): string | null {
  return reminderDays === null ? null : addDays(sentAt, reminderDays);
}

/** Answers and edits are accepted for ANSWER_WINDOW_DAYS after the email was sent. */
export function answerWindowClosed(
  invitation: Pick<Invitation, "sentAt" | "acceptedAt">,
  now: Date,
): boolean {
  const sent = invitation.sentAt ?? invitation.acceptedAt;
  return sent !== null && addDays(sent, ANSWER_WINDOW_DAYS) < now.toISOString();
}

/**
 * The survey email of an invitation (or its reminder): the campaign's texts in the invitation's
 * language, and its links on `publicBaseUrl` (the API's origin or the client's domain).
 */
export function invitationEmail(
  campaign: Campaign,
  invitation: Pick<Invitation, "token" | "email" | "name" | "locale">,
  options: { readonly publicBaseUrl: string; readonly isReminder: boolean },
): InvitationEmail {
  const locale = invitation.locale ?? campaign.locale;
  return {
    to: invitation.email,
    locale,
    brandName: campaign.brandName,
    senderName: campaign.senderName,
    subject: campaign.subject === null ? null : textIn(campaign.subject, locale, campaign.locale),
    intro: campaign.intro === null ? null : textIn(campaign.intro, locale, campaign.locale),
    logoUrl: campaign.logoUrl,
    accentColor: campaign.accentColor,
    recipientName: invitation.name,
    isReminder: options.isReminder,
    surveyUrl: `${options.publicBaseUrl}/s/${invitation.token}`,
    unsubscribeUrl: `${options.publicBaseUrl}/u/${invitation.token}`,
  };
}
