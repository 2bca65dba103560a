import type { SNSEvent } from "aws-lambda";
import { suppressionsFromSesEvent } from "../domain/mail-events";
import { log } from "../log";
import { countMetric, flushMetrics } from "../metrics";
import type { InvitationStore } from "../store/invitation-store";

/** SES bounce and complaint notifications (via SNS) become suppression records. */
export function createMailEventsHandler(deps: { invitations: InvitationStore; clock?: () => Date }) {
  return async (event: Pick<SNSEvent, "Records">): Promise<{ suppressed: number }> => {
    let suppressed = 0;
    for (const record of event.Records) {
      for (const suppression of suppressionsFromSesEvent(record.Sns.Message)) {
        const added = await deps.invitations.suppress(
          suppression.email,
          suppression.reason,
          (deps.clock ?? (() => new Date()))(),
          suppression.source,
        );
        // A repeat bounce or complaint for an address already suppressed is not a new suppression.
        if (added) suppressed++;
      }
    }
    countMetric("AddressesSuppressed", suppressed);
    flushMetrics();
    log("info", "mail events recorded", { records: event.Records.length, suppressed });
    return { suppressed };
  };
}
