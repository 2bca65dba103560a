import type { Clock } from "../domain/clock";
import {
  type DeliveryMessage,
  type DueAction,
  type DueEntry,
  MAX_DISPATCH_ATTEMPTS,
  type SkipReason,
} from "../domain/invitation";
import { log } from "../platform/log";

/** The send queue: SQS on AWS, an in-memory queue in the local runtime. */
export interface WorkQueue {
  enqueue(messages: DeliveryMessage[]): Promise<void>;
}

export type DispatchPorts = {
  readonly invitations: {
    findDue(now: Date, limit: number): Promise<DueEntry[]>;
    claim(
      entry: DueEntry,
      now: Date,
      leaseMs: number,
      maxAttempts: number,
    ): Promise<"claimed" | "taken" | "exhausted">;
    skip(token: string, reason: SkipReason, now: Date): Promise<void>;
    drop(token: string, action: DueAction): Promise<void>;
  };
  readonly queue: WorkQueue;
  readonly clock: Clock;
};

export type DispatchOptions = {
  /** How long a claim holds before an unsent invitation falls due again. */
  readonly leaseMs: number;
  /** At most this many invitations per run; the rest wait for the next run. */
  readonly maxPerRun: number;
};

export const DEFAULT_DISPATCH: DispatchOptions = { leaseMs: 15 * 60_000, maxPerRun: 2_000 };

/**
 * Finds due invitations through the sparse due index, claims each (so a parallel run cannot take it
 * too), and queues the claimed ones. A crash after claiming loses nothing: the claim expires and the
 * entry is due again. Returns how many were queued.
 */
export async function dispatchDueInvitations(
  ports: DispatchPorts,
  options: DispatchOptions = DEFAULT_DISPATCH,
): Promise<number> {
  const now = ports.clock();
  let queued = 0;
  while (queued < options.maxPerRun) {
    const due = await ports.invitations.findDue(now, Math.min(100, options.maxPerRun - queued));
    if (due.length === 0) break;
    const claimed: DeliveryMessage[] = [];
    for (const entry of due) {
      const claim = await ports.invitations.claim(entry, now, options.leaseMs, MAX_DISPATCH_ATTEMPTS);
      if (claim === "claimed") claimed.push({ token: entry.token, action: entry.action });
      if (claim === "exhausted") await giveUp(ports, entry, now);
    }
    await ports.queue.enqueue(claimed);
    queued += claimed.length;
    if (claimed.length === 0) break;
  }
  return queued;
}

async function giveUp(ports: DispatchPorts, entry: DueEntry, now: Date): Promise<void> {
  log("error", "due action given up after repeated failures", { action: entry.action });
  if (entry.action === "send") await ports.invitations.skip(entry.token, "undeliverable", now);
  else await ports.invitations.drop(entry.token, entry.action);
}
