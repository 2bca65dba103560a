import { type Campaign, type CampaignPage, campaignListQuerySchema } from "../domain/campaign";
import { parseWith } from "../domain/validation";

export type CampaignListPorts = {
  readonly campaigns: {
    list(limit: number, cursor: string | undefined, status?: Campaign["status"]): Promise<CampaignPage>;
  };
};

/** Newest first, a page at a time, optionally only the campaigns of one status. */
export async function listCampaigns(ports: CampaignListPorts, query: unknown): Promise<CampaignPage> {
  const { limit, cursor, status } = parseWith(campaignListQuerySchema, query, "query");
  return await ports.campaigns.list(limit, cursor, status);
}
