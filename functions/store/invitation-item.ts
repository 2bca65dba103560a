import type { Invitation } from "../domain/invitation";

/**
 * The invitation item's fields as stored: read by the invitation store, and by the survey-link read
 * that fetches an invitation together with its answer.
 */
const INVITATION_FIELDS = [
  "token",
  "campaignId",
  "orderId",
  "kind",
  "email",
  "name",
  "locale",
  "properties",
  "purchasedAt",
  "sendAt",
  "status",
  "nextAction",
  "dueAt",
  "sentAt",
  "reminderSentAt",
  "acceptedAt",
  "reminderAcceptedAt",
  "sendFailures",
  "answeredAt",
  "unsubscribedAt",
  "skipReason",
  "segments",
  "erasedAt",
  "survey",
] as const satisfies readonly (keyof Invitation)[];

/** An invitation item as the domain's Invitation; an attribute the item lacks is null. */
export function toInvitation(item: Record<string, unknown>): Invitation {
  return Object.fromEntries(INVITATION_FIELDS.map((field) => [field, item[field] ?? null])) as Invitation;
}
