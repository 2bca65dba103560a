import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Campaign } from "../../functions/domain/campaign";
import { ThrottledError } from "../../functions/domain/errors";
import type { Stats } from "../../functions/domain/results";
import { createApiApp } from "../../functions/http/api-app";
import {
  delightedClient as clientFor,
  type DelightedClient,
  type DelightedError,
  type Resource,
} from "../support/delighted-client";
import {
  type DeliveryHarness,
  type InboxEmail,
  manualClock,
  startDeliveryHarness,
} from "../support/delivery-harness";
import { type RunningServer, startServer } from "../support/http-server";

/**
 * The Delighted-compatible API (`/delighted/{campaignId}/v1`) driven by the official `delighted`
 * client (2.2.0, as order systems call it), pointed at the harness's real HTTP server over DynamoDB
 * Local and the SES emulator. What the client cannot show (suffixes, content negotiation, headers) is
 * checked with raw requests.
 */

/** A resource the client materialized, as the JSON it came from (its toJSON drops the client). */
const plain = (resource: unknown): Resource => JSON.parse(JSON.stringify(resource));

/** The rejection of a call that is expected to fail. */
async function rejectionOf(call: PromiseLike<unknown>): Promise<DelightedError> {
  try {
    await call;
  } catch (error) {
    return error as DelightedError;
  }
  throw new Error("the call succeeded");
}

