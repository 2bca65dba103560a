import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConflictError } from "../../functions/domain/errors";
import { createApiApp } from "../../functions/http/api-app";
import { ApiKeyStore } from "../../functions/store/api-key-store";
import { createStores } from "../../functions/store/stores";
import { createTestTable, type TestTable } from "../support/dynamo";
import { type RunningServer, startServer } from "../support/http-server";

let table: TestTable;
let server: RunningServer;
let apiKeys: ApiKeyStore;
let apiKey: string;

beforeAll(async () => {
  table = await createTestTable();
  apiKeys = new ApiKeyStore(table.db, table.tableName);
  apiKey = (await apiKeys.create("test", new Date())).apiKey;
  server = await startServer(createApiApp({ ...createStores(table.db, table.tableName), apiKeys }));
});

afterAll(async () => {
  await server?.close();
  await table?.drop();
});

// biome-ignore lint/suspicious/noExplicitAny: assertions read response bodies field by field; expect() checks each value, so a typed body would add casts, not safety.
type Json = Record<string, any>;

async function call(
  method: string,
  path: string,
  options: { body?: unknown; rawBody?: string; contentType?: string; key?: string | null } = {},
): Promise<{ status: number; body: Json; headers: Headers }> {
  const headers: Record<string, string> = {};
  const key = options.key === undefined ? apiKey : options.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  let body: string | undefined;
  if (options.rawBody !== undefined || options.body !== undefined) {
    body = options.rawBody ?? JSON.stringify(options.body);
    headers["content-type"] = options.contentType ?? "application/json";
  }
  const response = await fetch(`${server.url}${path}`, { method, headers, body });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : {}, headers: response.headers };
}

const createCampaign = async (fields: Json = {}) => {
  const response = await call("POST", "/v1/campaigns", {
    body: { name: "Autumn", brandName: "Acme", ...fields },
  });
  expect(response.status).toBe(201);
  return response.body;
};

describe("authentication", () => {
  it.each([
    ["no header", null],
    ["an unknown key", `nps_${"0".repeat(16)}_${"a".repeat(43)}`],
    ["a malformed key", "hello"],
  ])("answers 401 for %s", async (_case, key) => {
    const response = await call("GET", "/v1/campaigns", { key });
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe("unauthorized");
    expect(response.headers.get("www-authenticate")).toContain("Bearer");
  });

  it.each(["bearer", "BEARER", "Bearer  "])(
    "takes the scheme in any case and spacing (%j)",
    async (scheme) => {
      const response = await fetch(`${server.url}/v1/campaigns`, {
        headers: { authorization: `${scheme} ${apiKey}` },
      });
      expect(response.status).toBe(200);
    },
  );

  it.each([`Basic ${"x"}`, "Bearer", "Bearer a b"])("answers 401 for the header %j", async (header) => {
    const response = await fetch(`${server.url}/v1/campaigns`, { headers: { authorization: header } });
    expect(response.status).toBe(401);
  });

  it("answers 401 for a right id with a wrong secret", async () => {
    const other = await apiKeys.create("other", new Date());
    const forged = `${other.apiKey.slice(0, -4)}AAAA`;
    expect((await call("GET", "/v1/campaigns", { key: forged })).status).toBe(401);
  });

  it("stops accepting a key once it is revoked", async () => {
    const { record, apiKey: revocable } = await apiKeys.create("revocable", new Date());
    expect((await call("GET", "/v1/campaigns", { key: revocable })).status).toBe(200);
    expect(await apiKeys.revoke(record.id, new Date())).toBe(true);
    expect((await call("GET", "/v1/campaigns", { key: revocable })).status).toBe(401);
  });

  it("serves health and the OpenAPI document without a key", async () => {
    expect((await call("GET", "/health", { key: null })).status).toBe(200);
    const openapi = await call("GET", "/v1/openapi.json", { key: null });
    expect(openapi.status).toBe(200);
    expect(openapi.body.openapi).toBe("3.1.0");
  });
});

