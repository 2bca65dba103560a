import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DeliveryHarness, startDeliveryHarness } from "../support/delivery-harness";

/**
 * The served OpenAPI document against the real server: every operation it lists is called, through
 * the delivery harness (API, survey pages, delivery loop over DynamoDB Local and the SES emulator),
 * and every answer must have a documented status and a body that validates against the schema
 * documented for its status and content type. Successful requests are checked against the documented
 * request body too. The last test fails unless every operation of the document answered a success at
 * least once, so a new route needs a case here.
 */

type MediaType = { schema?: unknown };
type DocumentedResponse = {
  content?: Record<string, MediaType>;
  headers?: Record<string, { schema: unknown }>;
};
type Operation = {
  requestBody?: { content: Record<string, MediaType> };
  responses: Record<string, DocumentedResponse>;
};
type Document = { openapi: string; paths: Record<string, Record<string, Operation | unknown>> };

type Exchange = {
  readonly method: "get" | "post" | "patch" | "delete";
  /** The path as the document spells it, e.g. `/v1/campaigns/{campaignId}`. */
  readonly path: string;
  readonly params?: Readonly<Record<string, string>>;
  readonly query?: string;
  /** Sent as JSON. */
  readonly body?: unknown;
  /**
   * The body holds items the API reports one by one (`invalid`) instead of refusing the request; the
   * document shows only what is valid, so such a body is not checked against it.
   */
  readonly reportsInvalidItems?: true;
  /** Sent as is, with `contentType`. */
  readonly rawBody?: string;
  readonly contentType?: string;
  readonly accept?: string;
  /** The API key; null sends none. Default: the harness's key. */
  readonly key?: string | null;
};

type Answer = {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: unknown;
};

const DOCUMENT_ID = "https://open-nps.test/openapi.json";
const METHODS = ["get", "post", "patch", "put", "delete"];
/** Well-formed, but no campaign has it. */
const UNKNOWN_CAMPAIGN = "cmp_AAAAAAAAAAAAAAAA";

/** `#/a/b` as a URI fragment: JSON Pointer escapes, then percent-encoding (paths hold `{` and `}`). */
const pointer = (...segments: string[]) =>
  `${DOCUMENT_ID}#/${segments.map((s) => encodeURIComponent(s.replaceAll("~", "~0").replaceAll("/", "~1"))).join("/")}`;

