import { log } from "../platform/log";
import { type DispatchPorts, dispatchDueInvitations } from "../use-cases/dispatch-due-invitations";

/** The dispatcher's EventBridge schedule (every minute): the event says nothing beyond "now". */
export function createDispatchHandler(ports: DispatchPorts) {
  return async (): Promise<{ queued: number }> => {
    const queued = await dispatchDueInvitations(ports);
    log("info", "dispatched due invitations", { queued });
    return { queued };
  };
}
