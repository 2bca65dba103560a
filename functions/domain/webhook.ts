import { isIP } from "node:net";
import type { ErrorDetail } from "./errors";
import { singleLineText } from "./text";
import { type Checked, invalidWith, valid } from "./validation";
import {
  DELIVERY_ID_PATTERN,
  DELIVERY_STATUSES,
  isPublicAddress,
  MAX_LOGGED_ATTEMPTS,
  WEBHOOK_EVENT_TYPES,
  WEBHOOK_ID_PATTERN,
  WEBHOOK_STATUSES,
  type WebhookTargetPolicy,
} from "./webhook-delivery";
import * as z from "./zod";

/**
 * Webhooks: subscriptions to the product's events, and their deliveries, signed per the Standard
 * Webhooks spec (https://www.standardwebhooks.com). These schemas validate requests and produce the
 * OpenAPI document. Signing, the retry schedule and the address rules are pure functions in
 * webhook-delivery.ts, without zod, for the functions that deliver webhooks; they are this module's API
 * too.
 */
export * from "./webhook-delivery";

/** A host name that always means this machine (RFC 6761), refused like 127.0.0.1. */
const isLocalhostName = (host: string): boolean => /(^|\.)localhost\.?$/i.test(host);

/**
 * The rules a webhook URL follows beyond its syntax, under a target policy: https (unless http is
 * allowed), and no host that is a non-public IP address or `localhost` (unless private targets are
 * allowed). A host name is judged again at each delivery, once resolved.
 */
export function checkWebhookUrl(url: string, policy: WebhookTargetPolicy, field = "url"): Checked<string> {
  const parsed = new URL(url);
  const issues: ErrorDetail[] = [];
  if (parsed.protocol !== "https:" && !(parsed.protocol === "http:" && policy.allowHttp)) {
    issues.push({ field, message: "must be an https URL" });
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  if (
    !policy.allowPrivateTargets &&
    ((isIP(host) !== 0 && !isPublicAddress(host)) || isLocalhostName(host))
  ) {
    issues.push({
      field,
      message:
        "must not point to a private, loopback, link-local or other non-public address: webhooks reach public endpoints only",
    });
  }
  return issues.length > 0 ? invalidWith(...issues) : valid(url);
}

/* Requests and answers of the API. */

const webhookUrlSchema = z.string().check(
  z.maxLength(2048),
  z.refine((value) => {
    if (!URL.canParse(value)) return false;
    const url = new URL(value);
    return (
      (url.protocol === "https:" || url.protocol === "http:") && url.username === "" && url.password === ""
    );
  }, "must be an https URL without a user name or password"),
  z.describe(
    "Where events are POSTed: an https URL (up to 2,048 characters, no user name or password) whose host " +
      "resolves to a public address; private, loopback, link-local, unique-local, carrier-grade NAT and " +
      "multicast addresses are refused, when given as an IP address at once, and when a name resolves to " +
      "one at each delivery. The local runtime (`npm start`) also takes http:// and loopback URLs.",
  ),
);

const eventTypesSchema = z.array(z.enum(WEBHOOK_EVENT_TYPES)).check(
  z.minLength(1, "must name at least one event type"),
  z.refine((types) => new Set(types).size === types.length, "must not name an event type twice"),
  z.describe(
    "The event types delivered to this endpoint: any of `response.created`, `response.updated`, " +
      "`case.opened`, `case.updated`, `person.unsubscribed`, `person.suppressed`.",
  ),
);

const descriptionSchema = singleLineText(0, 200).check(
  z.describe("A note for people: what the endpoint is for (up to 200 characters)."),
);

export const webhookCreateSchema = z
  .strictObject({
    url: webhookUrlSchema,
    events: eventTypesSchema,
    description: z.optional(descriptionSchema),
  })
  .check(z.describe("A new webhook subscription."));
export type WebhookCreate = z.infer<typeof webhookCreateSchema>;

export const webhookUpdateSchema = z
  .strictObject({
    url: z.optional(webhookUrlSchema),
    events: z.optional(eventTypesSchema),
    description: z
      .optional(z.nullable(descriptionSchema))
      .check(z.describe("A note for people (up to 200 characters); null removes it.")),
    status: z
      .optional(z.enum(WEBHOOK_STATUSES))
      .check(
        z.describe(
          "`disabled` stops deliveries to the endpoint: a delivery that falls due while it is disabled is " +
            "cancelled. `enabled` resumes them, e.g. after a 410 disabled it.",
        ),
      ),
  })
  .check(z.describe("The fields to change; those left out keep their value."));
export type WebhookUpdate = z.infer<typeof webhookUpdateSchema>;

export const webhookIdSchema = z
  .string()
  .check(
    z.regex(WEBHOOK_ID_PATTERN),
    z.describe("The webhook's id, assigned at creation: `wh_` followed by 16 URL-safe characters."),
  );
export const deliveryIdSchema = z
  .string()
  .check(
    z.regex(DELIVERY_ID_PATTERN),
    z.describe(
      "The delivery's id, also sent as the `webhook-id` header of each of its attempts: `msg_` followed by " +
        "22 URL-safe characters.",
    ),
  );

const webhookFields = {
  id: webhookIdSchema,
  url: z.string().check(z.describe("Where events are POSTed.")),
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)).check(z.describe("The event types delivered to it.")),
  description: z.nullable(z.string()).check(z.describe("The note given at creation, or null.")),
  status: z
    .enum(WEBHOOK_STATUSES)
    .check(
      z.describe(
        "`enabled`, or `disabled` (by a PATCH, or because the endpoint answered 410 Gone): nothing is " +
          "delivered to a disabled webhook.",
      ),
    ),
  disabledReason: z
    .nullable(z.string())
    .check(z.describe("Why the webhook was disabled by the service (a 410), or null.")),
  createdAt: z.iso.datetime().check(z.describe("When the webhook was created (ISO 8601, UTC).")),
  updatedAt: z.iso.datetime().check(z.describe("When it last changed (ISO 8601, UTC).")),
};

