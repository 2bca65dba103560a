import { type DelightedMetrics, delightedMetrics, metricsQuerySchema, utcDayOf } from "../domain/delighted";
import { addDays, DEFAULT_RANGE_DAYS, MAX_RANGE_DAYS } from "../domain/results";
import { invalid, parseWith } from "../domain/validation";
import { loadCampaign } from "./load-campaign";
import { type ReadResultsPorts, readResults } from "./read-results";

export type ReadMetricsPorts = ReadResultsPorts;

/**
 * Delighted's metrics of a campaign, from the same counters as its results: over the UTC days that
 * since..until (Unix seconds) fall on, whole days, so an answer counts by the day it was given. Without
 * `until` the range ends today, without `since` it starts DEFAULT_RANGE_DAYS days before its end, as
 * the results' range does; it spans at most MAX_RANGE_DAYS days.
 */
export async function readMetrics(
  ports: ReadMetricsPorts,
  campaignId: string,
  query: unknown,
): Promise<DelightedMetrics & { readonly from: string; readonly to: string }> {
  const q = parseWith(metricsQuerySchema, query, "query");
  const to = q.until === undefined ? ports.clock().toISOString().slice(0, 10) : utcDayOf(q.until);
  const from = q.since === undefined ? addDays(to, -(DEFAULT_RANGE_DAYS - 1)) : utcDayOf(q.since);
  if (from > to) {
    // A range wholly after today: no answer can be in it.
    await loadCampaign(ports, campaignId);
    return {
      from,
      to,
      ...delightedMetrics({ responses: 0, promoters: 0, passives: 0, detractors: 0, nps: null }),
    };
  }
  if ((Date.parse(to) - Date.parse(from)) / 86_400_000 + 1 > MAX_RANGE_DAYS) {
    throw invalid("query", [
      { field: "since", message: `since..until must fall within at most ${MAX_RANGE_DAYS} UTC days` },
    ]);
  }
  const results = await readResults(ports, campaignId, { from, to });
  return { from, to, ...delightedMetrics(results.overall) };
}
