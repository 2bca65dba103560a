import { describeError, log } from "../platform/log";
import { type DeliverDuePorts, deliverDueWebhooks } from "../use-cases/deliver-due-webhooks";
import {
  DEFAULT_DISPATCH,
  type DispatchOptions,
  type DispatchPorts,
  dispatchDueInvitations,
} from "../use-cases/dispatch-due-invitations";

/**
 * The dispatcher's EventBridge schedule (every minute): the event says nothing beyond "now". Due
 * surveys are queued, then due webhook retries attempted: both wait in the work index until due. A
 * failure of the webhook pass is logged and does not fail the tick, so surveys are never held back by
 * a subscriber's endpoint.
 */
export function createDispatchHandler(
  ports: DispatchPorts & { readonly webhookDeliveries?: DeliverDuePorts },
  options: DispatchOptions = DEFAULT_DISPATCH,
) {
  return async (): Promise<{ queued: number; webhookAttempts: number }> => {
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
    return { queued, webhookAttempts };
  };
}
