import {
  DELIVERY_RETENTION_DAYS,
  deliveryIdSchema,
  deliveryListQuerySchema,
  deliveryPageSchema,
  deliverySchema,
  webhookCreatedSchema,
  webhookCreateSchema,
  webhookIdSchema,
  webhookListQuerySchema,
  webhookPageSchema,
  webhookSchema,
  webhookUpdateSchema,
} from "../domain/webhook";
import type { OpenApiSection } from "./openapi-route";

const NO_SUCH_WEBHOOK = { 404: "No such webhook." } as const;

const SIGNATURE_NOTE =
  'Each delivery is a POST of `{"type", "timestamp", "data"}` with the headers `webhook-id` (the ' +
  "delivery's id, the same on every attempt), `webhook-timestamp` (seconds) and `webhook-signature` " +
  '(`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, keyed with the base64-decoded part of the secret ' +
  "after `whsec_`), per the Standard Webhooks spec.";

/** The webhook subscriptions and their deliveries. */
export const WEBHOOKS_SECTION: OpenApiSection = {
  requestBodies: { WebhookCreate: webhookCreateSchema, WebhookUpdate: webhookUpdateSchema },
  responseBodies: {
    Webhook: webhookSchema,
    WebhookCreated: webhookCreatedSchema,
    WebhookPage: webhookPageSchema,
    WebhookDelivery: deliverySchema,
    WebhookDeliveryPage: deliveryPageSchema,
  },
  pathParameters: { webhookId: webhookIdSchema, deliveryId: deliveryIdSchema },
  routes: [
    {
      method: "post",
      path: "/v1/webhooks",
      operationId: "createWebhook",
      summary: "Subscribe an endpoint to events",
      description:
        `${SIGNATURE_NOTE} A 2xx answer is success; anything else is retried after about 5 s, 5 min, 30 min, ` +
        "2 h, 5 h, 10 h and 24 h, then the delivery is `failed`. A 410 answer disables the webhook.",
      body: webhookCreateSchema,
      responses: {
        201: { description: "Created; the only answer that shows the secret.", json: webhookCreatedSchema },
      },
      errors: [400, 401, 413, 415, 429],
    },
    {
      method: "get",
      path: "/v1/webhooks",
      operationId: "listWebhooks",
      summary: "List webhooks, newest first",
      query: webhookListQuerySchema,
      responses: {
        200: { description: "A page of webhooks (without their secrets)", json: webhookPageSchema },
      },
      errors: [400, 401, 429],
    },
    {
      method: "get",
      path: "/v1/webhooks/{webhookId}",
      operationId: "getWebhook",
      summary: "Get a webhook (without its secret)",
      responses: { 200: { description: "The webhook", json: webhookSchema } },
      errors: [401, 404, 429],
      errorDescriptions: NO_SUCH_WEBHOOK,
    },
    {
      method: "patch",
      path: "/v1/webhooks/{webhookId}",
      operationId: "updateWebhook",
      summary: "Change a webhook's URL, events, description or status",
      body: webhookUpdateSchema,
      responses: { 200: { description: "The updated webhook", json: webhookSchema } },
      errors: [400, 401, 404, 413, 415, 429],
      errorDescriptions: NO_SUCH_WEBHOOK,
    },
    {
      method: "delete",
      path: "/v1/webhooks/{webhookId}",
      operationId: "deleteWebhook",
      summary: "Delete a webhook",
      description: "Nothing more is delivered to it; deliveries still waiting for a retry are cancelled.",
      responses: { 204: { description: "Deleted." } },
      errors: [401, 404, 429],
      errorDescriptions: NO_SUCH_WEBHOOK,
    },
    {
      method: "post",
      path: "/v1/webhooks/{webhookId}/test",
      operationId: "testWebhook",
      summary: "Send a test event (`webhook.test`) to the endpoint now",
      description:
        "Signed like every delivery, attempted once (no retries), also when the webhook is disabled. The answer " +
        "is the delivery with its attempt: whether the endpoint answered, with what, and how fast.",
      responses: { 200: { description: "The test delivery, after its attempt", json: deliverySchema } },
      errors: [401, 404, 429],
      errorDescriptions: NO_SUCH_WEBHOOK,
    },
    {
      method: "get",
      path: "/v1/webhooks/{webhookId}/deliveries",
      operationId: "listWebhookDeliveries",
      summary: `List a webhook's deliveries of the last ${DELIVERY_RETENTION_DAYS} days, newest first`,
      query: deliveryListQuerySchema,
      responses: {
        200: { description: "A page of deliveries, each with its attempts", json: deliveryPageSchema },
      },
      errors: [400, 401, 404, 429],
      errorDescriptions: NO_SUCH_WEBHOOK,
    },
    {
      method: "post",
      path: "/v1/webhooks/{webhookId}/deliveries/{deliveryId}/retry",
      operationId: "retryWebhookDelivery",
      summary: "Attempt a delivery again now",
      description:
        "The same body and `webhook-id`, freshly signed, whatever the delivery's status: a 2xx makes it " +
        "`delivered`; a failure leaves its status and retry schedule as they were. A delivery whose " +
        "person was erased (`erasedAt`) is never sent again.",
      responses: { 200: { description: "The delivery, after the attempt", json: deliverySchema } },
      errors: [401, 404, 409, 429],
      errorDescriptions: {
        404: "No such webhook, or no such delivery of it.",
        409: "The person the delivery's event is about was erased: it is not sent again.",
      },
    },
  ],
};