/** A subscription as the API answers it: never with its secret, which is shown once, at creation. */
export const webhookSchema = z.strictObject(webhookFields).check(z.describe("A webhook subscription."));
export type Webhook = z.infer<typeof webhookSchema>;

export const webhookCreatedSchema = z
  .strictObject({
    ...webhookFields,
    secret: z
      .string()
      .check(
        z.describe(
          "The signing secret (`whsec_…`), shown this once and never again: keep it to verify the " +
            "`webhook-signature` header of each delivery (Standard Webhooks).",
        ),
      ),
  })
  .check(z.describe("The webhook just created, with its signing secret."));
export type WebhookCreated = z.infer<typeof webhookCreatedSchema>;

/** The largest page of a listing (webhooks, deliveries), and the page size unless `limit` says otherwise. */
export const WEBHOOKS_MAX_LIMIT = 100;
export const WEBHOOKS_DEFAULT_LIMIT = 25;

const listQuery = (what: string) =>
  z.strictObject({
    limit: z
      ._default(
        z.pipe(
          z.string().check(z.regex(/^\d{1,3}$/, `must be a whole number from 1 to ${WEBHOOKS_MAX_LIMIT}`)),
          z.pipe(z.transform(Number), z.int().check(z.gte(1), z.lte(WEBHOOKS_MAX_LIMIT))),
        ),
        WEBHOOKS_DEFAULT_LIMIT,
      )
      .check(z.describe(`${what} per page, 1–${WEBHOOKS_MAX_LIMIT}; default ${WEBHOOKS_DEFAULT_LIMIT}.`)),
    cursor: z
      .optional(z.string().check(z.minLength(1), z.maxLength(2048)))
      .check(z.describe("The `nextCursor` of the previous page; leave it out for the first page.")),
  });