const START = "2026-05-04T09:00:00.000Z";
const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString("base64")}`;

describe("Delighted-compatible API, through the official client", () => {
  const clock = manualClock(START);
  let h: DeliveryHarness;
  let campaign: Campaign;
  let client: DelightedClient;
  let base: string;

  const inboxOf = (email: string): Promise<InboxEmail[]> => h.inbox({ to: email });
  const raw = (path: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: { authorization: basic(h.apiKey), accept: "application/json", ...init.headers },
    });

  beforeAll(async () => {
    h = await startDeliveryHarness({ clock: clock.now });
    campaign = await h.createCampaign({
      delayDays: 7,
      attributes: [{ key: "delivery", label: "Delivery" }],
    });
    client = clientFor(h.baseUrl, h.apiKey, campaign.id);
    base = `${h.baseUrl}/delighted/${campaign.id}/v1`;
  });

  afterAll(async () => {
    await h?.close();
  });

  it("creates a person with a delay and properties, and emails the survey when the delay is over", async () => {
    clock.set(START);
    const data = {
      email: "Ann@Example.com",
      name: "Ann Lee",
      delay: 3600,
      properties: { "Customer ID": 123, region: "north" },
    };
    const person = await client.person.create(data);
    expect(plain(person)).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      email: "ann@example.com",
      name: "Ann Lee",
      phone_number: null,
      created_at: seconds(START),
      survey_scheduled_at: seconds(START) + 3600,
      properties: { Customer_ID: 123, region: "north" },
    });

    // The same request again the same day is a retry: the same answer, nothing new scheduled.
    clock.advance({ minutes: 5 });
    const again = await client.person.create(data);
    expect(plain(again)).toEqual(plain(person));

    await h.deliver();
    expect(await inboxOf("ann@example.com")).toHaveLength(0);
    clock.set(new Date(Date.parse(START) + 3600_000));
    await h.deliver();
    const [email, ...more] = await inboxOf("ann@example.com");
    expect(more).toHaveLength(0);
    expect(email?.subject).toContain("Acme");

    clock.advance({ days: 8 });
    await h.deliver();
    expect(await inboxOf("ann@example.com")).toHaveLength(1);
  });

  it("schedules at the campaign's delayDays without a delay, and by an order id property as a purchase", async () => {
    clock.set("2026-05-05T10:00:00.000Z");
    const first = await client.person.create({ email: "bo@example.com", properties: { order_id: "A-100" } });
    expect(first.survey_scheduled_at).toBe(seconds("2026-05-12T10:00:00.000Z"));
    // The order id makes the purchase: posted again (by /v1 too) it is a duplicate.
    clock.advance({ days: 2 });
    const again = await client.person.create({
      email: "bo@example.com",
      name: "Bo",
      properties: { order_id: "A-100" },
    });
    expect(again.created_at).toBe(seconds("2026-05-05T10:00:00.000Z"));
    expect(again.survey_scheduled_at).toBe(first.survey_scheduled_at);
    const [viaV1] = await h.postPurchases(campaign.id, [{ orderId: "A-100", email: "bo@example.com" }]);
    expect(viaV1?.status).toBe("duplicate");

    // send: false answers the person and records nothing.
    const unsent = await client.person.create({ email: "cy@example.com", send: false });
    expect(unsent.survey_scheduled_at).toBeNull();
    const purchase = await h.api("GET", `/v1/campaigns/${campaign.id}/purchases/A-100`);
    expect(purchase.status).toBe(200);
  });

  it("lists people page by page through the Link header, which the client follows", async () => {
    clock.set("2026-05-06T08:00:00.000Z");
    const emails = ["p1@example.com", "p2@example.com", "p3@example.com", "p4@example.com", "p5@example.com"];
    for (const email of emails) await client.person.create({ email, properties: { orderId: `P-${email}` } });

    const seen: string[] = [];
    await client.person.list({ per_page: 2 }).autoPagingEach((person) => {
      seen.push(String(person.email));
    });
    // ann, bo (once per purchase) and the five above; cy was never recorded (send: false).
    expect(seen.sort()).toEqual(["ann@example.com", "bo@example.com", ...emails].sort());

    // The Link is absolute, on the origin asked, and keeps the filters.
    const firstPage = await raw("/people?per_page=2&since=0");
    expect(firstPage.status).toBe(200);
    expect(await firstPage.json()).toHaveLength(2);
    const link = /^<([^>]+)>; rel="next"$/.exec(firstPage.headers.get("link") ?? "")?.[1] ?? "";
    const next = new URL(link);
    expect(next.origin).toBe(h.baseUrl);
    expect(next.pathname).toBe(`/delighted/${campaign.id}/v1/people`);
    expect(Object.fromEntries(next.searchParams)).toMatchObject({ per_page: "2", since: "0" });

    // The filters: one address; a time window.
    const bo = await raw("/people?email=BO@example.com");
    expect(((await bo.json()) as Resource[]).map((p) => p.email)).toEqual(["bo@example.com"]);
    const window = await raw(`/people?since=${seconds("2026-05-06T00:00:00.000Z")}&per_page=100`);
    expect(((await window.json()) as Resource[]).map((p) => p.email).sort()).toEqual(emails);
    expect(window.headers.get("link")).toBeNull();
  });

  it("lists survey responses answered through the emailed links, with expand, order and pages", async () => {
    // p1..p5 were scheduled 7 days after 05-06 08:00.
    clock.set("2026-05-13T08:00:00.000Z");
    await h.deliver();
    const answers = [
      { email: "p1@example.com", score: 10, csat: 5, delivery: 4, at: "2026-05-13T09:00:00.000Z" },
      { email: "p2@example.com", score: 9, at: "2026-05-13T10:00:00.000Z" },
      { email: "p3@example.com", score: 7, csat: 3, at: "2026-05-14T09:00:00.000Z" },
      { email: "p4@example.com", score: 3, at: "2026-05-15T09:00:00.000Z" },
    ];
    for (const answer of answers) {
      clock.set(answer.at);
      const [email] = await inboxOf(answer.email);
      if (!email) throw new Error(`no survey for ${answer.email}`);
      const body = new URLSearchParams({ score: String(answer.score), comment: `from ${answer.email}` });
      if (answer.csat !== undefined) body.set("csat", String(answer.csat));
      if (answer.delivery !== undefined) body.set("attr.delivery", String(answer.delivery));
      const response = await fetch(h.linksIn(email).survey, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body,
      });
      expect(response.status, await response.text()).toBe(200);
    }
    // p1 edits the answer later: its updated_at moves, its created_at stays.
    clock.set("2026-05-16T09:00:00.000Z");
    const [p1Email] = await inboxOf("p1@example.com");
    await fetch(h.linksIn(p1Email as InboxEmail).survey, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams({ score: "8", csat: "5", "attr.delivery": "4", comment: "from p1 again" }),
    });

    const all = await client.surveyResponse.all({ per_page: 100 });
    // Delighted's default order: oldest first answer first.
    expect(all.map((r) => r.person_properties)).toHaveLength(4);
    expect(all.map((r) => r.score)).toEqual([8, 9, 7, 3]);
    const [p1] = all;
    expect(plain(p1)).toEqual({
      id: expect.stringMatching(/^rsp_/),
      person: expect.stringMatching(/^[0-9a-f]{24}$/),
      survey_type: "nps",
      score: 8,
      comment: "from p1 again",
      permalink: null,
      created_at: seconds("2026-05-13T09:00:00.000Z"),
      updated_at: seconds("2026-05-16T09:00:00.000Z"),
      person_properties: { orderId: "P-p1@example.com" },
      notes: [],
      tags: [],
      additional_answers: [
        {
          id: "csat",
          value: { free_response: null, scale: 5, select_one: null, select_many: null },
          question: { id: "csat", type: "scale", text: "Satisfaction (1-5)" },
        },
        {
          id: "attribute.delivery",
          value: { free_response: null, scale: 4, select_one: null, select_many: null },
          question: { id: "attribute.delivery", type: "scale", text: "Delivery" },
        },
      ],
    });

    // expand: ['person'] (sent as expand=person) and 'expand[]': ['person'] both expand the person.
    const expanded = await client.surveyResponse.all({
      expand: ["person"],
      per_page: 2,
      page: 2,
      order: "desc",
    });
    expect(expanded.map((r) => r.score)).toEqual([9, 8]);
    expect(plain(expanded[1]?.person)).toEqual({
      id: p1?.person,
      email: "p1@example.com",
      name: null,
      phone_number: null,
    });
    const bracketed = await client.surveyResponse.all({ "expand[]": ["person"], per_page: 2, order: "desc" });
    expect(bracketed.map((r) => (r.person as Resource).email)).toEqual(["p4@example.com", "p3@example.com"]);

    // since/until by first answer, updated_since by last edit, ordered by last edit.
    const window = await client.surveyResponse.all({
      since: seconds("2026-05-13T09:30:00.000Z"),
      until: seconds("2026-05-14T09:00:00.000Z"),
    });
    expect(window.map((r) => r.score)).toEqual([9, 7]);
    const edited = await client.surveyResponse.all({
      updated_since: seconds("2026-05-14T00:00:00.000Z"),
      order: "desc:updated_at",
    });
    expect(edited.map((r) => r.score)).toEqual([8, 3, 7]);
    const past = await client.surveyResponse.all({ page: 3, per_page: 2 });
    expect(past).toEqual([]);

    // Invalid parameters are a 422 naming them.
    const refused = await rejectionOf(client.surveyResponse.all({ order: "sideways", per_page: 101 }));
    expect(refused.type).toBe("ResourceValidationError");
    expect(
      JSON.parse(refused.message)
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(["order", "per_page"]);
  });

  it("answers metrics equal to the results of the same UTC days", async () => {
    const since = seconds("2026-05-13T12:00:00.000Z");
    const until = seconds("2026-05-15T01:00:00.000Z");
    const metrics = await client.metrics.retrieve({ since, until });
    const results = await h.api<{ overall: Stats }>(
      "GET",
      `/v1/campaigns/${campaign.id}/results?from=2026-05-13&to=2026-05-15`,
    );
    const { overall } = results.body;
    expect(plain(metrics)).toEqual({
      nps: overall.nps,
      promoter_count: overall.promoters,
      promoter_percent: 25,
      passive_count: overall.passives,
      passive_percent: 50,
      detractor_count: overall.detractors,
      detractor_percent: 25,
      response_count: overall.responses,
    });
    // p1 (edited to 8), p2 9, p3 7, p4 3: 1 promoter, 2 passives, 1 detractor; NPS 100 × (1 − 1) / 4.
    expect([overall.responses, overall.promoters, overall.passives, overall.detractors]).toEqual([
      4, 1, 2, 1,
    ]);
    expect(metrics.nps).toBe(0);

    const empty = await client.metrics.retrieve({
      since: seconds("2026-01-01T00:00:00.000Z"),
      until: seconds("2026-01-02T00:00:00.000Z"),
    });
    expect(empty).toMatchObject({ response_count: 0, nps: null, promoter_percent: null });
  });

  it("unsubscribes an address: no later survey, and it is listed; bounces are listed apart", async () => {
    clock.set("2026-05-20T10:00:00.000Z");
    expect(await client.unsubscribe.create({ person_email: "Dee@Example.com" })).toMatchObject({ ok: true });
    const person = await client.person.create({ email: "dee@example.com", properties: { order_id: "D-1" } });
    expect(person.survey_scheduled_at).toBeNull();
    const [status] = await h.postPurchases(campaign.id, [{ orderId: "D-2", email: "dee@example.com" }]);
    expect(status?.status).toBe("suppressed");

    // A bounce and a complaint, recorded as the mail-events function records them.
    await h.stores.invitations.suppress("eve@example.com", "bounced", clock.advance({ minutes: 1 }), "test");
    await h.stores.invitations.suppress(
      "fay@example.com",
      "complained",
      clock.advance({ minutes: 1 }),
      "test",
    );

    const unsubscribes = await client.unsubscribe.all();
    expect(unsubscribes.map(plain)).toEqual([
      {
        person_id: person.id,
        email: "dee@example.com",
        name: null,
        unsubscribed_at: seconds("2026-05-20T10:00:00.000Z"),
      },
      {
        person_id: expect.any(String),
        email: "fay@example.com",
        name: null,
        unsubscribed_at: expect.any(Number),
      },
    ]);
    const bounces = await client.bounce.all({ per_page: 10 });
    expect(bounces.map(plain)).toEqual([
      {
        person_id: expect.any(String),
        email: "eve@example.com",
        name: null,
        bounced_at: seconds("2026-05-20T10:01:00.000Z"),
      },
    ]);
    expect(await client.unsubscribe.all({ page: 2, per_page: 1 })).toHaveLength(1);
    expect(await client.unsubscribe.all({ since: seconds("2026-05-20T10:01:00.000Z") })).toHaveLength(1);
    expect(await client.bounce.all({ until: seconds("2026-05-20T10:00:59.000Z") })).toEqual([]);

    // The person's own link lifts an unsubscribe: the address leaves the listing.
    await h.stores.invitations.resubscribe("dee@example.com", clock.now());
    expect((await client.unsubscribe.all()).map((u) => u.email)).toEqual(["fay@example.com"]);
  });

  it("deletes a person by email or by id: erased everywhere and no longer listed; a suppressed one stays so", async () => {
    clock.set("2026-05-21T10:00:00.000Z");
    // Fay complained (above): erased, she leaves the listing, yet gets no survey.
    expect(await client.person.delete({ email: "Fay@Example.com" })).toEqual({ ok: true });
    expect((await client.unsubscribe.all()).map((u) => u.email)).toEqual([]);
    const fay = await client.person.create({ email: "fay@example.com", properties: { order_id: "F-1" } });
    expect(fay.survey_scheduled_at).toBeNull();

    // p5 by the id this API gave: their purchase is no longer a listed person.
    const [p5] = ((await (await raw("/people?email=p5@example.com")).json()) as Resource[]).map(plain);
    expect(await client.person.delete({ id: String(p5?.id) })).toEqual({ ok: true });
    expect(await (await raw("/people?email=p5@example.com")).json()).toEqual([]);
    const deleted = await raw(`/people/${String(p5?.id)}.json`, { method: "DELETE" });
    expect(deleted.status).toBe(202);
    expect(await deleted.json()).toEqual({ ok: true });
    // An id no purchase is linked to is not found.
    const unknown = await raw("/people/4242", { method: "DELETE" });
    expect(unknown.status).toBe(404);
  });

  it("refuses a wrong key, an invalid person and unsupported fields as Delighted does", async () => {
    const wrongKey = await rejectionOf(clientFor(h.baseUrl, "not-a-key", campaign.id).metrics.retrieve());
    expect(wrongKey.type).toBe("AuthenticationError");
    expect(JSON.parse(wrongKey.message)).toMatchObject({ status: 401 });

    const invalid = await rejectionOf(
      client.person.create({
        email: "not an address",
        delay: -1,
        properties: { "Order ID": "" },
        channel: "sms",
      }),
    );
    expect(invalid.type).toBe("ResourceValidationError");
    const body = JSON.parse(invalid.message);
    expect(body).toMatchObject({ status: 422, errors: expect.any(Array) });
    expect(body.errors.map((e: { field: string }) => e.field).sort()).toEqual(["channel", "delay"]);
    const purchaseRules = await rejectionOf(
      client.person.create({ email: "not an address", properties: { "Order ID": "", locale: "fr" } }),
    );
    expect(
      JSON.parse(purchaseRules.message)
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(["email", "properties.Order ID", "properties.locale"]);
    const sms = await rejectionOf(
      client.person.create({ phone_number: "+15555550123", email: "gil@example.com" }),
    );
    expect(JSON.parse(sms.message).errors).toEqual([
      { field: "phone_number", message: "is not supported: surveys go out by email only" },
    ]);

    const unknown = await rejectionOf(
      clientFor(h.baseUrl, h.apiKey, "cmp_AAAAAAAAAAAAAAAA").metrics.retrieve(),
    );
    expect(JSON.parse(unknown.message)).toMatchObject({ status: 404 });
  });

  it("serves every path with or without .json, answers JSON only, and 401 without Basic credentials", async () => {
    const created = await raw("/people.json", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "hal@example.com", send: false }),
    });
    expect(created.status).toBe(200);
    expect(await created.json()).toMatchObject({ email: "hal@example.com", survey_scheduled_at: null });
    for (const path of [
      "/people.json",
      "/survey_responses.json",
      "/metrics.json",
      "/unsubscribes.json",
      "/bounces.json",
    ]) {
      const response = await raw(path);
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
    }

    const html = await raw("/metrics", { headers: { accept: "text/html" } });
    expect(html.status).toBe(406);
    expect(await html.json()).toMatchObject({ status: 406 });
    expect((await raw("/metrics", { headers: { accept: "*/*" } })).status).toBe(200);

    const bearer = await raw("/metrics", { headers: { authorization: `Bearer ${h.apiKey}` } });
    expect(bearer.status).toBe(401);
    expect(bearer.headers.get("www-authenticate")).toBe('Basic realm="delighted"');
    expect((await raw("/nothing-here")).status).toBe(404);
  });
});

describe("Delighted-compatible API under load", () => {
  let h: DeliveryHarness;
  let busy: RunningServer;

  beforeAll(async () => {
    h = await startDeliveryHarness();
    // The table refuses every purchase for capacity, as DynamoDB does when throttling outlasts retries.
    busy = await startServer(
      createApiApp({
        ...h.stores,
        purchases: new Proxy(h.stores.purchases, {
          get: (target, property, receiver) =>
            property === "record"
              ? () => Promise.reject(new ThrottledError())
              : Reflect.get(target, property, receiver),
        }),
      }),
    );
  });

  afterAll(async () => {
    await busy?.close();
    await h?.close();
  });

  it("answers 429 with Retry-After, which the client reports", async () => {
    const campaign = await h.createCampaign();
    const throttled = await rejectionOf(
      clientFor(busy.url, h.apiKey, campaign.id).person.create({ email: "ivy@example.com" }),
    );
    expect(throttled.type).toBe("TooManyRequestsError");
    expect(throttled.retryAfter).toBe(1);
    expect(JSON.parse(throttled.message)).toMatchObject({ status: 429 });
  });
});
