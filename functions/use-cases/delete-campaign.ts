import type { Campaign, CampaignSettings } from "../domain/campaign";
import { type CampaignDeletion, DELETE_PURCHASES_PER_REQUEST } from "../domain/campaign-deletion";
import type { Clock } from "../domain/clock";
import { ConflictError } from "../domain/errors";
import { type CampaignLookupPorts, loadCampaign } from "./load-campaign";
import { mapConcurrently } from "./map-concurrently";

export type DeleteCampaignPorts = CampaignLookupPorts & {
  readonly campaigns: {
    update(current: Campaign, version: number, settings: CampaignSettings, now: Date): Promise<Campaign>;
    /** False when the campaign changed since `version` was read (it is then kept). */
    delete(id: string, version: number): Promise<boolean>;
  };
  readonly results: {
    /** Whether any aggregate of the campaign counts a send or an answer. */
    hasSent(campaignId: string): Promise<boolean>;
    deleteAll(campaignId: string): Promise<void>;
  };
  readonly purchases: {
    firstOf(campaignId: string, limit: number): Promise<{ orderId: string; tokens: string[] }[]>;
    deleteMany(campaignId: string, orderIds: readonly string[]): Promise<void>;
  };
  readonly invitations: {
    /** `sent`: refused, the email went out or a sender is sending it right now. */
    deleteUnsent(token: string, now: Date): Promise<"deleted" | "absent" | "sent">;
  };
  readonly clock: Clock;
};

export type DeleteCampaignOptions = {
  /** Purchases deleted per request before answering `deleting` (tests lower it). */
  readonly purchasesPerRequest: number;
};

const DEFAULTS: DeleteCampaignOptions = { purchasesPerRequest: DELETE_PURCHASES_PER_REQUEST };

/** Purchases read and deleted at a time, and invitations deleted at once. */
const PAGE = 100;
const CONCURRENCY = 16;

const KEEP_IT =
  "archive it instead (PATCH its status to archived): its results and answers are kept, and nothing more is sent.";

/**
 * Deletes a campaign that never sent a survey, with everything it holds, or answers 409 when it sent
 * one. In order, so that an interruption (a timeout, a busy table) leaves a consistent campaign that
 * the same DELETE finishes:
 * 1. its aggregates must count no send and no answer (one short read for a campaign that sent);
 * 2. it is archived, so that it sends nothing more and takes no purchase while it is being deleted;
 * 3. its purchases go a page at a time, each after its invitations. An invitation is deleted only if
 *    it is not sent and no sender holds its send lock, so an email already leaving is never orphaned:
 *    the deletion stops there with a 409, the campaign kept (archived);
 * 4. the campaign item, if nobody changed it meanwhile (409 otherwise): from then on it is gone;
 * 5. its segment values and zero aggregates.
 * A large campaign takes several requests: after `purchasesPerRequest` purchases this answers
 * `deleting`, and the caller sends the DELETE again.
 */
export async function deleteCampaign(
  ports: DeleteCampaignPorts,
  campaignId: string,
  options: DeleteCampaignOptions = DEFAULTS,
): Promise<"deleted" | CampaignDeletion> {
  const loaded = await loadCampaign(ports, campaignId);
  const id = loaded.campaign.id;
  if (await ports.results.hasSent(id)) {
    throw new ConflictError(`The campaign has sent surveys, so it cannot be deleted: ${KEEP_IT}`);
  }
  const { campaign, version } =
    loaded.campaign.status === "archived" ? loaded : await archive(ports, loaded.campaign, loaded.version);

  let purchasesDeleted = 0;
  for (;;) {
    const purchases = await ports.purchases.firstOf(id, PAGE);
    if (purchases.length === 0) break;
    if (purchasesDeleted >= options.purchasesPerRequest) return { status: "deleting", purchasesDeleted };
    const outcomes = await mapConcurrently(
      purchases.flatMap((purchase) => purchase.tokens),
      CONCURRENCY,
      (token) => ports.invitations.deleteUnsent(token, ports.clock()),
    );
    if (outcomes.includes("sent")) {
      throw new ConflictError(
        `A survey of this campaign was sent meanwhile, so it is kept (archived, its unsent surveys deleted): ${KEEP_IT}`,
      );
    }
    await ports.purchases.deleteMany(
      id,
      purchases.map((purchase) => purchase.orderId),
    );
    purchasesDeleted += purchases.length;
  }

  if (!(await ports.campaigns.delete(campaign.id, version))) {
    throw new ConflictError(
      "The campaign was changed by another request meanwhile, so it was not deleted; read it and retry.",
    );
  }
  await ports.results.deleteAll(id);
  return "deleted";
}

/** The campaign archived, and the version that a later delete must name. */
async function archive(
  ports: DeleteCampaignPorts,
  campaign: Campaign,
  version: number,
): Promise<{ campaign: Campaign; version: number }> {
  const { id: _id, createdAt: _createdAt, updatedAt: _updatedAt, ...settings } = campaign;
  await ports.campaigns.update(campaign, version, { ...settings, status: "archived" }, ports.clock());
  return await loadCampaign(ports, campaign.id);
}
