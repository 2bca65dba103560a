import {
  applyCampaignUpdate,
  type Campaign,
  type CampaignSettings,
  campaignCreateSchema,
  campaignSettingsFromCreate,
  campaignUpdateSchema,
  checkCampaignRules,
} from "../domain/campaign";
import type { Clock } from "../domain/clock";
import { ConflictError } from "../domain/errors";
import { orThrow, parseWith } from "../domain/validation";
import { type CampaignLookupPorts, loadCampaign } from "./load-campaign";

export type CampaignPorts = CampaignLookupPorts & {
  readonly campaigns: {
    create(settings: CampaignSettings, now: Date): Promise<Campaign>;
    update(current: Campaign, version: number, settings: CampaignSettings, now: Date): Promise<Campaign>;
  };
  readonly clock: Clock;
};

/** A new campaign from a create request: every field checked, every default filled. */
export async function createCampaign(ports: CampaignPorts, body: unknown): Promise<Campaign> {
  const input = parseWith(campaignCreateSchema, body, "campaign");
  const settings = orThrow(checkCampaignRules(campaignSettingsFromCreate(input)), "campaign");
  return await ports.campaigns.create(settings, ports.clock());
}

export async function getCampaign(ports: CampaignLookupPorts, id: string): Promise<Campaign> {
  return (await loadCampaign(ports, id)).campaign;
}

/** The campaign changed after the editor read it: the edit was not saved. */
export class CampaignChangedError extends ConflictError {
  constructor() {
    super("The campaign was changed by another request meanwhile; read it again and retry.");
  }
}

/**
 * Changes settings or the status; the body is read once the campaign is known. The version read here
 * guards the write: a change made meanwhile by another request answers 409 instead of being silently
 * lost. An editor that read the campaign earlier (the console's form) names the version it saw as
 * `expectedVersion`: the body is checked first, so its mistakes are shown even on a stale form, and
 * then any change since that version is a CampaignChangedError.
 */
export async function updateCampaign(
  ports: CampaignPorts,
  id: string,
  readBody: () => Promise<unknown>,
  expectedVersion?: number,
): Promise<Campaign> {
  const { campaign, version } = await loadCampaign(ports, id);
  const update = parseWith(campaignUpdateSchema, await readBody(), "campaign update");
  const settings = orThrow(checkCampaignRules(applyCampaignUpdate(campaign, update)), "campaign");
  if (expectedVersion !== undefined && version !== expectedVersion) throw new CampaignChangedError();
  if (Object.keys(update).length === 0) return campaign;
  try {
    return await ports.campaigns.update(campaign, version, settings, ports.clock());
  } catch (error) {
    if (expectedVersion !== undefined && error instanceof ConflictError) throw new CampaignChangedError();
    throw error;
  }
}
