import { RESPONSES_DEFAULT_LIMIT, RESPONSES_MAX_LIMIT } from "../domain/response-export";
import { errorResponses } from "./openapi-errors";

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
