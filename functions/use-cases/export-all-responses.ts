import type { Campaign } from "../domain/campaign";
import { ConflictError } from "../domain/errors";
import { CSV_BOM, csvHeader, csvLines, exportColumns, RESPONSES_MAX_LIMIT } from "../domain/response-export";
import { csvExportPart, type ExportOptions, MAX_EXPORT_PART_BYTES } from "./export-responses";
import { openListing, type ResponseListPorts } from "./list-responses";

/**
 * The export is larger than one part, and the caller can only answer with one buffered body (Lambda
 * behind API Gateway: 6 MB at most). The API's export in parts is the way to it.
 */
export class ExportTooLargeForOneDownloadError extends ConflictError {
  constructor(readonly campaignId: string) {
    super(
      `The export of campaign ${campaignId} is larger than one download; fetch it in parts from the API.`,
    );
  }
}

/**
 * A campaign's whole CSV export as one file, for the console's download: the API's parts, read one
 * after another, with the BOM and the header row once. The query is checked and the first part read
 * before this returns (a bad filter is an error page, not a broken download); the rest is read as the
 * caller pulls, so a long export never sits in memory whole.
 */
export async function exportAllResponses(
  ports: ResponseListPorts,
  campaignId: string,
  query: unknown,
  options: ExportOptions & {
    /** Refuse an export of more than one part (ExportTooLargeForOneDownloadError) instead of streaming it. */
    readonly onePartOnly?: boolean;
  } = {},
): Promise<{ campaign: Campaign; parts: AsyncIterable<string> }> {
  const { campaign, filter } = await openListing(ports, campaignId, query);
  const partOptions = {
    pageSize: options.pageSize ?? RESPONSES_MAX_LIMIT,
    maxBytes: options.maxPartBytes ?? MAX_EXPORT_PART_BYTES,
    ...(options.maxShortPages === undefined ? {} : { maxShortPages: options.maxShortPages }),
  };
  const head = CSV_BOM + csvLines([csvHeader(exportColumns(campaign))]);
  const first = await csvExportPart(ports.responses, campaign, filter, undefined, partOptions);
  if (options.onePartOnly && first.nextCursor !== null)
    throw new ExportTooLargeForOneDownloadError(campaign.id);
  async function* parts(): AsyncGenerator<string> {
    yield first.body;
    let cursor = first.nextCursor;
    while (cursor !== null) {
      const part = await csvExportPart(ports.responses, campaign, filter, cursor, partOptions);
      // Every part starts with the BOM and the header: the file has them once.
      yield part.body.startsWith(head) ? part.body.slice(head.length) : part.body;
      cursor = part.nextCursor;
    }
  }
  return { campaign, parts: parts() };
}
