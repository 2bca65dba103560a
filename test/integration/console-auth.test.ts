import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  SESSION_IDLE_HOURS,
  SIGN_IN_LINK_MINUTES,
  SIGN_IN_LINKS_PER_ADDRESS_PER_HOUR,
  SIGN_IN_LINKS_PER_HOUR,
} from "../../functions/domain/console-access";
import { createConsoleApp } from "../../functions/http/console-app";
import { signInCounterKey } from "../../functions/store/keys";
import {
  type ConsoleAnswer,
  type ConsoleRequest,
  sendToConsole,
  sessionCookieOf,
} from "../support/console-http";
import {
  type DeliveryHarness,
  type ManualClock,
  manualClock,
  startDeliveryHarness,
} from "../support/delivery-harness";

/**
 * The console's sign-in and sessions, end to end through the local runtime: links are asked for on
 * the console's form, arrive in the SES emulator's inbox, and are opened and used as a browser would
 * (no redirects followed, cookies carried by hand). Time moves on a manual clock.
 */
describe("console sign-in and sessions", () => {
  let h: DeliveryHarness;
  let clock: ManualClock;
  let origin: string;

  const ADMIN = "admin@example.com";
  const MEMBER = "member@example.com";
  const SECOND_ADMIN = "second-admin@example.com";

  type Sent = ConsoleAnswer;
  /** One request as a browser sends it from a console page: same Origin on a POST unless told otherwise. */
  const send = (path: string, options: ConsoleRequest = {}): Promise<Sent> =>
    sendToConsole(h.baseUrl, path, {
      ...options,
      origin: options.origin === undefined ? origin : options.origin,
    });
  /** Every GET and POST route of the console's app, its path parameters filled with made-up ids. */
  const consoleRoutes = (ids: Record<string, string> = {}): { method: string; path: string }[] => {
    const app = createConsoleApp({
      ...h.stores,
      signInMail: { sendSignInLink: async () => undefined },
      caseMail: { sendCaseReply: async () => "unused" },
      webhookPoster: { post: () => Promise.reject(new Error("unused")) },
      publicBaseUrl: h.baseUrl,
    });
    const seen = new Set<string>();
    return app.routes
      .filter((route) => (route.method === "GET" || route.method === "POST") && route.path.startsWith("/app"))
      .map((route) => ({
        method: route.method,
        path: route.path.replace(/:(\w+)/g, (_, name: string) => ids[name] ?? `${name}_x`),
      }))
      .filter(
        (route) => !seen.has(`${route.method} ${route.path}`) && seen.add(`${route.method} ${route.path}`),
      );
  };
  /** Asks for a link on the form, and returns the link the email carries. */
  const linkFor = async (email: string, form: Record<string, string> = {}): Promise<string> => {
    const before = (await h.inbox({ to: email })).length;
    const asked = await send("/app/sign-in", { form: { email, ...form } });
    expect(asked.status, asked.text).toBe(200);
    const emails = await h.inbox({ to: email });
    expect(emails).toHaveLength(before + 1);
    const link = /https?:\/\/\S+\/app\/sign-in\/[A-Za-z0-9_-]{43}/.exec(emails.at(-1)?.text ?? "")?.[0];
    if (!link) throw new Error(`no sign-in link in: ${emails.at(-1)?.text}`);
    expect(emails.at(-1)?.html).toContain(`href="${link}"`);
    return link;
  };
  const signInAs = async (email: string): Promise<string> => {
    const signedIn = await send(await linkFor(email), { form: {} });
    expect(signedIn.status).toBe(303);
    return sessionCookieOf(signedIn);
  };

  beforeAll(async () => {
    clock = manualClock("2026-11-02T09:00:00.000Z");
    h = await startDeliveryHarness({ clock: clock.now });
    origin = h.baseUrl;
    await h.stores.users.add(ADMIN, "admin", clock.now());
    await h.stores.users.add(MEMBER, "member", clock.now());
    await h.stores.users.add(SECOND_ADMIN, "admin", clock.now());
  });
  // Each test asks for links in an hour of its own, so none runs into another's per-address limit.
  beforeEach(() => {
    clock.advance({ hours: 1 });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("signed out, /app is the sign-in form and every other page redirects to it, keeping where it was going", async () => {
    const form = await send("/app");
    expect(form.status).toBe(200);
    expect(form.text).toContain('<form method="post" action="/app/sign-in"');
    expect(form.text).toMatch(/<label for="email">/);
    for (const path of [
      "/app/campaigns",
      "/app/campaigns/cmp_AAAAAAAAAAAAAAAA",
      "/app/cases",
      "/app/cases/cas_123",
      "/app/webhooks",
      "/app/api-keys",
      "/app/users",
      "/app/no-such-page",
      "/app/campaigns?cursor=x",
    ]) {
      const page = await send(path);
      expect(page.status, path).toBe(303);
      expect(page.location, path).toBe(`/app/sign-in?next=${encodeURIComponent(path)}`);
    }
    for (const path of ["/app/users", "/app/users/remove"]) {
      const post = await send(path, { form: { email: "x@example.com" } });
      expect(post.status, path).toBe(303);
      expect(post.location, path).toBe("/app/sign-in");
    }
    // And so does every route the console has, as its app lists them (a new page cannot be missed).
    const routes = consoleRoutes().filter((route) => !/^\/app(\/sign-(in|out).*)?\/?$/.test(route.path));
    expect(routes.length).toBeGreaterThan(25);
    for (const { method, path } of routes) {
      const page = await send(path, method === "POST" ? { form: { email: "x@example.com" } } : {});
      expect({ method, path, status: page.status }).toEqual({ method, path, status: 303 });
      expect(page.location, path).toBe(
        method === "POST" ? "/app/sign-in" : `/app/sign-in?next=${encodeURIComponent(path)}`,
      );
    }
  });

  it("signs in through the emailed link: the link's page changes nothing, its button signs in once", async () => {
    const link = await linkFor(ADMIN);
    expect(link.startsWith(`${h.baseUrl}/app/sign-in/`)).toBe(true);
    // A mail scanner opens the link (twice): it stays usable.
    for (let i = 0; i < 2; i++) {
      const page = await send(link);
      expect(page.status).toBe(200);
      expect(page.text).toContain(ADMIN);
      expect(page.text).toContain(`<form method="post" action="${new URL(link).pathname}"`);
    }
    const signedIn = await send(link, { form: {} });
    expect(signedIn.status).toBe(303);
    expect(signedIn.location).toBe("/app/campaigns");
    const setCookie = signedIn.headers.getSetCookie().find((c) => c.startsWith("nps_session=")) ?? "";
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; SameSite=Lax/);
    expect(setCookie).toMatch(/; Path=\/app/);
    expect(setCookie).not.toMatch(/; Secure/); // plain http locally; https sets it
    expect(/nps_session=([^;]*)/.exec(setCookie)?.[1]).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const cookie = sessionCookieOf(signedIn);
    const campaigns = await send("/app/campaigns", { cookie });
    expect(campaigns.status).toBe(200);
    expect(campaigns.text).toContain(ADMIN);
    expect(campaigns.text).toContain('action="/app/sign-out"');
    expect((await send("/app", { cookie })).location).toBe("/app/campaigns");

    const again = await send(link, { form: {} });
    expect(again.status).toBe(410);
    expect(again.text).toContain("This sign-in link has been used");
    expect(again.headers.getSetCookie()).toEqual([]);
    expect((await send(link)).status).toBe(410);
  });

  it("stores only hashes: neither the link's token nor the session's secret is in the table", async () => {
    const link = await linkFor(ADMIN);
    const token = link.split("/").pop() as string;
    const cookie = sessionCookieOf(await send(link, { form: {} }));
    const secret = cookie.split("=")[1] as string;
    const { ScanCommand } = await import("@aws-sdk/lib-dynamodb");
    const { Items = [] } = await h.table.db.send(new ScanCommand({ TableName: h.table.tableName }));
    const dump = JSON.stringify(Items);
    expect(dump).not.toContain(token);
    expect(dump).not.toContain(secret);
  });

  it("a link past its 15 minutes is refused, and so is a forged or unknown one", async () => {
    const link = await linkFor(ADMIN);
    clock.advance({ minutes: SIGN_IN_LINK_MINUTES, ms: 1 });
    const page = await send(link);
    expect(page.status).toBe(410);
    expect(page.text).toContain("This sign-in link has expired");
    expect(page.text).toContain('action="/app/sign-in"');
    const used = await send(link, { form: {} });
    expect(used.status).toBe(410);
    expect(used.headers.getSetCookie()).toEqual([]);
    for (const forged of ["/app/sign-in/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "/app/sign-in/short"]) {
      expect((await send(forged)).status).toBe(410);
      expect((await send(forged, { form: {} })).status).toBe(410);
    }
  });

  it("a forged or garbled session cookie is no session", async () => {
    for (const cookie of [
      "nps_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      "nps_session=%3Cscript%3E",
      "nps_session=",
    ]) {
      const page = await send("/app/campaigns", { cookie });
      expect(page.status, cookie).toBe(303);
      expect(page.location).toBe("/app/sign-in?next=%2Fapp%2Fcampaigns");
    }
  });

  it("answers a stranger's address exactly as a user's, and emails the stranger nothing", async () => {
    const forUser = await send("/app/sign-in", { form: { email: MEMBER } });
    const forStranger = await send("/app/sign-in", { form: { email: "stranger@example.com" } });
    expect(forStranger.status).toBe(forUser.status);
    expect(forStranger.text.replaceAll("stranger@example.com", "X")).toBe(
      forUser.text.replaceAll(MEMBER, "X"),
    );
    expect(await h.inbox({ to: "stranger@example.com" })).toEqual([]);
    const invalid = await send("/app/sign-in", { form: { email: "not an address" } });
    expect(invalid.status).toBe(400);
    expect(invalid.text).toContain('aria-invalid="true"');
    expect(invalid.text).toContain('value="not an address"');
  });

  it("refuses a form posted from another site (or from nowhere) with 403, before anything happens", async () => {
    const cookie = await signInAs(ADMIN);
    const mailsBefore = (await h.inbox({ to: ADMIN })).length;
    const forged: [string, Record<string, string>, { origin?: string | null; referer?: string }][] = [
      ["/app/sign-in", { email: ADMIN }, { origin: "https://evil.example" }],
      ["/app/sign-in", { email: ADMIN }, { origin: "null" }],
      ["/app/sign-in", { email: ADMIN }, { origin: null }],
      ["/app/sign-in", { email: ADMIN }, { origin: null, referer: "https://evil.example/app" }],
      ["/app/users", { email: "new@example.com" }, { origin: "https://evil.example" }],
      ["/app/users/remove", { email: MEMBER }, { origin: `${origin}.evil.example` }],
      ["/app/sign-out", {}, { origin: "http://localhost:1" }],
    ];
    for (const [path, form, headers] of forged) {
      const response = await send(path, { form, cookie, ...headers });
      expect(response.status, `${path} ${JSON.stringify(headers)}`).toBe(403);
      expect(response.text).toContain("Request refused");
    }
    expect(await h.inbox({ to: ADMIN })).toHaveLength(mailsBefore);
    expect(await h.stores.users.get("new@example.com")).toBeUndefined();
    expect(await h.stores.users.get(MEMBER)).toBeDefined();
    expect((await send("/app/campaigns", { cookie })).status).toBe(200);
    // A browser that sends only a Referer of the console's own origin is let through.
    const byReferer = await send("/app/sign-in", {
      form: { email: MEMBER },
      origin: null,
      referer: `${origin}/app`,
    });
    expect(byReferer.status).toBe(200);
  });

  it("a member sees no admin pages: they are not in the navigation and answer 403", async () => {
    const member = await signInAs(MEMBER);
    const campaigns = await send("/app/campaigns", { cookie: member });
    expect(campaigns.status).toBe(200);
    expect(campaigns.text).toContain('href="/app/cases"');
    for (const path of ["/app/users", "/app/api-keys", "/app/webhooks"]) {
      expect(campaigns.text).not.toContain(`href="${path}"`);
      const page = await send(path, { cookie: member });
      expect(page.status, path).toBe(403);
      expect(page.text).toContain("This page is for admins");
    }
    const post = await send("/app/users", {
      cookie: member,
      form: { email: "sneaky@example.com", admin: "yes" },
    });
    expect(post.status).toBe(403);
    expect(await h.stores.users.get("sneaky@example.com")).toBeUndefined();

    // Every admin route, read or written, as the app lists them.
    const adminRoutes = consoleRoutes().filter((route) =>
      /^\/app\/(users|api-keys|webhooks)/.test(route.path),
    );
    expect(adminRoutes.length).toBeGreaterThan(10);
    for (const { method, path } of adminRoutes) {
      const page = await send(path, {
        cookie: member,
        ...(method === "POST" ? { form: { name: "x" } } : {}),
      });
      expect({ method, path, status: page.status }).toEqual({ method, path, status: 403 });
    }

    const admin = await signInAs(ADMIN);
    for (const path of ["/app/users", "/app/api-keys", "/app/webhooks"]) {
      expect((await send(path, { cookie: admin })).status, path).toBe(200);
    }
  });

  it("returns to the page that asked for sign-in, and never to another site", async () => {
    const redirect = await send("/app/cases/cas_abc");
    const signInPage = await send(redirect.location as string);
    expect(signInPage.text).toContain('<input type="hidden" name="next" value="/app/cases/cas_abc"');
    const back = await send(await linkFor(ADMIN, { next: "/app/cases/cas_abc" }), { form: {} });
    expect(back.location).toBe("/app/cases/cas_abc");
    for (const next of [
      "//evil.example/app",
      "https://evil.example/app",
      "/app/..//evil.example",
      "/application",
    ]) {
      const signedIn = await send(await linkFor(SECOND_ADMIN, { next }), { form: {} });
      expect(signedIn.location, next).toBe("/app/campaigns");
    }
  });

  it("signing out ends the session: the old cookie is refused afterwards", async () => {
    const cookie = await signInAs(ADMIN);
    const out = await send("/app/sign-out", { cookie, form: {} });
    expect(out.status).toBe(303);
    expect(out.location).toBe("/app/sign-in?signed-out");
    expect(out.headers.getSetCookie().find((c) => c.startsWith("nps_session="))).toMatch(/Max-Age=0/);
    expect((await send(out.location as string)).text).toContain("You&#39;re signed out.");
    expect((await send("/app/campaigns", { cookie })).status).toBe(303);
  });

  it("a removed user's sessions are refused at once, and stay refused if the address is added again", async () => {
    const temp = "temp@example.com";
    await h.stores.users.add(temp, "member", clock.now());
    const cookie = await signInAs(temp);
    expect((await send("/app/campaigns", { cookie })).status).toBe(200);
    const admin = await signInAs(ADMIN);
    const removed = await send("/app/users/remove", { cookie: admin, form: { email: temp } });
    expect(removed.status).toBe(200);
    expect(removed.text).toContain(`${temp} was removed`);
    expect((await send("/app/campaigns", { cookie })).status).toBe(303);
    await h.stores.users.add(temp, "member", clock.now());
    expect((await send("/app/campaigns", { cookie })).status).toBe(303);
    // And an admin cannot remove themself (the console could be left without one).
    const self = await send("/app/users/remove", { cookie: admin, form: { email: ADMIN } });
    expect(self.status).toBe(403);
    expect(await h.stores.users.get(ADMIN)).toBeDefined();
  });

  it("a session ends after 12 idle hours, and is kept alive by use", async () => {
    const idle = await signInAs(ADMIN);
    const busy = await signInAs(ADMIN);
    for (let hour = 0; hour < 3; hour++) {
      clock.advance({ hours: SESSION_IDLE_HOURS - 1 });
      expect((await send("/app/campaigns", { cookie: busy })).status).toBe(200);
    }
    expect((await send("/app/campaigns", { cookie: idle })).status).toBe(303);
  });

  it("answers junk on every route, read or posted by an admin, with a page and a 4xx, never a 5xx", async () => {
    const admin = await signInAs(ADMIN);
    // Real ids where the app has them, so the junk reaches the forms' checks rather than a 404.
    const campaign = await h.createCampaign({ name: "Junk target" });
    const hook = await h.api<{ id: string }>("POST", "/v1/webhooks", {
      url: "http://127.0.0.1:9/junk",
      events: ["response.created"],
    });
    expect(hook.status).toBe(201);
    const ids = { campaignId: campaign.id, webhookId: hook.body.id };
    const junk = {
      status: "<script>",
      name: "x".repeat(300),
      email: "not an address",
      url: "javascript:alert(1)",
      text: "",
      owner: "@",
      resolution: "",
      version: "-1",
      cursor: "%%%",
      from: "2026-13-45",
      to: "yesterday",
      segment: "no such property",
      interval: "fortnight",
      group: "everyone",
      "event.response.created": "on",
    };
    const query = new URLSearchParams(junk).toString();
    for (const { method, path } of consoleRoutes(ids)) {
      // Signing out and deleting the webhook would end what the other routes need.
      if (path === "/app/sign-out" || path.endsWith("/delete")) continue;
      const answer = await send(
        method === "POST" ? path : `${path}?${query}`,
        method === "POST" ? { cookie: admin, form: junk } : { cookie: admin },
      );
      expect({ method, path, serverError: answer.status >= 500 }).toEqual({
        method,
        path,
        serverError: false,
      });
      if (answer.status >= 400) expect(answer.text, `${method} ${path}`).toContain("<!doctype html>");
    }
  });

  it("escapes every user-supplied string: campaign names, Chinese text, an address typed on the form", async () => {
    await h.createCampaign({ name: "<script>alert(1)</script>" });
    await h.createCampaign({ name: '春季訂單 "特價" & 送貨 <b>' });
    const cookie = await signInAs(ADMIN);
    const page = await send("/app/campaigns", { cookie });
    expect(page.status).toBe(200);
    expect(page.text).not.toContain("<script>");
    expect(page.text).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(page.text).toContain("春季訂單 &quot;特價&quot; &amp; 送貨 &lt;b&gt;");
    const hostile = '"><img/src=x/onerror=alert(1)>@example.com';
    const asked = await send("/app/sign-in", { form: { email: hostile } });
    expect(asked.status).toBe(200);
    expect(asked.text).not.toContain("<img");
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'(;|$)/);
    expect(csp).not.toContain("unsafe-inline");
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect(page.headers.get("referrer-policy")).toBe("same-origin");
  });

  it("speaks the language asked for (?lang=, remembered) or the browser's", async () => {
    const zhHant = await fetch(`${h.baseUrl}/app`, { headers: { "accept-language": "zh-TW,zh;q=0.9" } });
    expect(await zhHant.text()).toContain('<html lang="zh-Hant">');
    const chosen = await send("/app?lang=zh-Hans");
    expect(chosen.text).toContain('<html lang="zh-Hans">');
    const remembered =
      chosen.headers
        .getSetCookie()
        .find((c) => c.startsWith("lang="))
        ?.split(";")[0] ?? "";
    expect(remembered).toBe("lang=zh-Hans");
    expect((await send("/app/sign-in", { cookie: remembered })).text).toContain('<html lang="zh-Hans">');
  });

  it(`limits links to ${SIGN_IN_LINKS_PER_ADDRESS_PER_HOUR} per address per hour, users or not, and ${SIGN_IN_LINKS_PER_HOUR} per hour in all`, async () => {
    for (const email of [MEMBER, "nobody@example.com"]) {
      for (let i = 0; i < SIGN_IN_LINKS_PER_ADDRESS_PER_HOUR; i++) {
        expect((await send("/app/sign-in", { form: { email } })).status).toBe(200);
      }
      const limited = await send("/app/sign-in", { form: { email } });
      expect(limited.status, email).toBe(429);
      expect(limited.text).toContain("Too many sign-in links");
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    // The hour is over: the address may ask again.
    clock.advance({ hours: 1 });
    expect((await send("/app/sign-in", { form: { email: MEMBER } })).status).toBe(200);
    // The whole console's hour filled up (by other addresses): everyone waits.
    // Filled in one write (the counter as 199 requests would leave it), then the 200th through the store.
    const hour = clock.now().toISOString().slice(0, 13);
    await h.table.db.send(
      new UpdateCommand({
        TableName: h.table.tableName,
        Key: signInCounterKey("all", hour),
        UpdateExpression: "SET #count = :count",
        ExpressionAttributeNames: { "#count": "count" },
        ExpressionAttributeValues: { ":count": SIGN_IN_LINKS_PER_HOUR - 1 },
      }),
    );
    expect(
      await h.stores.consoleSessions.countSignInRequest("all", hour, SIGN_IN_LINKS_PER_HOUR, clock.now()),
    ).toBe(true);
    expect(
      await h.stores.consoleSessions.countSignInRequest("all", hour, SIGN_IN_LINKS_PER_HOUR, clock.now()),
    ).toBe(false);
    expect((await send("/app/sign-in", { form: { email: ADMIN } })).status).toBe(429);
  });
});
