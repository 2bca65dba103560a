import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { DynamoDBBatchResponse, DynamoDBRecord } from "aws-lambda";
import { describeError, log } from "../platform/log";
import { countMetric, flushMetrics } from "../platform/metrics";
import {
  type ReactToChangePorts,
  reactToTableChange,
  type TableChange,
} from "../use-cases/react-to-table-change";

/** One record of the table's stream, as Lambda hands it over and as the local runtime reads it. */
export type StreamRecord = Pick<DynamoDBRecord, "eventID" | "eventName"> & {
  readonly dynamodb?: {
    readonly Keys?: Record<string, unknown>;
    readonly NewImage?: Record<string, unknown>;
    readonly OldImage?: Record<string, unknown>;
    readonly SequenceNumber?: string;
  };
};

/**
 * A stream record as the change it records: which kind of item (told by `kindOf`, the key design's
 * own reading of a key), its images before and after. Removals (expiry, deletion) announce nothing.
 */
export function toTableChange(
  record: StreamRecord,
  kindOf: ReactToChangePorts["changedItemKind"],
): TableChange | undefined {
  const image = (raw: Record<string, unknown> | undefined) =>
    raw === undefined ? null : unmarshall(raw as Record<string, AttributeValue>);
  const keys = image(record.dynamodb?.Keys) ?? {};
  const kind = kindOf(keys);
  if (kind === "other" || record.eventName === "REMOVE") return undefined;
  const after = image(record.dynamodb?.NewImage);
  if (after === null) return undefined;
  return { kind, before: image(record.dynamodb?.OldImage), after };
}

/**
 * The events function's stream batch handler. Records are handled one at a time in stream order (so
 * an item's changes are seen in the order they committed); the first that fails ends the batch and is
 * reported as the batch's failure, so Lambda (ReportBatchItemFailures, bisect on error) starts again
 * from it and nothing after it is skipped. Reacting is idempotent, so records handled before the
 * failure may be seen again at no cost. Past its retries a record goes to the failure queue.
 */
export function createTableStreamHandler(ports: ReactToChangePorts) {
  return async (event: { Records: readonly StreamRecord[] }): Promise<DynamoDBBatchResponse> => {
    try {
      for (const record of event.Records) {
        const change = toTableChange(record, ports.changedItemKind);
        if (change === undefined) continue;
        try {
          const outcome = await reactToTableChange(ports, change);
          if (outcome.caseOpened) countMetric("CasesOpened");
          if (outcome.caseUpdated) countMetric("CasesUpdated");
          countMetric("AlertsSent", outcome.alertsSent);
          countMetric("WebhookEventsFannedOut", outcome.webhookEvents);
        } catch (error) {
          log("error", "stream record failed", {
            eventId: record.eventID,
            sequenceNumber: record.dynamodb?.SequenceNumber,
            kind: change.kind,
            ...describeError(error),
          });
          countMetric("StreamRecordsFailed");
          return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? "" }] };
        }
      }
      return { batchItemFailures: [] };
    } finally {
      flushMetrics();
    }
  };
}
