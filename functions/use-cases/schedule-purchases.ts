import type { Campaign } from "../domain/campaign";
import type { Clock } from "../domain/clock";
import { ConflictError } from "../domain/errors";
import type { PlannedInvitation, Purchase, PurchaseOutcome, PurchaseResult } from "../domain/purchase";
import { parsePurchase, planInvitations, purchaseBatchSchema } from "../domain/purchase";
import { issuesText, parseWith } from "../domain/validation";
import { type CampaignLookupPorts, loadCampaign } from "./load-campaign";

export type SchedulePurchasesPorts = CampaignLookupPorts & {
  readonly purchases: {
    record(
      campaign: Pick<Campaign, "id" | "throttleDays">,
      purchase: Purchase,
      planned: PlannedInvitation[],
      suppressed: boolean,
      now: Date,
    ): Promise<PurchaseOutcome>;
  };
  readonly invitations: { isSuppressed(email: string): Promise<boolean> };
  readonly clock: Clock;
};

/** Purchases of one batch are recorded this many at a time: fast for 500, gentle on the table. */
const CONCURRENCY = 16;

/**
 * Turns a posted purchase, or a batch under `purchases`, into scheduled invitations: one result per
 * purchase, in order. Each item stands alone: an invalid or conflicting one is reported and the rest
 * of the batch goes through. An archived campaign takes none (409). The body is read once the
 * campaign is known.
 */
export async function schedulePurchases(
  ports: SchedulePurchasesPorts,
  campaignId: string,
  readBody: () => Promise<unknown>,
): Promise<PurchaseResult[]> {
  const { campaign } = await loadCampaign(ports, campaignId);
  const body = await readBody();
  const items =
    typeof body === "object" && body !== null && !Array.isArray(body) && "purchases" in body
      ? parseWith(purchaseBatchSchema, body, "purchase batch").purchases
      : [body];
  if (campaign.status === "archived") {
    throw new ConflictError(
      "The campaign is archived: reactivate it (PATCH status) before posting purchases.",
    );
  }
  const now = ports.clock();
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
      results[index] ??= await scheduleOne(ports, campaign, items[index], now);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  return results;
}

async function scheduleOne(
  ports: SchedulePurchasesPorts,
  campaign: Campaign,
  item: unknown,
  now: Date,
): Promise<PurchaseResult> {
  const parsed = parsePurchase(item, now);
  if (!parsed.ok) return { orderId: orderIdOf(item), status: "invalid", error: issuesText(parsed.issues) };
  const purchase = parsed.value;
  const suppressed = await ports.invitations.isSuppressed(purchase.email);
  const outcome = await ports.purchases.record(
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
