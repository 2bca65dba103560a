import {
  DEFAULT_PER_PAGE,
  endOfSecond,
  orderIdOfPageInfo,
  pageInfoOf,
  peopleQuerySchema,
  startOfSecond,
} from "../domain/delighted";
import { normalizeEmail } from "../domain/purchase";
import type { PurchaseFilter, RecordedPurchase } from "../domain/purchase-status";
import { orThrow, parseWith } from "../domain/validation";
import { type CampaignLookupPorts, loadCampaign } from "./load-campaign";

export type PeopleListPorts = CampaignLookupPorts & {
  readonly purchases: {
    list(
      campaignId: string,
      filter: PurchaseFilter,
      limit: number,
      after: string | undefined,
    ): Promise<{ items: RecordedPurchase[]; last: string | null }>;
  };
};

/**
 * Delighted's people of a campaign: its purchases (one person per purchase, so a customer who bought
 * twice is listed twice), in orderId order, optionally of one address and recorded within
 * since..until. A page is at most `per_page` long, shorter when filters skipped many purchases;
 * `nextPageInfo` goes on from it, null on the last page.
 */
export async function listPeople(
  ports: PeopleListPorts,
  campaignId: string,
  query: unknown,
): Promise<{ people: RecordedPurchase[]; nextPageInfo: string | null }> {
  const q = parseWith(peopleQuerySchema, query, "query");
  const after = q.page_info === undefined ? undefined : orThrow(orderIdOfPageInfo(q.page_info), "query");
  const { campaign } = await loadCampaign(ports, campaignId);
  const filter: PurchaseFilter = {
    email: q.email === undefined ? undefined : normalizeEmail(q.email),
    recordedFrom: q.since === undefined ? undefined : startOfSecond(q.since),
    recordedTo: q.until === undefined ? undefined : endOfSecond(q.until),
  };
  const page = await ports.purchases.list(campaign.id, filter, q.per_page ?? DEFAULT_PER_PAGE, after);
  return { people: page.items, nextPageInfo: page.last === null ? null : pageInfoOf(page.last) };
}
