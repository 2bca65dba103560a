import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook as StandardWebhook } from "standardwebhooks";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Delivery, WebhookCreated, WebhookEvent } from "../../functions/domain/webhook";
import { signWebhook, type Webhook } from "../../functions/domain/webhook";
import { createApiApp } from "../../functions/http/api-app";
import { deliverDueWebhooks } from "../../functions/use-cases/deliver-due-webhooks";
import { fanOutWebhookEvent } from "../../functions/use-cases/fan-out-webhook-event";
import { HttpWebhookPoster } from "../../functions/webhooks/http-webhook-poster";
import {
  type DeliveryHarness,
  type ManualClock,
  manualClock,
  startDeliveryHarness,
} from "../support/delivery-harness";
import {
  type LoopbackReceiver,
  type ReceiverAnswer,
  startLoopbackReceiver,
} from "../support/loopback-receiver";

/**
 * Webhooks end to end: subscriptions over the API, events fanned out and retried through DynamoDB
 * Local, delivered by the real HTTP poster to a receiver on loopback, and verified there with the
 * `standardwebhooks` package as a receiver would.
 */

const event = (type: WebhookEvent["type"], data: unknown = { score: 9 }): WebhookEvent => ({
  id: `evt-${randomUUID()}`,
  type,
  timestamp: new Date().toISOString(),
  data,
});