describe("campaigns", () => {
  it("creates a campaign with the documented defaults and reads it back", async () => {
    const created = await createCampaign({
      segmentBy: ["region"],
      attributes: [{ key: "price", label: "Price" }],
    });
    expect(created).toMatchObject({
      name: "Autumn",
      brandName: "Acme",
      senderName: "Acme",
      status: "active",
      locale: "en",
      delayDays: 7,
      followUpDays: null,
      reminderDays: null,
      throttleDays: 30,
      segmentBy: ["region"],
      csat: true,
      attributes: [{ key: "price", label: "Price" }],
      subject: null,
      intro: null,
    });
    expect(created.id).toMatch(/^cmp_/);
    expect(created.createdAt).toBe(created.updatedAt);
    const read = await call("GET", `/v1/campaigns/${created.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created);
  });

  it("updates fields and moves status between active, paused and archived", async () => {
    const created = await createCampaign();
    for (const status of ["paused", "active", "archived", "active"]) {
      const patched = await call("PATCH", `/v1/campaigns/${created.id}`, { body: { status } });
      expect(patched.status).toBe(200);
      expect(patched.body.status).toBe(status);
    }
    const patched = await call("PATCH", `/v1/campaigns/${created.id}`, {
      body: { delayDays: 3, followUpDays: 90, subject: "How did we do?" },
    });
    expect(patched.body).toMatchObject({
      delayDays: 3,
      followUpDays: 90,
      subject: "How did we do?",
      name: "Autumn",
    });
    expect(patched.body.updatedAt >= created.updatedAt).toBe(true);
    expect((await call("GET", `/v1/campaigns/${created.id}`)).body).toEqual(patched.body);
  });

  it("checks rules across fields on the merged campaign", async () => {
    const created = await createCampaign({ delayDays: 7, followUpDays: 30 });
    const response = await call("PATCH", `/v1/campaigns/${created.id}`, { body: { delayDays: 60 } });
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual([{ field: "followUpDays", message: expect.any(String) }]);
    expect((await call("GET", `/v1/campaigns/${created.id}`)).body.delayDays).toBe(7);
  });

  it("answers 404 for unknown and malformed ids", async () => {
    for (const id of ["cmp_AAAAAAAAAAAAAAAA", "nope", "CAMPAIGN%23x"]) {
      const get = await call("GET", `/v1/campaigns/${id}`);
      expect(get.status).toBe(404);
      expect(get.body.error.code).toBe("not_found");
      expect((await call("PATCH", `/v1/campaigns/${id}`, { body: { name: "x" } })).status).toBe(404);
    }
  });

  it("lists campaigns newest first with a cursor that walks every page once", async () => {
    const own = await createTestTable();
    const ownKeys = new ApiKeyStore(own.db, own.tableName);
    const key = (await ownKeys.create("lister", new Date())).apiKey;
    const ownServer = await startServer(
      createApiApp({ ...createStores(own.db, own.tableName), apiKeys: ownKeys }),
    );
    try {
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) {
        const response = await fetch(`${ownServer.url}/v1/campaigns`, {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: JSON.stringify({ name: `c${i}`, brandName: "Acme" }),
        });
        ids.push(((await response.json()) as Json).id);
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = cursor ? `?limit=3&cursor=${cursor}` : "?limit=3";
        const response = await fetch(`${ownServer.url}/v1/campaigns${query}`, {
          headers: { authorization: `Bearer ${key}` },
        });
        expect(response.status).toBe(200);
        const page = (await response.json()) as Json;
        seen.push(...page.items.map((c: Json) => c.id));
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      expect(seen).toEqual([...ids].reverse());
    } finally {
      await ownServer.close();
      await own.drop();
    }
  });

  it("refuses a forged cursor, and hands out ones that hold no key names", async () => {
    await createCampaign();
    await createCampaign();
    const own = (await call("GET", "/v1/campaigns?limit=1")).body.nextCursor as string;
    expect(Buffer.from(own, "base64url").toString()).not.toMatch(/CAMPAIGN|gsi1|"pk"|"sk"/);
    const [createdAt, id] = JSON.parse(Buffer.from(own, "base64url").toString()) as [string, string];
    const forge = (position: unknown) => Buffer.from(JSON.stringify(position)).toString("base64url");
    const forged = [
      forge({ pk: "APIKEY#x", sk: "APIKEY", gsi1pk: "APIKEYS", gsi1sk: "x" }),
      forge([createdAt, "cmp_AAAAAAAAAAAAAAAA"]),
      forge(["2020-01-01T00:00:00.000Z", id]),
      forge([createdAt, "APIKEY#x"]),
    ];
    expect((await call("GET", `/v1/campaigns?limit=1&cursor=${own}`)).status).toBe(200);
    for (const cursor of ["not-a-cursor", ...forged]) {
      const response = await call("GET", `/v1/campaigns?cursor=${cursor}`);
      expect(response.status).toBe(400);
      expect(response.body.error.details[0].field).toBe("cursor");
    }
  });

  it.each(["0", "101", "abc", "1.5"])("refuses limit=%s", async (limit) => {
    const response = await call("GET", `/v1/campaigns?limit=${limit}`);
    expect(response.status).toBe(400);
    expect(response.body.error.details[0].field).toBe("limit");
  });
});

describe("request validation", () => {
  it.each([
    ["delayDays", 400],
    ["delayDays", -0.5],
    ["followUpDays", 0],
    ["reminderDays", 45],
    ["throttleDays", 2.51],
    ["throttleDays", -1],
    ["delayDays", 1e-7],
    ["status", "deleted"],
    ["locale", "de"],
    ["csat", "true"],
    ["name", "x".repeat(201)],
    ["brandName", 42],
    ["segmentBy", "region"],
    ["attributes", [{ key: "price" }]],
    ["subject", "a\r\nBcc: x@example.com"],
    ["surprise", true],
  ])("answers 400 naming %s for %j on create", async (field, value) => {
    const response = await call("POST", "/v1/campaigns", {
      body: { name: "n", brandName: "b", [field]: value },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("validation_failed");
    expect(response.body.error.details.map((d: Json) => d.field.split(".")[0])).toContain(field);
    expect(response.body.error.message).toContain(field);
  });

  it("says a field of the wrong type is of the wrong type, not missing", async () => {
    const response = await call("POST", "/v1/campaigns", {
      body: { name: 123, brandName: "b", delayDays: "7" },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual(
      expect.arrayContaining([
        { field: "name", message: "Invalid input: expected string, received number" },
        { field: "delayDays", message: "Invalid input: expected number, received string" },
      ]),
    );
  });

  it("names every missing required field", async () => {
    const response = await call("POST", "/v1/campaigns", { body: {} });
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual(
      expect.arrayContaining([
        { field: "name", message: "is required" },
        { field: "brandName", message: "is required" },
      ]),
    );
  });

  it.each([
    ["an array", "[]"],
    ["a string", '"campaign"'],
    ["null", "null"],
  ])("answers 400 for %s as body", async (_case, rawBody) => {
    const response = await call("POST", "/v1/campaigns", { rawBody });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("validation_failed");
  });

  it("answers 400 for malformed JSON", async () => {
    const response = await call("POST", "/v1/campaigns", { rawBody: '{"name": "x",' });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("malformed_body");
  });

  it.each(["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"])(
    "answers 415 for content type %s",
    async (contentType) => {
      const response = await call("POST", "/v1/campaigns", {
        rawBody: JSON.stringify({ name: "n", brandName: "b" }),
        contentType,
      });
      expect(response.status).toBe(415);
      expect(response.body.error.code).toBe("unsupported_media_type");
    },
  );

  it("answers 413 for a body over 256 KB, and writes nothing", async () => {
    const before = await call("GET", "/v1/campaigns?limit=100");
    const response = await call("POST", "/v1/campaigns", {
      body: { name: "big", brandName: "b", intro: "x".repeat(300 * 1024) },
    });
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe("payload_too_large");
    const after = await call("GET", "/v1/campaigns?limit=100");
    expect(after.body.items.length).toBe(before.body.items.length);
  });

  it("validates PATCH bodies the same way and leaves the campaign unchanged", async () => {
    const created = await createCampaign();
    const response = await call("PATCH", `/v1/campaigns/${created.id}`, {
      body: { delayDays: "soon", status: "gone" },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.details.map((d: Json) => d.field).sort()).toEqual(["delayDays", "status"]);
    expect((await call("GET", `/v1/campaigns/${created.id}`)).body).toEqual(created);
    expect(
      (await call("PATCH", `/v1/campaigns/${created.id}`, { rawBody: "{", contentType: "application/json" }))
        .status,
    ).toBe(400);
    expect(
      (await call("PATCH", `/v1/campaigns/${created.id}`, { rawBody: "{}", contentType: "text/plain" }))
        .status,
    ).toBe(415);
  });

  it("answers unknown routes with the JSON error shape", async () => {
    const response = await call("GET", "/v1/nothing-here");
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe("not_found");
  });
});

describe("concurrent updates", () => {
  it("refuses an update based on a version someone else already changed", async () => {
    // Deterministic: two writers read the same version; the second write must not overwrite the first.
    const campaigns = createStores(table.db, table.tableName).campaigns;
    const created = await createCampaign();
    const read = await campaigns.getVersioned(created.id);
    if (!read) throw new Error("campaign not found");
    const first = await campaigns.update(
      read.campaign,
      read.version,
      { ...read.campaign, name: "first" },
      new Date(),
    );
    expect(first.name).toBe("first");
    await expect(
      campaigns.update(read.campaign, read.version, { ...read.campaign, name: "second" }, new Date()),
    ).rejects.toBeInstanceOf(ConflictError);
    expect((await call("GET", `/v1/campaigns/${created.id}`)).body.name).toBe("first");
  });

  it("never loses an edit silently: each PATCH either lands or answers 409", async () => {
    const created = await createCampaign();
    // Each writer changes a different field: a lost update shows as a 200 whose field is not in the
    // final campaign (last-writer-wins on one field would look right whoever won).
    const edits: Json[] = [
      { name: "Winter" },
      { brandName: "Acme Outdoor" },
      { senderName: "The Acme team" },
      { subject: "How did we do?" },
      { intro: "Thanks for your order." },
      { throttleDays: 90 },
      { reminderDays: 3 },
      { locale: "zh-Hant" },
    ];
    for (const edit of edits) expect(created).not.toMatchObject(edit);
    const responses = await Promise.all(
      edits.map((edit) => call("PATCH", `/v1/campaigns/${created.id}`, { body: edit })),
    );
    const landed = edits.filter((_, i) => responses[i]?.status === 200);
    const refused = responses.filter((r) => r.status !== 200);
    expect(landed.length).toBeGreaterThan(0);
    for (const response of refused) {
      expect(response.status).toBe(409);
      expect(response.body.error.code).toBe("conflict");
    }
    // Every edit that was acknowledged is there; every refused one left its field as it was.
    const final = await call("GET", `/v1/campaigns/${created.id}`);
    expect(final.body).toEqual({
      ...created,
      ...Object.assign({}, ...landed),
      updatedAt: expect.any(String),
    });
  });
});
