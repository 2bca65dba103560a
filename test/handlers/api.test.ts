import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createStores, type Stores } from "../../functions/store/stores";
import { freePort } from "../../local/ports";
import { type SesLocal, startSesLocal } from "../../local/ses-local";
import { createTestTable, type TestTable } from "../support/dynamo";
import {
  asHttpEntry,
  type HttpEntry,
  type HttpResult,
  headerOf,
  httpEvent,
  invoke,
  stubLambdaEnvironment,
} from "../support/lambda";

/** The marketer API's Lambda entry, driven with API Gateway HTTP API (payload 2.0) events. */

const PUBLIC_BASE_URL = "https://surveys.example.com";

let table: TestTable;
let ses: SesLocal;
let stores: Stores;
let apiKey: string;
let handler: HttpEntry;

beforeAll(async () => {
  table = await createTestTable();
  ses = await startSesLocal({ port: await freePort() });
  // Email previews and test sends need what the sender needs: the links' origin and SES.
  stubLambdaEnvironment(table, {
    PUBLIC_BASE_URL,
    SENDER_ADDRESS: "surveys@example.com",
    SES_ENDPOINT: ses.url,
  });
  stores = createStores(table.db, table.tableName);
  apiKey = (await stores.apiKeys.create("handler test", new Date())).apiKey;
  handler = asHttpEntry((await import("../../functions/handlers/api")).handler);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await ses?.stop();
  await table?.drop();
});

// biome-ignore lint/suspicious/noExplicitAny: assertions read response bodies field by field; expect() checks each value.
type Json = Record<string, any>;

