import type { Campaign } from "../domain/campaign";
import { consoleResultsMessagesFor } from "../domain/console-results-messages";
import { ValidationError } from "../domain/errors";
import type { Results } from "../domain/results";
import { exportAllResponses } from "../use-cases/export-all-responses";
import { listResponses } from "../use-cases/list-responses";
import { getCampaign } from "../use-cases/manage-campaigns";
import { readResults } from "../use-cases/read-results";
import { type ConsoleApp, type ConsoleContext, type ConsolePorts, frame } from "./console-context";
import {
  type ResponsesFilter,
  type ResultsFilter,
  renderResponsesPage,
  renderResultsPage,
  SCORE_GROUPS,
  type ScoreGroup,
  scoreRangeOf,
} from "./console-results-pages";

/** Responses per page of the console's list: comments are read, not skimmed. */
const RESPONSES_PER_PAGE = "25";

/** The fields a validation error names, the ones this form has (others are not the user's doing). */
function fieldsOf<F extends string>(
  error: ValidationError,
  known: readonly F[],
  alias: Record<string, F> = {},
): F[] {
  const fields = (error.details ?? []).map((detail) => alias[detail.field] ?? detail.field);
  return known.filter((field) => fields.includes(field));
}

/** The console's routes for a campaign's results (figures and charts) and its responses (list, filters, CSV). */
export function registerResultsRoutes(app: ConsoleApp, ports: ConsolePorts): void {
  // The same use case and the same query as GET /v1/campaigns/{id}/results, so the figures are the API's.
  app.get("/app/campaigns/:campaignId", async (c) => {
    const campaign = await getCampaign(ports, c.req.param("campaignId"));
    const asked = c.req.query();
    const typed: ResultsFilter = {
      from: (asked.from ?? "").trim(),
      to: (asked.to ?? "").trim(),
      interval: asked.interval || "day",
      segment: asked.segment ?? "",
      compare: asked.compare !== undefined && asked.compare !== "",
    };
    // Only the results query's own parameters (the page's `lang` is not one); empty fields are defaults.
    const query: Record<string, string> = { interval: typed.interval };
    if (typed.from) query.from = typed.from;
    if (typed.to) query.to = typed.to;
    if (typed.segment) query.segment = typed.segment;
    if (typed.compare) query.compare = asked.compare as string;
    let results: Results;
    try {
      results = await readResults(ports, campaign.id, query);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return resultsWithErrors(c, campaign, typed, error);
    }
    const filter: ResultsFilter = {
      from: results.from,
      to: results.to,
      interval: results.interval,
      segment: results.segment ?? "",
      compare: results.change !== undefined,
    };
    return c.html(renderResultsPage({ ...frame(c, "campaigns"), campaign, filter, results }));
  });

  app.get("/app/campaigns/:campaignId/responses", async (c) => {
    const campaign = await getCampaign(ports, c.req.param("campaignId"));
    const { filter, query, groupError } = responsesFilterOf(c);
    const cursor = c.req.query("cursor");
    const page = { ...frame(c, "campaigns"), campaign, filter, paged: cursor !== undefined };
    const rm = consoleResultsMessagesFor(page.locale);
    if (groupError) {
      return c.html(
        renderResponsesPage({
          ...page,
          responses: [],
          nextCursor: null,
          errors: { group: rm.responseFieldErrors.group },
        }),
        400,
      );
    }
    try {
      const listed = await listResponses(ports, campaign.id, {
        ...query,
        limit: RESPONSES_PER_PAGE,
        ...(cursor === undefined ? {} : { cursor }),
      });
      return c.html(renderResponsesPage({ ...page, responses: listed.items, nextCursor: listed.nextCursor }));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const fields = fieldsOf(error, ["from", "to", "group", "cursor"] as const, {
        minScore: "group",
        maxScore: "group",
      });
      if (fields.length === 0) throw error;
      const errors = Object.fromEntries(fields.map((field) => [field, rm.responseFieldErrors[field]]));
      return c.html(renderResponsesPage({ ...page, responses: [], nextCursor: null, errors }), 400);
    }
  });

  // One file of every part of the API's export, streamed as the parts are read.
  app.get("/app/campaigns/:campaignId/responses.csv", async (c) => {
    const { query, groupError } = responsesFilterOf(c);
    if (groupError)
      throw new ValidationError("Unknown score group.", [{ field: "group", message: "unknown" }]);
    const { campaign, parts } = await exportAllResponses(ports, c.req.param("campaignId"), query, {
      ...ports.export,
      onePartOnly: ports.onePartDownloads === true,
    });
    const encoder = new TextEncoder();
    const iterator = parts[Symbol.asyncIterator]();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await iterator.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
    });
    return c.body(body, 200, {
      "Content-Type": "text/csv; charset=utf-8; header=present",
      "Content-Disposition": `attachment; filename="responses-${campaign.id}.csv"`,
    });
  });
}

/** The responses filter as typed, and the listing's query for it (a score group is a score range). */
function responsesFilterOf(c: ConsoleContext): {
  filter: ResponsesFilter;
  query: Record<string, string>;
  groupError: boolean;
} {
  const asked = c.req.query();
  const filter: ResponsesFilter = {
    from: (asked.from ?? "").trim(),
    to: (asked.to ?? "").trim(),
    group: asked.group || "all",
  };
  const known = (SCORE_GROUPS as readonly string[]).includes(filter.group);
  const query: Record<string, string> = {
    ...(filter.from ? { from: filter.from } : {}),
    ...(filter.to ? { to: filter.to } : {}),
    ...(known ? scoreRangeOf(filter.group as ScoreGroup) : {}),
  };
  return { filter, query, groupError: !known };
}

/** The results page again with the filter as typed, each invalid field saying why: 400, no figures. */
function resultsWithErrors(
  c: ConsoleContext,
  campaign: Campaign,
  typed: ResultsFilter,
  error: ValidationError,
) {
  const rm = consoleResultsMessagesFor(c.get("locale") ?? "en");
  const fields = fieldsOf(error, ["from", "to", "interval", "segment", "compare"] as const);
  // A rule on the range as a whole is reported on `from`; anything else unnamed is shown there too.
  const shown = fields.length > 0 ? fields : (["from"] as const);
  const errors = Object.fromEntries(shown.map((field) => [field, rm.fieldErrors[field]]));
  return c.html(
    renderResultsPage({ ...frame(c, "campaigns"), campaign, filter: typed, results: null, errors }),
    400,
  );
}
