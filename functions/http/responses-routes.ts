import type { Hono } from "hono";
import { accepts } from "hono/accepts";
import type { Campaign } from "../domain/campaign";
import {
  CSV_BOM,
  csvHeader,
  csvLines,
  csvRow,
  exportColumns,
  toResponseItem,
} from "../domain/response-export";
import * as z from "../domain/zod";
import { describeError, log } from "../log";
import type { ListedResponse, ResponseFilter, ResponseStore } from "../store/response-store";
import { errorResponses } from "./openapi-errors";
import { parseWith } from "./validation";

export type ResponseRouteDependencies = {
  /** A ResponseStore; only `list` is used. */
  readonly responses: Pick<ResponseStore, "list">;
  loadCampaign(id: string): Promise<{ campaign: Campaign }>;
  /** Rows per store call while exporting CSV (default 1000); tests lower it to exercise paging. */
  readonly exportPageSize?: number;
};

export const RESPONSES_DEFAULT_LIMIT = 100;
export const RESPONSES_MAX_LIMIT = 1000;
/** Rows per store call while exporting CSV: one page is all the export holds in memory. */
const EXPORT_PAGE_SIZE = RESPONSES_MAX_LIMIT;

const day = z.iso.date("must be a date YYYY-MM-DD (a UTC day)");
const score = z.pipe(
  z.string().check(z.regex(/^(?:10|\d)$/, "must be a whole number from 0 to 10")),
  z.transform(Number),
);

export const responsesQuerySchema = z
  .strictObject({
    from: z.optional(day),
    to: z.optional(day),
    minScore: z.optional(score),
    maxScore: z.optional(score),
    limit: z.optional(
      z.pipe(
        z.string().check(z.regex(/^\d{1,4}$/, `must be a whole number from 1 to ${RESPONSES_MAX_LIMIT}`)),
        z.pipe(
          z.transform(Number),
          z
            .int()
            .check(
              z.gte(1, `must be a whole number from 1 to ${RESPONSES_MAX_LIMIT}`),
              z.lte(RESPONSES_MAX_LIMIT, `must be a whole number from 1 to ${RESPONSES_MAX_LIMIT}`),
            ),
        ),
      ),
    ),
    cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
  })
  .check(
    // Compared only when both sides parsed: a malformed value is reported once, as malformed.
    z.refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
      message: "must not be after to",
      path: ["from"],
      when: (payload) => parsed(payload.issues, "from", "to"),
    }),
    z.refine((q) => q.minScore === undefined || q.maxScore === undefined || q.minScore <= q.maxScore, {
      message: "must not be more than maxScore",
      path: ["minScore"],
      when: (payload) => parsed(payload.issues, "minScore", "maxScore"),
    }),
  );

function parsed(issues: readonly z.core.$ZodRawIssue[], ...fields: string[]): boolean {
  return !issues.some((issue) => fields.includes(String(issue.path?.[0])));
}

/**
 * `GET /v1/campaigns/{campaignId}/responses`: a page of JSON, or with `Accept: text/csv` every matching
 * response as one CSV download. The API key middleware of /v1/* guards it.
 */
export function registerResponseRoutes(app: Hono, deps: ResponseRouteDependencies): void {
  app.get("/v1/campaigns/:campaignId/responses", async (c) => {
    const query = parseWith(responsesQuerySchema, c.req.query(), "query");
    const { campaign } = await deps.loadCampaign(c.req.param("campaignId"));
    const { from, to, minScore, maxScore } = query;
    const filter: ResponseFilter = { from, to, minScore, maxScore };

    const format = accepts(c, {
      header: "Accept",
      supports: ["application/json", "text/csv"],
      default: "application/json",
    });
    if (format === "text/csv") {
      const body = await csvExport(deps.responses, campaign, filter, deps.exportPageSize ?? EXPORT_PAGE_SIZE);
      return c.body(body, 200, {
        "Content-Type": "text/csv; charset=utf-8; header=present",
        "Content-Disposition": `attachment; filename="responses-${campaign.id}.csv"`,
        "Cache-Control": "no-store",
        Vary: "Accept",
      });
    }

    const page = await deps.responses.list(
      campaign.id,
      filter,
      query.limit ?? RESPONSES_DEFAULT_LIMIT,
      query.cursor,
    );
    c.header("Cache-Control", "no-store");
    c.header("Vary", "Accept");
    return c.json({ items: page.items.map(toResponseItem), nextCursor: page.nextCursor });
  });
}