/** One request through the stack's `/v1/{proxy+}` route (or `route`), answered by the handler. */
async function call(
  method: string,
  target: string,
  options: { json?: unknown; key?: string | null; route?: string } = {},
): Promise<HttpResult & { json: Json }> {
  const key = options.key === undefined ? apiKey : options.key;
  const headers: Record<string, string> = { accept: "application/json" };
  if (key !== null) headers.authorization = `Bearer ${key}`;
  if (options.json !== undefined) headers["content-type"] = "application/json";
  const path = target.split("?")[0] ?? "";
  const result = await invoke(
    handler,
    httpEvent(method, target, {
      routeKey: options.route ?? "ANY /v1/{proxy+}",
      ...(options.route ? {} : { pathParameters: { proxy: path.replace(/^\/v1\//, "") } }),
      headers,
      ...(options.json === undefined ? {} : { body: JSON.stringify(options.json) }),
    }),
    "ApiFunction",
  );
  return { ...result, json: result.body ? JSON.parse(result.body) : {} };
}

describe("api handler", () => {
  it("creates a campaign with an API key, reads it back and lists it", async () => {
    const created = await call("POST", "/v1/campaigns", {
      json: { name: "Lambda spring", brandName: "Acme", delayDays: 3 },
    });
    expect(created.statusCode).toBe(201);
    expect(created.isBase64Encoded).toBe(false);
    expect(headerOf(created, "content-type")).toMatch(/^application\/json/);
    expect(created.json).toMatchObject({ name: "Lambda spring", brandName: "Acme", delayDays: 3 });
    expect(created.json.id).toMatch(/^cmp_/);

    const read = await call("GET", `/v1/campaigns/${created.json.id}`);
    expect(read.statusCode).toBe(200);
    expect(read.json).toEqual(created.json);

    // The query string reaches the app through rawQueryString.
    const listed = await call("GET", "/v1/campaigns?limit=100");
    expect(listed.statusCode).toBe(200);
    expect(listed.json.items.map((c: Json) => c.id)).toContain(created.json.id);
  });

  it("schedules a purchase posted to a campaign", async () => {
    const campaign = await call("POST", "/v1/campaigns", { json: { name: "Purchases", brandName: "Acme" } });
    const posted = await call("POST", `/v1/campaigns/${campaign.json.id}/purchases`, {
      json: { orderId: "order-1", email: "erin@example.com" },
    });
    expect(posted.statusCode).toBe(202);
    expect(posted.json.results).toEqual([
      { orderId: "order-1", status: "scheduled", sendAt: expect.any(String) },
    ]);
    expect(await stores.purchases.tokensOf(campaign.json.id)).toHaveLength(1);
  });

  it("answers 401 without an API key, and creates nothing", async () => {
    const refused = await call("POST", "/v1/campaigns", {
      key: null,
      json: { name: "Keyless", brandName: "Acme" },
    });
    expect(refused.statusCode).toBe(401);
    expect(headerOf(refused, "www-authenticate")).toBe('Bearer realm="api"');
    expect(refused.json.error.code).toBe("unauthorized");
    const { items } = await stores.campaigns.list(100, undefined);
    expect(items.map((c) => c.name)).not.toContain("Keyless");
  });

  it("answers 400 naming each invalid field of a body", async () => {
    const refused = await call("POST", "/v1/campaigns", {
      json: { name: "", brandName: "Acme", delayDays: 400, colour: "red" },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json.error.code).toBe("validation_failed");
    expect(refused.json.error.details.map((d: Json) => d.field).sort()).toEqual([
      "colour",
      "delayDays",
      "name",
    ]);
  });

  it("answers 400 naming an invalid query parameter", async () => {
    const refused = await call("GET", "/v1/campaigns?limit=0");
    expect(refused.statusCode).toBe(400);
    expect(refused.json.error.details).toEqual([{ field: "limit", message: expect.any(String) }]);
  });

  it("previews the survey email with its links on PUBLIC_BASE_URL, and sends a test email through SES", async () => {
    const campaign = await call("POST", "/v1/campaigns", { json: { name: "Mail", brandName: "Acme" } });
    const preview = await call("POST", `/v1/campaigns/${campaign.json.id}/preview`, {
      json: { name: "Ivy" },
    });
    expect(preview.statusCode).toBe(200);
    expect(preview.json.html).toContain(`${PUBLIC_BASE_URL}/s/preview?score=10`);

    const sent = await call("POST", `/v1/campaigns/${campaign.json.id}/test-send`, {
      json: { email: "ivy@example.com", name: "Ivy" },
    });
    expect(sent.statusCode).toBe(202);
    const { emails } = (await (await fetch(`${ses.url}/store`)).json()) as {
      emails: { destination: { to: string[] }; subject: string; body: { html?: string } }[];
    };
    const received = emails.filter((email) => email.destination.to.includes("ivy@example.com"));
    expect(received.map((email) => [email.subject, email.body.html])).toEqual([
      [preview.json.subject, preview.json.html],
    ]);
  });

  it("reads a purchase whose orderId is percent-encoded in the path, and deletes a campaign", async () => {
    const campaign = await call("POST", "/v1/campaigns", { json: { name: "Orders", brandName: "Acme" } });
    const orderId = "A/1 #?%訂";
    await call("POST", `/v1/campaigns/${campaign.json.id}/purchases`, {
      json: { orderId, email: "olly@example.com" },
    });
    const read = await call(
      "GET",
      `/v1/campaigns/${campaign.json.id}/purchases/${encodeURIComponent(orderId)}`,
    );
    expect(read.statusCode).toBe(200);
    expect(read.json).toMatchObject({ orderId, invitations: [{ status: "scheduled" }] });

    const deleted = await call("DELETE", `/v1/campaigns/${campaign.json.id}`);
    expect(deleted.statusCode).toBe(204);
    expect((await call("GET", `/v1/campaigns/${campaign.json.id}`)).statusCode).toBe(404);
  });

  it("serves the Delighted-compatible API on its route, with HTTPS Link headers on the API's domain", async () => {
    const campaign = await call("POST", "/v1/campaigns", { json: { name: "Switching", brandName: "Acme" } });
    const delighted = async (method: string, path: string, body?: unknown) => {
      const target = `/delighted/${campaign.json.id}/v1${path}`;
      const result = await invoke(
        handler,
        httpEvent(method, target, {
          routeKey: "ANY /delighted/{proxy+}",
          pathParameters: { proxy: target.split("?")[0]?.replace(/^\/delighted\//, "") ?? "" },
          headers: {
            accept: "application/json",
            authorization: `Basic ${Buffer.from(`${apiKey}:`).toString("base64")}`,
            ...(body === undefined ? {} : { "content-type": "application/json" }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        }),
        "ApiFunction",
      );
      return { ...result, json: result.body ? JSON.parse(result.body) : {} };
    };
    for (const email of ["jo@example.com", "kai@example.com"]) {
      expect((await delighted("POST", "/people.json", { email })).statusCode).toBe(201);
    }
    const first = await delighted("GET", "/people.json?per_page=1");
    expect(first.statusCode).toBe(200);
    expect(first.json).toHaveLength(1);
    const next = /^<([^>]+)>; rel="next"$/.exec(headerOf(first, "link") ?? "")?.[1] ?? "";
    expect(next).toMatch(
      new RegExp(`^https://[^/]+\\.execute-api\\.[^/]+/delighted/${campaign.json.id}/v1/people\\.json\\?`),
    );
    const url = new URL(next);
    const second = await delighted("GET", `${url.pathname.replace(/^.*\/v1/, "")}${url.search}`);
    expect(second.json).toHaveLength(1);
    expect([first.json[0].email, second.json[0].email].sort()).toEqual(["jo@example.com", "kai@example.com"]);
  });

  it("serves the health check on its own route without a key", async () => {
    const health = await call("GET", "/health", { key: null, route: "GET /health" });
    expect(health.statusCode).toBe(200);
    expect(health.json).toEqual({ status: "ok" });
  });
});
