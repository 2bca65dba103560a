import { log } from "../platform/log";
import {
  DEFAULT_DISPATCH,
  type DispatchOptions,
  type DispatchPorts,
  dispatchDueInvitations,
} from "../use-cases/dispatch-due-invitations";

/** The dispatcher's EventBridge schedule (every minute): the event says nothing beyond "now". */
export function createDispatchHandler(ports: DispatchPorts, options: DispatchOptions = DEFAULT_DISPATCH) {
  return async (): Promise<{ queued: number }> => {
    const queued = await dispatchDueInvitations(ports, options);
    log("info", "dispatched due invitations", { queued });
    return { queued };
  };
}