/**
 * The export as a stream that reads the next page of the store only once the client has taken the
 * previous one, so memory stays flat however many responses the campaign has. (That holds where the
 * runtime streams, as the Node server does; Lambda's buffered adapter behind the HTTP API collects the
 * whole body, and its 6 MB response limit caps the export there.) The first page is read before
 * answering, so a fault there is still a proper error response. A fault on a later page errors the
 * stream: the connection is cut (on Lambda the invocation fails) instead of a 200 that looks complete.
 * Hono's `stream()` helper is not used because it swallows such an error and ends the body normally.
 */
async function csvExport(
  responses: ResponseRouteDependencies["responses"],
  campaign: Campaign,
  filter: ResponseFilter,
  pageSize: number,
): Promise<ReadableStream<Uint8Array>> {
  const columns = exportColumns(campaign);
  const encoder = new TextEncoder();
  const rows = (items: readonly ListedResponse[]) => csvLines(items.map((item) => csvRow(item, columns)));

  const first = await responses.list(campaign.id, filter, pageSize, undefined);
  let cursor = first.nextCursor;
  let pending: Uint8Array | null = encoder.encode(
    CSV_BOM + csvLines([csvHeader(columns)]) + rows(first.items),
  );
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (pending) {
          controller.enqueue(pending);
          pending = null;
          return;
        }
        if (cursor === null) {
          controller.close();
          return;
        }
        const page = await responses.list(campaign.id, filter, pageSize, cursor).catch((error: unknown) => {
          // Past the headers, errorResponse cannot answer any more: log like it, then fail the stream.
          log("error", "CSV export failed midway; the download is cut", {
            campaignId: campaign.id,
            error: describeError(error),
          });
          throw error;
        });
        cursor = page.nextCursor;
        if (page.items.length > 0) controller.enqueue(encoder.encode(rows(page.items)));
        if (cursor === null) controller.close();
      },
    },
    { highWaterMark: 0 },
  );
}

const responseItemSchema = {
  type: "object",
  required: [
    "id",
    "orderId",
    "email",
    "name",
    "score",
    "csat",
    "attributes",
    "comment",
    "properties",
    "locale",
    "createdAt",
    "updatedAt",
  ],
  properties: {
    id: {
      type: "string",
      pattern: "^rsp_[A-Za-z0-9_-]{22}$",
      description:
        "Opaque, stable id of the response. Not the survey link's token, which stays secret (it allows editing the answer).",
    },
    orderId: { type: "string" },
    email: { type: "string" },
    name: { type: ["string", "null"] },
    score: { type: "integer", minimum: 0, maximum: 10 },
    csat: { type: ["integer", "null"], minimum: 1, maximum: 5 },
    attributes: {
      type: "object",
      additionalProperties: { type: "integer", minimum: 1, maximum: 5 },
      description: "Ratings 1–5 by attribute key; only the attributes the customer rated.",
    },
    comment: { type: ["string", "null"] },
    properties: {
      type: "object",
      additionalProperties: { type: ["string", "number", "boolean"] },
      description: "The purchase's properties.",
    },
    locale: {
      type: ["string", "null"],
      enum: ["en", "zh-Hant", "zh-Hans", null],
      description: "The purchase's locale; null when it gave none (the campaign's applied).",
    },
    createdAt: { type: "string", format: "date-time", description: "When the customer first answered." },
    updatedAt: { type: "string", format: "date-time", description: "When the answer was last edited." },
  },
};

