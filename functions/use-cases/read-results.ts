import { type CaseCounts, caseStatsOf } from "../domain/case";
import type { Clock } from "../domain/clock";
import { type AggregateRow, OVERALL } from "../domain/counters";
import { differenceOf, driversFor } from "../domain/insight";
import {
  addDays,
  daysInRange,
  type Results,
  resolveResultsQuery,
  segmentsOf,
  summarize,
} from "../domain/results";
import { invalid, orThrow } from "../domain/validation";
import { type CampaignLookupPorts, loadCampaign } from "./load-campaign";

export type ReadResultsPorts = CampaignLookupPorts & {
  readonly results: {
    readRange(campaignId: string, dimension: string, from: string, to: string): Promise<AggregateRow[]>;
  };
  readonly cases: {
    countsOf(campaignId: string, range: { from: string; to: string }): Promise<CaseCounts>;
  };
  readonly clock: Clock;
};

/**
 * NPS, CSAT and attribute figures for a date range, overall, per value of one segment property, and as
 * a trend, with the insight figures (significance, drivers). Reads the day aggregates only: one range
 * query for the campaign (reaching back over the previous range with `compare=previous`) and one for
 * the segment, O(days × values) items whatever the number of answers.
 */
export async function readResults(
  ports: ReadResultsPorts,
  campaignId: string,
  query: unknown,
): Promise<Results> {
  const { campaign } = await loadCampaign(ports, campaignId);
  const resolved = orThrow(resolveResultsQuery(query, ports.clock()), "query");
  if (resolved.segment !== null && !campaign.segmentBy.includes(resolved.segment)) {
    throw invalid("query", [
      {
        field: "segment",
        message: `must be one of the campaign's segmentBy properties (${campaign.segmentBy.join(", ") || "none set"})`,
      },
    ]);
  }
  const { from, to, segment, interval, compare } = resolved;
  const days = daysInRange(from, to).length;
  const previousRange = compare === null ? null : { from: addDays(from, -days), to: addDays(from, -1) };
  const [overallRows, segmentRows, caseCounts] = await Promise.all([
    ports.results.readRange(campaign.id, OVERALL, previousRange?.from ?? from, to),
    segment === null ? undefined : ports.results.readRange(campaign.id, segment, from, to),
    // Only campaigns with alert rules pay the read: the others' results cost what they did.
    campaign.followUp === null ? undefined : ports.cases.countsOf(campaign.id, { from, to }),
  ]);
  const { overall, trend, counters } = summarize(overallRows, interval, { from, to });
  const previous = previousRange ? summarize(overallRows, interval, previousRange) : null;
  return {
    campaignId: campaign.id,
    from,
    to,
    interval,
    ...(segment === null ? {} : { segment }),
    overall,
    ...(segmentRows ? { segments: segmentsOf(segmentRows) } : {}),
    trend,
    ...(caseCounts ? { cases: caseStatsOf(caseCounts) } : {}),
    ...(previous ? { previous: previous.overall, change: differenceOf(counters, previous.counters) } : {}),
    ...(campaign.attributes.length >= 2 ? { drivers: driversFor(counters, campaign) } : {}),
  };
}
