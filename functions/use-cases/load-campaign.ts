import type { Campaign } from "../domain/campaign";
import { NotFoundError } from "../domain/errors";
import { CAMPAIGN_ID_PATTERN } from "../domain/ids";

export type CampaignLookupPorts = {
  readonly campaigns: {
    getVersioned(id: string): Promise<{ campaign: Campaign; version: number } | undefined>;
  };
};

/** The campaign a request names, with the version an update must name; 404 when there is none. */
export async function loadCampaign(
  ports: CampaignLookupPorts,
  id: string,
): Promise<{ campaign: Campaign; version: number }> {
  const found = CAMPAIGN_ID_PATTERN.test(id) ? await ports.campaigns.getVersioned(id) : undefined;
  if (!found) throw new NotFoundError(`No campaign has the id '${id.slice(0, 64)}'.`);
  return found;
}
