import { createHash, createHmac, randomBytes } from "node:crypto";
import { BlockList, isIP } from "node:net";
import type { Delivery, DeliveryRecord, Webhook, WebhookWithSecret } from "./webhook";

/*
 * What delivering webhooks takes, without zod (webhook.ts builds the API's schemas on it): ids,
 * signing, the retry schedule and the address rules. The events function and the dispatcher deliver
 * webhooks, and their cold start loads no schema library.
 */

export const WEBHOOK_EVENT_TYPES = [
  "response.created",
  "response.updated",
  "case.opened",
  "case.updated",
  "person.unsubscribed",
  "person.suppressed",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
/** What `POST /v1/webhooks/{id}/test` sends: to no subscription's list, to one endpoint on request. */
export const WEBHOOK_TEST_EVENT_TYPE = "webhook.test";

export const WEBHOOK_STATUSES = ["enabled", "disabled"] as const;
export type WebhookStatus = (typeof WEBHOOK_STATUSES)[number];
export const DELIVERY_STATUSES = ["pending", "delivered", "failed", "cancelled"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Ids: a type prefix and 96 random bits, URL-safe. The pattern guards every key built from one. */
export const newWebhookId = (): string => `wh_${randomBytes(12).toString("base64url")}`;
export const WEBHOOK_ID_PATTERN = /^wh_[A-Za-z0-9_-]{16}$/;

/** A signing secret as the spec writes it: `whsec_` and 24 random bytes in base64 (the HMAC key). */
export const newWebhookSecret = (): string => `whsec_${randomBytes(24).toString("base64")}`;

/**
 * A delivery's id, and the `webhook-id` its receiver sees on every attempt: derived from the
 * subscription and the event, so fanning one event out twice (a replayed stream record) names the
 * same delivery, which is then written only once; and a receiver deduplicates retries by it.
 */
export const deliveryIdOf = (webhookId: string, eventId: string): string =>
  `msg_${createHash("sha256").update(`${webhookId}\n${eventId}`, "utf8").digest("base64url").slice(0, 22)}`;
export const DELIVERY_ID_PATTERN = /^msg_[A-Za-z0-9_-]{22}$/;

/** The id of the event a committed change of the table announces: a replay of the change repeats it. */
const changeEventIdOf = (...parts: (string | number)[]): string =>
  `evt_${createHash("sha256").update(parts.join("\u0000"), "utf8").digest("base64url").slice(0, 22)}`;
/** A response's event of one version (its first answer, or an edit). */
export const responseEventIdOf = (token: string, version: number): string =>
  changeEventIdOf("response", token, version);
/** A case's event of one version (its opening, or a change). */
export const caseEventIdOf = (caseId: string, version: number): string =>
  changeEventIdOf("case", caseId, version);
/** The event of an address's suppression recorded at `suppressedAt`. */
export const suppressionEventIdOf = (email: string, suppressedAt: string): string =>
  changeEventIdOf("suppression", email, suppressedAt);

/** An event as it leaves: its id is stable across replays of whatever caused it. */
export type WebhookEvent = {
  readonly id: string;
  readonly type: WebhookEventType | typeof WEBHOOK_TEST_EVENT_TYPE;
  /** When it happened (ISO 8601, UTC). */
  readonly timestamp: string;
  readonly data: unknown;
};

/** The body every attempt of a delivery sends, byte for byte: what the signature covers. */
export const webhookBodyOf = (event: WebhookEvent): string =>
  JSON.stringify({ type: event.type, timestamp: event.timestamp, data: event.data });

/**
 * The `webhook-signature` header: `v1,` and the base64 HMAC-SHA256 of `id.timestamp.body`, keyed
 * with the base64-decoded part of the secret after `whsec_`.
 */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  return `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${body}`, "utf8").digest("base64")}`;
}

/** The headers of one attempt: a fresh timestamp (seconds) and signature each time, the same id. */
export function webhookHeaders(
  secret: string,
  deliveryId: string,
  at: Date,
  body: string,
): Record<string, string> {
  const timestamp = Math.floor(at.getTime() / 1000);
  return {
    "webhook-id": deliveryId,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": signWebhook(secret, deliveryId, timestamp, body),
  };
}

/**
 * Waits before each retry after a failed attempt: about 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 24 h
 * (the Standard Webhooks reference schedule), so an endpoint that is down for a day still gets the
 * event; a delivery whose eighth attempt fails is `failed`.
 */
export const WEBHOOK_RETRY_DELAYS_MS: readonly number[] = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  24 * 3_600_000,
];

/** When the next attempt is due after `scheduledAttempts` failed ones, or null when that was the last. */
export function nextAttemptAt(failedAt: Date, scheduledAttempts: number): Date | null {
  const delay = WEBHOOK_RETRY_DELAYS_MS[scheduledAttempts - 1];
  return delay === undefined ? null : new Date(failedAt.getTime() + delay);
}

/** Deliveries are kept this long, then go by themselves (TTL). */
export const DELIVERY_RETENTION_DAYS = 30;
/** The attempts a delivery keeps in its log, the latest ones. */
export const MAX_LOGGED_ATTEMPTS = 20;
/** The most of a receiver's answer kept in the attempt log (and read off the wire). */
export const RESPONSE_EXCERPT_BYTES = 1024;

export const isSuccessStatus = (status: number | null): boolean =>
  status !== null && status >= 200 && status < 300;
/** A receiver answering 410 Gone says the endpoint is gone for good: its subscription is disabled. */
export const GONE_STATUS = 410;

/*
 * Where a webhook may point. On AWS an endpoint must not reach into the deployment's own network or
 * the instance metadata service (SSRF): only public unicast addresses are called, checked once more
 * after DNS resolution, with the connection pinned to the address checked.
 */

/** What a webhook's URL may name; the secure setting is the default, the local runtime allows both. */
export type WebhookTargetPolicy = {
  /** http:// URLs (no TLS). */
  readonly allowHttp: boolean;
  /** Loopback, private, link-local and other non-public addresses. */
  readonly allowPrivateTargets: boolean;
};
export const SECURE_WEBHOOK_TARGETS: WebhookTargetPolicy = { allowHttp: false, allowPrivateTargets: false };

/** Every IPv4 range that is not public unicast (RFC 6890 and its updates). */
const NON_PUBLIC_V4: readonly [string, number][] = [
  ["0.0.0.0", 8], // "this network", the unspecified address
  ["10.0.0.0", 8], // private
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local, the instance metadata service (169.254.169.254) included
  ["172.16.0.0", 12], // private
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.88.99.0", 24], // 6to4 relay anycast
  ["192.168.0.0", 16], // private
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation
  ["203.0.113.0", 24], // documentation
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, and the broadcast address
];
/**
 * Public IPv6 unicast lies in 2000::/3; within it, these ranges are not public. An address outside
 * 2000::/3 is not public either (loopback, unspecified, unique-local fc00::/7, link-local fe80::/10,
 * multicast ff00::/8…), except those that embed an IPv4 address, which is judged instead.
 */
const NON_PUBLIC_V6_IN_GLOBAL: readonly [string, number][] = [
  ["2001::", 23], // IETF protocol assignments (Teredo included)
  ["2001:db8::", 32], // documentation
  ["3fff::", 20], // documentation
];

const nonPublic = new BlockList();
for (const [network, prefix] of NON_PUBLIC_V4) nonPublic.addSubnet(network, prefix, "ipv4");
for (const [network, prefix] of NON_PUBLIC_V6_IN_GLOBAL) nonPublic.addSubnet(network, prefix, "ipv6");
const globalUnicastV6 = new BlockList();
globalUnicastV6.addSubnet("2000::", 3, "ipv6");

/** The IPv4 address an IPv6 one carries: IPv4-mapped (::ffff:a.b.c.d), NAT64 (64:ff9b::/96), 6to4 (2002::/16). */
function embeddedIpv4(address: string): string | undefined {
  const words = expandIpv6(address);
  if (!words) return undefined;
  const v4 = (high: number, low: number) => `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
  const zero = (from: number, to: number) => words.slice(from, to).every((w) => w === 0);
  if (zero(0, 5) && words[5] === 0xffff) return v4(words[6] ?? 0, words[7] ?? 0);
  if (words[0] === 0x64 && words[1] === 0xff9b && zero(2, 6)) return v4(words[6] ?? 0, words[7] ?? 0);
  if (words[0] === 0x2002) return v4(words[1] ?? 0, words[2] ?? 0);
  return undefined;
}

