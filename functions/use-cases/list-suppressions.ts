import { DEFAULT_PER_PAGE, endOfSecond, startOfSecond, suppressionsQuerySchema } from "../domain/delighted";
import type { SuppressionReason } from "../domain/invitation";
import { parseWith } from "../domain/validation";
import { type CampaignLookupPorts, loadCampaign } from "./load-campaign";

export type SuppressionListPorts = CampaignLookupPorts & {
  readonly invitations: {
    listSuppressions(
      reasons: readonly SuppressionReason[],
      range: { from?: string | undefined; to?: string | undefined },
      skip: number,
      limit: number,
    ): Promise<{ email: string; reason: SuppressionReason; suppressedAt: string }[]>;
  };
};

/** Which suppressions each Delighted listing shows: a complaint is an unsubscribe by other means. */
export const SUPPRESSIONS_LISTED = {
  unsubscribes: ["unsubscribed", "complained"],
  bounces: ["bounced"],
} as const satisfies Record<string, readonly SuppressionReason[]>;

/**
 * Page `page` of the addresses suppressed for the listing's reasons within since..until (Unix
 * seconds), oldest first. Suppressions hold for every campaign, so every campaign lists the same ones.
 * A page reads the entries before it too, which the query's page × per_page bound keeps small.
 */
export async function listSuppressions(
  ports: SuppressionListPorts,
  campaignId: string,
  listing: keyof typeof SUPPRESSIONS_LISTED,
  query: unknown,
): Promise<{ email: string; reason: SuppressionReason; suppressedAt: string }[]> {
  const q = parseWith(suppressionsQuerySchema, query, "query");
  await loadCampaign(ports, campaignId);
  const perPage = q.per_page ?? DEFAULT_PER_PAGE;
  return await ports.invitations.listSuppressions(
    SUPPRESSIONS_LISTED[listing],
    {
      from: q.since === undefined ? undefined : startOfSecond(q.since),
      to: q.until === undefined ? undefined : endOfSecond(q.until),
    },
    ((q.page ?? 1) - 1) * perPage,
    perPage,
  );
}
