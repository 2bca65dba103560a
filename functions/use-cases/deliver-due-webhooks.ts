import type { WebhookWithSecret } from "../domain/webhook";
import { type DeliverWebhookPorts, deliverWebhook } from "./deliver-webhook";
import { mapConcurrently } from "./map-concurrently";

/** A delivery found due in the work index. */
export type DueDelivery = {
  readonly webhookId: string;
  readonly deliveryId: string;
  readonly dueKey: string;
};

export type DeliverDuePorts = DeliverWebhookPorts & {
  readonly webhooks: DeliverWebhookPorts["webhooks"] & {
    findDueDeliveries(now: Date, limit: number): Promise<DueDelivery[]>;
    /** False when another tick claimed it first, or it is no longer where it was found. */
    claimDelivery(entry: DueDelivery, leaseUntil: Date): Promise<boolean>;
    get(id: string): Promise<WebhookWithSecret | undefined>;
  };
};

export type DeliverDueOptions = {
  /** At most this many deliveries per tick; the rest wait for the next. */
  readonly maxPerRun: number;
  /** Attempts in flight at once (each takes up to the poster's 10 s). */
  readonly concurrency: number;
  /** How long a claim holds before an unrecorded attempt falls due again. */
  readonly leaseMs: number;
};

/**
 * 40 deliveries of at most 10 s each, 20 at a time: at most about 20 s, which leaves the dispatcher's
 * 50-second run time room for its invitations. A backlog waits in the index for the next minute.
 */
export const DEFAULT_DELIVER_DUE: DeliverDueOptions = { maxPerRun: 40, concurrency: 20, leaseMs: 120_000 };

/**
 * What the dispatcher's tick runs for webhooks: the deliveries due by now, each claimed first (so two
 * ticks never both attempt it) and attempted. A delivery whose subscription was deleted or disabled
 * meanwhile is cancelled instead. Returns how many were attempted.
 */
export async function deliverDueWebhooks(
  ports: DeliverDuePorts,
  options: DeliverDueOptions = DEFAULT_DELIVER_DUE,
): Promise<number> {
  const now = ports.clock();
  const due = await ports.webhooks.findDueDeliveries(now, options.maxPerRun);
  const attempted = await mapConcurrently(due, options.concurrency, async (entry) => {
    if (!(await ports.webhooks.claimDelivery(entry, new Date(now.getTime() + options.leaseMs)))) return false;
    const [delivery, webhook] = await Promise.all([
      ports.webhooks.getDelivery(entry.webhookId, entry.deliveryId),
      ports.webhooks.get(entry.webhookId),
    ]);
    if (!delivery) return false;
    if (delivery.status !== "pending") {
      // Settled meanwhile (a manual retry got through): only its place in the index is left to clear.
      await ports.webhooks.saveDelivery(delivery, delivery, "remove");
      return false;
    }
    if (webhook?.status !== "enabled") {
      await ports.webhooks.saveDelivery(
        delivery,
        { ...delivery, status: "cancelled", nextAttemptAt: null },
        "remove",
      );
      return false;
    }
    await deliverWebhook(ports, webhook, delivery, "scheduled");
    return true;
  });
  return attempted.filter(Boolean).length;
}
