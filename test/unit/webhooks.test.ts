import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import type { DeliveryRecord, WebhookWithSecret } from "../../functions/domain/webhook";
import {
  checkWebhookUrl,
  DELIVERY_ID_PATTERN,
  deliveryIdOf,
  erasedDeliveryBody,
  erasedDeliveryRecord,
  isPublicAddress,
  newDeliveryRecord,
  newWebhookId,
  newWebhookSecret,
  nextAttemptAt,
  SECURE_WEBHOOK_TARGETS,
  signWebhook,
  WEBHOOK_ID_PATTERN,
  WEBHOOK_RETRY_DELAYS_MS,
  webhookCreateSchema,
  webhookHeaders,
} from "../../functions/domain/webhook";
import { deliverWebhook } from "../../functions/use-cases/deliver-webhook";

describe("webhook signatures (Standard Webhooks)", () => {
  it("verify with the standardwebhooks package, as a receiver checks them", () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const body = JSON.stringify({
      type: "response.created",
      timestamp: new Date().toISOString(),
      data: { score: 9 },
    });
    const headers = webhookHeaders(secret, "msg_abc", new Date(), body);
    expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it("are what the package itself signs, and change with any byte of the id, time or body", () => {
    const secret = newWebhookSecret();
    const at = new Date("2026-11-30T01:00:00Z");
    const seconds = at.getTime() / 1000;
    const signature = signWebhook(secret, "msg_1", seconds, '{"a":1}');
    expect(signature).toBe(new Webhook(secret).sign("msg_1", at, '{"a":1}'));
    expect(signWebhook(secret, "msg_2", seconds, '{"a":1}')).not.toBe(signature);
    expect(signWebhook(secret, "msg_1", seconds + 1, '{"a":1}')).not.toBe(signature);
    expect(signWebhook(secret, "msg_1", seconds, '{"a":2}')).not.toBe(signature);
    expect(signWebhook(newWebhookSecret(), "msg_1", seconds, '{"a":1}')).not.toBe(signature);
  });

  it("are refused by the receiver when the body was changed on the way", () => {
    const secret = newWebhookSecret();
    const headers = webhookHeaders(secret, "msg_abc", new Date(), '{"score":9}');
    expect(() => new Webhook(secret).verify('{"score":0}', headers)).toThrow(/signature/i);
  });
});

describe("ids", () => {
  it("webhook ids are random and match their pattern", () => {
    const ids = new Set(Array.from({ length: 100 }, newWebhookId));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(WEBHOOK_ID_PATTERN);
  });

  it("a delivery id is the same for the same webhook and event, and differs otherwise", () => {
    const a = deliveryIdOf("wh_AAAAAAAAAAAAAAAA", "evt-1");
    expect(a).toMatch(DELIVERY_ID_PATTERN);
    expect(deliveryIdOf("wh_AAAAAAAAAAAAAAAA", "evt-1")).toBe(a);
    expect(deliveryIdOf("wh_AAAAAAAAAAAAAAAA", "evt-2")).not.toBe(a);
    expect(deliveryIdOf("wh_BBBBBBBBBBBBBBBB", "evt-1")).not.toBe(a);
  });
});

describe("a delivery whose person is erased", () => {
  const at = "2026-06-01T10:00:00.000Z";
  const bodyOf = (type: string, data: Record<string, unknown>) =>
    erasedDeliveryBody(JSON.stringify({ type, timestamp: at, data }));

  it("keeps its event without the person's address, name, comment and properties", () => {
    const response = {
      id: "r1",
      email: "ana@example.com",
      name: "Ana",
      score: 3,
      comment: "late",
      properties: { a: 1 },
    };
    expect(JSON.parse(bodyOf("response.created", response))).toEqual({
      type: "response.created",
      timestamp: at,
      data: { id: "r1", email: "", name: null, score: 3, comment: null, properties: {} },
    });
    const kase = {
      id: "c1",
      email: "ana@example.com",
      name: "Ana",
      comment: "late",
      properties: {},
      resolution: "refund",
      version: 2,
    };
    expect(JSON.parse(bodyOf("case.updated", kase)).data).toEqual({
      id: "c1",
      email: "",
      name: null,
      comment: null,
      properties: {},
      resolution: null,
      version: 2,
    });
    const suppressed = { email: "ana@example.com", reason: "bounced", suppressedAt: at };
    expect(JSON.parse(bodyOf("person.suppressed", suppressed)).data).toEqual({ ...suppressed, email: "" });
    expect(erasedDeliveryBody("not json")).toBe('{"erased":true}');
  });

  it("is cancelled if pending, keeps its attempts, and is erased once", () => {
    const now = new Date(at);
    const event = {
      id: "evt_1",
      type: "response.created" as const,
      timestamp: at,
      data: { email: "ana@example.com" },
    };
    const pending = { ...newDeliveryRecord("wh_AAAAAAAAAAAAAAAA", event, now), nextAttemptAt: at };
    const erased = erasedDeliveryRecord(pending, now);
    expect(erased).toMatchObject({ status: "cancelled", nextAttemptAt: null, erasedAt: at, attempts: [] });
    expect(erased.body).not.toContain("ana@");
    expect(erasedDeliveryRecord(erased, new Date())).toBe(erased);
    const delivered = erasedDeliveryRecord({ ...pending, status: "delivered", nextAttemptAt: null }, now);
    expect(delivered.status).toBe("delivered");
    // Holding nothing of the person (the event of their case's erasure), it is left as it is.
    const nothing = {
      ...pending,
      body: JSON.stringify({
        type: "response.created",
        timestamp: at,
        data: { email: "", name: null, comment: null, properties: {} },
      }),
    };
    expect(erasedDeliveryRecord(nothing, now)).toBe(nothing);
  });
});

describe("the retry schedule", () => {
  it("retries after about 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 24 h, then gives up", () => {
    const failedAt = new Date("2026-11-30T00:00:00Z");
    const delays = [1, 2, 3, 4, 5, 6, 7].map(
      (attempts) => (nextAttemptAt(failedAt, attempts)?.getTime() ?? Number.NaN) - failedAt.getTime(),
    );
    expect(delays).toEqual([5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 86_400_000]);
    expect(delays).toEqual([...WEBHOOK_RETRY_DELAYS_MS]);
    expect(nextAttemptAt(failedAt, 8)).toBeNull();
  });
});

describe("which addresses a webhook may reach", () => {
  it("public IPv4 and IPv6 unicast addresses", () => {
    for (const address of [
      "8.8.8.8",
      "1.1.1.1",
      "93.184.216.34",
      "2606:4700:4700::1111",
      "2a00:1450:4001:81b::200e",
    ]) {
      expect(isPublicAddress(address), address).toBe(true);
    }
  });

  it("no private, loopback, link-local, unique-local, unspecified, multicast or CGNAT address", () => {
    for (const address of [
      "127.0.0.1",
      "127.255.0.9",
      "10.1.2.3",
      "172.16.0.1",
      "172.31.255.255",
      "192.168.1.1",
      "169.254.169.254",
      "169.254.0.1",
      "100.64.0.1",
      "100.127.255.254",
      "0.0.0.0",
      "224.0.0.251",
      "239.255.255.250",
      "255.255.255.255",
      "198.18.0.1",
      "::",
      "::1",
      "fc00::1",
      "fd12:3456:789a::1",
      "fe80::1",
      "fe80::1%eth0",
      "ff02::1",
      "2001:db8::1",
      "fd00:ec2::254",
    ]) {
      expect(isPublicAddress(address), address).toBe(false);
    }
    expect(isPublicAddress("172.32.0.1")).toBe(true);
    expect(isPublicAddress("100.128.0.1")).toBe(true);
  });

  it("judges an IPv4 address carried in IPv6 (mapped, NAT64, 6to4) as that IPv4 address", () => {
    for (const address of [
      "::ffff:127.0.0.1",
      "::ffff:7f00:1",
      "::ffff:169.254.169.254",
      "64:ff9b::a00:1",
      "2002:c0a8:101::1",
    ]) {
      expect(isPublicAddress(address), address).toBe(false);
    }
    for (const address of ["::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"]) {
      expect(isPublicAddress(address), address).toBe(true);
    }
  });

  it("nothing that is not an IP address", () => {
    expect(isPublicAddress("example.com")).toBe(false);
    expect(isPublicAddress("")).toBe(false);
  });
});

describe("webhook URLs", () => {
  const create = (url: string) => webhookCreateSchema.safeParse({ url, events: ["response.created"] });
  const secure = (url: string) => checkWebhookUrl(url, SECURE_WEBHOOK_TARGETS);
  const local = (url: string) => checkWebhookUrl(url, { allowHttp: true, allowPrivateTargets: true });

  it("are URLs without credentials", () => {
    expect(create("https://hooks.example.com/nps").success).toBe(true);
    expect(create("not a url").success).toBe(false);
    expect(create("ftp://example.com/").success).toBe(false);
    expect(create("https://user:pw@example.com/").success).toBe(false);
  });

  it("on the secure setting: https, to a host that is not a non-public IP address or localhost", () => {
    expect(secure("https://hooks.example.com/nps")).toEqual({
      ok: true,
      value: "https://hooks.example.com/nps",
    });
    expect(secure("https://8.8.8.8/hook").ok).toBe(true);
    for (const url of [
      "http://hooks.example.com/nps",
      "https://127.0.0.1/",
      "https://0x7f.1/",
      "https://2130706433/",
      "https://[::1]:8443/",
      "https://[::ffff:10.0.0.1]/",
      "https://169.254.169.254/latest/meta-data/",
      "https://10.0.0.5/",
      "https://100.64.1.1/",
      "https://localhost/",
      "https://api.localhost/",
    ]) {
      const checked = secure(url);
      expect(checked.ok, url).toBe(false);
      if (!checked.ok) expect(checked.issues[0]?.field).toBe("url");
    }
  });

  it("locally: http and loopback too", () => {
    expect(local("http://127.0.0.1:4000/hook").ok).toBe(true);
    expect(local("http://localhost:4000/hook").ok).toBe(true);
  });
});

describe("deliverWebhook's record of an attempt", () => {
  const now = new Date("2026-06-01T10:00:00.000Z");
  const webhook = {
    id: newWebhookId(),
    url: "https://hooks.example.com/in",
    events: ["response.created"],
    description: "",
    status: "enabled",
    disabledReason: null,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    secret: newWebhookSecret(),
  } as WebhookWithSecret;
  const event = { id: "evt_1", type: "response.created" as const, timestamp: now.toISOString(), data: {} };

  it("is written once when its write went through but the answer was lost (the SDK's retry then fails)", async () => {
    let stored = newDeliveryRecord(webhook.id, event, now);
    let saves = 0;
    const ports = {
      webhooks: {
        getDelivery: async () => stored,
        saveDelivery: async (previous: DeliveryRecord, next: DeliveryRecord) => {
          saves++;
          if (previous.attemptCount !== stored.attemptCount) return false;
          stored = next;
          // The first write lands, and its answer is lost: the retry sees the log moved on.
          return saves > 1;
        },
        update: async () => undefined,
      },
      poster: { post: async () => ({ status: 500, durationMs: 7, responseExcerpt: "down" }) },
      clock: () => now,
    };
    const saved = await deliverWebhook(ports, webhook, stored, "scheduled");
    expect(saved.attemptCount).toBe(1);
    expect(saved.attempts).toHaveLength(1);
    expect(stored.attempts).toHaveLength(1);
    expect(saved.status).toBe("pending");
  });

  it("still says so when another attempt keeps changing the log", async () => {
    let stored = newDeliveryRecord(webhook.id, event, now);
    const ports = {
      webhooks: {
        getDelivery: async () => stored,
        // Another attempt lands before each of ours.
        saveDelivery: async () => {
          stored = { ...stored, attemptCount: stored.attemptCount + 1 };
          return false;
        },
        update: async () => undefined,
      },
      poster: { post: async () => ({ status: 200, durationMs: 3 }) },
      clock: () => now,
    };
    await expect(deliverWebhook(ports, webhook, stored, "scheduled")).rejects.toThrow(/kept changing/);
  });
});
