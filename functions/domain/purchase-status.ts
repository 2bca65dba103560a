import { localeSchema } from "./campaign";
import { type Invitation, SKIP_REASONS, SUPPRESSION_REASONS, type SuppressionReason } from "./invitation";
import type { Purchase } from "./purchase";
import { responseId } from "./response-export";
import { SINGLE_LINE, wellFormed } from "./text";
import * as z from "./zod";

/**
 * Where a purchase's surveys stand, for support questions ("did this customer get the survey?"): the
 * purchase as recorded and, per invitation, a delivery status read from the invitation and from the
 * suppression of its address. The survey token never appears: it is the customer's secret.
 */

/** A purchase as the table holds it: what was posted, what posting it answered, and its invitations. */
export type RecordedPurchase = Purchase & {
  readonly status: "scheduled" | "suppressed" | "throttled";
  readonly recordedAt: string;
  /** The tokens of its invitations: initial first, then the follow-up; none unless scheduled. */
  readonly tokens: readonly string[];
  /** When its person's data was erased (email "", name null, properties {}); null when it was not. */
  readonly erasedAt: string | null;
};

/**
 * Which of a campaign's purchases a listing keeps: those of one address (normalized), recorded within
 * the ISO instants recordedFrom..recordedTo (inclusive); any left out is not filtered on.
 */
export type PurchaseFilter = {
  readonly email?: string | undefined;
  readonly recordedFrom?: string | undefined;
  readonly recordedTo?: string | undefined;
};

/**
 * The orderId in the path, as posted: 1–200 characters on one line. One that breaks these rules names
 * no purchase, so it answers 404 like any unknown orderId.
 */
export const orderIdParamSchema = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(200),
    z.regex(SINGLE_LINE),
    wellFormed(),
    z.describe(
      "The purchase's orderId exactly as posted, percent-encoded as one path segment (`/` as `%2F`, `%` as " +
        "`%25`, `#` as `%23`, `?` as `%3F`; `encodeURIComponent` does this).",
    ),
  );

