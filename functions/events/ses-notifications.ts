import type { SNSEvent } from "aws-lambda";
import { suppressionsFromSesEvent } from "../domain/mail-events";
import { log } from "../platform/log";
import { countMetric, flushMetrics } from "../platform/metrics";
import { type MailEventsPorts, recordMailEvents } from "../use-cases/record-mail-events";

/** SES bounce and complaint notifications, published to SNS by the configuration set. */
export function createSesNotificationHandler(ports: MailEventsPorts) {
  return async (event: Pick<SNSEvent, "Records">): Promise<{ suppressed: number }> => {
    const suppressions = event.Records.flatMap((record) => suppressionsFromSesEvent(record.Sns.Message));
    const suppressed = await recordMailEvents(ports, suppressions);
    countMetric("AddressesSuppressed", suppressed);
    flushMetrics();
    log("info", "mail events recorded", { records: event.Records.length, suppressed });
    return { suppressed };
  };
}
