import type { Clock } from "../domain/clock";
import type { DeliveryAttempt, DeliveryRecord, WebhookWithSecret } from "../domain/webhook";
import {
  GONE_STATUS,
  isSuccessStatus,
  MAX_LOGGED_ATTEMPTS,
  nextAttemptAt,
  webhookHeaders,
} from "../domain/webhook-delivery";
import { log } from "../platform/log";

/** One POST to a webhook endpoint. */
export type WebhookRequest = {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
};

/** What came of it; an endpoint that did not answer is a result too (`status` null, `error` why). */
export type WebhookPostResult = {
  readonly status: number | null;
  readonly durationMs: number;
  readonly error?: string;
  readonly responseExcerpt?: string;
};

/** Outbound HTTP: node's http/https with the address guard on AWS. Never throws for a failed request. */
export interface WebhookPoster {
  post(request: WebhookRequest): Promise<WebhookPostResult>;
}

/** Where a saved attempt leaves the delivery in the work index (as the store names it). */
export type DueChange = { readonly dueAt: string } | "keep" | "remove";

export type DeliverWebhookPorts = {
  readonly webhooks: {
    getDelivery(webhookId: string, deliveryId: string): Promise<DeliveryRecord | undefined>;
    /** False when another attempt was recorded since `previous` was read. */
    saveDelivery(previous: DeliveryRecord, next: DeliveryRecord, due: DueChange): Promise<boolean>;
    update(
      id: string,
      changes: Pick<WebhookWithSecret, "status" | "disabledReason">,
      now: Date,
    ): Promise<WebhookWithSecret | undefined>;
  };
  readonly poster: WebhookPoster;
  readonly clock: Clock;
};

/**
 * How an attempt counts: `scheduled` is one of the retry schedule's (a failure schedules the next, or
 * fails the delivery after the last); `manual` is an extra one asked for (a failure changes nothing
 * else); `once` is a test event's only attempt (a failure fails it).
 */
export type AttemptKind = "scheduled" | "manual" | "once";

/** A 410 disables the subscription with this reason. */
const GONE_REASON = "The endpoint answered 410 Gone.";
/** Rounds of re-reading a delivery whose log another attempt changed meanwhile. */
const SAVE_ROUNDS = 5;

/**
 * One attempt to deliver: the stored body, freshly signed, POSTed to the subscription's URL; the
 * attempt is logged, and the delivery is delivered (a 2xx), scheduled again (per the retry schedule),
 * or failed (its last scheduled attempt failed, or the endpoint answered 410, which also disables the
 * subscription). Returns the delivery as saved.
 */
export async function deliverWebhook(
  ports: DeliverWebhookPorts,
  webhook: WebhookWithSecret,
  delivery: DeliveryRecord,
  kind: AttemptKind,
): Promise<DeliveryRecord> {
  const at = ports.clock();
  const result = await ports.poster.post({
    url: webhook.url,
    headers: {
      "content-type": "application/json",
      ...webhookHeaders(webhook.secret, delivery.id, at, delivery.body),
    },
    body: delivery.body,
  });
  const attempt: DeliveryAttempt = {
    at: at.toISOString(),
    responseCode: result.status,
    durationMs: Math.max(0, Math.round(result.durationMs)),
    error: result.status === null ? (result.error ?? "No answer.") : null,
    responseExcerpt: result.responseExcerpt ?? null,
  };
  const gone = result.status === GONE_STATUS;

  let current = delivery;
  for (let round = 1; ; round++) {
    const { next, due } = afterAttempt(current, attempt, kind, at);
    if (await ports.webhooks.saveDelivery(current, next, due)) {
      if (gone) await disableGoneWebhook(ports, webhook, at);
      return next;
    }
    const reread = await ports.webhooks.getDelivery(delivery.webhookId, delivery.id);
    if (!reread) throw new Error(`The delivery ${delivery.id} is gone; its attempt was not recorded.`);
    // Our own write went through and only its answer was lost (the SDK then retried it, and the retry
    // found the log moved on): the attempt is recorded once, as it should be.
    if (reread.attemptCount === current.attemptCount + 1 && isSameAttempt(reread.attempts.at(-1), attempt)) {
      if (gone) await disableGoneWebhook(ports, webhook, at);
      return reread;
    }
    if (round >= SAVE_ROUNDS) {
      throw new Error(`The log of delivery ${delivery.id} kept changing; its attempt was not recorded.`);
    }
    current = reread;
  }
}

/** Whether a logged attempt is this one: the same time, answer and duration. */
const isSameAttempt = (logged: DeliveryAttempt | undefined, attempt: DeliveryAttempt): boolean =>
  logged !== undefined &&
  logged.at === attempt.at &&
  logged.responseCode === attempt.responseCode &&
  logged.durationMs === attempt.durationMs &&
  logged.error === attempt.error &&
  logged.responseExcerpt === attempt.responseExcerpt;

/** The delivery after an attempt, and its move in the work index. */
function afterAttempt(
  current: DeliveryRecord,
  attempt: DeliveryAttempt,
  kind: AttemptKind,
  at: Date,
): { next: DeliveryRecord; due: DueChange } {
  const logged = {
    ...current,
    attempts: [...current.attempts, attempt].slice(-MAX_LOGGED_ATTEMPTS),
    attemptCount: current.attemptCount + 1,
    scheduledAttempts: current.scheduledAttempts + (kind === "scheduled" ? 1 : 0),
  };
  const settled = (status: DeliveryRecord["status"]) => ({
    next: { ...logged, status, nextAttemptAt: null },
    due: "remove" as const,
  });
  if (isSuccessStatus(attempt.responseCode)) return settled("delivered");
  if (attempt.responseCode === GONE_STATUS || kind === "once") return settled("failed");
  if (kind === "manual") return { next: logged, due: "keep" };
  // A scheduled attempt of a delivery settled meanwhile (a manual retry got through): it stays settled.
  if (current.status !== "pending") return { next: logged, due: "remove" };
  const retryAt = nextAttemptAt(at, logged.scheduledAttempts);
  if (retryAt === null) return settled("failed");
  const dueAt = retryAt.toISOString();
  return { next: { ...logged, status: "pending", nextAttemptAt: dueAt }, due: { dueAt } };
}

async function disableGoneWebhook(ports: DeliverWebhookPorts, webhook: WebhookWithSecret, at: Date) {
  if (webhook.status === "disabled") return;
  await ports.webhooks.update(webhook.id, { status: "disabled", disabledReason: GONE_REASON }, at);
  log("warn", "webhook disabled: its endpoint answered 410 Gone", { webhookId: webhook.id });
}
