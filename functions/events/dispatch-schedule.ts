import { describeError, log } from "../platform/log";
import { type DeliverDuePorts, deliverDueWebhooks } from "../use-cases/deliver-due-webhooks";
import {
  DEFAULT_DISPATCH,
  type DispatchOptions,
  type DispatchPorts,
  dispatchDueInvitations,
} from "../use-cases/dispatch-due-invitations";
import { type CaseDigestPorts, sendCaseDigests } from "../use-cases/send-case-digests";

/**
 * The dispatcher's EventBridge schedule (every minute): the event says nothing beyond "now". Due
 * surveys are queued, then due webhook retries attempted: both wait in the work index until due. A
 * failure of the webhook pass is logged and does not fail the tick, so surveys are never held back by
 * a subscriber's endpoint. Then, once a day, the owners' case digests (sendCaseDigests), likewise
 * apart.
 */
export function createDispatchHandler(
  ports: DispatchPorts & {
    readonly webhookDeliveries?: DeliverDuePorts;
    readonly caseDigests?: CaseDigestPorts;
  },
  options: DispatchOptions = DEFAULT_DISPATCH,
) {
  return async (): Promise<{ queued: number; webhookAttempts: number; digests: number }> => {
    const queued = await dispatchDueInvitations(ports, options);
    log("info", "dispatched due invitations", { queued });
    let webhookAttempts = 0;
    if (ports.webhookDeliveries) {
      try {
        webhookAttempts = await deliverDueWebhooks(ports.webhookDeliveries);
        log("info", "attempted due webhook deliveries", { webhookAttempts });
      } catch (error) {
        log("error", "due webhook deliveries failed", describeError(error));
      }
    }
    let digests = 0;
    if (ports.caseDigests) {
      try {
        digests = await sendCaseDigests(ports.caseDigests);
        if (digests > 0) log("info", "sent case digests", { digests });
      } catch (error) {
        log("error", "case digests failed", describeError(error));
      }
    }
    return { queued, webhookAttempts, digests };
  };
}
