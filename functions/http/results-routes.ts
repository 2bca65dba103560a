import type { Hono } from "hono";
import type { Campaign } from "../domain/campaign";
import { resolveResultsQuery, segmentsOf, summarize } from "../domain/results";
import { OVERALL } from "../store/keys";
import type { ResultsStore } from "../store/results-store";
import { invalid } from "./validation";

export type ResultsRouteDependencies = {
  readonly results: ResultsStore;
  loadCampaign(id: string): Promise<{ campaign: Campaign }>;
  readonly clock?: () => Date;
};

/**
 * `GET /v1/campaigns/{id}/results`: NPS, CSAT and attribute figures for a date range, overall, per
 * value of one segment property, and as a trend. Reads the day aggregates only: one range query for
 * the campaign and one for the segment, O(days × values) items whatever the number of answers.
 */
export function registerResultsRoutes(app: Hono, deps: ResultsRouteDependencies): void {
  app.get("/v1/campaigns/:campaignId/results", async (c) => {
    const { campaign } = await deps.loadCampaign(c.req.param("campaignId"));
    const query = resolveResultsQuery(c.req.query(), (deps.clock ?? (() => new Date()))());
    if (Array.isArray(query)) throw invalid("query", query);
    if (query.segment !== null && !campaign.segmentBy.includes(query.segment)) {
      throw invalid("query", [
        {
          field: "segment",
          message: `must be one of the campaign's segmentBy properties (${campaign.segmentBy.join(", ") || "none set"})`,
        },
      ]);
    }
    const range = { from: query.from, to: query.to };
    const [overallRows, segmentRows] = await Promise.all([
      deps.results.readRange(campaign.id, OVERALL, query.from, query.to),
      query.segment === null
        ? undefined
        : deps.results.readRange(campaign.id, query.segment, query.from, query.to),
    ]);
    const { overall, trend } = summarize(overallRows, query.interval, range);
    return c.json({
      campaignId: campaign.id,
      from: query.from,
      to: query.to,
      interval: query.interval,
      ...(query.segment === null ? {} : { segment: query.segment }),
      overall,
      ...(segmentRows ? { segments: segmentsOf(segmentRows) } : {}),
      trend,
    });
  });
}
