import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { MailSetupError } from "../domain/errors";
import { log } from "../platform/log";
import { type BusinessMetric, countMetric, flushMetrics } from "../platform/metrics";
import { type SendOutcome, type SendPorts, sendInvitation } from "../use-cases/send-invitation";
import { parseDeliveryMessage } from "./delivery-message";

/**
 * The sender's SQS batch handler: each message is one due action. A message that fails is reported
 * alone (partial batch response), so the queue retries just it and, past its receive limit, moves it to
 * the dead-letter queue; the others of the batch are done.
 */
export function createSendQueueHandler(ports: SendPorts) {
  return async (event: Pick<SQSEvent, "Records">): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse["batchItemFailures"] = [];
    for (const record of event.Records) {
      try {
        const outcome = await sendInvitation(ports, parseDeliveryMessage(record.body));
        const metric = OUTCOME_METRICS[outcome];
        if (metric) countMetric(metric);
        log("info", "delivery message handled", { messageId: record.messageId, outcome });
      } catch (error) {
        log("error", "delivery message failed", {
          messageId: record.messageId,
          // "Name: message" first, as operators and tests search it; the stack after, for the cause.
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
          ...(error instanceof Error && error.stack ? { stack: error.stack } : {}),
        });
        batchItemFailures.push({ itemIdentifier: record.messageId });
        countMetric("SendsFailed");
        // Every email of the campaign would fail alike: counted apart, for an alarm that does not wait
        // for the retries to reach the dead-letter queue.
        if (error instanceof MailSetupError) countMetric("SendsFailedSetup");
      }
    }
    flushMetrics();
    return { batchItemFailures };
  };
}

const OUTCOME_METRICS: Partial<Record<SendOutcome, BusinessMetric>> = {
  sent: "EmailsSent",
  reminded: "RemindersSent",
  skipped: "SendsSkipped",
};
