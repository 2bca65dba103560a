import type { Clock } from "../domain/clock";
import { ThrottledError } from "../domain/errors";
import {
  type HistoryColumns,
  type HistoryFormat,
  type ImportedResponse,
  isPastRetention,
  parseHistoryRow,
  type RejectedRow,
  readHistoryHeader,
  rejectionReason,
  withoutPersonalData,
} from "../domain/history-import";
import { DEFAULT_RETENTION_DAYS } from "../domain/retention";
import { invalid } from "../domain/validation";
import { type CampaignLookupPorts, loadCampaign } from "./load-campaign";

export type ImportHistoryPorts = CampaignLookupPorts & {
  readonly results: {
    resolveSegments(
      campaignId: string,
      segmentBy: readonly string[],
      properties: Record<string, string | number | boolean>,
    ): Promise<Record<string, string>>;
  };
  readonly responses: {
    /** Writes in different lanes never touch the same item: one write per lane may be in flight. */
    readonly importLanes: number;
    importLaneOf(token: string): number;
    /**
     * Writes answers of one lane, each with the counts it adds; per answer: imported, duplicate
     * (imported before, nothing written), or throttled (nothing of it written: send it again).
     */
    importAnswers(
      answers: readonly ImportedResponse[],
      now: Date,
    ): Promise<("imported" | "duplicate" | "throttled")[]>;
  };
  readonly clock: Clock;
};

/** One record of the file as the CSV reader gives it: its fields, or why it could not be read. */
export type HistoryRow =
  | { readonly line: number; readonly fields: readonly string[] }
  | { readonly line: number; readonly malformed: string };

/** How far an import is; the same object is updated as it goes. */
export type ImportProgress = {
  /** Rows read after the header. */
  read: number;
  imported: number;
  /** Of the imported: given before the retention window, so kept without personal data. */
  anonymised: number;
  duplicates: number;
  rejected: number;
};

export type ImportReport = ImportProgress & {
  readonly format: HistoryFormat | null;
  /** Columns left out, as the header was read. */
  readonly notes: readonly string[];
  /** The first MAX_LISTED_REJECTIONS rejected rows, in the order read. */
  readonly rejections: RejectedRow[];
};

export type ImportHistoryOptions = {
  /** Default: from the header (a Response ID column means a Delighted export). */
  readonly format?: HistoryFormat | undefined;
  /** The stack's retentionDays: older answers are imported without personal data. */
  readonly retentionDays?: number;
  /** Answers per write (a lane's batch); the store packs them into transactions. */
  readonly batchSize?: number;
  /** Called with the live progress after each row read and each write; cheap, so it can redraw. */
  readonly onProgress?: (progress: ImportProgress) => void;
  /** Called once the header is read, before any row: what the columns are read as. */
  readonly onHeader?: (columns: HistoryColumns) => void;
  /** Waits between writes the table throttled (tests pass a fake). */
  readonly sleep?: (ms: number) => Promise<void>;
};

/** Rejected rows listed in the report; beyond, only counted. */
export const MAX_LISTED_REJECTIONS = 100;
const DEFAULT_BATCH = 50;
/** Throttled writes are sent again this many times, after 0.5 s, 1 s, 2 s…, before the import stops. */
const THROTTLE_RETRIES = 6;
const THROTTLE_FIRST_WAIT_MS = 500;

/** The import stopped (a failure of the table, or throttling that outlasted the retries): what it did so far. */
export class ImportInterruptedError extends Error {
  constructor(
    readonly report: ImportReport,
    cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = "ImportInterruptedError";
    this.cause = cause;
  }
}

type Lane = {
  pending: ImportedResponse[];
  /** Tokens of `pending`: one transaction cannot write an item twice, so a repeat there is a duplicate. */
  tokens: Set<string>;
  writing: Promise<void> | undefined;
};

/**
 * Imports past answers (`npm run import`) into a campaign's responses and result counts, streaming:
 * rows are read one at a time, checked (domain/history-import.ts), and written per lane in batches,
 * one write in flight per lane; reading waits while a lane's next batch is full and its write is not
 * done, so memory stays bounded whatever the size of the file. Each answer is counted on the UTC day
 * it was given, under the campaign's segmentBy values of its row (normalized and capped as a
 * purchase's are). Idempotent: an answer imported before is a duplicate, written nothing.
 *
 * 404 for an unknown campaign; 400 for a file whose header cannot be read. A bad row is rejected
 * with its line and the reason, and the import goes on. A failure of the table (or throttling that
 * outlasted THROTTLE_RETRIES) stops it with an ImportInterruptedError carrying what was done: the same
 * import run again carries on, the answers written before being duplicates.
 */
