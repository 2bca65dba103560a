import { NotFoundError } from "../domain/errors";
import type { Invitation, Recipient } from "../domain/invitation";
import {
  orderIdParamSchema,
  type PurchaseDelivery,
  purchaseDelivery,
  type RecordedPurchase,
} from "../domain/purchase-status";
import { type CampaignLookupPorts, loadCampaign } from "./load-campaign";

export type ReadPurchasePorts = CampaignLookupPorts & {
  readonly purchases: { get(campaignId: string, orderId: string): Promise<RecordedPurchase | undefined> };
  readonly invitations: {
    get(token: string): Promise<Invitation | undefined>;
    recipient(email: string): Promise<Recipient>;
  };
};

/**
 * A purchase of a campaign and where each of its survey emails stands (scheduled, sent, skipped,
 * bounced, answered, unsubscribed), for support: 404 for an unknown campaign, then for an unknown
 * orderId (one that no purchase could have, too). Reads the purchase, its one or two invitations and
 * its address's suppression: a handful of items, whatever the size of the campaign.
 */
export async function readPurchase(
  ports: ReadPurchasePorts,
  campaignId: string,
  orderId: string,
): Promise<PurchaseDelivery> {
  const { campaign } = await loadCampaign(ports, campaignId);
  const purchase = orderIdParamSchema.safeParse(orderId).success
    ? await ports.purchases.get(campaign.id, orderId)
    : undefined;
  if (!purchase) {
    throw new NotFoundError(`The campaign has no purchase with the orderId '${orderId.slice(0, 200)}'.`);
  }
  const [invitations, recipient] = await Promise.all([
    Promise.all(purchase.tokens.map((token) => ports.invitations.get(token))),
    ports.invitations.recipient(purchase.email),
  ]);
  return purchaseDelivery(
    purchase,
    // One past its retention period is gone (TTL): the rest is still worth showing.
    invitations.filter((invitation) => invitation !== undefined),
    recipient.suppressedFor,
  );
}