describe("the served OpenAPI document, against real answers of every operation", () => {
  let h: DeliveryHarness;
  let document: Document;
  let ajv: Ajv2020;
  const validators = new Map<string, ValidateFunction>();
  /** `get /v1/campaigns` → the statuses it answered. */
  const exercised = new Map<string, Set<number>>();

  const validatorFor = (ref: string): ValidateFunction => {
    let validate = validators.get(ref);
    if (!validate) {
      validate = ajv.compile({ $ref: ref });
      validators.set(ref, validate);
    }
    return validate;
  };

  const expectValid = (ref: string, value: unknown, what: string) => {
    const validate = validatorFor(ref);
    const valid = validate(value);
    expect(
      valid,
      `${what} does not match the document:\n${JSON.stringify(validate.errors, null, 2)}\n${JSON.stringify(value)?.slice(0, 2000)}`,
    ).toBe(true);
  };

  /** Calls the API and checks the answer against the document; answers it for further assertions. */
  const call = async (exchange: Exchange): Promise<Answer> => {
    const { method, path } = exchange;
    const operation = document.paths[path]?.[method] as Operation | undefined;
    if (!operation) throw new Error(`${method.toUpperCase()} ${path} is not in the document`);

    const concrete = path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = exchange.params?.[name];
      if (value === undefined) throw new Error(`no value for {${name}}`);
      return encodeURIComponent(value);
    });
    const headers: Record<string, string> = { accept: exchange.accept ?? "application/json" };
    const key = exchange.key === undefined ? h.apiKey : exchange.key;
    if (key !== null) headers.authorization = `Bearer ${key}`;
    let body: string | undefined;
    if (exchange.rawBody !== undefined || exchange.body !== undefined) {
      body = exchange.rawBody ?? JSON.stringify(exchange.body);
      headers["content-type"] = exchange.contentType ?? "application/json";
    }
    const response = await fetch(`${h.baseUrl}${concrete}${exchange.query ?? ""}`, {
      method: method.toUpperCase(),
      headers,
      ...(body === undefined ? {} : { body }),
    });
    const text = await response.text();
    const what = `${method.toUpperCase()} ${concrete}${exchange.query ?? ""} → ${response.status}`;

    const statuses = exercised.get(`${method} ${path}`) ?? new Set<number>();
    statuses.add(response.status);
    exercised.set(`${method} ${path}`, statuses);

    const documented = operation.responses[String(response.status)];
    expect(documented, `${what} is not a documented status: ${text.slice(0, 500)}`).toBeDefined();
    const mediaType = (response.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
    let json: unknown = null;
    if (text === "") {
      expect(documented?.content, `${what} has no body, yet the document gives one`).toBeUndefined();
    } else {
      expect(Object.keys(documented?.content ?? {}), `${what} answered ${mediaType}`).toContain(mediaType);
      json = mediaType === "application/json" ? JSON.parse(text) : null;
      const ref = pointer(
        "paths",
        path,
        method,
        "responses",
        String(response.status),
        "content",
        mediaType,
        "schema",
      );
      expectValid(ref, mediaType === "application/json" ? json : text, what);
    }
    for (const [name, header] of Object.entries(documented?.headers ?? {})) {
      const value = response.headers.get(name);
      if (value === null) continue;
      const typed = (header.schema as { type?: string }).type === "integer" ? Number(value) : value;
      expectValid(
        pointer("paths", path, method, "responses", String(response.status), "headers", name, "schema"),
        typed,
        `${what}, header ${name}`,
      );
    }
    // What the API took must be what the document says it takes.
    if (response.ok && body !== undefined && operation.requestBody && !exchange.reportsInvalidItems) {
      expectValid(
        pointer("paths", path, method, "requestBody", "content", "application/json", "schema"),
        JSON.parse(body),
        `The request body of ${what}`,
      );
    }
    return { status: response.status, headers: response.headers, text, json };
  };

  /** A call that must answer `status`. */
  const expectCall = async (status: number, exchange: Exchange): Promise<Answer> => {
    const answer = await call(exchange);
    expect(answer.status, answer.text.slice(0, 500)).toBe(status);
    return answer;
  };

  let campaignId: string;

  beforeAll(async () => {
    h = await startDeliveryHarness({ events: true });
    const served = await fetch(`${h.baseUrl}/v1/openapi.json`);
    expect(served.status).toBe(200);
    document = (await served.json()) as Document;
    ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema(document, DOCUMENT_ID);
  }, 60_000);

  afterAll(async () => h?.close());

  it("serves the document and the liveness check without a key", async () => {
    const served = await expectCall(200, { method: "get", path: "/v1/openapi.json", key: null });
    expect(served.json).toEqual(document);
    expect(document.openapi).toBe("3.1.0");
    await expectCall(200, { method: "get", path: "/health", key: null });
  });

  it("creates, lists, reads and changes campaigns", async () => {
    const created = await expectCall(201, {
      method: "post",
      path: "/v1/campaigns",
      body: {
        name: "Contract",
        brandName: "Acme",
        delayDays: 0,
        throttleDays: 0,
        followUpDays: 30,
        reminderDays: 3,
        segmentBy: ["region"],
        attributes: [{ key: "delivery", label: "Delivery" }],
        subject: "How did we do?",
        intro: "Thanks for your order.\nTell us how it went.",
      },
    });
    campaignId = (created.json as { id: string }).id;
    // Defaults left to the server: the answer shows every one of them.
    await expectCall(201, {
      method: "post",
      path: "/v1/campaigns",
      body: { name: "Bare", brandName: "Acme" },
    });

    const page = await expectCall(200, { method: "get", path: "/v1/campaigns", query: "?limit=1" });
    const { nextCursor } = page.json as { nextCursor: string | null };
    expect(nextCursor).not.toBeNull();
    await expectCall(200, {
      method: "get",
      path: "/v1/campaigns",
      query: `?limit=1&cursor=${encodeURIComponent(nextCursor ?? "")}`,
    });
    await expectCall(200, { method: "get", path: "/v1/campaigns/{campaignId}", params: { campaignId } });
    await expectCall(200, {
      method: "patch",
      path: "/v1/campaigns/{campaignId}",
      params: { campaignId },
      body: { senderName: "Acme Support", csat: true },
    });
  });

  it("schedules one purchase, and a batch with an invalid item, then delivers and records an answer", async () => {
    const single = await expectCall(202, {
      method: "post",
      path: "/v1/campaigns/{campaignId}/purchases",
      params: { campaignId },
      body: {
        orderId: "c-1",
        email: "ana@example.com",
        name: "Ana",
        locale: "zh-Hant",
        purchasedAt: new Date().toISOString(),
        properties: { region: "north", total: 42.5, vip: true },
      },
    });
    expect((single.json as { results: { status: string }[] }).results[0]?.status).toBe("scheduled");

    const batch = await expectCall(202, {
      method: "post",
      path: "/v1/campaigns/{campaignId}/purchases",
      params: { campaignId },
      body: {
        purchases: [
          { orderId: "c-2", email: "ben@example.com", properties: { region: "south" } },
          { orderId: "c-1", email: "ana@example.com" },
          { orderId: "c-3", email: "not an address" },
          { email: "nobody@example.com" },
        ],
      },
      reportsInvalidItems: true,
    });
    expect((batch.json as { results: { status: string }[] }).results.map((r) => r.status)).toEqual([
      "scheduled",
      "duplicate",
      "invalid",
      "invalid",
    ]);

    await h.deliver();
    for (const [to, answer] of [
      ["ana@example.com", { score: 9, csat: 5, "attr.delivery": 4, comment: "很好，谢谢！" }],
      ["ben@example.com", { score: 3 }],
    ] as const) {
      const [email] = await h.inbox({ to });
      if (!email) throw new Error(`no email for ${to}`);
      const posted = await fetch(h.linksIn(email).survey, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify(answer),
      });
      expect(posted.status, await posted.text()).toBe(200);
    }
  });

  it("reads results, with and without a segment", async () => {
    const overall = await expectCall(200, {
      method: "get",
      path: "/v1/campaigns/{campaignId}/results",
      params: { campaignId },
    });
    expect((overall.json as { overall: { responses: number } }).overall.responses).toBe(2);
    const segmented = await expectCall(200, {
      method: "get",
      path: "/v1/campaigns/{campaignId}/results",
      params: { campaignId },
      query: "?segment=region&interval=week",
    });
    expect((segmented.json as { segments: unknown[] }).segments).toHaveLength(2);
  });

  it("lists responses as JSON, a page at a time, and exports them as CSV", async () => {
    const first = await expectCall(200, {
      method: "get",
      path: "/v1/campaigns/{campaignId}/responses",
      params: { campaignId },
      query: "?limit=1",
    });
    const { items, nextCursor } = first.json as { items: unknown[]; nextCursor: string | null };
    expect(items).toHaveLength(1);
    await expectCall(200, {
      method: "get",
      path: "/v1/campaigns/{campaignId}/responses",
      params: { campaignId },
      query: `?limit=1&cursor=${encodeURIComponent(nextCursor ?? "")}`,
    });
    const csv = await expectCall(200, {
      method: "get",
      path: "/v1/campaigns/{campaignId}/responses",
      params: { campaignId },
      query: "?maxScore=10",
      accept: "text/csv",
    });
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(csv.text.split("\r\n")[0]).toMatch(/^id,createdAt,/);
  });

  it("lists campaigns of one status, shows a purchase, previews and test-sends the email, deletes a test campaign", async () => {
    const paused = await expectCall(201, {
      method: "post",
      path: "/v1/campaigns",
      body: { name: "Paused", brandName: "Acme", status: "paused" },
    });
    const pausedId = (paused.json as { id: string }).id;
    const active = await expectCall(200, {
      method: "get",
      path: "/v1/campaigns",
      query: "?status=active&limit=1",
    });
    const { nextCursor } = active.json as { nextCursor: string | null };
    expect(nextCursor).not.toBeNull();
    await expectCall(200, {
      method: "get",
      path: "/v1/campaigns",
      query: `?status=active&limit=1&cursor=${encodeURIComponent(nextCursor ?? "")}`,
    });
    const onlyPaused = await expectCall(200, {
      method: "get",
      path: "/v1/campaigns",
      query: "?status=paused",
    });
    expect((onlyPaused.json as { items: { id: string }[] }).items.map((c) => c.id)).toEqual([pausedId]);

    // c-1 was sent and answered, c-2 sent; a purchase of the paused campaign waits.
    for (const orderId of ["c-1", "c-2"]) {
      await expectCall(200, {
        method: "get",
        path: "/v1/campaigns/{campaignId}/purchases/{orderId}",
        params: { campaignId, orderId },
      });
    }
    await expectCall(202, {
      method: "post",
      path: "/v1/campaigns/{campaignId}/purchases",
      params: { campaignId: pausedId },
      body: { orderId: "p/1 #?", email: "pat@example.com" },
    });
    const waiting = await expectCall(200, {
      method: "get",
      path: "/v1/campaigns/{campaignId}/purchases/{orderId}",
      params: { campaignId: pausedId, orderId: "p/1 #?" },
    });
    expect((waiting.json as { invitations: { status: string }[] }).invitations).toEqual([
      expect.objectContaining({ status: "scheduled" }),
    ]);

    await expectCall(200, {
      method: "post",
      path: "/v1/campaigns/{campaignId}/preview",
      params: { campaignId },
      body: { locale: "zh-Hans", name: "Li", reminder: true },
    });
    await expectCall(200, {
      method: "post",
      path: "/v1/campaigns/{campaignId}/preview",
      params: { campaignId },
      body: {},
    });
    await expectCall(202, {
      method: "post",
      path: "/v1/campaigns/{campaignId}/test-send",
      params: { campaignId },
      body: { email: "marketer@example.com", locale: "en", name: "Max" },
    });

    // A campaign that sent keeps its results (409); the paused one never sent, so it goes (204).
    await expectCall(409, {
      method: "delete",
      path: "/v1/campaigns/{campaignId}",
      params: { campaignId },
    });
    await expectCall(204, {
      method: "delete",
      path: "/v1/campaigns/{campaignId}",
      params: { campaignId: pausedId },
    });
  });

  it("exports a person's data, erases it, and exports what is left", async () => {
    const exported = await expectCall(200, {
      method: "get",
      path: "/v1/people/{email}",
      params: { email: "Ana@Example.com" },
    });
    expect((exported.json as { purchases: { orderId: string }[] }).purchases.map((p) => p.orderId)).toEqual([
      "c-1",
    ]);
    await expectCall(202, {
      method: "delete",
      path: "/v1/people/{email}",
      params: { email: "ben@example.com" },
    });
    await expectCall(202, {
      method: "delete",
      path: "/v1/people/{email}",
      params: { email: "ben@example.com" },
    });
    const left = await expectCall(200, {
      method: "get",
      path: "/v1/people/{email}",
      params: { email: "ben@example.com" },
    });
    expect(left.json).toMatchObject({
      purchases: [{ orderId: "c-2", name: null, erasedAt: expect.any(String) }],
    });
    for (const method of ["get", "delete"] as const) {
      await expectCall(400, { method, path: "/v1/people/{email}", params: { email: "not an address" } });
      await expectCall(401, {
        method,
        path: "/v1/people/{email}",
        params: { email: "ben@example.com" },
        key: null,
      });
    }
  });

  it("answers errors with a documented status and the error body", async () => {
    // 401: no key, and a key that does not exist.
    await expectCall(401, { method: "get", path: "/v1/campaigns", key: null });
    await expectCall(401, {
      method: "get",
      path: "/v1/campaigns/{campaignId}/results",
      params: { campaignId },
      key: `nps_${"0".repeat(16)}_${"a".repeat(43)}`,
    });
    // 400: a field out of range, an unknown field, a malformed query, an empty batch, malformed JSON.
    const invalid = await expectCall(400, {
      method: "post",
      path: "/v1/campaigns",
      body: { name: "Bad", brandName: "Acme", delayDays: 400 },
    });
    expect((invalid.json as { error: { details: unknown[] } }).error.details).toHaveLength(1);
    await expectCall(400, {
      method: "patch",
      path: "/v1/campaigns/{campaignId}",
      params: { campaignId },
      body: { delaydays: 3 },
    });
    await expectCall(400, {
      method: "patch",
      path: "/v1/campaigns/{campaignId}",
      params: { campaignId },
      rawBody: "{",
      contentType: "application/json",
    });
    await expectCall(400, { method: "get", path: "/v1/campaigns", query: "?limit=0" });
    await expectCall(400, { method: "get", path: "/v1/campaigns", query: "?status=done" });
    await expectCall(400, {
      method: "post",
      path: "/v1/campaigns/{campaignId}/preview",
      params: { campaignId },
      body: { locale: "fr" },
    });
    await expectCall(400, {
      method: "post",
      path: "/v1/campaigns/{campaignId}/test-send",
      params: { campaignId },
      body: { email: "marketer@example.com", subject: "x" },
    });
    await expectCall(400, {
      method: "post",
      path: "/v1/campaigns/{campaignId}/purchases",
      params: { campaignId },
      body: { purchases: [] },
    });
    await expectCall(400, {
      method: "get",
      path: "/v1/campaigns/{campaignId}/results",
      params: { campaignId },
      query: "?segment=channel",
    });
    await expectCall(400, {
      method: "get",
      path: "/v1/campaigns/{campaignId}/responses",
      params: { campaignId },
      query: "?minScore=7&maxScore=3&colour=red",
    });
    // 404: a well-formed id no campaign has, on every route that takes one.
    for (const [method, path] of [
      ["get", "/v1/campaigns/{campaignId}"],
      ["delete", "/v1/campaigns/{campaignId}"],
      ["get", "/v1/campaigns/{campaignId}/results"],
      ["get", "/v1/campaigns/{campaignId}/responses"],
    ] as const) {
      await expectCall(404, { method, path, params: { campaignId: UNKNOWN_CAMPAIGN } });
    }
    for (const [path, body] of [
      ["/v1/campaigns/{campaignId}/preview", {}],
      ["/v1/campaigns/{campaignId}/test-send", { email: "x@example.com" }],
    ] as const) {
      await expectCall(404, { method: "post", path, params: { campaignId: UNKNOWN_CAMPAIGN }, body });
    }
    // An unknown purchase, and a purchase of an unknown campaign.
    await expectCall(404, {
      method: "get",
      path: "/v1/campaigns/{campaignId}/purchases/{orderId}",
      params: { campaignId, orderId: "no-such-order" },
    });
    await expectCall(404, {
      method: "get",
      path: "/v1/campaigns/{campaignId}/purchases/{orderId}",
      params: { campaignId: UNKNOWN_CAMPAIGN, orderId: "c-1" },
    });
    // 401 on the new routes too.
    await expectCall(401, {
      method: "delete",
      path: "/v1/campaigns/{campaignId}",
      params: { campaignId },
      key: null,
    });
    await expectCall(401, {
      method: "post",
      path: "/v1/campaigns/{campaignId}/test-send",
      params: { campaignId },
      body: { email: "x@example.com" },
      key: null,
    });
    await expectCall(404, {
      method: "patch",
      path: "/v1/campaigns/{campaignId}",
      params: { campaignId: UNKNOWN_CAMPAIGN },
      body: { name: "x" },
    });
    await expectCall(404, {
      method: "post",
      path: "/v1/campaigns/{campaignId}/purchases",
      params: { campaignId: UNKNOWN_CAMPAIGN },
      body: { orderId: "x-1", email: "x@example.com" },
    });
    // 409: purchases for an archived campaign.
    const archived = await expectCall(201, {
      method: "post",
      path: "/v1/campaigns",
      body: { name: "Old", brandName: "Acme", status: "archived" },
    });
    await expectCall(409, {
      method: "post",
      path: "/v1/campaigns/{campaignId}/purchases",
      params: { campaignId: (archived.json as { id: string }).id },
      body: { orderId: "z-1", email: "zoe@example.com" },
    });
    // 413 and 415: a body too large, and one that is not JSON.
    await expectCall(413, {
      method: "post",
      path: "/v1/campaigns",
      body: { name: "Big", brandName: "Acme", intro: "x".repeat(300 * 1024) },
    });
    await expectCall(415, {
      method: "post",
      path: "/v1/campaigns",
      rawBody: "name=Form",
      contentType: "application/x-www-form-urlencoded",
    });
    await expectCall(415, {
      method: "patch",
      path: "/v1/campaigns/{campaignId}",
      params: { campaignId },
      rawBody: JSON.stringify({ name: "Text" }),
      contentType: "text/plain",
    });
  });

  it("subscribes a webhook, tests it, lists and retries its deliveries, and deletes it", async () => {
    // A receiver on loopback (the local runtime allows it): the first request fails, the rest succeed.
    let requests = 0;
    const receiver = createServer((req, res) => {
      req.resume();
      req.on("end", () => res.writeHead(requests++ === 0 ? 500 : 200).end("ok"));
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      const created = await expectCall(201, {
        method: "post",
        path: "/v1/webhooks",
        body: { url, events: ["response.created", "case.opened"], description: "Contract" },
      });
      const webhookId = (created.json as { id: string }).id;
      await expectCall(201, {
        method: "post",
        path: "/v1/webhooks",
        body: { url, events: ["person.unsubscribed"] },
      });
      const page = await expectCall(200, { method: "get", path: "/v1/webhooks", query: "?limit=1" });
      const { nextCursor } = page.json as { nextCursor: string | null };
      expect(nextCursor).not.toBeNull();
      await expectCall(200, {
        method: "get",
        path: "/v1/webhooks",
        query: `?limit=1&cursor=${encodeURIComponent(nextCursor ?? "")}`,
      });
      await expectCall(200, { method: "get", path: "/v1/webhooks/{webhookId}", params: { webhookId } });
      await expectCall(200, {
        method: "patch",
        path: "/v1/webhooks/{webhookId}",
        params: { webhookId },
        body: { events: ["case.updated"], description: null, status: "enabled" },
      });
      const tested = await expectCall(200, {
        method: "post",
        path: "/v1/webhooks/{webhookId}/test",
        params: { webhookId },
      });
      const deliveryId = (tested.json as { id: string }).id;
      expect(tested.json).toMatchObject({ status: "failed", attempts: [{ responseCode: 500 }] });
      await expectCall(200, {
        method: "get",
        path: "/v1/webhooks/{webhookId}/deliveries",
        params: { webhookId },
      });
      const retried = await expectCall(200, {
        method: "post",
        path: "/v1/webhooks/{webhookId}/deliveries/{deliveryId}/retry",
        params: { webhookId, deliveryId },
      });
      expect(retried.json).toMatchObject({ status: "delivered" });

      await expectCall(400, {
        method: "post",
        path: "/v1/webhooks",
        body: { url, events: ["order.placed"] },
      });
      await expectCall(400, {
        method: "patch",
        path: "/v1/webhooks/{webhookId}",
        params: { webhookId },
        body: { secret: "mine" },
      });
      await expectCall(400, {
        method: "get",
        path: "/v1/webhooks/{webhookId}/deliveries",
        params: { webhookId },
        query: "?limit=1000",
      });
      const unknown = { webhookId: "wh_AAAAAAAAAAAAAAAA" };
      await expectCall(404, { method: "get", path: "/v1/webhooks/{webhookId}", params: unknown });
      await expectCall(404, { method: "post", path: "/v1/webhooks/{webhookId}/test", params: unknown });
      await expectCall(404, {
        method: "post",
        path: "/v1/webhooks/{webhookId}/deliveries/{deliveryId}/retry",
        params: { webhookId, deliveryId: "msg_AAAAAAAAAAAAAAAAAAAAAA" },
      });
      await expectCall(204, { method: "delete", path: "/v1/webhooks/{webhookId}", params: { webhookId } });
      await expectCall(404, { method: "delete", path: "/v1/webhooks/{webhookId}", params: { webhookId } });
    } finally {
      receiver.closeAllConnections();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });

  it("opens a case from a detractor's answer, and lists, reads, changes, notes and replies to it", async () => {
    await expectCall(200, {
      method: "patch",
      path: "/v1/campaigns/{campaignId}",
      params: { campaignId },
      body: { followUp: { owners: ["care@example.com"], maxScore: 6 } },
    });
    // A detractor of its own (the earlier ones were erased by the data-rights test).
    await h.postPurchases(campaignId, [{ orderId: "c-case", email: "cy@example.com" }]);
    await h.deliver();
    const [email] = await h.inbox({ to: "cy@example.com" });
    if (!email) throw new Error("no survey email to cy@example.com");
    const answered = await fetch(h.linksIn(email).survey, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ score: 2, comment: "Late again" }),
    });
    expect(answered.status, await answered.text()).toBe(200);
    await h.react();
    const page = await expectCall(200, {
      method: "get",
      path: "/v1/cases",
      query: `?campaignId=${campaignId}`,
    });
    const [opened] = (page.json as { items: { id: string; version: number }[] }).items;
    if (!opened) throw new Error("no case was opened");
    const caseId = opened.id;
    await expectCall(200, { method: "get", path: "/v1/cases/{caseId}", params: { caseId } });
    await expectCall(201, {
      method: "post",
      path: "/v1/cases/{caseId}/notes",
      params: { caseId },
      body: { text: "Called the customer." },
    });
    await expectCall(201, {
      method: "post",
      path: "/v1/cases/{caseId}/replies",
      params: { caseId },
      body: { subject: "Your order", text: "Sorry, a new one is on its way." },
    });
    const current = await expectCall(200, { method: "get", path: "/v1/cases/{caseId}", params: { caseId } });
    await expectCall(409, {
      method: "patch",
      path: "/v1/cases/{caseId}",
      params: { caseId },
      body: { status: "in_progress", version: (current.json as { version: number }).version - 1 },
    });
    await expectCall(400, {
      method: "patch",
      path: "/v1/cases/{caseId}",
      params: { caseId },
      body: { status: "resolved" },
    });
    await expectCall(200, {
      method: "patch",
      path: "/v1/cases/{caseId}",
      params: { caseId },
      body: {
        status: "resolved",
        resolution: "Replaced",
        version: (current.json as { version: number }).version,
      },
    });
    await expectCall(400, { method: "get", path: "/v1/cases", query: "?overdue=maybe" });
    await expectCall(404, {
      method: "get",
      path: "/v1/cases/{caseId}",
      params: { caseId: "case_AAAAAAAAAAAAAAAAAAAAAA" },
    });
    const results = await expectCall(200, {
      method: "get",
      path: "/v1/campaigns/{campaignId}/results",
      params: { campaignId },
    });
    expect((results.json as { cases: unknown }).cases).toMatchObject({ opened: 1, resolved: 1 });
  });

  it("has had a successful answer from every operation of the document, and each error status", () => {
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((key) => METHODS.includes(key))
        .map((method) => `${method} ${path}`),
    );
    const succeeded = (operation: string) => [...(exercised.get(operation) ?? [])].some((s) => s < 300);
    expect(operations.filter((operation) => !succeeded(operation))).toEqual([]);
    const seen = new Set([...exercised.values()].flatMap((statuses) => [...statuses]));
    for (const status of [200, 201, 202, 400, 401, 404, 409, 413, 415]) {
      expect(seen.has(status), `no call answered ${status}`).toBe(true);
    }
  });
});
