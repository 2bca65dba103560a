import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PurchaseResult } from "../../functions/domain/purchase";
import { type DeliveryHarness, startDeliveryHarness } from "../support/delivery-harness";

/**
 * What the API and the pages accept at their edges, where a first hour of hostile use found answers
 * that were 5xx or lossy: numbers DynamoDB and JavaScript cannot both keep, ill-formed Unicode, control
 * characters in comments, day fields finer than an hour, bodies of the wrong shape.
 */

type Body = { error: { code: string; details?: { field: string; message: string }[] } };

let h: DeliveryHarness;
let campaignId: string;

beforeAll(async () => {
  h = await startDeliveryHarness();
  campaignId = (await h.createCampaign({ delayDays: 0, throttleDays: 0 })).id;
});
afterAll(async () => h?.close());

const post = (body: unknown) =>
  h.api<{ results: PurchaseResult[] } & Body>("POST", `/v1/campaigns/${campaignId}/purchases`, body);

describe("purchases", () => {
  it("reports a number no store keeps exactly as invalid, item by item, and records the rest", async () => {
    const extreme = [1e16, -1e16, 2 ** 53, 1e300, 1e-300];
    const response = await post({
      purchases: [
        {
          orderId: "num-ok",
          email: "num@example.com",
          properties: { amount: 12.5, count: 3, big: 2 ** 53 - 1 },
        },
        ...extreme.map((n, i) => ({
          orderId: `num-${i}`,
          email: `num${i}@example.com`,
          properties: { amount: n },
        })),
      ],
    });
    expect(response.status).toBe(202);
    expect(response.body.results.map((r) => r.status)).toEqual([
      "scheduled",
      ...extreme.map(() => "invalid"),
    ]);
    for (const result of response.body.results.slice(1))
      expect(result.error).toMatch(/^properties\.amount: /);
    // Posting the batch again changes nothing and still answers per item.
    const again = await post({ purchases: [{ orderId: "num-ok", email: "num@example.com" }] });
    expect(again.body.results.map((r) => r.status)).toEqual(["duplicate"]);
  });

  it("refuses ill-formed Unicode in an order id instead of taking two ids for one", async () => {
    const response = await post({
      purchases: [
        { orderId: "X\udfff", email: "lone1@example.com" },
        { orderId: "X\udffe", email: "lone2@example.com" },
        { orderId: "name", email: "lone3@example.com", name: "Ann \ud800", properties: { region: "\udc00" } },
      ],
    });
    expect(response.status).toBe(202);
    const [first, second, third] = response.body.results;
    expect(first).toMatchObject({
      status: "invalid",
      error: expect.stringMatching(/^orderId: must be well-formed/),
    });
    expect(second).toMatchObject({
      status: "invalid",
      error: expect.stringMatching(/^orderId: must be well-formed/),
    });
    expect(third?.status).toBe("invalid");
    expect(third?.error).toMatch(/^name: must be well-formed.*; properties\.region: /);
  });

  it("says a body that is not an object is not a purchase, alike for the body and for a batch item", async () => {
    const array = await post([{ orderId: "arr", email: "arr@example.com" }]);
    expect(array.status).toBe(400);
    expect(array.body.error.details).toEqual([
      { field: "(body)", message: expect.stringContaining("JSON object") },
    ]);
    const items = await post({ purchases: [5, null, "x", ["y"]] });
    expect(items.status).toBe(202);
    for (const result of items.body.results) {
      expect(result).toEqual({
        orderId: null,
        status: "invalid",
        error: "(item): must be a JSON object: one purchase",
      });
    }
  });
});

describe("campaign day fields", () => {
  it("take days to the hour alike, and refuse finer steps", async () => {
    const created = await h.api<{ delayDays: number; reminderDays: number; throttleDays: number }>(
      "POST",
      "/v1/campaigns",
      {
        name: "Hours",
        brandName: "Acme",
        delayDays: 0.5,
        reminderDays: 2.25,
        throttleDays: 1.5,
        followUpDays: 1 / 24 + 1,
      },
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      delayDays: 0.5,
      reminderDays: 2.25,
      throttleDays: 1.5,
      followUpDays: 25 / 24,
    });
    for (const field of ["delayDays", "reminderDays", "throttleDays", "followUpDays"]) {
      const refused = await h.api<Body>("POST", "/v1/campaigns", {
        name: "Fine",
        brandName: "Acme",
        [field]: 1.0000001 + 1e-7,
      });
      expect(refused.status, field).toBe(400);
      expect(
        refused.body.error.details?.map((d) => d.field),
        field,
      ).toContain(field);
    }
    const tiny = await h.api<Body>("POST", "/v1/campaigns", {
      name: "Tiny",
      brandName: "Acme",
      delayDays: 1e-7,
    });
    expect(tiny.body.error.details).toEqual([
      { field: "delayDays", message: expect.stringContaining("whole number of hours") },
    ]);
  });
});

describe("comments", () => {
  it("refuse control characters and broken Unicode, and keep tabs and line ends as plain text", async () => {
    await h.postPurchases(campaignId, [{ orderId: "comment-1", email: "comment@example.com" }]);
    await h.deliver();
    const [email] = await h.inbox({ to: "comment@example.com" });
    if (!email) throw new Error("no email");
    const { survey, token } = h.linksIn(email);
    const answer = (comment: string) =>
      fetch(survey, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ score: 7, comment }),
      });
    for (const comment of ["bell\u0007", "nul\u0000", "\u001b[31mred", "lone \ud800"]) {
      const refused = await answer(comment);
      expect(refused.status, JSON.stringify(comment)).toBe(400);
      expect(((await refused.json()) as Body).error.details?.[0]?.field).toBe("comment");
    }
    expect(await h.stores.responses.get(token)).toBeUndefined();
    expect((await answer("first line\r\nsecond\tline\rthird")).status).toBe(200);
    expect((await h.stores.responses.get(token))?.comment).toBe("first line\nsecond line\nthird");
  });
});
