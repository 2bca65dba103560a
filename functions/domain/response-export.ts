import { stringify } from "csv-stringify/sync";
import { type Answer, MAX_COMMENT_LENGTH } from "./answer";
import { type CampaignSettings, localeSchema } from "./campaign";
import type { Invitation } from "./invitation";
import { toResponseItem } from "./response-view";
import * as z from "./zod";

export { responseId } from "./response-id";
// The events function builds webhook events with it and loads no zod: it lives in response-view.ts.
export { toResponseItem } from "./response-view";

/**
 * How responses leave the service: the JSON item of `GET …/responses` and the rows of its CSV export.
 * Pure: no I/O, the same input always gives the same output.
 */

/** Rows of a responses page unless `limit` says otherwise, and the most it may ask for. */
export const RESPONSES_DEFAULT_LIMIT = 100;
export const RESPONSES_MAX_LIMIT = 1000;

const day = z.iso.date("must be a date YYYY-MM-DD (a UTC day)");
const score = z.pipe(
  z.string().check(z.regex(/^(?:10|\d)$/, "must be a whole number from 0 to 10")),
  z.pipe(z.transform(Number), z.int().check(z.gte(0), z.lte(10))),
);

/** The query of a responses listing or export: days of the first answer, scores, page size, cursor. */
export const responsesQuerySchema = z
  .strictObject({
    from: z
      .optional(day)
      .check(
        z.describe("First UTC day (YYYY-MM-DD, inclusive) of the first answer; default: no lower bound."),
      ),
    to: z
      .optional(day)
      .check(
        z.describe(
          "Last UTC day (YYYY-MM-DD, inclusive) of the first answer, not before `from`; default: no upper bound.",
        ),
      ),
    minScore: z.optional(score).check(z.describe("Lowest score included, 0–10; default 0.")),
    maxScore: z
      .optional(score)
      .check(
        z.describe(
          "Highest score included, 0–10 and not below `minScore`; default 10 (`6` lists detractors).",
        ),
      ),
    limit: z
      ._default(
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
        RESPONSES_DEFAULT_LIMIT,
      )
      .check(
        z.describe(
          `Rows per page, 1–${RESPONSES_MAX_LIMIT}; default ${RESPONSES_DEFAULT_LIMIT}. JSON only: the CSV ` +
            "export is cut into parts by size instead.",
        ),
      ),
    cursor: z
      .optional(z.string().check(z.minLength(1), z.maxLength(2048)))
      .check(
        z.describe(
          "The `nextCursor` of the previous page (JSON), or the cursor in the `Link` header of the previous CSV " +
            "part, with the same filters; leave it out to start.",
        ),
      ),
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

export type ResponsesQuery = z.infer<typeof responsesQuerySchema>;

/** What a listing keeps: UTC days of the first answer (`YYYY-MM-DD`, inclusive) and a score range. */
export type ResponseFilter = {
  from?: string | undefined;
  to?: string | undefined;
  minScore?: number | undefined;
  maxScore?: number | undefined;
};

/** A recorded response with the purchase it is about, as the response store lists it. */
export type ExportableResponse = Answer &
  Pick<Invitation, "token" | "campaignId" | "orderId" | "email" | "name" | "locale" | "properties"> & {
    createdAt: string;
    updatedAt: string;
  };

const rating = z.int().check(z.gte(1), z.lte(5));

/** One response as the JSON listing shows it. */
export const responseItemSchema = z
  .object({
    id: z
      .string()
      .check(
        z.regex(/^rsp_[A-Za-z0-9_-]{22}$/),
        z.describe(
          "Opaque, stable id of the response. Not the survey link's token, which stays secret (it allows editing " +
            "the answer).",
        ),
      ),
    orderId: z.string().check(z.describe("The orderId of the purchase the survey was about.")),
    email: z.string().check(z.describe("The customer's email address, lower-cased.")),
    name: z
      .nullable(z.string())
      .check(z.describe("The customer's name from the purchase; null when it gave none.")),
    score: z
      .int()
      .check(
        z.gte(0),
        z.lte(10),
        z.describe(
          "How likely the customer is to recommend you, 0–10: 9–10 promoter, 7–8 passive, 0–6 detractor.",
        ),
      ),
    csat: z
      .nullable(rating)
      .check(
        z.describe("Satisfaction, 1–5; null when the campaign did not ask or the customer did not answer."),
      ),
    attributes: z
      .record(z.string(), rating)
      .check(z.describe("Ratings 1–5 by attribute key; only the attributes the customer rated.")),
    comment: z
      .nullable(z.string().check(z.maxLength(MAX_COMMENT_LENGTH)))
      .check(z.describe(`The customer's comment, at most ${MAX_COMMENT_LENGTH} characters; null when none.`)),
    properties: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .check(z.describe("The purchase's properties, as posted.")),
    locale: z
      .nullable(localeSchema)
      .check(z.describe("The purchase's locale; null when it gave none (the campaign's applied).")),
    createdAt: z.iso.datetime().check(z.describe("When the customer first answered (ISO 8601, UTC).")),
    updatedAt: z.iso.datetime().check(z.describe("When the answer was last edited (ISO 8601, UTC).")),
  })
  .check(z.describe("One customer's answer to one survey, with the purchase it was about."));
export type ResponseItem = z.infer<typeof responseItemSchema>;

/** A page of GET …/responses as JSON. */
export const responsesPageSchema = z
  .object({
    items: z
      .array(responseItemSchema)
      .check(
        z.describe("Responses, newest first by first answer; see the operation for when a page is short."),
      ),
    nextCursor: z
      .nullable(z.string())
      .check(
        z.describe("Pass as `cursor` (with the same filters) for the next page; null on the last page."),
      ),
  })
  .check(z.describe("A page of a campaign's responses, newest first."));
export type ResponsesPage = z.infer<typeof responsesPageSchema>;

/** A part of the CSV export, as the contract names it; the operation describes its format. */
export const responsesCsvSchema = z
  .string()
  .check(
    z.describe(
      "RFC 4180 CSV in UTF-8 with a byte-order mark; see the operation's description for its columns.",
    ),
  );

/**
 * A cell a spreadsheet would read as a formula starts with one of these (OWASP, "CSV Injection"):
 * `=`, `+`, `-`, `@`, tab, carriage return.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Neutralizes a text cell against formula injection, as OWASP advises: a leading `'` makes Excel,
 * LibreOffice and Google Sheets show the text instead of evaluating it. Only text is touched: numbers
 * and booleans come from typed data and cannot be formulas, so `-5` stays a number.
 */
export function neutralizeCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

type Cell = string | number | boolean | null | undefined;

const cell = (value: Cell): string =>
  value === null || value === undefined
    ? ""
    : typeof value === "string"
      ? neutralizeCell(value)
      : String(value);

/** The columns of a campaign's export, in order. */
export type ExportColumns = {
  readonly attributeKeys: readonly string[];
  readonly segmentProperties: readonly string[];
};

export const exportColumns = (
  campaign: Pick<CampaignSettings, "attributes" | "segmentBy">,
): ExportColumns => ({
  attributeKeys: campaign.attributes.map((a) => a.key),
  segmentProperties: campaign.segmentBy,
});

const FIXED_COLUMNS = [
  "id",
  "createdAt",
  "updatedAt",
  "orderId",
  "email",
  "name",
  "locale",
  "score",
  "csat",
  "comment",
] as const;

/**
 * The header row: the fixed columns, `attr.<key>` per campaign attribute, `properties.<name>` per
 * `segmentBy` property, and `properties` (the JSON of all of a row's properties). Properties vary per
 * purchase and a streamed export cannot know every name in advance, so only the campaign's segment
 * properties get a column of their own.
 */
export function csvHeader(columns: ExportColumns): string[] {
  return [
    ...FIXED_COLUMNS,
    ...columns.attributeKeys.map((key) => `attr.${key}`),
    ...columns.segmentProperties.map((name) => `properties.${name}`),
    "properties",
  ].map(cell);
}

/** One response as a row under `csvHeader(columns)`, every text cell neutralized. */
export function csvRow(response: ExportableResponse, columns: ExportColumns): string[] {
  const item = toResponseItem(response);
  return [
    item.id,
    item.createdAt,
    item.updatedAt,
    item.orderId,
    item.email,
    item.name,
    item.locale,
    item.score,
    item.csat,
    item.comment,
    ...columns.attributeKeys.map((key) => item.attributes[key]),
    ...columns.segmentProperties.map((name) => item.properties[name]),
    JSON.stringify(item.properties),
  ].map(cell);
}

/**
 * The byte-order mark that starts the file. RFC 4180 does not need it, but Excel opens a CSV without
 * one in the machine's legacy code page, which garbles Chinese (and any non-ASCII) text; with it, Excel,
 * LibreOffice, Numbers and Google Sheets all read UTF-8. Most CSV libraries skip it (csv-parse: `bom`).
 */
export const CSV_BOM = "\uFEFF";

/**
 * Rows as RFC 4180 text: CRLF after every row, fields quoted when they hold a comma, a double quote
 * (doubled inside) or any line break. `quote_record_delimiter` matters: with a CRLF record delimiter
 * csv-stringify would otherwise leave a bare LF (as comments hold) unquoted, splitting the row.
 */
export function csvLines(rows: readonly (readonly string[])[]): string {
  return stringify(rows as string[][], { record_delimiter: "\r\n", quote_record_delimiter: true });
}
