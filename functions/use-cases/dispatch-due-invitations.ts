import type { Clock } from "../domain/clock";
import { type DeliveryMessage, type DueEntry, MAX_SEND_FAILURES } from "../domain/invitation";
import { log } from "../platform/log";

/** The send queue: SQS on AWS, an in-memory queue in the local runtime. */
export interface WorkQueue {
  enqueue(messages: DeliveryMessage[]): Promise<void>;
  /** About how many messages wait in it or are being handled (SQS's approximate counts). */
  depth(): Promise<number>;
}

export type DispatchPorts = {
  readonly invitations: {
    findDue(now: Date, limit: number): Promise<DueEntry[]>;
    claim(entry: DueEntry, now: Date, leaseMs: number): Promise<"claimed" | "taken">;
    giveUp(entry: DueEntry, now: Date, maxFailures: number): Promise<boolean>;
  };
  readonly queue: WorkQueue;
  readonly clock: Clock;
};

export type DispatchOptions = {
  /** How long a claim holds before an unsent invitation falls due again. */
  readonly leaseMs: number;
  /** At most this many invitations per run; the rest wait for the next run. */
  readonly maxPerRun: number;
  /**
   * The most messages the queue should hold: what the senders can send well within a lease. A run
   * claims only up to it, so a backlog waits in the due index, where nothing expires, rather than in
   * the queue, where its claims would run out.
   */
  readonly queueBudget: number;
};

export const DEFAULT_DISPATCH: DispatchOptions = {
  leaseMs: 15 * 60_000,
  maxPerRun: 2_000,
  queueBudget: 10_000,
};

/**
 * Finds due invitations through the sparse due index, claims each (so a parallel run cannot take it
 * too), and queues the claimed ones, never more than the queue's budget leaves room for. A crash after
 * claiming loses nothing: the claim expires and the entry is due again. An action that failed
 * MAX_SEND_FAILURES times is given up, unless a sender holds it or SES accepted its email. Returns
 * how many were queued.
 */
export async function dispatchDueInvitations(
  ports: DispatchPorts,
  options: DispatchOptions = DEFAULT_DISPATCH,
): Promise<number> {
  const now = ports.clock();
  const room = Math.min(options.maxPerRun, options.queueBudget - (await ports.queue.depth()));
  let queued = 0;
  while (queued < room) {
    const due = await ports.invitations.findDue(now, Math.min(100, room - queued));
    if (due.length === 0) break;
    const claimed: DeliveryMessage[] = [];
    let moved = 0;
    for (const entry of due) {
      if (
        entry.failures >= MAX_SEND_FAILURES &&
        (await ports.invitations.giveUp(entry, now, MAX_SEND_FAILURES))
      ) {
        log("error", "due action given up after repeated failures", {
          action: entry.action,
          failures: entry.failures,
        });
        moved++;
        continue;
      }
      if ((await ports.invitations.claim(entry, now, options.leaseMs)) === "claimed") {
        claimed.push({ token: entry.token, action: entry.action });
      }
    }
    await ports.queue.enqueue(claimed);
    queued += claimed.length;
    // A page that moved nothing was all taken by a parallel run: the next page is the same one.
    if (claimed.length === 0 && moved === 0) break;
  }
  return queued;
}