export const DELIVERY_STATUSES = [
  "scheduled",
  "sent",
  "skipped",
  "bounced",
  "answered",
  "unsubscribed",
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

const instant = (what: string) => z.nullable(z.iso.datetime()).check(z.describe(what));

/** One invitation of a purchase, as support sees it. */
export const invitationDeliverySchema = z
  .object({
    kind: z
      .enum(["initial", "followUp"])
      .check(
        z.describe(
          "`initial`: the survey `delayDays` after the purchase; `followUp`: the one `followUpDays` after.",
        ),
      ),
    status: z
      .enum(DELIVERY_STATUSES)
      .check(
        z.describe(
          "Where it stands: `scheduled`: not sent yet, due at `sendAt` (later while the campaign is paused); " +
            "`skipped`: never sent, see `skipReason`; `sent`: the email went out at `sentAt` and is not answered; " +
            "`bounced`: sent, but the address has since bounced or complained (see `suppression` of the purchase) " +
            "and gets no more surveys; `unsubscribed`: sent, and the customer unsubscribed (through this email's " +
            "link, `unsubscribedAt`, or another); `answered`: the customer answered at `answeredAt`, see " +
            "`responseId`. A later state wins: answered over unsubscribed over bounced over sent.",
        ),
      ),
    sendAt: z.iso.datetime().check(z.describe("When the email was planned to go out (ISO 8601, UTC).")),
    sentAt: instant("When the email went out; null until then, and for a skipped one."),
    skipReason: z
      .nullable(z.enum(SKIP_REASONS))
      .check(
        z.describe(
          "Why it was never sent: `suppressed` (the address unsubscribed, bounced or complained), `throttled` " +
            "(another survey reached the person within `throttleDays`), `archived` (the campaign was archived " +
            "first), `rejected` (SES refused the message), `undeliverable` (sending failed again and again) or " +
            "`erased` (the person's data was erased before it went out); " +
            "null unless `skipped`.",
        ),
      ),
    reminderDueAt: instant("When a reminder is due, while one is; null otherwise."),
    reminderSentAt: instant("When the reminder went out; null when none was sent."),
    answeredAt: instant("When the customer first answered; null when they have not."),
    unsubscribedAt: instant(
      "When the customer unsubscribed through this email's link; null when they did not.",
    ),
    responseId: z
      .nullable(z.string().check(z.regex(/^rsp_[A-Za-z0-9_-]{22}$/)))
      .check(
        z.describe(
          "The `id` of the answer in `GET …/responses` and the CSV export; null until the customer answers.",
        ),
      ),
  })
  .check(z.describe("One survey email of a purchase and where it stands; the survey link is never shown."));
export type InvitationDelivery = z.infer<typeof invitationDeliverySchema>;

/** GET …/purchases/{orderId}. */
export const purchaseDeliverySchema = z
  .object({
    orderId: z.string().check(z.describe("The purchase's orderId, as posted.")),
    status: z
      .enum(["scheduled", "suppressed", "throttled"])
      .check(
        z.describe(
          "What posting it answered: `scheduled` (its surveys are below), `suppressed` or `throttled` (no survey: " +
            "`invitations` is empty).",
        ),
      ),
    email: z
      .string()
      .check(
        z.describe("The customer's email address, lower-cased; empty once the person's data was erased."),
      ),
    name: z.nullable(z.string()).check(z.describe("The customer's name; null when the purchase gave none.")),
    locale: z
      .nullable(localeSchema)
      .check(z.describe("The purchase's locale; null when it gave none (the campaign's applies).")),
    purchasedAt: z.iso.datetime().check(z.describe("When the purchase was made (ISO 8601, UTC).")),
    recordedAt: z.iso.datetime().check(z.describe("When it was posted (ISO 8601, UTC).")),
    properties: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .check(z.describe("The purchase's properties, as posted.")),
    suppression: z
      .nullable(z.enum(SUPPRESSION_REASONS))
      .check(
        z.describe(
          "Why the address gets no surveys at all now: it `unsubscribed`, `bounced` or `complained` (SES reported " +
            "it); null when it is not suppressed.",
        ),
      ),
    invitations: z
      .array(invitationDeliverySchema)
      .check(
        z.describe(
          "Its survey emails, initial first. Empty unless `scheduled`; one past the data retention period (the " +
            "stack's `retentionDays` after it was due) is no longer listed.",
        ),
      ),
  })
  .check(z.describe("A purchase and where each of its survey emails stands."));
export type PurchaseDelivery = z.infer<typeof purchaseDeliverySchema>;

/** Where one invitation stands, given what its address's suppression says now. */
export function deliveryStatus(
  invitation: Pick<Invitation, "status" | "answeredAt" | "unsubscribedAt">,
  suppressedFor: SuppressionReason | null,
): DeliveryStatus {
  if (invitation.status !== "sent") return invitation.status;
  if (invitation.answeredAt) return "answered";
  if (invitation.unsubscribedAt || suppressedFor === "unsubscribed") return "unsubscribed";
  if (suppressedFor === "bounced" || suppressedFor === "complained") return "bounced";
  return "sent";
}

/** The purchase and its invitations (those still kept), as support sees them. */
export function purchaseDelivery(
  purchase: RecordedPurchase,
  invitations: readonly Invitation[],
  suppressedFor: SuppressionReason | null,
): PurchaseDelivery {
  return {
    orderId: purchase.orderId,
    status: purchase.status,
    email: purchase.email,
    name: purchase.name,
    locale: purchase.locale,
    purchasedAt: purchase.purchasedAt,
    recordedAt: purchase.recordedAt,
    properties: purchase.properties,
    suppression: suppressedFor,
    invitations: invitations.map((invitation) => ({
      kind: invitation.kind,
      status: deliveryStatus(invitation, suppressedFor),
      sendAt: invitation.sendAt,
      sentAt: invitation.sentAt,
      skipReason: invitation.skipReason,
      reminderDueAt: invitation.nextAction === "remind" ? invitation.dueAt : null,
      reminderSentAt: invitation.reminderSentAt,
      answeredAt: invitation.answeredAt,
      unsubscribedAt: invitation.unsubscribedAt,
      responseId: invitation.answeredAt ? responseId(invitation.token) : null,
    })),
  };
}
