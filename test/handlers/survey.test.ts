import { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { newToken } from "../../functions/domain/tokens";
import { createStores, type Stores } from "../../functions/store/stores";
import { arrangeCampaign, arrangePurchases, markInvitationSent } from "../support/arrange";
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

/** The customer pages' Lambda entry, driven with API Gateway HTTP API (payload 2.0) events. */

let table: TestTable;
let stores: Stores;
let handler: HttpEntry;

beforeAll(async () => {
  table = await createTestTable();
  stubLambdaEnvironment(table);
  stores = createStores(table.db, table.tableName);
  handler = asHttpEntry((await import("../../functions/handlers/survey")).handler);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await table?.drop();
});

const BROWSER = { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" };

/** A browser's request to `/{s|u}/{token}`, through the stack's route for it. */
async function page(
  method: "GET" | "POST",
  target: string,
  options: { headers?: Record<string, string>; form?: string } = {},
): Promise<HttpResult> {
  const [, kind = "", token = ""] = /^\/([su])\/([^/?]+)/.exec(target) ?? [];
  return await invoke(
    handler,
    httpEvent(method, target, {
      routeKey: `${method} /${kind}/{token}`,
      pathParameters: { token },
      headers: {
        ...BROWSER,
        ...(options.form === undefined ? {} : { "content-type": "application/x-www-form-urlencoded" }),
        ...options.headers,
      },
      // API Gateway hands form bodies to Lambda base64-encoded.
      ...(options.form === undefined ? {} : { body: options.form, base64: true }),
    }),
    "SurveyFunction",
  );
}

/** A campaign with one invitation whose email has gone out, so its links work. */
async function sentInvitation(email: string): Promise<string> {
  const campaign = await arrangeCampaign(stores, { delayDays: 0 });
  const { tokens } = await arrangePurchases(stores, campaign.id, [{ orderId: "order-1", email }]);
  const token = tokens.get("order-1");
  if (!token) throw new Error("the purchase was not scheduled");
  await markInvitationSent(stores, token);
  return token;
}

describe("survey handler", () => {
  it.each([
    ["zh-TW,zh;q=0.9,en;q=0.8", "zh-Hant", "找不到頁面"],
    ["zh-CN,zh;q=0.9", "zh-Hans", "页面不存在"],
    ["de-DE,de;q=0.9", "en", "Page not found"],
  ])(
    "answers an unknown link with the 404 page in the browser's language (%s)",
    async (language, lang, title) => {
      const result = await page("GET", `/s/${newToken()}`, { headers: { "accept-language": language } });
      expect(result.statusCode).toBe(404);
      expect(result.isBase64Encoded).toBe(false);
      expect(headerOf(result, "content-type")).toMatch(/^text\/html/);
      expect(result.body).toContain(`<html lang="${lang}">`);
      expect(result.body).toContain(title);
      // The page depends on Accept-Language, and must not be cached with a customer's token in its URL.
      expect(headerOf(result, "vary")).toContain("Accept-Language");
      expect(headerOf(result, "cache-control")).toBe("no-store");
      expect(headerOf(result, "content-security-policy")).toContain("default-src 'none'");
    },
  );

  it("sets the security headers of hono's secureHeaders (HSTS two years, no referrer, no framing)", async () => {
    // The survey function writes these out instead of loading hono/secure-headers: the same headers as
    // the middleware with the options it used to be given.
    const reference = new Hono();
    reference.use(
      "*",
      secureHeaders({
        strictTransportSecurity: "max-age=63072000; includeSubDomains",
        referrerPolicy: "no-referrer",
        xFrameOptions: "DENY",
      }),
    );
    reference.get("*", (c) => c.text("ok"));
    const expected = Object.fromEntries((await reference.request("/")).headers);
    delete expected["content-type"];
    expect(Object.keys(expected).length).toBeGreaterThan(10);
    for (const result of [await page("GET", `/s/${newToken()}`), await page("GET", `/u/${newToken()}`)]) {
      for (const [name, value] of Object.entries(expected)) expect(headerOf(result, name), name).toBe(value);
    }
  });

  it("opens a link only once its email is sent, then records the answer posted as a form", async () => {
    const campaign = await arrangeCampaign(stores, { delayDays: 0, brandName: "Acme" });
    const { tokens } = await arrangePurchases(stores, campaign.id, [
      { orderId: "order-1", email: "fay@example.com" },
    ]);
    const token = tokens.get("order-1") ?? "";
    expect((await page("GET", `/s/${token}?score=9`)).statusCode).toBe(404);

    await markInvitationSent(stores, token);
    const survey = await page("GET", `/s/${token}?score=9`);
    expect(survey.statusCode).toBe(200);
    expect(survey.body).toContain("Your feedback");
    expect(await stores.responses.get(token)).toBeUndefined();

    const answered = await page("POST", `/s/${token}`, {
      form: new URLSearchParams({ score: "9", comment: "Quick delivery, thanks" }).toString(),
    });
    expect(answered.statusCode).toBe(200);
    expect(answered.body).toContain("Thank you!");
    expect(await stores.responses.get(token)).toMatchObject({ score: 9, comment: "Quick delivery, thanks" });
  });

  it("shows the form again with the problem when the posted answer lacks a score", async () => {
    const token = await sentInvitation("gus@example.com");
    const refused = await page("POST", `/s/${token}`, { form: "comment=No+score+given" });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain("Please choose a score from 0 to 10.");
    expect(refused.body).toContain("No score given");
    expect(await stores.responses.get(token)).toBeUndefined();
  });

  it("unsubscribes through the one-click POST that mail providers send", async () => {
    const token = await sentInvitation("hal@example.com");
    const result = await page("POST", `/u/${token}`, { form: "List-Unsubscribe=One-Click" });
    expect(result.statusCode).toBe(200);
    expect(await stores.invitations.isSuppressed("hal@example.com")).toBe(true);
  });
});
