import { ConflictError, NotFoundError } from "../domain/errors";
import { type Delivery, deliveryView, type WebhookWithSecret } from "../domain/webhook";
import { type DeliverWebhookPorts, deliverWebhook } from "./deliver-webhook";
import { loadWebhook } from "./manage-webhooks";

export type RetryDeliveryPorts = DeliverWebhookPorts & {
  readonly webhooks: DeliverWebhookPorts["webhooks"] & {
    get(id: string): Promise<WebhookWithSecret | undefined>;
  };
};

/**
 * Attempts a delivery again now, whatever its status (a failed one, or one delivered that the
 * receiver lost), with the same body and `webhook-id`: an extra attempt, outside the retry schedule.
 * A 2xx makes it delivered; a failure leaves its status and schedule as they were. 409 for a delivery
 * whose person was erased.
 */
export async function retryWebhookDelivery(
  ports: RetryDeliveryPorts,
  webhookId: string,
  deliveryId: string,
): Promise<Delivery> {
  const webhook = await loadWebhook(ports, webhookId);
  const delivery = await ports.webhooks.getDelivery(webhook.id, deliveryId);
  if (!delivery)
    throw new NotFoundError(`No delivery of this webhook has the id '${deliveryId.slice(0, 64)}'.`);
  if (delivery.erasedAt !== null) {
    throw new ConflictError(
      "The person this delivery's event is about was erased: it is not sent again (its body lost their data).",
    );
  }
  return deliveryView(await deliverWebhook(ports, webhook, delivery, "manual"));
}