const CSV_DESCRIPTION =
  "CSV export: every response matching from/to/minScore/maxScore, newest first, as one " +
  'download (`Content-Disposition: attachment; filename="responses-<campaignId>.csv"`); `limit` and ' +
  "`cursor` are ignored. RFC 4180: a header row, CRLF line ends, fields with a comma, double quote or " +
  "line break quoted, quotes doubled. UTF-8 starting with a byte-order mark (EF BB BF) so that Excel " +
  "reads non-ASCII text such as Chinese correctly; most CSV parsers skip it. Columns: id, createdAt, " +
  "updatedAt, orderId, email, name, locale, score, csat, comment, then `attr.<key>` per campaign " +
  "attribute, `properties.<name>` per `segmentBy` property, and `properties` (JSON of all the " +
  "purchase's properties). Empty cell = no value. Formula injection: a text cell starting with `=`, `+`, " +
  "`-`, `@`, tab or carriage return is prefixed with `'` so spreadsheets show it as text. The body is " +
  "streamed; if the service fails midway the connection is cut rather than ending the file early.";

/** The OpenAPI path item of the route, to merge into the `paths` of functions/http/openapi.ts. */
export const responsesOpenApiPaths = {
  "/v1/campaigns/{campaignId}/responses": {
    parameters: [{ name: "campaignId", in: "path", required: true, schema: { type: "string" } }],
    get: {
      summary: "List a campaign's responses, newest first, or export them as CSV",
      description:
        "Responses ordered by when the customer first answered, newest first. A page holds `limit` rows " +
        "unless it is the last one (`nextCursor` null). Unknown query parameters are refused (400). " +
        "Send `Accept: text/csv` for a CSV export of every matching row. " +
        CSV_DESCRIPTION,
      parameters: [
        {
          name: "from",
          in: "query",
          schema: { type: "string", format: "date" },
          description: "First UTC day (YYYY-MM-DD, inclusive) of the first answer. Default: no lower bound.",
        },
        {
          name: "to",
          in: "query",
          schema: { type: "string", format: "date" },
          description: "Last UTC day (YYYY-MM-DD, inclusive); not before `from`. Default: no upper bound.",
        },
        {
          name: "minScore",
          in: "query",
          schema: { type: "integer", minimum: 0, maximum: 10 },
          description: "Lowest score included.",
        },
        {
          name: "maxScore",
          in: "query",
          schema: { type: "integer", minimum: 0, maximum: 10 },
          description: "Highest score included; not below `minScore`.",
        },
        {
          name: "limit",
          in: "query",
          schema: {
            type: "integer",
            minimum: 1,
            maximum: RESPONSES_MAX_LIMIT,
            default: RESPONSES_DEFAULT_LIMIT,
          },
          description: "Rows per page (JSON only; ignored by the CSV export).",
        },
        {
          name: "cursor",
          in: "query",
          schema: { type: "string" },
          description:
            "`nextCursor` of the previous page, with the same `from`/`to` (JSON only; ignored by the CSV export).",
        },
      ],
      responses: {
        "200": {
          description: "A page of responses (JSON), or all matching responses (CSV).",
          content: {
            "application/json": {
              schema: {
                type: "object",
                required: ["items", "nextCursor"],
                properties: {
                  items: { type: "array", items: responseItemSchema },
                  nextCursor: {
                    type: ["string", "null"],
                    description: "Pass as `cursor` for the next page; null at the end.",
                  },
                },
              },
            },
            "text/csv": { schema: { type: "string", description: "See the operation's description." } },
          },
        },
        ...errorResponses(
          {
            400: "A query parameter is not valid or unknown, or the cursor is not one this listing returned; `details` names each offending field.",
          },
          401,
          404,
          429,
        ),
      },
    },
  },
};
