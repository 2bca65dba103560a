import type { Campaign, CampaignCreate } from "../../functions/domain/campaign";
import { systemClock } from "../../functions/domain/clock";
import type { PurchaseInput, PurchaseResult } from "../../functions/domain/purchase";
import type { Stores } from "../../functions/store/stores";
import { createCampaign } from "../../functions/use-cases/manage-campaigns";
import { schedulePurchases } from "../../functions/use-cases/schedule-purchases";

/**
 * Data for handler tests, arranged through the use cases the API runs (so it is stored exactly as in
 * production), without going through a handler that is not the one under test.
 */

/** A campaign with defaults a test does not care about; `delayDays: 0` makes its purchases due at once. */
export async function arrangeCampaign(
  stores: Stores,
  fields: Partial<CampaignCreate> = {},
): Promise<Campaign> {
  return await createCampaign(
    { ...stores, clock: systemClock },
    { name: "Handler test", brandName: "Acme", ...fields },
  );
}

/** Posts purchases as the API does; `tokens` maps each scheduled order to its first invitation's token. */
export async function arrangePurchases(
  stores: Stores,
  campaignId: string,
  purchases: readonly PurchaseInput[],
): Promise<{ results: PurchaseResult[]; tokens: Map<string, string> }> {
  const results = await schedulePurchases({ ...stores, clock: systemClock }, campaignId, async () => ({
    purchases,
  }));
  const invitations = await stores.invitations.getMany(await stores.purchases.tokensOf(campaignId));
  const tokens = new Map(
    invitations.filter((i) => i.kind === "initial").map((i) => [i.orderId, i.token] as const),
  );
  return { results, tokens };
}

/** Records the invitation's email as sent, as the sender does once SES accepted it: its links now work. */
export async function markInvitationSent(stores: Stores, token: string): Promise<void> {
  const invitation = await stores.invitations.get(token);
  if (!invitation) throw new Error(`no invitation ${token}`);
  if (!(await stores.invitations.markSent(invitation, new Date(), null, {}))) {
    throw new Error(`invitation ${token} was sent already`);
  }
}
