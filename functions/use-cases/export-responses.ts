import type { Campaign } from "../domain/campaign";
import {
  CSV_BOM,
  csvHeader,
  csvLines,
  csvRow,
  exportColumns,
  RESPONSES_MAX_LIMIT,
  type ResponseFilter,
} from "../domain/response-export";
import { openListing, type ResponseListPorts } from "./list-responses";

/** How the CSV export is cut; the defaults suit Lambda behind API Gateway, tests lower them. */
export type ExportOptions = {
  /** Rows per store read (default RESPONSES_MAX_LIMIT). */
  readonly pageSize?: number;
  /** The most one CSV part may weigh (default MAX_EXPORT_PART_BYTES). */
  readonly maxPartBytes?: number;
  /** Store reads cut short by a sparse score filter that one part may take (default 3). */
  readonly maxShortPages?: number;
};

/**
 * The most CSV one response carries. Lambda answers API Gateway with at most 6 MB of JSON, and the body
 * travels JSON-escaped inside it (a quote or a line break takes two bytes there): 5 MB of escaped body
 * leaves room for the envelope and headers. A larger export comes in parts linked by `Link: rel="next"`.
 */
export const MAX_EXPORT_PART_BYTES = 5 * 1024 * 1024;

/**
 * One part of a campaign's CSV export: every response matching the query's days and scores, newest
 * first (`limit` is ignored: parts are cut by size). `nextCursor` resumes with the next part; null when
 * this one ends the export.
 */
export async function exportResponses(
  ports: ResponseListPorts,
  campaignId: string,
  query: unknown,
  options: ExportOptions = {},
): Promise<{ campaign: Campaign; body: string; nextCursor: string | null }> {
  const { campaign, filter, cursor } = await openListing(ports, campaignId, query);
  const part = await csvExportPart(ports.responses, campaign, filter, cursor, {
    pageSize: options.pageSize ?? RESPONSES_MAX_LIMIT,
    maxBytes: options.maxPartBytes ?? MAX_EXPORT_PART_BYTES,
    ...(options.maxShortPages === undefined ? {} : { maxShortPages: options.maxShortPages }),
  });
  return { campaign, ...part };
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
  responses: ResponseListPorts["responses"],
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
