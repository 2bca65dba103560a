import { MAX_DISPATCH_ATTEMPTS } from "../domain/invitation";
import { log } from "../log";
import type { DueEntry, InvitationStore } from "../store/invitation-store";
import type { WorkQueue } from "./work-queue";

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
  invitations: InvitationStore,
  queue: WorkQueue,
  now: Date,
  options: DispatchOptions = DEFAULT_DISPATCH,
): Promise<number> {
  let queued = 0;
  while (queued < options.maxPerRun) {
    const due = await invitations.findDue(now, Math.min(100, options.maxPerRun - queued));
    if (due.length === 0) break;
    const claimed = [];
    for (const entry of due) {
      const claim = await invitations.claim(entry, now, options.leaseMs, MAX_DISPATCH_ATTEMPTS);
      if (claim === "claimed") claimed.push({ token: entry.token, action: entry.action });
      if (claim === "exhausted") await giveUp(invitations, entry, now);
    }
    await queue.enqueue(claimed);
    queued += claimed.length;
    if (claimed.length === 0) break;
  }
  return queued;
}

async function giveUp(invitations: InvitationStore, entry: DueEntry, now: Date): Promise<void> {
  log("error", "due action given up after repeated failures", { action: entry.action });
  if (entry.action === "send") await invitations.skip(entry.token, "undeliverable", now);
  else await invitations.drop(entry.token, entry.action);
}
