import { Webhook as StandardWebhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Campaign } from "../../functions/domain/campaign";
import type { ErrorBody } from "../../functions/domain/errors";
import type { Webhook } from "../../functions/domain/webhook";
import { type ConsoleRequest, sendToConsole, signInOverHttp } from "../support/console-http";
import { type DeliveryHarness, startDeliveryHarness } from "../support/delivery-harness";
import {
  type LoopbackReceiver,
  type ReceiverAnswer,
  startLoopbackReceiver,
} from "../support/loopback-receiver";

/**
 * The console's campaign form (with its alert rules), webhook and API key pages over HTTP, signed in
 * as a browser is: every change checked by the API's own rules, read back through the API.
 */
describe("console settings pages", () => {
  let h: DeliveryHarness;
  let origin: string;
  let admin: string;
  let member: string;
  const receivers: LoopbackReceiver[] = [];

  const ADMIN = "settings-admin@example.com";
  const MEMBER = "settings-member@example.com";
  const HOSTILE = `<script>alert(1)</script>"'&`;
  const CHINESE = "春季訂單 – 台北門市";

  const send = (path: string, options: Omit<ConsoleRequest, "origin"> = {}) =>
    sendToConsole(h.baseUrl, path, { ...options, origin });
  const asAdmin = (path: string, form?: Record<string, string>) =>
    send(path, { cookie: admin, ...(form ? { form } : {}) });

  const signInAs = (email: string) =>
    signInOverHttp(h.baseUrl, email, async (to) => (await h.inbox({ to })).at(-1)?.text ?? "");

  /** HTML-escaped as Hono JSX writes text and attribute values. */
  const escaped = (text: string) =>
    text
      .replaceAll("&", "&amp;")
      .replaceAll("<", "&lt;")
      .replaceAll(">", "&gt;")
      .replaceAll('"', "&quot;")
      .replaceAll("'", "&#39;");
  const fieldValue = (html: string, name: string): string | undefined =>
    new RegExp(`name="${name.replace(".", "\\.")}"[^>]*? value="([^"]*)"`).exec(html)?.[1];
  const versionOf = (html: string): string => {
    const version = /name="version" value="(\d+)"/.exec(html)?.[1];
    if (!version) throw new Error("no version in the form");
    return version;
  };
  const campaignOf = async (id: string): Promise<Campaign> => {
    const read = await h.api<Campaign>("GET", `/v1/campaigns/${id}`);
    expect(read.status).toBe(200);
    return read.body;
  };
  const campaignCount = async () =>
    (await h.api<{ items: Campaign[] }>("GET", "/v1/campaigns?limit=100")).body.items.length;
  const receiver = async (answer?: ReceiverAnswer) => {
    const started = await startLoopbackReceiver(answer);
    receivers.push(started);
    return started;
  };

  /** A complete, valid form, as the page posts it (csat left out: unchecked). */
  const goodForm = (fields: Record<string, string> = {}): Record<string, string> => ({
    name: CHINESE,
    brandName: "Acme 商店",
    senderName: "",
    locale: "zh-Hant",
    status: "active",
    delayDays: "2.5",
    reminderDays: "3",
    followUpDays: "",
    throttleDays: "14",
    segmentBy: "region, channel",
    subject: "您好 <b>Acme</b>",
    intro: "第一行\r\n第二行",
    thankYouNote: "",
    "promoterLink.url": "https://reviews.example.com/acme",
    "promoterLink.label": "留下評論",
    logoUrl: "",
    accentColor: "#1d4ed8",
    "followUp.on": "on",
    "followUp.maxScore": "5",
    "followUp.maxCsat": "2",
    "followUp.owners": "Owner@Example.com\r\n\r\nsecond@example.com",
    "followUp.targetHours": "48",
    "followUp.slackWebhookUrl": "",
    ...fields,
  });
  const createThroughForm = async (fields: Record<string, string> = {}): Promise<string> => {
    const created = await asAdmin("/app/campaigns", goodForm(fields));
    expect(created.status, created.text).toBe(303);
    const id = /^\/app\/campaigns\/(cmp_[A-Za-z0-9_-]{16})\/edit\?notice=created$/.exec(
      created.location ?? "",
    )?.[1];
    if (!id) throw new Error(`unexpected redirect ${created.location}`);
    return id;
  };

  beforeAll(async () => {
    h = await startDeliveryHarness();
    origin = h.baseUrl;
    await h.stores.users.add(ADMIN, "admin", new Date());
    await h.stores.users.add(MEMBER, "member", new Date());
    admin = await signInAs(ADMIN);
    member = await signInAs(MEMBER);
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await h?.close();
  });

  it("creates a campaign through the form, and the API reads back the same values", async () => {
    const form = await asAdmin("/app/campaigns/new");
    expect(form.status).toBe(200);
    expect(form.text).toContain('<form class="settings-form" method="post" action="/app/campaigns"');
    expect(form.text).toMatch(/<label for="f-name">/);
    expect(fieldValue(form.text, "delayDays")).toBe("7");
    expect(fieldValue(form.text, "followUp.maxScore")).toBe("6");
    expect(fieldValue(form.text, "followUp.targetHours")).toBe("24");
    // The campaigns list links to it.
    expect((await asAdmin("/app/campaigns")).text).toContain('href="/app/campaigns/new"');

    const id = await createThroughForm();
    const campaign = await campaignOf(id);
    expect(campaign).toMatchObject({
      name: CHINESE,
      brandName: "Acme 商店",
      senderName: "Acme 商店",
      locale: "zh-Hant",
      status: "active",
      delayDays: 2.5,
      reminderDays: 3,
      followUpDays: null,
      throttleDays: 14,
      csat: false,
      segmentBy: ["region", "channel"],
      subject: "您好 <b>Acme</b>",
      intro: "第一行\n第二行",
      thankYouNote: null,
      promoterLink: { url: "https://reviews.example.com/acme", label: "留下評論" },
      logoUrl: null,
      accentColor: "#1d4ed8",
      followUp: {
        maxScore: 5,
        maxCsat: 2,
        owners: ["owner@example.com", "second@example.com"],
        targetHours: 48,
        slackWebhookUrl: null,
        only: null,
      },
    });

    const edit = await asAdmin(`/app/campaigns/${id}/edit?notice=created`);
    expect(edit.status).toBe(200);
    expect(edit.text).toContain("Campaign created.");
    expect(fieldValue(edit.text, "name")).toBe(CHINESE);
    expect(fieldValue(edit.text, "subject")).toBe(escaped("您好 <b>Acme</b>"));
    expect(edit.text).toContain("owner@example.com\nsecond@example.com</textarea>");
    expect(edit.text).not.toContain("<b>Acme</b>");
  });

  it("refuses bad input with the API's own messages at their fields (400), keeps what was typed, writes nothing", async () => {
    const before = await campaignCount();
    const bad = goodForm({
      name: "",
      brandName: HOSTILE,
      delayDays: "400",
      followUpDays: "1",
      accentColor: "#ffffff",
      "promoterLink.url": "http://insecure.example.com",
      "followUp.maxScore": "11",
      "followUp.owners": "boss@example.com\nnot-an-email",
      "followUp.slackWebhookUrl": "ftp://slack.example.com",
    });
    const page = await asAdmin("/app/campaigns", bad);
    expect(page.status).toBe(400);
    expect(await campaignCount()).toBe(before);

    // The API, given the same values, answers with these details: each is on the page, at its field.
    const api = await h.api<ErrorBody>("POST", "/v1/campaigns", {
      name: "",
      brandName: HOSTILE,
      locale: "zh-Hant",
      status: "active",
      delayDays: 400,
      followUpDays: 1,
      reminderDays: 3,
      throttleDays: 14,
      csat: false,
      segmentBy: ["region", "channel"],
      subject: "x",
      intro: "y",
      thankYouNote: null,
      promoterLink: { url: "http://insecure.example.com", label: "留下評論" },
      logoUrl: null,
      accentColor: "#ffffff",
      followUp: {
        maxScore: 11,
        maxCsat: 2,
        owners: ["boss@example.com", "not-an-email"],
        targetHours: 48,
        slackWebhookUrl: "ftp://slack.example.com",
        only: null,
      },
    });
    expect(api.status).toBe(400);
    const details = api.body.error.details ?? [];
    expect(details.map((d) => d.field).sort()).toEqual(
      [
        "name",
        "delayDays",
        "accentColor",
        "promoterLink.url",
        "followUp.maxScore",
        "followUp.owners.1",
        "followUp.slackWebhookUrl",
      ].sort(),
    );
    const errorOf = (id: string) =>
      new RegExp(`<p class="error" id="${id}-error">(.*?)</p>`).exec(page.text)?.[1] ?? "";
    const fieldIds: Record<string, string> = {
      name: "f-name",
      delayDays: "f-delayDays",
      accentColor: "f-accentColor",
      "promoterLink.url": "f-promoterLink-url",
      "followUp.maxScore": "f-followUp-maxScore",
      "followUp.owners.1": "f-followUp-owners",
      "followUp.slackWebhookUrl": "f-followUp-slackWebhookUrl",
    };
    for (const detail of details) {
      expect(errorOf(fieldIds[detail.field] ?? "?"), detail.field).toContain(escaped(detail.message));
    }
    expect(errorOf("f-followUp-owners")).toContain("“not-an-email”");
    expect(page.text).toMatch(/id="f-name"[^>]*aria-invalid="true"/);
    // Typed values kept, escaped.
    expect(fieldValue(page.text, "brandName")).toBe(escaped(HOSTILE));
    expect(page.text).not.toContain("<script>alert(1)</script>");
    expect(fieldValue(page.text, "delayDays")).toBe("400");
    expect(fieldValue(page.text, "accentColor")).toBe("#ffffff");
    expect(page.text).toContain("boss@example.com\nnot-an-email</textarea>");

    // Text where a number belongs: the form says so rather than the API's "is required".
    const notANumber = await asAdmin("/app/campaigns", goodForm({ delayDays: "abc" }));
    expect(notANumber.status).toBe(400);
    expect(notANumber.text).toContain("must be a number");
    expect(fieldValue(notANumber.text, "delayDays")).toBe("abc");
    // In Chinese, the form's own words are in Chinese.
    const zhPage = await asAdmin("/app/campaigns?lang=zh-Hant", goodForm({ delayDays: "abc" }));
    expect(zhPage.status).toBe(400);
    expect(zhPage.text).toContain("請輸入數字");
    expect(await campaignCount()).toBe(before);
  });

  it("saves an edit, and refuses one made on a stale form with a clear 409, keeping what was typed", async () => {
    const id = await createThroughForm({ name: "Edit me" });
    const form = await asAdmin(`/app/campaigns/${id}/edit`);
    const version = versionOf(form.text);

    const saved = await asAdmin(`/app/campaigns/${id}/edit`, goodForm({ name: "Edited 編輯", version }));
    expect(saved.status, saved.text).toBe(303);
    expect(saved.location).toBe(`/app/campaigns/${id}/edit?notice=saved`);
    expect((await campaignOf(id)).name).toBe("Edited 編輯");
    expect((await asAdmin(saved.location ?? "")).text).toContain("Changes saved.");

    // The form of before that save is stale now.
    const stale = await asAdmin(`/app/campaigns/${id}/edit`, goodForm({ name: "Lost edit", version }));
    expect(stale.status).toBe(409);
    expect(stale.text).toContain("Someone changed this campaign meanwhile");
    expect(stale.text).toContain(`href="/app/campaigns/${id}/edit"`);
    expect(fieldValue(stale.text, "name")).toBe("Lost edit");
    expect((await campaignOf(id)).name).toBe("Edited 編輯");

    // A change through the API meanwhile makes the open form stale too.
    const fresh = versionOf((await asAdmin(`/app/campaigns/${id}/edit`)).text);
    expect((await h.api("PATCH", `/v1/campaigns/${id}`, { delayDays: 9 })).status).toBe(200);
    const raced = await asAdmin(`/app/campaigns/${id}/edit`, goodForm({ version: fresh }));
    expect(raced.status).toBe(409);
    expect((await campaignOf(id)).delayDays).toBe(9);
    // A form without a version cannot say what it edited.
    const { version: _omit, ...noVersion } = goodForm({ version: "" });
    expect((await asAdmin(`/app/campaigns/${id}/edit`, noVersion)).status).toBe(409);
  });

  it("pauses, resumes and archives a campaign", async () => {
    const id = await createThroughForm({ name: "Status" });
    for (const [status, notice] of [
      ["paused", "The campaign is paused"],
      ["active", "The campaign is active"],
      ["archived", "The campaign is archived"],
      ["active", "The campaign is active"],
    ] as const) {
      const changed = await asAdmin(`/app/campaigns/${id}/status`, { status });
      expect(changed.status).toBe(303);
      expect(changed.location).toBe(`/app/campaigns/${id}/edit?notice=${status}`);
      expect((await campaignOf(id)).status).toBe(status);
      const page = await asAdmin(changed.location ?? "");
      expect(page.text).toContain(notice);
    }
    const paused = await asAdmin(`/app/campaigns/${id}/status`, { status: "paused" });
    const page = await asAdmin(paused.location ?? "");
    expect(page.text).toContain('<input type="hidden" name="status" value="active"/>');
    expect(page.text).toContain('<input type="hidden" name="status" value="archived"/>');
    expect((await asAdmin(`/app/campaigns/${id}/status`, { status: "deleted" })).status).toBe(400);
    expect((await campaignOf(id)).status).toBe("paused");
    expect((await asAdmin("/app/campaigns/cmp_AAAAAAAAAAAAAAAA/status", { status: "paused" })).status).toBe(
      404,
    );
    expect((await asAdmin("/app/campaigns/cmp_AAAAAAAAAAAAAAAA/edit")).status).toBe(404);
  });

  it("saves and checks the alert rules, and keeps a property filter set through the API", async () => {
    const id = await createThroughForm({ name: "Alerts", "followUp.on": "" });
    expect((await campaignOf(id)).followUp).toBeNull();
    const edit = async (fields: Record<string, string>) => {
      const version = versionOf((await asAdmin(`/app/campaigns/${id}/edit`)).text);
      return await asAdmin(`/app/campaigns/${id}/edit`, goodForm({ name: "Alerts", version, ...fields }));
    };

    const tooMany = Array.from({ length: 21 }, (_, i) => `owner${i}@example.com`).join("\n");
    const refused = await edit({ "followUp.owners": tooMany, "followUp.targetHours": "0" });
    expect(refused.status).toBe(400);
    expect(refused.text).toMatch(
      /id="f-followUp-owners-error">.*Too big: expected array to have &lt;=20 items/,
    );
    expect(refused.text).toMatch(/id="f-followUp-targetHours-error">.*Too small/);
    const none = await edit({ "followUp.owners": "" });
    expect(none.status).toBe(400);
    expect(none.text).toMatch(/id="f-followUp-owners-error">.*&gt;=1 items/);
    expect((await campaignOf(id)).followUp).toBeNull();

    const saved = await edit({
      "followUp.maxScore": "6",
      "followUp.maxCsat": "",
      "followUp.owners": "alerts@example.com",
      "followUp.targetHours": "24",
      "followUp.slackWebhookUrl": "https://hooks.slack.com/services/T0/B0/x",
    });
    expect(saved.status, saved.text).toBe(303);
    expect((await campaignOf(id)).followUp).toEqual({
      maxScore: 6,
      maxCsat: null,
      owners: ["alerts@example.com"],
      targetHours: 24,
      slackWebhookUrl: "https://hooks.slack.com/services/T0/B0/x",
      only: null,
    });

    const only = { region: ["EU"] };
    const patched = await h.api("PATCH", `/v1/campaigns/${id}`, {
      followUp: { owners: ["alerts@example.com"], only },
    });
    expect(patched.status).toBe(200);
    const withFilter = await asAdmin(`/app/campaigns/${id}/edit`);
    expect(withFilter.text).toContain("filters by purchase properties");
    expect((await edit({ "followUp.owners": "alerts@example.com\nnew@example.com" })).status).toBe(303);
    expect((await campaignOf(id)).followUp).toMatchObject({
      owners: ["alerts@example.com", "new@example.com"],
      only,
    });

    expect((await edit({ "followUp.on": "" })).status).toBe(303);
    expect((await campaignOf(id)).followUp).toBeNull();
  });

  it("keeps texts set per language through the API, which the form only mentions", async () => {
    const id = await createThroughForm({ name: "Per language" });
    const subject = { en: "Hello", "zh-Hant": "您好" };
    expect((await h.api("PATCH", `/v1/campaigns/${id}`, { subject })).status).toBe(200);
    const form = await asAdmin(`/app/campaigns/${id}/edit`);
    expect(form.text).not.toContain('name="subject"');
    expect(form.text).toContain("Set per language through the API");
    const version = versionOf(form.text);
    expect((await asAdmin(`/app/campaigns/${id}/edit`, goodForm({ version, name: "Renamed" }))).status).toBe(
      303,
    );
    expect(await campaignOf(id)).toMatchObject({ name: "Renamed", subject });
  });

  it("keeps webhooks and API keys from members: 403 on every page and form", async () => {
    const pages = [
      "/app/webhooks",
      "/app/webhooks/wh_AAAAAAAAAAAAAAAA",
      "/app/webhooks/wh_AAAAAAAAAAAAAAAA/delete",
      "/app/api-keys",
    ];
    for (const path of pages) {
      const page = await send(path, { cookie: member });
      expect(page.status, path).toBe(403);
    }
    const forms: [string, Record<string, string>][] = [
      ["/app/webhooks", { url: "https://hooks.example.com/x", "event.response.created": "on" }],
      ["/app/webhooks/wh_AAAAAAAAAAAAAAAA/test", {}],
      ["/app/webhooks/wh_AAAAAAAAAAAAAAAA/status", { status: "disabled" }],
      ["/app/webhooks/wh_AAAAAAAAAAAAAAAA/delete", {}],
      ["/app/webhooks/wh_AAAAAAAAAAAAAAAA/deliveries/msg_AAAAAAAAAAAAAAAAAAAAAA/retry", {}],
      ["/app/api-keys", { name: "sneaky" }],
      ["/app/api-keys/0123456789abcdef/revoke", {}],
    ];
    for (const [path, form] of forms) {
      const post = await send(path, { cookie: member, form });
      expect(post.status, path).toBe(403);
    }
    expect((await h.api<{ items: Webhook[] }>("GET", "/v1/webhooks")).body.items).toHaveLength(0);
    expect((await h.stores.apiKeys.list()).some((key) => key.name === "sneaky")).toBe(false);
    // Members still create and edit campaigns.
    expect((await send("/app/campaigns/new", { cookie: member })).status).toBe(200);
  });

  it("adds a webhook whose secret is shown once, sends a signed test event, logs it, and retries it", async () => {
    const target = await receiver();
    const refused = await asAdmin("/app/webhooks", { url: "ftp://files.example.com", description: HOSTILE });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain("must be an https URL without a user name or password");
    expect(refused.text).toContain("must name at least one event type");
    expect(fieldValue(refused.text, "url")).toBe("ftp://files.example.com");
    expect(fieldValue(refused.text, "description")).toBe(escaped(HOSTILE));

    const created = await asAdmin("/app/webhooks", {
      url: target.url,
      "event.response.created": "on",
      "event.case.opened": "on",
      description: `${CHINESE} ${HOSTILE}`,
    });
    expect(created.status, created.text).toBe(200);
    expect(created.headers.get("cache-control")).toBe("no-store");
    const secret = /whsec_[A-Za-z0-9+/=]+/.exec(created.text)?.[0];
    if (!secret) throw new Error("no secret on the page");
    const webhookId = /\/app\/webhooks\/(wh_[A-Za-z0-9_-]{16})/.exec(created.text)?.[1];
    if (!webhookId) throw new Error("no link to the webhook");
    const api = await h.api<Webhook>("GET", `/v1/webhooks/${webhookId}`);
    expect(api.body).toMatchObject({ url: target.url, events: ["response.created", "case.opened"] });
    expect(api.body.description).toBe(`${CHINESE} ${HOSTILE}`);

    const list = await asAdmin("/app/webhooks");
    expect(list.text).toContain(escaped(target.url));
    expect(list.text).toContain(escaped(`${CHINESE} ${HOSTILE}`));
    expect(list.text).not.toContain("<script>alert(1)</script>");
    const details = await asAdmin(`/app/webhooks/${webhookId}`);
    expect(details.status).toBe(200);
    for (const page of [list, details]) expect(page.text).not.toContain("whsec_");

    const tested = await asAdmin(`/app/webhooks/${webhookId}/test`, {});
    expect(tested.status).toBe(303);
    expect(tested.location).toBe(`/app/webhooks/${webhookId}?notice=test-ok&code=200`);
    expect(target.received).toHaveLength(1);
    const request = target.received[0];
    const headers = {
      "webhook-id": String(request?.headers["webhook-id"]),
      "webhook-timestamp": String(request?.headers["webhook-timestamp"]),
      "webhook-signature": String(request?.headers["webhook-signature"]),
    };
    expect(new StandardWebhook(secret).verify(request?.body ?? "", headers)).toMatchObject({
      type: "webhook.test",
    });

    const log = await asAdmin(tested.location ?? "");
    expect(log.text).toContain("Test event delivered: the endpoint answered 200.");
    expect(log.text).toContain("<code>webhook.test</code>");
    expect(log.text).toContain("Delivered");
    expect(log.text).toContain("HTTP 200");
    expect(log.text).toContain("ok"); // the excerpt of the receiver's answer
    const retryPath = new RegExp(
      `action="(/app/webhooks/${webhookId}/deliveries/msg_[A-Za-z0-9_-]{22}/retry)"`,
    ).exec(log.text)?.[1];
    if (!retryPath) throw new Error("no retry button");
    const retried = await asAdmin(retryPath, {});
    expect(retried.status).toBe(303);
    expect(retried.location).toBe(`/app/webhooks/${webhookId}?notice=retry-ok&code=200`);
    expect(target.received).toHaveLength(2);
    expect(target.received[1]?.headers["webhook-id"]).toBe(headers["webhook-id"]);
    const afterRetry = await asAdmin(retried.location ?? "");
    expect(afterRetry.text).toMatch(/<td class="hide-narrow">2<\/td>/);

    // Disable and enable again.
    const disabled = await asAdmin(`/app/webhooks/${webhookId}/status`, { status: "disabled" });
    expect(disabled.location).toBe(`/app/webhooks/${webhookId}?notice=disabled`);
    expect((await h.api<Webhook>("GET", `/v1/webhooks/${webhookId}`)).body.status).toBe("disabled");
    await asAdmin(`/app/webhooks/${webhookId}/status`, { status: "enabled" });
    expect((await h.api<Webhook>("GET", `/v1/webhooks/${webhookId}`)).body.status).toBe("enabled");

    // Delete: a confirmation page, then the button.
    const confirm = await asAdmin(`/app/webhooks/${webhookId}/delete`);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain("Delete this webhook?");
    const deleted = await asAdmin(`/app/webhooks/${webhookId}/delete`, {});
    expect(deleted.location).toBe("/app/webhooks?notice=deleted");
    expect((await asAdmin(deleted.location ?? "")).text).toContain("Webhook deleted.");
    expect((await asAdmin(`/app/webhooks/${webhookId}`)).status).toBe(404);
    expect((await h.api("GET", `/v1/webhooks/${webhookId}`)).status).toBe(404);
  });

  it("reports a failed test event as an alert, with the endpoint's answer in the log", async () => {
    const failing = await receiver(() => 500);
    const created = await asAdmin("/app/webhooks", { url: failing.url, "event.response.updated": "on" });
    const webhookId = /\/app\/webhooks\/(wh_[A-Za-z0-9_-]{16})/.exec(created.text)?.[1];
    const tested = await asAdmin(`/app/webhooks/${webhookId}/test`, {});
    expect(tested.location).toBe(`/app/webhooks/${webhookId}?notice=test-failed&code=500`);
    const log = await asAdmin(tested.location ?? "");
    expect(log.text).toContain('<p class="alert" role="alert">The test event was not delivered: HTTP 500.');
    expect(log.text).toContain("HTTP 500");
    expect(log.text).toContain("answered 500");
    expect(log.text).toContain("Failed");
  });

  it("creates an API key shown once that works against the API, and revokes it", async () => {
    const empty = await asAdmin("/app/api-keys", { name: "   " });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain("Give the key a name of 1 to 100 printable characters.");
    const name = `Shop 網店 ${HOSTILE}`;
    const created = await asAdmin("/app/api-keys", { name });
    expect(created.status).toBe(200);
    expect(created.headers.get("cache-control")).toBe("no-store");
    const key = /nps_([0-9a-f]{16})_[A-Za-z0-9_-]{43}/.exec(created.text);
    if (!key) throw new Error("no key on the page");
    expect(created.text).toContain(escaped(name));
    expect(created.text).not.toContain("<script>alert(1)</script>");

    const list = await asAdmin("/app/api-keys");
    expect(list.text).toContain(key[1]);
    expect(list.text).not.toContain(key[0]);

    const call = (apiKey: string) =>
      fetch(`${h.baseUrl}/v1/campaigns`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect((await call(key[0])).status).toBe(200);
    const revoked = await asAdmin(`/app/api-keys/${key[1]}/revoke`, {});
    expect(revoked.status).toBe(303);
    expect(revoked.location).toBe(`/app/api-keys?revoked=${key[1]}`);
    const after = await asAdmin(revoked.location ?? "");
    expect(after.text).toContain("revoked: requests with it now get 401");
    expect(after.text).not.toContain(`action="/app/api-keys/${key[1]}/revoke"`);
    expect((await call(key[0])).status).toBe(401);
    expect((await asAdmin("/app/api-keys/0123456789abcdef/revoke", {})).status).toBe(404);
  });
});
