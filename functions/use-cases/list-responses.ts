import type { Campaign } from "../domain/campaign";
import {
  type ExportableResponse,
  type ResponseFilter,
  type ResponsesPage,
  responsesQuerySchema,
  toResponseItem,
} from "../domain/response-export";
import { parseWith } from "../domain/validation";
import { type CampaignLookupPorts, loadCampaign } from "./load-campaign";

export type ResponseListPorts = CampaignLookupPorts & {
  readonly responses: {
    list(
      campaignId: string,
      filter: ResponseFilter,
      limit: number,
      cursor: string | undefined,
    ): Promise<{ items: ExportableResponse[]; nextCursor: string | null }>;
  };
};

/** A page of a campaign's responses, newest first by first answer, within the query's days and scores. */
export async function listResponses(
  ports: ResponseListPorts,
  campaignId: string,
  query: unknown,
): Promise<ResponsesPage> {
  const { campaign, filter, limit, cursor } = await openListing(ports, campaignId, query);
  const page = await ports.responses.list(campaign.id, filter, limit, cursor);
  return { items: page.items.map(toResponseItem), nextCursor: page.nextCursor };
}

/** The query checked (400 first), then the campaign read (404). */
export async function openListing(ports: CampaignLookupPorts, campaignId: string, query: unknown) {
  const { from, to, minScore, maxScore, limit, cursor } = parseWith(responsesQuerySchema, query, "query");
  const { campaign } = await loadCampaign(ports, campaignId);
  const filter: ResponseFilter = { from, to, minScore, maxScore };
  return { campaign: campaign as Campaign, filter, limit, cursor };
}
