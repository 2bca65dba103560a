import type { Campaign } from "../domain/campaign";
import type { Clock } from "../domain/clock";
import { ConflictError, ThrottledError } from "../domain/errors";
import type { PlannedInvitation, Purchase, PurchaseOutcome, PurchaseResult } from "../domain/purchase";
import { parsePurchase, planInvitations, purchaseBatchSchema } from "../domain/purchase";
import { invalid, issuesText, parseWith } from "../domain/validation";
import { describeError, log } from "../platform/log";
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
  if (!isObject(body)) {
    throw invalid("purchase body", [
      { field: "(body)", message: 'must be a JSON object: one purchase, or {"purchases": [...]}' },
    ]);
  }
  const batch = "purchases" in body;
  const items = batch ? parseWith(purchaseBatchSchema, body, "purchase batch").purchases : [body];
  assertTakesPurchases(campaign);
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
      results[index] ??= await scheduleOne(ports, campaign, items[index], now).catch((error: unknown) => {
        // One item's fault is that item's result: the others were (or will be) recorded, and a
        // client that retries the batch needs to know which. A lone purchase answers the error itself.
        if (!batch) throw error;
        if (!(error instanceof ThrottledError))
          log("error", "purchase of a batch failed", { error: describeError(error) });
        return {
          orderId: orderIdOf(items[index]),
          status: "failed",
          error:
            error instanceof ThrottledError
              ? "the table was busy; nothing was recorded for it, post it again"
              : "a fault on our side; nothing was recorded for it, post it again",
        } satisfies PurchaseResult;
      });
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
  if (!isObject(item)) {
    return { orderId: null, status: "invalid", error: "(item): must be a JSON object: one purchase" };
  }
  const parsed = parsePurchase(item, now);
  if (!parsed.ok) return { orderId: orderIdOf(item), status: "invalid", error: issuesText(parsed.issues) };
  const purchase = parsed.value;
  const outcome = await recordPurchase(ports, campaign, purchase, now);
  return outcome.status === "scheduled"
    ? { orderId: purchase.orderId, status: "scheduled", sendAt: outcome.sendAt }
    : { orderId: purchase.orderId, status: outcome.status };
}

/** An archived campaign takes no purchases (409); an active or paused one does. */
export function assertTakesPurchases(campaign: Pick<Campaign, "status">): void {
  if (campaign.status === "archived") {
    throw new ConflictError(
      "The campaign is archived: reactivate it (PATCH status) before posting purchases.",
    );
  }
}

/**
 * Records one valid purchase of a campaign that takes purchases, with the surveys it causes (the
 * first at `firstSendAt` when the caller chose the time, else the campaign's `delayDays` after it),
 * unless its address is suppressed: the one path every purchase takes, whatever API it came through.
 */
export async function recordPurchase(
  ports: SchedulePurchasesPorts,
  campaign: Campaign,
  purchase: Purchase,
  now: Date,
  firstSendAt?: string,
): Promise<PurchaseOutcome> {
  const suppressed = await ports.invitations.isSuppressed(purchase.email);
  return await ports.purchases.record(
    campaign,
    purchase,
    planInvitations(campaign, purchase, firstSendAt),
    suppressed,
    now,
  );
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The orderId an item claims, as far as it can be read before validation (for reporting). */
function orderIdOf(item: unknown): string | null {
  const orderId =
    typeof item === "object" && item !== null ? (item as { orderId?: unknown }).orderId : undefined;
  return typeof orderId === "string" ? orderId.slice(0, 200) : null;
}