export const webhookListQuerySchema = listQuery("Webhooks");
export const deliveryListQuerySchema = listQuery("Deliveries");

export const webhookPageSchema = z
  .object({
    items: z.array(webhookSchema).check(z.describe("Webhooks, newest first.")),
    nextCursor: z
      .nullable(z.string())
      .check(z.describe("Pass as `cursor` for the next page; null on the last page.")),
  })
  .check(z.describe("A page of webhooks, newest first."));
export type WebhookPage = z.infer<typeof webhookPageSchema>;

export const deliveryAttemptSchema = z
  .strictObject({
    at: z.iso.datetime().check(z.describe("When the attempt was made (ISO 8601, UTC).")),
    responseCode: z
      .nullable(z.int())
      .check(z.describe("The endpoint's HTTP status; null when no answer came (see `error`).")),
    durationMs: z
      .int()
      .check(z.gte(0), z.describe("Milliseconds from sending the request to the end of reading the answer.")),
    error: z
      .nullable(z.string())
      .check(
        z.describe(
          "Why no answer came (a timeout, a refused connection, an address webhooks may not reach); null when the endpoint answered.",
        ),
      ),
    responseExcerpt: z
      .nullable(z.string())
      .check(z.describe("The start of the endpoint's answer (at most 1 KB), or null.")),
  })
  .check(z.describe("One attempt to deliver an event."));
export type DeliveryAttempt = z.infer<typeof deliveryAttemptSchema>;

export const deliverySchema = z
  .strictObject({
    id: deliveryIdSchema,
    webhookId: webhookIdSchema,
    eventId: z.string().check(z.describe("The event's id: the same for every webhook it went to.")),
    eventType: z.string().check(z.describe("The event's type, e.g. `response.created`.")),
    status: z
      .enum(DELIVERY_STATUSES)
      .check(
        z.describe(
          "`pending` (an attempt is due at `nextAttemptAt`), `delivered` (an attempt got a 2xx), `failed` (every " +
            "scheduled attempt failed, or the endpoint answered 410) or `cancelled` (the webhook was disabled " +
            "or deleted, or the person the event is about was erased, before it could be delivered).",
        ),
      ),
    createdAt: z.iso.datetime().check(z.describe("When the event was fanned out to this webhook.")),
    nextAttemptAt: z
      .nullable(z.iso.datetime())
      .check(z.describe("When the next scheduled attempt is due; null unless `pending`.")),
    attempts: z
      .array(deliveryAttemptSchema)
      .check(z.describe(`Its attempts, oldest first (the latest ${MAX_LOGGED_ATTEMPTS}).`)),
    erasedAt: z
      .nullable(z.iso.datetime())
      .check(
        z.describe(
          "When the personal data of the person the event is about was erased from this delivery (its " +
            "stored body keeps the rest of the event), or null; an erased delivery is never sent again.",
        ),
      ),
  })
  .check(z.describe("One event's delivery to one webhook, with its attempts."));
export type Delivery = z.infer<typeof deliverySchema>;

export const deliveryPageSchema = z
  .object({
    items: z.array(deliverySchema).check(z.describe("Deliveries, newest first.")),
    nextCursor: z
      .nullable(z.string())
      .check(z.describe("Pass as `cursor` for the next page; null on the last page.")),
  })
  .check(z.describe("A page of a webhook's deliveries, newest first (kept 30 days)."));
export type DeliveryPage = z.infer<typeof deliveryPageSchema>;

/** A subscription as stored: its secret signs every delivery, and never leaves in an answer. */
export type WebhookWithSecret = Webhook & { readonly secret: string };

/** A delivery as stored: the body it sends (the bytes signed), and the counts its attempts keep. */
export type DeliveryRecord = Delivery & {
  readonly body: string;
  /** Every attempt ever made, also those dropped from the log: guards concurrent writes of the log. */
  readonly attemptCount: number;
  /** Attempts the retry schedule made (a manual retry or a test is not one of them). */
  readonly scheduledAttempts: number;
};
