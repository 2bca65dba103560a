import type { Delivery, DeliveryRecord, WebhookWithSecret } from "../domain/webhook";
import { deliveryView, newDeliveryRecord, newTestEvent } from "../domain/webhook";
import { type DeliverWebhookPorts, deliverWebhook } from "./deliver-webhook";
import { loadWebhook } from "./manage-webhooks";

export type TestWebhookPorts = DeliverWebhookPorts & {
  readonly webhooks: DeliverWebhookPorts["webhooks"] & {
    get(id: string): Promise<WebhookWithSecret | undefined>;
    createDelivery(record: DeliveryRecord, dueAt: string | null): Promise<boolean>;
  };
};

/**
 * Sends a `webhook.test` event to the endpoint now, signed like every delivery, and answers the
 * delivery with its one attempt: a test is not retried. A disabled webhook can be tested too (to check
 * the endpoint before enabling it again).
 */
export async function testWebhook(ports: TestWebhookPorts, id: string): Promise<Delivery> {
  const webhook = await loadWebhook(ports, id);
  const record = newDeliveryRecord(webhook.id, newTestEvent(webhook.id, ports.clock()), ports.clock());
  await ports.webhooks.createDelivery(record, null);
  return deliveryView(await deliverWebhook(ports, webhook, record, "once"));
}