export async function importHistory(
  ports: ImportHistoryPorts,
  campaignId: string,
  rows: AsyncIterable<HistoryRow>,
  options: ImportHistoryOptions = {},
): Promise<ImportReport> {
  const { campaign } = await loadCampaign(ports, campaignId);
  const retentionDays = options.retentionDays ?? DEFAULT_RETENTION_DAYS;
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const onProgress = options.onProgress ?? (() => {});
  const iterator = rows[Symbol.asyncIterator]();

  const first = await iterator.next();
  if (first.done) throw invalid("file", [{ field: "(file)", message: "is empty: it has no header row" }]);
  if ("malformed" in first.value) {
    throw invalid("file", [{ field: "(header)", message: `cannot be read: ${first.value.malformed}` }]);
  }
  const header = readHistoryHeader(first.value.fields, campaign, options.format);
  if (!header.ok) throw invalid("file's header", header.issues);
  const columns = header.value;
  options.onHeader?.(columns);

  const report: ImportReport = {
    format: columns.format,
    notes: columns.notes,
    rejections: [],
    read: 0,
    imported: 0,
    anonymised: 0,
    duplicates: 0,
    rejected: 0,
  };
  const reject = (line: number, reason: string) => {
    report.rejected++;
    if (report.rejections.length < MAX_LISTED_REJECTIONS) report.rejections.push({ line, reason });
  };

  let failure: { error: unknown } | undefined;
  const write = async (batch: ImportedResponse[]): Promise<void> => {
    let pending = batch;
    for (let attempt = 0; ; attempt++) {
      const outcomes = await ports.responses.importAnswers(pending, ports.clock());
      const throttled: ImportedResponse[] = [];
      for (const [index, outcome] of outcomes.entries()) {
        const answer = pending[index] as ImportedResponse;
        if (outcome === "imported") {
          report.imported++;
          if (answer.anonymous) report.anonymised++;
        } else if (outcome === "duplicate") report.duplicates++;
        else throttled.push(answer);
      }
      onProgress(report);
      if (throttled.length === 0) return;
      if (attempt >= THROTTLE_RETRIES) {
        throw new ThrottledError(
          `The table stayed too busy to take ${throttled.length} answers after ${THROTTLE_RETRIES} retries: run the same import again later to add the rest.`,
        );
      }
      await sleep(THROTTLE_FIRST_WAIT_MS * 2 ** attempt);
      pending = throttled;
    }
  };
  const lanes: Lane[] = Array.from({ length: ports.responses.importLanes }, () => ({
    pending: [],
    tokens: new Set(),
    writing: undefined,
  }));
  /** Starts writing the lane's batch, once its previous write is done. */
  const flush = async (lane: Lane): Promise<void> => {
    await lane.writing;
    if (failure) throw failure.error;
    const batch = lane.pending;
    lane.pending = [];
    lane.tokens = new Set();
    if (batch.length === 0) return;
    lane.writing = write(batch).catch((error: unknown) => {
      failure ??= { error };
    });
  };

  try {
    const now = ports.clock();
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      if (failure) throw failure.error;
      const row = next.value;
      report.read++;
      if ("malformed" in row) {
        reject(row.line, `not valid CSV: ${row.malformed}`);
        onProgress(report);
        continue;
      }
      const parsed = parseHistoryRow(columns, row.fields, { campaignId: campaign.id, campaign, now });
      if (!parsed.ok) {
        reject(row.line, rejectionReason(parsed.issues));
        onProgress(report);
        continue;
      }
      const segments = await ports.results.resolveSegments(
        campaign.id,
        campaign.segmentBy,
        parsed.value.properties,
      );
      const anonymous = isPastRetention(parsed.value.answeredAt, now, retentionDays);
      const answer = anonymous ? withoutPersonalData(parsed.value) : parsed.value;
      const lane = lanes[ports.responses.importLaneOf(answer.token)] as Lane;
      if (lane.tokens.has(answer.token)) {
        // The same answer twice in a few rows: it is imported once, with the first.
        report.duplicates++;
      } else {
        lane.tokens.add(answer.token);
        lane.pending.push({ ...answer, campaignId: campaign.id, segments, anonymous });
        if (lane.pending.length >= batchSize) await flush(lane);
      }
      onProgress(report);
    }
    for (const lane of lanes) await flush(lane);
    await Promise.all(lanes.map((lane) => lane.writing));
    if (failure) throw failure.error;
  } catch (error) {
    // Let the writes under way finish, so the report counts what was written.
    await Promise.all(lanes.map((lane) => lane.writing));
    await iterator.return?.();
    throw new ImportInterruptedError(report, error);
  }
  return report;
}
