// `npm run import -- <campaignId> <file.csv> [--format delighted|plain]`: loads past answers (a
// Delighted survey-responses export, or a plain email,score,comment,created_at,… file) into a
// campaign's responses and result counts, streaming, idempotently, with a progress bar.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { pipeline, Transform } from "node:stream";
import { parseArgs } from "node:util";
import { type CsvError, parse as parseCsv } from "csv-parse";
import { systemClock } from "../functions/domain/clock";
import { AppError, NotFoundError, ValidationError } from "../functions/domain/errors";
import {
  type ColumnRole,
  HISTORY_FORMATS,
  type HistoryColumns,
  type HistoryFormat,
} from "../functions/domain/history-import";
import { CAMPAIGN_ID_PATTERN } from "../functions/domain/ids";
import { DEFAULT_RETENTION_DAYS, RETENTION_DAYS_RANGE } from "../functions/domain/retention";
import { createDocumentClient } from "../functions/store/dynamo-client";
import { createStores } from "../functions/store/stores";
import {
  type HistoryRow,
  ImportInterruptedError,
  type ImportProgress,
  type ImportReport,
  importHistory,
} from "../functions/use-cases/import-history";
import { runCommand, UsageError } from "./command-line";
import { explainTableError, resolveTarget, TARGET_OPTIONS, TARGET_USAGE, type Target } from "./table-target";

const USAGE = `Usage:
  npm run import -- <campaignId> <file.csv>   load past answers into the campaign's responses and results

The file is a Delighted survey-responses export (it has a Response ID column) or a plain CSV with the
columns email, score, comment, created_at and any others (kept as properties); see README, "Importing
history". Each answer counts on the UTC day it was given, under the campaign's segmentBy columns.
Running it again imports nothing twice: answers imported before are skipped as duplicates.

Exit code: 0 when every row was imported or skipped as a duplicate, 3 when some rows were rejected
(listed with their line numbers; the others were imported), 1 on an error (what was written stays:
run the same import again to carry on), 2 on bad usage.

${TARGET_USAGE}
  --format <format>  delighted or plain (default: a Delighted export if the header has Response ID)
  --retention-days <n>  the stack's retentionDays (default 730): answers given before then are
                     imported without their address, name, comment and properties`;

/** How often a progress line is written when stderr is not a terminal. */
const PLAIN_PROGRESS_EVERY_MS = 10_000;
/** How often the bar is redrawn on a terminal, and memory sampled. */
const REDRAW_EVERY_MS = 200;
/** A record longer than this is refused as malformed (an unclosed quote would otherwise read the whole file). */
const MAX_RECORD_BYTES = 1_000_000;

type Import = {
  campaignId: string;
  file: string;
  format: HistoryFormat | undefined;
  retentionDays: number;
  target: Target;
};

function parseCommandLine(args: string[]): Import | "help" {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return "help";
  const [id, file, ...extra] = positionals;
  if (!id) throw new UsageError("Missing the campaign id, e.g. 'npm run import -- cmp_… export.csv'.");
  if (!CAMPAIGN_ID_PATTERN.test(id))
    throw new UsageError(`'${id.slice(0, 64)}' is not a campaign id (cmp_…).`);
  if (!file) throw new UsageError("Missing the CSV file to import, after the campaign id.");
  if (extra.length > 0) throw new UsageError(`Unexpected arguments: ${extra.join(" ")}`);
  const format = values.format;
  if (format !== undefined && !(HISTORY_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format must be ${HISTORY_FORMATS.join(" or ")}, not '${format.slice(0, 32)}'.`);
  }
  let retentionDays = DEFAULT_RETENTION_DAYS;
  if (values["retention-days"] !== undefined) {
    const { min, max } = RETENTION_DAYS_RANGE;
    const days = Number(values["retention-days"]);
    if (!/^\d{1,5}$/.test(values["retention-days"]) || days < min || days > max) {
      throw new UsageError(
        `--retention-days must be a whole number of days from ${min} to ${max}, as the stack's retentionDays.`,
      );
    }
    retentionDays = days;
  }
  return {
    campaignId: id,
    file,
    format: format as HistoryFormat | undefined,
    retentionDays,
    target: resolveTarget(values),
  };
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: { ...TARGET_OPTIONS, format: { type: "string" }, "retention-days": { type: "string" } },
  });
}

