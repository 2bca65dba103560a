import {
  applyCampaignUpdate,
  type Campaign,
  campaignUpdateSchema,
  checkCampaignRules,
} from "../domain/campaign";
import { ConflictError } from "../domain/errors";
import { orThrow, parseWith } from "../domain/validation";
import { loadCampaign } from "./load-campaign";
import type { CampaignPorts } from "./manage-campaigns";

/** The campaign changed after the editor read it: the edit was not saved. */
export class CampaignChangedError extends ConflictError {
  constructor() {
    super("The campaign was changed by another request meanwhile; read it again and retry.");
  }
}

/**
 * Changes a campaign's settings as an editor saw them: only if it is still at `expectedVersion`, the
 * version the editor's form was loaded with, so an edit made meanwhile is not silently overwritten
 * (the store's own version check covers a change between this read and the write). The body is
 * checked exactly as `PATCH /v1/campaigns/{id}` checks it.
 */
export async function editCampaign(
  ports: CampaignPorts,
  id: string,
  expectedVersion: number,
  body: unknown,
): Promise<Campaign> {
  const { campaign, version } = await loadCampaign(ports, id);
  const update = parseWith(campaignUpdateSchema, body, "campaign update");
  const settings = orThrow(checkCampaignRules(applyCampaignUpdate(campaign, update)), "campaign");
  if (version !== expectedVersion) throw new CampaignChangedError();
  if (Object.keys(update).length === 0) return campaign;
  try {
    return await ports.campaigns.update(campaign, version, settings, ports.clock());
  } catch (error) {
    if (error instanceof ConflictError) throw new CampaignChangedError();
    throw error;
  }
}

/** The campaign with the version an edit form carries. */
export async function getCampaignForEdit(
  ports: Pick<CampaignPorts, "campaigns">,
  id: string,
): Promise<{ campaign: Campaign; version: number }> {
  return await loadCampaign(ports, id);
}
