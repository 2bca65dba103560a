import type { SNSEvent } from "aws-lambda";
import { readSesEvent } from "../domain/mail-events";
import { describeError, log } from "../platform/log";
import { countMetric, flushMetrics } from "../platform/metrics";
import { type MailEventsPorts, recordMailEvents } from "../use-cases/record-mail-events";

/**
 * SES bounce and complaint notifications, published to SNS by the configuration set. SNS invokes the
 * function asynchronously with one record per event; should a batch ever hold several, each is handled
 * on its own. A record that is malformed, or whose suppressions could not be written, is logged (SNS
 * and SES message ids, never an address) and fails the invocation once the others are recorded:
 * Lambda retries the event (recording again changes nothing) and then keeps it, whole, in the mail
 * events failure queue, which alarms. Valid events of the types ignored (deliveries, sends, transient
 * bounces) pass quietly.
 */
export function createSesNotificationHandler(ports: MailEventsPorts) {
  return async (event: Pick<SNSEvent, "Records">): Promise<{ suppressed: number }> => {
    let suppressed = 0;
    const failed: string[] = [];
    for (const record of event.Records) {
      const sns = record.Sns;
      const where = { snsMessageId: sns.MessageId, topicArn: sns.TopicArn, timestamp: sns.Timestamp };
      const reading = readSesEvent(sns.Message);
      if (!reading.ok) {
        log("error", "SES notification malformed", {
          ...where,
          reason: reading.reason,
          eventType: reading.eventType,
          sesMessageId: reading.messageId,
          length: sns.Message.length,
        });
        failed.push(sns.MessageId);
        continue;
      }
      try {
        suppressed += await recordMailEvents(ports, reading.suppressions);
      } catch (error) {
        log("error", "SES notification not recorded", {
          ...where,
          eventType: reading.eventType,
          sesMessageId: reading.messageId,
          error: describeError(error),
        });
        failed.push(sns.MessageId);
      }
    }
    countMetric("AddressesSuppressed", suppressed);
    flushMetrics();
    log("info", "mail events recorded", { records: event.Records.length, suppressed, failed: failed.length });
    if (failed.length > 0) {
      throw new Error(
        `${failed.length} of ${event.Records.length} SES notification(s) not recorded (SNS message ids ` +
          `${failed.join(", ")}); see the log lines before this one`,
      );
    }
    return { suppressed };
  };
}