/** CRLF (and a CR split from its LF across chunks) as LF, so csv-parse counts lines right. */
function lineEndsAsLf(onChunk: () => void): Transform {
  let carry = "";
  return new Transform({
    decodeStrings: false,
    transform(chunk: string, _encoding, done) {
      onChunk();
      let text = carry + chunk;
      carry = "";
      if (text.endsWith("\r")) {
        carry = "\r";
        text = text.slice(0, -1);
      }
      done(null, text.replace(/\r\n/g, "\n"));
    },
    flush(done) {
      done(null, carry);
    },
  });
}

/**
 * The file's records, one at a time (the reader pauses while the import waits): each with its first
 * line and its fields, or why it could not be read. UTF-8, with or without a byte-order mark.
 */
async function* readRows(file: string, onBytes: (bytes: number) => void): AsyncGenerator<HistoryRow> {
  const skipped: HistoryRow[] = [];
  const source = createReadStream(file, { encoding: "utf8" });
  const parser = parseCsv({
    bom: true,
    info: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: MAX_RECORD_BYTES,
    on_skip: (error: CsvError | undefined) => {
      skipped.push({
        line: typeof error?.lines === "number" ? error.lines : 0,
        malformed: (error?.message ?? "unreadable").replace(/\s+at line \d+.*$/, ""),
      });
      return undefined;
    },
  });
  const lineEnds = lineEndsAsLf(() => onBytes(source.bytesRead));
  const records = pipeline(source, lineEnds, parser, () => {});
  for await (const { record, info } of records as AsyncIterable<{
    record: string[];
    info: { lines: number };
  }>) {
    yield* skipped.splice(0);
    const newlines = record.reduce((sum, field) => sum + (field.match(/\n/g)?.length ?? 0), 0);
    yield { line: info.lines - newlines, fields: record };
  }
  yield* skipped.splice(0);
}

/** The progress bar on a terminal (redrawn in place), or a line every few seconds otherwise. */
function progressDisplay(fileBytes: number, startedAt: number) {
  const tty = process.stderr.isTTY === true;
  let progress: ImportProgress = { read: 0, imported: 0, anonymised: 0, duplicates: 0, rejected: 0 };
  let bytes = 0;
  let peakRss = process.memoryUsage.rss();
  let lastLine = 0;
  const render = (): string => {
    const share = fileBytes > 0 ? Math.min(1, bytes / fileBytes) : 1;
    const width = 24;
    const filled = Math.round(share * width);
    const seconds = (Date.now() - startedAt) / 1000;
    const rate = seconds > 0 ? Math.round(progress.read / seconds) : 0;
    const n = (value: number) => value.toLocaleString("en-US");
    return (
      `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${String(Math.floor(share * 100)).padStart(3)}%  ` +
      `${n(progress.read)} read, ${n(progress.imported)} imported, ${n(progress.duplicates)} duplicates, ` +
      `${n(progress.rejected)} rejected, ${n(rate)} rows/s`
    );
  };
  const tick = () => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    if (tty) process.stderr.write(`\r${render()}\u001b[K`);
    else if (Date.now() - lastLine >= PLAIN_PROGRESS_EVERY_MS) {
      lastLine = Date.now();
      process.stderr.write(`${render()}\n`);
    }
  };
  lastLine = Date.now();
  const timer = setInterval(tick, REDRAW_EVERY_MS);
  timer.unref();
  return {
    update: (next: ImportProgress) => {
      progress = next;
    },
    bytes: (read: number) => {
      bytes = read;
    },
    /** Stops redrawing; the last state stays on the terminal. */
    stop: (): number => {
      clearInterval(timer);
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
      if (tty) process.stderr.write(`\r${render()}\u001b[K\n`);
      return peakRss;
    },
  };
}

