import type { Clock } from "../domain/clock";
import { unsubscribeAddress, unsubscribeBodySchema } from "../domain/delighted";
import type { SuppressionReason } from "../domain/invitation";
import { parseWith } from "../domain/validation";
import { type CampaignLookupPorts, loadCampaign } from "./load-campaign";

export type SuppressAddressPorts = CampaignLookupPorts & {
  readonly invitations: {
    suppress(email: string, reason: SuppressionReason, now: Date, source: string): Promise<boolean>;
  };
  readonly clock: Clock;
};

/**
 * Unsubscribes an address on the caller's word (Delighted's `POST unsubscribes`): no later survey of
 * any campaign goes to it, those already scheduled included, as after the person's own unsubscribe
 * link. Idempotent: an address suppressed already keeps its first suppression. Returns the address,
 * and whether this call suppressed it (false: it was suppressed already).
 */
export async function suppressAddress(
  ports: SuppressAddressPorts,
  campaignId: string,
  readBody: () => Promise<unknown>,
): Promise<{ email: string; newlySuppressed: boolean }> {
  await loadCampaign(ports, campaignId);
  const email = unsubscribeAddress(parseWith(unsubscribeBodySchema, await readBody(), "body"));
  const newlySuppressed = await ports.invitations.suppress(
    email,
    "unsubscribed",
    ports.clock(),
    `api:campaign:${campaignId}`,
  );
  return { email, newlySuppressed };
}
