import type { Campaign } from "../domain/campaign";
import {
  DEFAULT_PER_PAGE,
  MAX_PAGE_DEPTH,
  type ResponseOrder,
  surveyResponsesQuerySchema,
  unixSecondsOf,
  utcDayOf,
} from "../domain/delighted";
import { RESPONSES_MAX_LIMIT, type ResponseItem, toResponseItem } from "../domain/response-export";
import { invalid, parseWith } from "../domain/validation";
import type { ResponseListPorts } from "./list-responses";
import { loadCampaign } from "./load-campaign";

export type SurveyResponsesPorts = ResponseListPorts;

/**
 * Responses one request may read to build a page. The listing is stored newest first by first answer,
 * so a page in any other order (Delighted's default `asc`, or by last edit) reads every response of
 * the since..until days; `desc` reads down to the end of the page. Twice the deepest page allows for
 * the rows of the first and last day that since/until leave out.
 */
export const MAX_RESPONSES_READ = 2 * MAX_PAGE_DEPTH;

export type SurveyResponsesPage = {
  readonly campaign: Campaign;
  readonly responses: ResponseItem[];
  /** Whether each response is to show its person in full (`expand[]=person`), or only the person's id. */
  readonly expandPerson: boolean;
};

/**
 * Delighted's survey responses of a campaign: page `page` of `per_page`, answered within since..until
 * and last edited within updated_since..updated_until (Unix seconds, inclusive), in `order` (default
 * `asc`: oldest first answer first). Reads the responses listing of the days that can hold a match,
 * at most MAX_RESPONSES_READ rows (a 422 asks to narrow since/until beyond that).
 */
export async function listSurveyResponses(
  ports: SurveyResponsesPorts,
  campaignId: string,
  query: unknown,
): Promise<SurveyResponsesPage> {
  const q = parseWith(surveyResponsesQuerySchema, query, "query");
  const { campaign } = await loadCampaign(ports, campaignId);
  const perPage = q.per_page ?? DEFAULT_PER_PAGE;
  const page = q.page ?? 1;
  const order: ResponseOrder = q.order ?? "asc";
  const expandPerson = [...(q.expand ?? []), ...(q["expand[]"] ?? [])].includes("person");
  const empty = { campaign, responses: [], expandPerson };

  // An answer is edited after it is first given, so updated_until also bounds the first answer's day.
  const lastSecond = Math.min(
    q.until ?? Number.POSITIVE_INFINITY,
    q.updated_until ?? Number.POSITIVE_INFINITY,
  );
  const days = {
    from: q.since === undefined ? undefined : utcDayOf(q.since),
    to: Number.isFinite(lastSecond) ? utcDayOf(lastSecond) : undefined,
  };
  if (days.from !== undefined && days.to !== undefined && days.from > days.to) return empty;
  const within = (value: number, from: number | undefined, to: number | undefined) =>
    (from === undefined || value >= from) && (to === undefined || value <= to);
  const matches = (response: ResponseItem) =>
    within(unixSecondsOf(response.createdAt), q.since, q.until) &&
    within(unixSecondsOf(response.updatedAt), q.updated_since, q.updated_until);

  const wanted = order === "desc" ? page * perPage : Number.POSITIVE_INFINITY;
  const newestFirst: ResponseItem[] = [];
  let cursor: string | undefined;
  let read = 0;
  do {
    if (read >= MAX_RESPONSES_READ) {
      throw invalid("query", [
        {
          field: "since",
          message:
            `more than ${MAX_RESPONSES_READ} responses fall within since..until for this page: narrow ` +
            "them (or list with order=desc, which reads only down to the page)",
        },
      ]);
    }
    const batch = await ports.responses.list(campaign.id, days, RESPONSES_MAX_LIMIT, cursor);
    read += batch.items.length;
    newestFirst.push(...batch.items.map(toResponseItem).filter(matches));
    cursor = batch.nextCursor ?? undefined;
  } while (cursor !== undefined && newestFirst.length < wanted);

  const ordered = inOrder(newestFirst, order);
  return { ...empty, responses: ordered.slice((page - 1) * perPage, page * perPage) };
}

/** Responses listed newest first by first answer, put in the order asked for (ties keep one order). */
function inOrder(newestFirst: ResponseItem[], order: ResponseOrder): ResponseItem[] {
  if (order === "desc") return newestFirst;
  const oldestFirst = [...newestFirst].reverse();
  if (order === "asc") return oldestFirst;
  const byEdit = oldestFirst
    .map((response, index) => ({ response, index }))
    .sort((a, b) =>
      a.response.updatedAt < b.response.updatedAt
        ? -1
        : a.response.updatedAt > b.response.updatedAt
          ? 1
          : a.index - b.index,
    )
    .map(({ response }) => response);
  return order === "asc:updated_at" ? byEdit : byEdit.reverse();
}