/** What each column is read as, on one line: "Score → score, Region → property region, Notes → not kept". */
function describeColumns(columns: HistoryColumns): string {
  const as = (role: ColumnRole): string => {
    switch (role.kind) {
      case "property":
        return `property ${role.name}`;
      case "attribute":
        return `rating of ${role.key}`;
      case "ignored":
        return "not kept";
      case "answeredAt":
        return "answer time";
      case "responseId":
        return "response id";
      case "surveyType":
        return "survey type";
      default:
        return role.kind;
    }
  };
  return columns.names
    .map(
      (name, index) =>
        `${name || `(column ${index + 1})`} → ${as(columns.roles[index] ?? { kind: "ignored" })}`,
    )
    .join(", ");
}

function printSummary(
  command: Import,
  report: ImportReport,
  elapsedMs: number,
  peakRss: number,
  retentionDays: number,
): void {
  const seconds = elapsedMs / 1000;
  const rate = seconds > 0 ? Math.round(report.read / seconds) : report.read;
  const format = report.format === "delighted" ? "a Delighted export" : "a plain CSV";
  const anonymised =
    report.anonymised > 0
      ? ` (${report.anonymised} given more than ${retentionDays} days ago, kept without personal data)`
      : "";
  console.log(`Import of ${command.file} (${format}) into campaign ${command.campaignId}:`);
  console.log(`  imported:              ${report.imported}${anonymised}`);
  console.log(`  skipped as duplicates: ${report.duplicates}`);
  console.log(`  rejected:              ${report.rejected}`);
  console.log(`  rows read:             ${report.read}`);
  console.log(`  elapsed:               ${seconds.toFixed(1)} s (${rate} rows/s)`);
  console.log(`  peak RSS:              ${Math.round(peakRss / 1024 / 1024)} MB`);
  if (report.rejected > 0) {
    const listed = report.rejections.length;
    console.log(
      listed < report.rejected
        ? `Rejected rows (the first ${listed} of ${report.rejected}):`
        : `Rejected rows (${report.rejected}):`,
    );
    for (const { line, reason } of report.rejections) console.log(`  line ${line}: ${reason}`);
    if (listed < report.rejected) console.log(`  … and ${report.rejected - listed} more`);
  }
}

async function runImport(command: Import): Promise<number> {
  const { campaignId, file, target } = command;
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new Error("not a file");
    size = info.size;
  } catch {
    console.error(`error: cannot read '${file}': no such file.`);
    return 1;
  }
  const stores = createStores(
    createDocumentClient({ endpoint: target.endpoint, region: target.region }),
    target.tableName,
    { retentionDays: command.retentionDays },
  );
  const startedAt = Date.now();
  const display = progressDisplay(size, startedAt);
  const finish = (report: ImportReport) => {
    const peakRss = display.stop();
    printSummary(command, report, Date.now() - startedAt, peakRss, command.retentionDays);
  };
  try {
    const report = await importHistory(
      { ...stores, clock: systemClock },
      campaignId,
      readRows(file, display.bytes),
      {
        format: command.format,
        retentionDays: command.retentionDays,
        onProgress: display.update,
        onHeader: (columns) => {
          const format = columns.format === "delighted" ? "a Delighted export" : "a plain CSV";
          console.error(`Reading ${file} as ${format} into campaign ${campaignId}.`);
          console.error(`Columns: ${describeColumns(columns)}`);
          for (const note of columns.notes) console.error(`note: ${note}`);
        },
      },
    );
    finish(report);
    return report.rejected > 0 ? 3 : 0;
  } catch (error) {
    if (error instanceof ImportInterruptedError) {
      finish(error.report);
      const cause = error.cause;
      console.error(
        `error: the import stopped: ${cause instanceof AppError ? cause.message : explainTableError(cause, target)}`,
      );
      console.error("What was imported stays: run the same import again to carry on.");
      return 1;
    }
    display.stop();
    if (error instanceof NotFoundError) {
      console.error(`error: no campaign has the id '${campaignId}' in table '${target.tableName}'.`);
    } else if (error instanceof ValidationError) {
      console.error(`error: ${error.message}`);
      for (const detail of error.details ?? []) console.error(`  ${detail.field}: ${detail.message}`);
    } else console.error(`error: ${explainTableError(error, target)}`);
    return 1;
  }
}

runCommand({ usage: USAGE, parse: parseCommandLine, run: runImport });
