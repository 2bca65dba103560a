import type { DeliveryRecord, WebhookEvent, WebhookWithSecret } from "../domain/webhook";
import { newDeliveryRecord } from "../domain/webhook-delivery";
import { type DeliverWebhookPorts, deliverWebhook } from "./deliver-webhook";

export type FanOutPorts = DeliverWebhookPorts & {
  readonly webhooks: DeliverWebhookPorts["webhooks"] & {
    listAll(): Promise<WebhookWithSecret[]>;
    /** False when the delivery exists already (the same event fanned out before). */
    createDelivery(record: DeliveryRecord, dueAt: string | null): Promise<boolean>;
  };
};

/**
 * How long a new delivery is held for its first attempt, made at once: if that attempt never gets
 * recorded (the process died), the dispatcher's tick makes it once this has passed. Well above the
 * poster's 10-second bound on a request.
 */
export const FIRST_ATTEMPT_LEASE_MS = 60_000;

/**
 * One delivery of the event per enabled subscription to its type, each attempted at once, all in
 * parallel. Idempotent: an event fanned out again (a replayed stream record) names deliveries that
 * exist already, and nothing is written or sent for them. Returns how many deliveries were new, and
 * how many of those the first attempt delivered.
 */
export async function fanOutWebhookEvent(
  ports: FanOutPorts,
  event: WebhookEvent,
): Promise<{ created: number; delivered: number }> {
  const now = ports.clock();
  const subscribed = (await ports.webhooks.listAll()).filter(
    (webhook) => webhook.status === "enabled" && (webhook.events as readonly string[]).includes(event.type),
  );
  const outcomes = await Promise.all(
    subscribed.map(async (webhook) => {
      const record = newDeliveryRecord(webhook.id, event, now);
      const leaseUntil = new Date(now.getTime() + FIRST_ATTEMPT_LEASE_MS).toISOString();
      if (!(await ports.webhooks.createDelivery(record, leaseUntil))) return "duplicate";
      return (await deliverWebhook(ports, webhook, record, "scheduled")).status;
    }),
  );
  return {
    created: outcomes.filter((outcome) => outcome !== "duplicate").length,
    delivered: outcomes.filter((outcome) => outcome === "delivered").length,
  };
}
