import type { Hono } from "hono";
import { SECURE_WEBHOOK_TARGETS, type WebhookTargetPolicy } from "../domain/webhook";
import type { WebhookPoster } from "../use-cases/deliver-webhook";
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listWebhookDeliveries,
  listWebhooks,
  updateWebhook,
  type WebhookPorts,
} from "../use-cases/manage-webhooks";
import { type RetryDeliveryPorts, retryWebhookDelivery } from "../use-cases/retry-webhook-delivery";
import { type TestWebhookPorts, testWebhook } from "../use-cases/test-webhook";
import { readJsonBody } from "./request-body";

/** What the webhook routes work with. */
export type WebhookRouteDependencies = Omit<WebhookPorts, "webhookTargets"> & {
  readonly webhooks: WebhookPorts["webhooks"] & TestWebhookPorts["webhooks"] & RetryDeliveryPorts["webhooks"];
  /** Which URLs a webhook may have. Default: the secure setting (https, public addresses only). */
  readonly webhookTargets?: WebhookTargetPolicy;
  /**
   * Outbound HTTP for test events and manual retries. The Lambda handler and the local runtime always
   * give one; an app built without it (a test of other routes) answers those two routes 500.
   */
  readonly webhookPoster?: WebhookPoster;
};

/**
 * The webhook routes of the marketer API (`/v1/webhooks…`), registered on its app behind its key
 * check: each parses the request, calls one use case and renders its result as JSON.
 */
export function registerWebhookRoutes(app: Hono, deps: WebhookRouteDependencies): void {
  const ports = { ...deps, webhookTargets: deps.webhookTargets ?? SECURE_WEBHOOK_TARGETS };
  const attemptPorts = () => {
    if (!deps.webhookPoster) {
      throw new Error("The API app was built without a webhook poster: tests and retries need one.");
    }
    return { ...ports, poster: deps.webhookPoster };
  };

  app.post("/v1/webhooks", async (c) => c.json(await createWebhook(ports, await readJsonBody(c)), 201));
  app.get("/v1/webhooks", async (c) => c.json(await listWebhooks(ports, c.req.query())));
  app.get("/v1/webhooks/:webhookId", async (c) => c.json(await getWebhook(ports, c.req.param("webhookId"))));
  app.patch("/v1/webhooks/:webhookId", async (c) =>
    c.json(await updateWebhook(ports, c.req.param("webhookId"), () => readJsonBody(c))),
  );
  app.delete("/v1/webhooks/:webhookId", async (c) => {
    await deleteWebhook(ports, c.req.param("webhookId"));
    return c.body(null, 204);
  });
  app.post("/v1/webhooks/:webhookId/test", async (c) =>
    c.json(await testWebhook(attemptPorts(), c.req.param("webhookId"))),
  );
  app.get("/v1/webhooks/:webhookId/deliveries", async (c) =>
    c.json(await listWebhookDeliveries(ports, c.req.param("webhookId"), c.req.query())),
  );
  app.post("/v1/webhooks/:webhookId/deliveries/:deliveryId/retry", async (c) =>
    c.json(await retryWebhookDelivery(attemptPorts(), c.req.param("webhookId"), c.req.param("deliveryId"))),
  );
}
