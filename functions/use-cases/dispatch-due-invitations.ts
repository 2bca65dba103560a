import type { Clock } from "../domain/clock";
import {
  type DeliveryMessage,
  type DueEntry,
  MAX_SEND_FAILURES,
  type ResumeMark,
} from "../domain/invitation";
import { log } from "../platform/log";
import { mapConcurrently } from "./map-concurrently";

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
    /** Campaigns that left `paused` and may still have invitations parked. */
    findResumed(limit: number): Promise<ResumeMark[]>;
    /** Parked invitations of a campaign (their work-index sort keys), at most `limit`. */
    findParked(campaignId: string, limit: number): Promise<string[]>;
    unpark(campaignId: string, parkedKey: string): Promise<boolean>;
    clearResumeMark(mark: ResumeMark): Promise<void>;
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
  /** At most this many parked invitations are put back per run (each is one conditional write). */
  readonly maxUnparkedPerRun: number;
};

export const DEFAULT_DISPATCH: DispatchOptions = {
  leaseMs: 15 * 60_000,
  maxPerRun: 2_000,
  queueBudget: 10_000,
  maxUnparkedPerRun: 5_000,
};

/** Conditional writes in flight at once while putting parked invitations back. */
const UNPARK_CONCURRENCY = 16;

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
  await unparkResumedCampaigns(ports, options.maxUnparkedPerRun);
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

/**
 * Puts the parked invitations of resumed (or archived) campaigns back in the due index, oldest due
 * first, at most `max` per run; a campaign's mark goes once nothing of it is parked. A crash midway
 * loses nothing: the mark stays, and the next run goes on where this one stopped.
 */
async function unparkResumedCampaigns(ports: DispatchPorts, max: number): Promise<void> {
  let left = max;
  for (const mark of await ports.invitations.findResumed(10)) {
    while (left > 0) {
      const parked = await ports.invitations.findParked(mark.campaignId, Math.min(left, 500));
      if (parked.length === 0) {
        await ports.invitations.clearResumeMark(mark);
        break;
      }
      await mapConcurrently(parked, UNPARK_CONCURRENCY, (key) =>
        ports.invitations.unpark(mark.campaignId, key),
      );
      left -= parked.length;
    }
    if (left <= 0) return;
  }
}
