import { personLinkExpiresAt } from "../domain/retention";
import { personLinkKey } from "./keys";

/** A person's link to one of their purchases, as read back (it never holds the address). */
export type PersonLink = {
  readonly campaignId: string;
  readonly orderId: string;
  /** The purchase's invitation tokens, so its invitations and answers are found even after it expired. */
  readonly tokens: readonly string[];
};

/**
 * The link item from an address to one of its purchases: written with the purchase (PurchaseStore),
 * and by the backfill for purchases recorded before links existed (PersonStore).
 */
export function personLinkItem(
  email: string,
  link: PersonLink,
  /** The purchase's `expiresAt` (epoch seconds), if it has one. */
  purchaseExpiresAt: number | undefined,
): Record<string, unknown> {
  return {
    ...personLinkKey(email, link.campaignId, link.orderId),
    type: "person-link",
    campaignId: link.campaignId,
    orderId: link.orderId,
    tokens: [...link.tokens],
    ...(purchaseExpiresAt === undefined ? {} : { expiresAt: personLinkExpiresAt(purchaseExpiresAt) }),
  };
}

export function toPersonLink(item: Record<string, unknown>): PersonLink {
  return {
    campaignId: String(item.campaignId),
    orderId: String(item.orderId),
    tokens: Array.isArray(item.tokens) ? (item.tokens as string[]) : [],
  };
}
