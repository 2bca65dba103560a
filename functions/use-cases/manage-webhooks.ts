import type { Clock } from "../domain/clock";
import { NotFoundError } from "../domain/errors";
import { orThrow, parseWith } from "../domain/validation";
import {
  checkWebhookUrl,
  type DeliveryPage,
  deliveryListQuerySchema,
  newWebhookId,
  newWebhookSecret,
  type Webhook,
  type WebhookCreated,
  type WebhookPage,
  type WebhookTargetPolicy,
  type WebhookWithSecret,
  webhookCreateSchema,
  webhookListQuerySchema,
  webhookUpdateSchema,
  webhookView,
} from "../domain/webhook";

export type WebhookPorts = {
  readonly webhooks: {
    create(webhook: WebhookWithSecret): Promise<void>;
    get(id: string): Promise<WebhookWithSecret | undefined>;
    list(limit: number, cursor: string | undefined): Promise<WebhookPage>;
    update(
      id: string,
      changes: Partial<
        Pick<WebhookWithSecret, "url" | "events" | "description" | "status" | "disabledReason">
      >,
      now: Date,
    ): Promise<WebhookWithSecret | undefined>;
    /** False when there was none. Its deliveries stay until they expire (an erasure still finds them). */
    delete(id: string, now: Date): Promise<boolean>;
    listDeliveries(webhookId: string, limit: number, cursor: string | undefined): Promise<DeliveryPage>;
  };
  /** Which URLs a webhook may have: the secure setting on AWS, loopback and http allowed locally. */
  readonly webhookTargets: WebhookTargetPolicy;
  readonly clock: Clock;
};

/** A new subscription, answered with its signing secret: the only time the secret is shown. */
export async function createWebhook(ports: WebhookPorts, body: unknown): Promise<WebhookCreated> {
  const input = parseWith(webhookCreateSchema, body, "webhook");
  const url = orThrow(checkWebhookUrl(input.url, ports.webhookTargets), "webhook");
  const createdAt = ports.clock().toISOString();
  const webhook: WebhookWithSecret = {
    id: newWebhookId(),
    url,
    events: input.events,
    description: input.description || null,
    status: "enabled",
    disabledReason: null,
    createdAt,
    updatedAt: createdAt,
    secret: newWebhookSecret(),
  };
  await ports.webhooks.create(webhook);
  return { ...webhookView(webhook), secret: webhook.secret };
}

export async function listWebhooks(ports: WebhookPorts, query: unknown): Promise<WebhookPage> {
  const { limit, cursor } = parseWith(webhookListQuerySchema, query, "query");
  return await ports.webhooks.list(limit, cursor);
}

export async function getWebhook(ports: WebhookPorts, id: string): Promise<Webhook> {
  return webhookView(await loadWebhook(ports, id));
}

/** Changes the URL, the event types, the description or the status; the body is read once the webhook is known. */
export async function updateWebhook(
  ports: WebhookPorts,
  id: string,
  readBody: () => Promise<unknown>,
): Promise<Webhook> {
  const current = await loadWebhook(ports, id);
  const update = parseWith(webhookUpdateSchema, await readBody(), "webhook update");
  if (update.url !== undefined) orThrow(checkWebhookUrl(update.url, ports.webhookTargets), "webhook update");
  if (Object.keys(update).length === 0) return webhookView(current);
  const updated = await ports.webhooks.update(
    id,
    {
      ...update,
      ...(update.description === undefined ? {} : { description: update.description || null }),
      // Enabled again, it is no longer disabled for any reason.
      ...(update.status === "enabled" ? { disabledReason: null } : {}),
    },
    ports.clock(),
  );
  if (!updated) throw notFound(id);
  return webhookView(updated);
}

export async function deleteWebhook(ports: WebhookPorts, id: string): Promise<void> {
  if (!(await ports.webhooks.delete((await loadWebhook(ports, id)).id, ports.clock()))) throw notFound(id);
}

/** A subscription's deliveries of the last 30 days, newest first, each with its attempts. */
export async function listWebhookDeliveries(
  ports: WebhookPorts,
  id: string,
  query: unknown,
): Promise<DeliveryPage> {
  const webhook = await loadWebhook(ports, id);
  const { limit, cursor } = parseWith(deliveryListQuerySchema, query, "query");
  return await ports.webhooks.listDeliveries(webhook.id, limit, cursor);
}

/** The subscription a request names; 404 when there is none. */
export async function loadWebhook(
  ports: { readonly webhooks: { get(id: string): Promise<WebhookWithSecret | undefined> } },
  id: string,
): Promise<WebhookWithSecret> {
  const webhook = await ports.webhooks.get(id);
  if (!webhook) throw notFound(id);
  return webhook;
}

const notFound = (id: string) => new NotFoundError(`No webhook has the id '${id.slice(0, 64)}'.`);