describe("webhooks", () => {
  let h: DeliveryHarness;
  let clock: ManualClock;
  const receivers: LoopbackReceiver[] = [];
  /** The poster the local runtime uses: loopback and http allowed. */
  const localPoster = new HttpWebhookPoster({ allowHttp: true, allowPrivateTargets: true });
  const ports = (poster = localPoster) => ({ webhooks: h.stores.webhooks, poster, clock: clock.now });

  const receiver = async (answer?: ReceiverAnswer) => {
    const started = await startLoopbackReceiver(answer);
    receivers.push(started);
    return started;
  };

  beforeAll(async () => {
    clock = manualClock();
    h = await startDeliveryHarness({ clock: clock.now });
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await h?.close();
  });
  // Signatures carry the clock's time; a receiver checks it against its own, so each test starts now.
  beforeEach(() => {
    clock.set(new Date());
  });

  it("creates a subscription whose secret is shown once, and lists it", async () => {
    const created = await h.api<WebhookCreated>("POST", "/v1/webhooks", {
      url: "https://hooks.example.com/nps",
      events: ["response.created", "case.opened"],
      description: "CRM sync",
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^wh_/),
      url: "https://hooks.example.com/nps",
      events: ["response.created", "case.opened"],
      description: "CRM sync",
      status: "enabled",
      disabledReason: null,
      secret: expect.stringMatching(/^whsec_/),
    });
    const read = await h.api<Webhook>("GET", `/v1/webhooks/${created.body.id}`);
    expect(read.status).toBe(200);
    expect(read.text).not.toContain(created.body.secret);
    expect(read.body).not.toHaveProperty("secret");
    const { secret: _secret, ...shown } = created.body;
    expect(read.body).toEqual(shown);

    const second = await h.subscribe("https://hooks.example.com/second", ["person.unsubscribed"]);
    const first = await h.api<{ items: Webhook[]; nextCursor: string | null }>("GET", "/v1/webhooks?limit=1");
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(1);
    expect(first.text).not.toContain("whsec_");
    const next = await h.api<{ items: Webhook[] }>(
      "GET",
      `/v1/webhooks?limit=1&cursor=${encodeURIComponent(first.body.nextCursor ?? "")}`,
    );
    expect(next.status).toBe(200);
    expect(next.body.items[0]?.id).not.toBe(first.body.items[0]?.id);

    const patched = await h.api<Webhook>("PATCH", `/v1/webhooks/${created.body.id}`, {
      events: ["case.updated"],
      description: null,
    });
    expect(patched.body).toMatchObject({ events: ["case.updated"], description: null });
    expect((await h.api("DELETE", `/v1/webhooks/${created.body.id}`)).status).toBe(204);
    expect((await h.api("GET", `/v1/webhooks/${created.body.id}`)).status).toBe(404);
    expect((await h.api("DELETE", `/v1/webhooks/${second.id}`)).status).toBe(204);
  });

  it("delivers an event once, signed so that standardwebhooks verifies it; the same event again delivers nothing", async () => {
    const endpoint = await receiver();
    const webhook = await h.subscribe(endpoint.url, ["response.created"]);
    const answered = event("response.created", { campaignId: "cmp_x", score: 9, comment: "很好" });

    expect(await fanOutWebhookEvent(ports(), answered)).toEqual({ created: 1, delivered: 1 });
    expect(endpoint.received).toHaveLength(1);
    const [request] = endpoint.received;
    if (!request) throw new Error("no request");
    const verified = new StandardWebhook(webhook.secret).verify(request.body, {
      "webhook-id": String(request.headers["webhook-id"]),
      "webhook-timestamp": String(request.headers["webhook-timestamp"]),
      "webhook-signature": String(request.headers["webhook-signature"]),
    });
    expect(verified).toEqual({
      type: "response.created",
      timestamp: answered.timestamp,
      data: answered.data,
    });
    expect(request.headers["content-type"]).toBe("application/json");

    // A replayed stream record: the delivery exists, nothing is written or sent.
    expect(await fanOutWebhookEvent(ports(), answered)).toEqual({ created: 0, delivered: 0 });
    // An event type it did not subscribe to.
    expect(await fanOutWebhookEvent(ports(), event("case.opened"))).toEqual({ created: 0, delivered: 0 });
    expect(endpoint.received).toHaveLength(1);

    const [delivery] = await h.deliveriesOf(webhook.id);
    expect(delivery).toMatchObject({
      id: request.headers["webhook-id"],
      webhookId: webhook.id,
      eventId: answered.id,
      eventType: "response.created",
      status: "delivered",
      nextAttemptAt: null,
      attempts: [{ responseCode: 200, error: null, responseExcerpt: "answered 200" }],
    });
    expect(delivery?.attempts[0]?.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("retries a failing endpoint on the schedule, one tick at a time, until it answers 2xx", async () => {
    const endpoint = await receiver((n) => (n < 3 ? 500 : 200));
    const webhook = await h.subscribe(endpoint.url, ["case.opened"]);
    expect(await fanOutWebhookEvent(ports(), event("case.opened"))).toEqual({ created: 1, delivered: 0 });
    expect(endpoint.received).toHaveLength(1);

    // Not due before its delay; each delay passed, one more attempt.
    expect(await deliverDueWebhooks(ports())).toBe(0);
    for (const [delayMs, requests] of [
      [5_000, 2],
      [5 * 60_000, 3],
      [30 * 60_000, 4],
    ] as const) {
      clock.advance({ ms: delayMs - 1 });
      expect(await deliverDueWebhooks(ports())).toBe(0);
      clock.advance({ ms: 1 });
      // Two dispatchers' ticks at once: one of them claims it.
      const [a, b] = await Promise.all([deliverDueWebhooks(ports()), deliverDueWebhooks(ports())]);
      expect(a + b).toBe(1);
      expect(endpoint.received).toHaveLength(requests);
    }
    clock.advance({ days: 2 });
    expect(await deliverDueWebhooks(ports())).toBe(0);
    expect(endpoint.received).toHaveLength(4);

    const [delivery] = await h.deliveriesOf(webhook.id);
    expect(delivery?.status).toBe("delivered");
    expect(delivery?.attempts.map((a) => a.responseCode)).toEqual([500, 500, 500, 200]);
    for (const attempt of delivery?.attempts ?? []) expect(attempt.durationMs).toBeGreaterThanOrEqual(0);
    // Every attempt: the same id and body, signed afresh with its own time.
    const ids = new Set(endpoint.received.map((r) => r.headers["webhook-id"]));
    expect(ids).toEqual(new Set([delivery?.id]));
    expect(new Set(endpoint.received.map((r) => r.body)).size).toBe(1);
    for (const { headers, body } of endpoint.received) {
      const timestamp = Number(headers["webhook-timestamp"]);
      expect(headers["webhook-signature"]).toBe(
        signWebhook(webhook.secret, String(delivery?.id), timestamp, body),
      );
    }
  });

  it("fails a delivery after its last scheduled attempt", async () => {
    const endpoint = await receiver(() => 503);
    const webhook = await h.subscribe(endpoint.url, ["response.updated"]);
    await fanOutWebhookEvent(ports(), event("response.updated"));
    for (let attempt = 2; attempt <= 8; attempt++) {
      const [pending] = await h.deliveriesOf(webhook.id);
      expect(pending?.status).toBe("pending");
      clock.set(pending?.nextAttemptAt ?? "");
      expect(await deliverDueWebhooks(ports())).toBe(1);
    }
    const [failed] = await h.deliveriesOf(webhook.id);
    expect(failed).toMatchObject({ status: "failed", nextAttemptAt: null });
    expect(failed?.attempts).toHaveLength(8);
    clock.advance({ days: 3 });
    expect(await deliverDueWebhooks(ports())).toBe(0);
    expect(endpoint.received).toHaveLength(8);
  });

  it("disables a subscription whose endpoint answers 410, and delivers nothing more to it", async () => {
    const endpoint = await receiver(() => 410);
    const webhook = await h.subscribe(endpoint.url, ["person.unsubscribed"]);
    await fanOutWebhookEvent(ports(), event("person.unsubscribed"));
    const [gone] = await h.deliveriesOf(webhook.id);
    expect(gone).toMatchObject({ status: "failed", nextAttemptAt: null, attempts: [{ responseCode: 410 }] });
    const disabled = await h.api<Webhook>("GET", `/v1/webhooks/${webhook.id}`);
    expect(disabled.body).toMatchObject({
      status: "disabled",
      disabledReason: expect.stringContaining("410"),
    });

    expect(await fanOutWebhookEvent(ports(), event("person.unsubscribed"))).toEqual({
      created: 0,
      delivered: 0,
    });
    clock.advance({ days: 2 });
    expect(await deliverDueWebhooks(ports())).toBe(0);
    expect(endpoint.received).toHaveLength(1);

    const enabled = await h.api<Webhook>("PATCH", `/v1/webhooks/${webhook.id}`, { status: "enabled" });
    expect(enabled.body).toMatchObject({ status: "enabled", disabledReason: null });
  });

  it("cancels a delivery waiting for a retry when its subscription is disabled", async () => {
    const endpoint = await receiver(() => 500);
    const webhook = await h.subscribe(endpoint.url, ["person.suppressed"]);
    await fanOutWebhookEvent(ports(), event("person.suppressed"));
    await h.api("PATCH", `/v1/webhooks/${webhook.id}`, { status: "disabled" });
    clock.advance({ minutes: 1 });
    expect(await deliverDueWebhooks(ports())).toBe(0);
    const [cancelled] = await h.deliveriesOf(webhook.id);
    expect(cancelled).toMatchObject({ status: "cancelled", nextAttemptAt: null });
    expect(endpoint.received).toHaveLength(1);
  });

  it("sends a test event, and retries a delivery by hand", async () => {
    const endpoint = await receiver((n) => (n === 0 ? 503 : 204));
    const webhook = await h.subscribe(endpoint.url, ["response.created"]);
    const tested = await h.api<Delivery>("POST", `/v1/webhooks/${webhook.id}/test`);
    expect(tested.status, tested.text).toBe(200);
    expect(tested.body).toMatchObject({
      eventType: "webhook.test",
      status: "failed",
      nextAttemptAt: null,
      attempts: [{ responseCode: 503, error: null }],
    });
    const [request] = endpoint.received;
    expect(JSON.parse(request?.body ?? "")).toMatchObject({
      type: "webhook.test",
      data: { webhookId: webhook.id },
    });

    const retried = await h.api<Delivery>(
      "POST",
      `/v1/webhooks/${webhook.id}/deliveries/${tested.body.id}/retry`,
    );
    expect(retried.status, retried.text).toBe(200);
    expect(retried.body.status).toBe("delivered");
    expect(retried.body.attempts.map((a) => a.responseCode)).toEqual([503, 204]);
    expect(endpoint.received.map((r) => r.headers["webhook-id"])).toEqual([tested.body.id, tested.body.id]);
    expect(endpoint.received[1]?.body).toBe(request?.body);

    expect(
      (await h.api("POST", `/v1/webhooks/${webhook.id}/deliveries/msg_AAAAAAAAAAAAAAAAAAAAAA/retry`)).status,
    ).toBe(404);
    expect((await h.api("POST", `/v1/webhooks/${webhook.id}/deliveries/nonsense/retry`)).status).toBe(404);
  });

  it("records an endpoint that does not answer in time as an attempt with an error", async () => {
    const endpoint = await receiver(() => "hang");
    const webhook = await h.subscribe(endpoint.url, ["case.updated"]);
    const impatient = new HttpWebhookPoster({ allowHttp: true, allowPrivateTargets: true, timeoutMs: 300 });
    await fanOutWebhookEvent(ports(impatient), event("case.updated"));
    const [delivery] = await h.deliveriesOf(webhook.id);
    expect(delivery).toMatchObject({
      status: "pending",
      attempts: [{ responseCode: null, error: "No answer within 300 ms.", responseExcerpt: null }],
    });
    expect(delivery?.attempts[0]?.durationMs).toBeGreaterThanOrEqual(299);
    expect(endpoint.received).toHaveLength(1);
  });

  it("reads at most 1 KB of an answer, and does not wait for the rest", async () => {
    const endless = createServer((req, res) => {
      req.resume();
      // A megabyte, and the answer never ends.
      res.writeHead(200, { "content-type": "text/plain" }).write("x".repeat(1024 * 1024));
    });
    await new Promise<void>((resolve) => endless.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = endless.address() as AddressInfo;
      const result = await new HttpWebhookPoster({
        allowHttp: true,
        allowPrivateTargets: true,
        timeoutMs: 5_000,
      }).post({
        url: `http://127.0.0.1:${port}/`,
        headers: {},
        body: "{}",
      });
      expect(result.status).toBe(200);
      expect(result.error).toBeUndefined();
      expect(result.responseExcerpt).toBe("x".repeat(1024));
      expect(result.durationMs).toBeLessThan(5_000);
    } finally {
      endless.closeAllConnections();
      await new Promise<void>((resolve) => endless.close(() => resolve()));
    }
  });

  it("answers 404 for unknown ids and 400 naming the field for bad bodies, on the secure setting", async () => {
    // The API app as the Lambda handler builds it: https only, public addresses only.
    const app = createApiApp({ ...h.stores, clock: clock.now, webhookPoster: new HttpWebhookPoster() });
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await app.request(path, {
        method,
        headers: { authorization: `Bearer ${h.apiKey}`, "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json().catch(() => null)) as never };
    };
    const fieldsOf = (answer: { body: { error: { details?: { field: string }[] } } }) =>
      answer.body.error.details?.map((d) => d.field);

    for (const [body, fields] of [
      [{ url: "http://hooks.example.com/", events: ["response.created"] }, ["url"]],
      [{ url: "https://10.0.0.1/hook", events: ["response.created"] }, ["url"]],
      [{ url: "https://169.254.169.254/latest/meta-data/", events: ["response.created"] }, ["url"]],
      [{ url: "https://[::1]/hook", events: ["response.created"] }, ["url"]],
      [{ url: "https://localhost/hook", events: ["response.created"] }, ["url"]],
      [{ url: "https://hooks.example.com/", events: ["order.placed"] }, ["events.0"]],
      [{ url: "https://hooks.example.com/", events: [] }, ["events"]],
      [{ url: "https://hooks.example.com/" }, ["events"]],
      [{ url: "https://hooks.example.com/", events: ["case.opened"], secret: "x" }, ["secret"]],
    ] as const) {
      const answer = await call("POST", "/v1/webhooks", body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(fieldsOf(answer), JSON.stringify(answer.body)).toEqual(fields);
    }
    const created = await call("POST", "/v1/webhooks", {
      url: "https://hooks.example.com/",
      events: ["case.opened"],
    });
    expect(created.status).toBe(201);
    const id = (created.body as { id: string }).id;
    const refused = await call("PATCH", `/v1/webhooks/${id}`, { url: "https://192.168.1.10/" });
    expect(refused.status).toBe(400);
    expect(fieldsOf(refused)).toEqual(["url"]);

    for (const unknown of ["wh_AAAAAAAAAAAAAAAA", "nonsense"]) {
      expect((await call("GET", `/v1/webhooks/${unknown}`)).status).toBe(404);
      expect((await call("PATCH", `/v1/webhooks/${unknown}`, { description: "x" })).status).toBe(404);
      expect((await call("DELETE", `/v1/webhooks/${unknown}`)).status).toBe(404);
      expect((await call("POST", `/v1/webhooks/${unknown}/test`)).status).toBe(404);
      expect((await call("GET", `/v1/webhooks/${unknown}/deliveries`)).status).toBe(404);
    }
    expect((await call("GET", "/v1/webhooks?cursor=bogus")).status).toBe(400);
  });

  it("does not reach a host name that resolves to a loopback address unless private targets are allowed", async () => {
    const endpoint = await receiver();
    const port = new URL(endpoint.url).port;
    const guarded = new HttpWebhookPoster({ allowHttp: true, allowPrivateTargets: false });
    for (const url of [
      `http://localhost:${port}/hook`,
      `http://127.0.0.1:${port}/hook`,
      `http://[::ffff:127.0.0.1]:${port}/hook`,
    ]) {
      const result = await guarded.post({ url, headers: {}, body: "{}" });
      expect(result, url).toMatchObject({
        status: null,
        error: expect.stringMatching(/not a public address/),
      });
    }
    expect(endpoint.received).toHaveLength(0);

    // Through a delivery: a subscription whose name resolves to loopback (as after a DNS change).
    const webhook = await h.subscribe(`http://localhost:${port}/hook`, ["response.created"]);
    await fanOutWebhookEvent(ports(guarded), event("response.created"));
    const [delivery] = await h.deliveriesOf(webhook.id);
    expect(delivery?.attempts[0]).toMatchObject({
      responseCode: null,
      error: expect.stringMatching(/^Refused: localhost resolves to .*not a public address/),
    });
    expect(endpoint.received).toHaveLength(0);

    // The same request with private targets allowed (the local runtime) gets through.
    const allowed = await localPoster.post({ url: `http://localhost:${port}/hook`, headers: {}, body: "{}" });
    expect(allowed.status).toBe(200);
    expect(endpoint.received).toHaveLength(1);
  });
});