/** The eight 16-bit words of an IPv6 address (a dotted IPv4 tail included), or undefined. */
function expandIpv6(address: string): number[] | undefined {
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (dotted) {
    const [a = 0, b = 0, c = 0, d = 0] = dotted.split(".").map(Number);
    text = `${text.slice(0, -dotted.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const part = (s: string | undefined) => (s ? s.split(":").map((w) => Number.parseInt(w, 16)) : []);
  const high = part(head);
  const low = part(tail);
  const words =
    tail === undefined ? high : [...high, ...new Array(8 - high.length - low.length).fill(0), ...low];
  return words.length === 8 && words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffff)
    ? words
    : undefined;
}

/**
 * True for a public unicast address, the only kind a webhook may reach on AWS: false for private,
 * loopback, link-local (169.254.169.254 included), unique-local, unspecified, multicast, carrier-grade
 * NAT, documentation and reserved addresses, and for an IPv6 address carrying any of those IPv4 ones.
 * False for anything that is not an IP address.
 */
export function isPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[(.*)\]$/, "$1");
  const family = isIP(bare);
  if (family === 4) return !nonPublic.check(bare, "ipv4");
  if (family !== 6) return false;
  // A zone (fe80::1%eth0) names an interface, not part of the address.
  const plain = bare.replace(/%.*$/, "");
  const v4 = embeddedIpv4(plain);
  if (v4 !== undefined) return isPublicAddress(v4);
  return globalUnicastV6.check(plain, "ipv6") && !nonPublic.check(plain, "ipv6");
}

/**
 * A delivery's body once the person its event is about is erased: their fields erased as their
 * records are (address, name, comment, properties, a case's resolution), the rest of the event kept.
 * A body this cannot read keeps nothing. Idempotent.
 */
export function erasedDeliveryBody(body: string): string {
  let event: { type?: unknown; timestamp?: unknown; data?: unknown };
  try {
    event = JSON.parse(body) as typeof event;
  } catch {
    return ERASED_BODY;
  }
  const data = event.data;
  if (typeof event.type !== "string" || data === null || typeof data !== "object" || Array.isArray(data)) {
    return ERASED_BODY;
  }
  const erased: Record<string, unknown> = event.type.startsWith("case.")
    ? { ...data, email: "", name: null, comment: null, properties: {}, resolution: null }
    : event.type.startsWith("response.")
      ? { ...data, email: "", name: null, comment: null, properties: {} }
      : event.type.startsWith("person.")
        ? { ...data, email: "" }
        : {};
  return JSON.stringify({ type: event.type, timestamp: event.timestamp, data: erased });
}
const ERASED_BODY = JSON.stringify({ erased: true });

/**
 * A delivery once the person its event is about is erased: its body erased, and cancelled if it was
 * still pending, so it is never sent again; its attempt log (the receiver's answers) stays. Erased
 * already, or holding none of the person's data (the event of the erasure of their case), it is
 * returned as it is.
 */
export function erasedDeliveryRecord(record: DeliveryRecord, now: Date): DeliveryRecord {
  const body = erasedDeliveryBody(record.body);
  if (record.erasedAt !== null || body === record.body) return record;
  return {
    ...record,
    body,
    erasedAt: now.toISOString(),
    ...(record.status === "pending" ? { status: "cancelled", nextAttemptAt: null } : {}),
  };
}

/** A delivery as the API answers it. */
export function deliveryView(record: DeliveryRecord): Delivery {
  const { body: _body, attemptCount: _count, scheduledAttempts: _scheduled, ...delivery } = record;
  return delivery;
}

/** A subscription as the API answers it. */
export function webhookView(webhook: WebhookWithSecret): Webhook {
  const { secret: _secret, ...view } = webhook;
  return view;
}

/** The event `POST /v1/webhooks/{id}/test` sends: a fresh id each time, so each test is a delivery of its own. */
export const newTestEvent = (webhookId: string, now: Date): WebhookEvent => ({
  id: `evt_test_${randomBytes(12).toString("base64url")}`,
  type: WEBHOOK_TEST_EVENT_TYPE,
  timestamp: now.toISOString(),
  data: { webhookId, message: "A test event: the endpoint is reachable, and can verify the signature." },
});

/** A new delivery of `event` to `webhookId`, due at once, before its first attempt. */
export function newDeliveryRecord(webhookId: string, event: WebhookEvent, now: Date): DeliveryRecord {
  const createdAt = now.toISOString();
  return {
    id: deliveryIdOf(webhookId, event.id),
    webhookId,
    eventId: event.id,
    eventType: event.type,
    status: "pending",
    createdAt,
    nextAttemptAt: createdAt,
    attempts: [],
    erasedAt: null,
    body: webhookBodyOf(event),
    attemptCount: 0,
    scheduledAttempts: 0,
  };
}
