import type { DeliveryRecord, WebhookWithSecret } from "../domain/webhook";
import { deliveryIdOf, erasedDeliveryRecord } from "../domain/webhook-delivery";

export type EraseDeliveriesPorts = {
  readonly webhooks: {
    /** Every subscription, disabled ones too: each may hold deliveries of the events. */
    listAll(): Promise<WebhookWithSecret[]>;
    /** The subscriptions deleted while their deliveries may still be stored. */
    listDeletedIds(): Promise<string[]>;
    /** The deliveries of these keys that exist. */
    getDeliveries(keys: readonly { webhookId: string; deliveryId: string }[]): Promise<DeliveryRecord[]>;
    /** False when an attempt was recorded, or it was erased, since `previous` was read. */
    eraseDelivery(previous: DeliveryRecord, next: DeliveryRecord): Promise<boolean>;
  };
};

/** Rounds of re-reading deliveries that an attempt changed while they were being erased. */
const ERASE_ROUNDS = 5;

/**
 * Erases the person's data from every stored delivery of these events (erasedDeliveryRecord): a
 * pending one is cancelled, so it is never sent again. Delivery ids derive from the subscription and
 * the event, so they are read by key, never searched for: one read per subscription and event, by
 * BatchGet (100 a request); deleted subscriptions' deliveries too. Idempotent: a delivery erased already is not written again. Returns how
 * many deliveries of the events exist (erased now or before).
 */
export async function eraseDeliveriesOf(
  ports: EraseDeliveriesPorts,
  eventIds: readonly string[],
  now: Date,
): Promise<number> {
  if (eventIds.length === 0) return 0;
  const webhookIds = [
    ...(await ports.webhooks.listAll()).map((webhook) => webhook.id),
    ...(await ports.webhooks.listDeletedIds()),
  ];
  let keys = webhookIds.flatMap((webhookId) =>
    eventIds.map((eventId) => ({ webhookId, deliveryId: deliveryIdOf(webhookId, eventId) })),
  );
  let found = 0;
  for (let round = 1; keys.length > 0; round++) {
    const deliveries = await ports.webhooks.getDeliveries(keys);
    if (round === 1) found = deliveries.length;
    const changed: DeliveryRecord[] = [];
    for (const delivery of deliveries) {
      const erased = erasedDeliveryRecord(delivery, now);
      if (erased !== delivery && !(await ports.webhooks.eraseDelivery(delivery, erased))) {
        changed.push(delivery);
      }
    }
    if (changed.length > 0 && round >= ERASE_ROUNDS) {
      throw new Error(`${changed.length} webhook deliveries kept changing; erase the person again.`);
    }
    keys = changed.map((delivery) => ({ webhookId: delivery.webhookId, deliveryId: delivery.id }));
  }
  return found;
}
