import type { Campaign } from "../domain/campaign";
import { describeIssues } from "../domain/describe-issues";
import { planInvitations, purchaseSchema, toPurchase } from "../domain/purchase";
import type { InvitationStore } from "../store/invitation-store";
import type { PurchaseStore } from "../store/purchase-store";

export type PurchaseResult = {
  orderId: string | null;
  status: "scheduled" | "duplicate" | "suppressed" | "throttled" | "invalid";
  sendAt?: string;
  error?: string;
};

/** Purchases of one batch are recorded this many at a time: fast for 500, gentle on the table. */
const CONCURRENCY = 16;

/**
 * Turns posted purchases into scheduled invitations, one result per input in input order. Each item
 * stands alone: an invalid or conflicting one is reported and the rest of the batch goes through.
 */
export async function schedulePurchases(
  deps: { purchases: PurchaseStore; invitations: InvitationStore },
  campaign: Campaign,
  items: readonly unknown[],
  now: Date,
): Promise<PurchaseResult[]> {
  const results: PurchaseResult[] = new Array(items.length);
  // A repeated orderId inside one batch is a duplicate of its first occurrence, decided before the
  // items race each other to the table.
  const firstIndex = new Map<string, number>();
  items.forEach((item, index) => {
    const orderId = orderIdOf(item);
    if (orderId === null) return;
    if (firstIndex.has(orderId)) results[index] = { orderId, status: "duplicate" };
    else firstIndex.set(orderId, index);
  });
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] ??= await scheduleOne(deps, campaign, items[index], now);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  return results;
}

async function scheduleOne(
  deps: { purchases: PurchaseStore; invitations: InvitationStore },
  campaign: Campaign,
  item: unknown,
  now: Date,
): Promise<PurchaseResult> {
  const rawOrderId = orderIdOf(item);
  const parsed = purchaseSchema.safeParse(item);
  if (!parsed.success) {
    const error = describeIssues(parsed.error.issues)
      .map((detail) => `${detail.field}: ${detail.message}`)
      .join("; ");
    return { orderId: rawOrderId, status: "invalid", error };
  }
  const purchase = toPurchase(parsed.data, now);
  if ("field" in purchase)
    return { orderId: rawOrderId, status: "invalid", error: `${purchase.field}: ${purchase.message}` };

  const suppressed = await deps.invitations.isSuppressed(purchase.email);
  const outcome = await deps.purchases.record(
    campaign,
    purchase,
    planInvitations(campaign, purchase),
    suppressed,
    now,
  );
  return outcome.status === "scheduled"
    ? { orderId: purchase.orderId, status: "scheduled", sendAt: outcome.sendAt }
    : { orderId: purchase.orderId, status: outcome.status };
}

/** The orderId an item claims, as far as it can be read before validation (for reporting). */
function orderIdOf(item: unknown): string | null {
  const orderId =
    typeof item === "object" && item !== null ? (item as { orderId?: unknown }).orderId : undefined;
  return typeof orderId === "string" ? orderId.slice(0, 200) : null;
}
