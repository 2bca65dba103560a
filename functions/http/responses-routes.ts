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
import type { ResponseFilter, ResponseStore } from "../store/response-store";
import { errorResponses } from "./openapi-errors";
import { parseWith } from "./validation";

export type ResponseRouteDependencies = {
  /** A ResponseStore; only `list` is used. */
  readonly responses: Pick<ResponseStore, "list">;
  loadCampaign(id: string): Promise<{ campaign: Campaign }>;
  /** Rows per store call while exporting CSV (default 1000); tests lower it to exercise paging. */
  readonly exportPageSize?: number;
  /** The most one CSV part may weigh (default MAX_EXPORT_PART_BYTES); tests lower it to get several parts. */
  readonly maxExportPartBytes?: number;
};

export const RESPONSES_DEFAULT_LIMIT = 100;
export const RESPONSES_MAX_LIMIT = 1000;
/** Rows per store call while exporting CSV. */
const EXPORT_PAGE_SIZE = RESPONSES_MAX_LIMIT;
/**
 * The most CSV one response carries. Lambda answers API Gateway with at most 6 MB of JSON, and the body
 * travels JSON-escaped inside it (a quote or a line break takes two bytes there): 5 MB of escaped body
 * leaves room for the envelope and headers. A larger export comes in parts linked by `Link: rel="next"`.
 */
export const MAX_EXPORT_PART_BYTES = 5 * 1024 * 1024;

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
      const part = await csvExportPart(deps.responses, campaign, filter, query.cursor, {
        pageSize: deps.exportPageSize ?? EXPORT_PAGE_SIZE,
        maxBytes: deps.maxExportPartBytes ?? MAX_EXPORT_PART_BYTES,
      });
      if (part.nextCursor !== null) {
        // Relative to the request, so it holds behind a custom domain or a stage path too.
        const next = new URL(c.req.url);
        next.searchParams.set("cursor", part.nextCursor);
        c.header("Link", `<${next.pathname}${next.search}>; rel="next"`);
      }
      return c.body(part.body, 200, {
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
 * One part of the CSV export, starting at `cursor`: the BOM, the header row and whole pages of rows for
 * as long as the next page still fits in `maxBytes` (counted as the body weighs inside Lambda's JSON
 * response). `nextCursor` resumes after the last row; null when the export is complete. A part that
 * cannot fit even its first page reads smaller pages, down to one row, so every part makes progress.
 * The part is built before answering, so a fault while reading is a proper error response, never a
 * 200 that looks complete.
 */
export async function csvExportPart(
  responses: ResponseRouteDependencies["responses"],
  campaign: Campaign,
  filter: ResponseFilter,
  cursor: string | undefined,
  options: {
    readonly pageSize: number;
    readonly maxBytes: number;
    /** Default MAX_SHORT_PAGES_PER_PART; tests lower it. */
    readonly maxShortPages?: number;
  },
): Promise<{ body: string; nextCursor: string | null }> {
  const columns = exportColumns(campaign);
  const chunks = [CSV_BOM + csvLines([csvHeader(columns)])];
  let bytes = escapedBytes(chunks[0] ?? "");
  let rows = 0;
  let limit = options.pageSize;
  let at = cursor;
  let shortPages = 0;
  for (;;) {
    const page = await responses.list(campaign.id, filter, limit, at);
    const text = csvLines(page.items.map((item) => csvRow(item, columns)));
    const size = escapedBytes(text);
    if (bytes + size > options.maxBytes && page.items.length > 0) {
      if (rows > 0) return { body: chunks.join(""), nextCursor: at ?? null };
      // Not even the first page fits: read fewer rows (a single row always fits: comments are capped).
      if (limit > 1) {
        limit = Math.max(1, Math.floor(limit / 2));
        continue;
      }
    }
    chunks.push(text);
    bytes += size;
    rows += page.items.length;
    if (page.nextCursor === null) return { body: chunks.join(""), nextCursor: null };
    at = page.nextCursor;
    // A short page that goes on means the score filter skipped a store-read's worth of rows: after
    // a few, answer this part (even without rows) rather than outrun the function's timeout.
    if (page.items.length < limit && ++shortPages >= (options.maxShortPages ?? MAX_SHORT_PAGES_PER_PART)) {
      return { body: chunks.join(""), nextCursor: at };
    }
  }
}

/** Store reads cut short by a sparse score filter that one CSV part may take (each reads ≤ 20,000 rows). */
const MAX_SHORT_PAGES_PER_PART = 3;

/** Bytes of `text` as a JSON string value, without the quotes: its weight in a Lambda response. */
function escapedBytes(text: string): number {
  return Buffer.byteLength(JSON.stringify(text)) - 2;
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
  "CSV export: every response matching from/to/minScore/maxScore, newest first, as a download " +
  '(`Content-Disposition: attachment; filename="responses-<campaignId>.csv"`); `limit` is ignored. ' +
  "An export over 5 MB comes in parts (the platform caps a response at 6 MB): a part that is not the " +
  'last carries `Link: <…&cursor=…>; rel="next"`; fetch that URL for the next part. Each part is a ' +
  "complete CSV with its own byte-order mark and header row, and together they hold every row once. " +
  "With a score filter that matches few of many responses, a part may also end early (even without " +
  "rows) to stay within the time limit; follow `Link` until there is none. " +
  "RFC 4180: a header row, CRLF line ends, fields with a comma, double quote or " +
  "line break quoted, quotes doubled. UTF-8 starting with a byte-order mark (EF BB BF) so that Excel " +
  "reads non-ASCII text such as Chinese correctly; most CSV parsers skip it. Columns: id, createdAt, " +
  "updatedAt, orderId, email, name, locale, score, csat, comment, then `attr.<key>` per campaign " +
  "attribute, `properties.<name>` per `segmentBy` property, and `properties` (JSON of all the " +
  "purchase's properties). Empty cell = no value. Formula injection: a text cell starting with `=`, `+`, " +
  "`-`, `@`, tab or carriage return is prefixed with `'` so spreadsheets show it as text.";

/** The OpenAPI path item of the route, to merge into the `paths` of functions/http/openapi.ts. */
export const responsesOpenApiPaths = {
  "/v1/campaigns/{campaignId}/responses": {
    parameters: [{ name: "campaignId", in: "path", required: true, schema: { type: "string" } }],
    get: {
      summary: "List a campaign's responses, newest first, or export them as CSV",
      description:
        "Responses ordered by when the customer first answered, newest first. A page holds `limit` rows " +
        "unless it is the last one (`nextCursor` null), or unless a score filter skipped 20,000 rows " +
        "while filling it: then it is short (possibly empty) and `nextCursor` goes on. Unknown query " +
        "parameters are refused (400). " +
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
          description: "Rows per page (JSON only; the CSV export is split by size instead).",
        },
        {
          name: "cursor",
          in: "query",
          schema: { type: "string" },
          description:
            "`nextCursor` of the previous page (JSON), or the cursor in the `Link` header of the previous CSV part, with the same filters.",
        },
      ],
      responses: {
        "200": {
          description:
            'A page of responses (JSON), or the matching responses as CSV: all of them, or one part with a `Link: rel="next"` header to the next.',
          headers: {
            Link: {
              description:
                'CSV only, on a part that is not the last: `<path?…&cursor=…>; rel="next"`, relative to the request.',
              schema: { type: "string" },
            },
          },
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
