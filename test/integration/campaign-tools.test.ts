import { DeleteCommand, QueryCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Campaign, CampaignPage } from "../../functions/domain/campaign";
import type { CampaignDeletion } from "../../functions/domain/campaign-deletion";
import { TEST_SENDS_PER_HOUR } from "../../functions/domain/email-preview";
import { MailRejectedError } from "../../functions/domain/errors";
import { surveySnapshotOf } from "../../functions/domain/invitation";
import type { PurchaseDelivery } from "../../functions/domain/purchase-status";
import type { ResponsesPage } from "../../functions/domain/response-export";
import { createApiApp } from "../../functions/http/api-app";
import { campaignKey, DUE_PARTITIONS, resultsPartition, WORK_INDEX } from "../../functions/store/keys";
import {
  type DeliveryHarness,
  type ManualClock,
  manualClock,
  startDeliveryHarness,
} from "../support/delivery-harness";
import { startServer } from "../support/http-server";

/**
 * The marketer's campaign tools against the real server (the delivery harness: API, survey pages and
 * delivery loop over DynamoDB Local and the SES emulator): the status filter of the listing, deleting
 * a test campaign, a purchase's delivery status, and previews and test sends of the survey email.
 */

type ErrorBody = { error: { code: string; message: string; details?: { field: string; message: string }[] } };

/** Every item of the table, as `pk sk` (to see what a call wrote, or did not). */
async function itemKeys(h: DeliveryHarness): Promise<string[]> {
  const keys: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await h.table.db.send(
      new ScanCommand({ TableName: h.table.tableName, ExclusiveStartKey: start, ConsistentRead: true }),
    );
    keys.push(...(page.Items ?? []).map((item) => `${item.pk} ${item.sk}`));
    start = page.LastEvaluatedKey;
  } while (start);
  return keys.sort();
}

/** The items of one partition. */
async function partition(h: DeliveryHarness, pk: string): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await h.table.db.send(
    new QueryCommand({
      TableName: h.table.tableName,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": pk },
      ConsistentRead: true,
    }),
  );
  return Items;
}

/** The tokens in the due index, every shard of it. */
async function dueTokens(h: DeliveryHarness): Promise<string[]> {
  const pages = await Promise.all(
    DUE_PARTITIONS.map((partition) =>
      h.table.db.send(
        new QueryCommand({
          TableName: h.table.tableName,
          IndexName: WORK_INDEX,
          KeyConditionExpression: "gsi2pk = :due",
          ExpressionAttributeValues: { ":due": partition },
        }),
      ),
    ),
  );
  return pages.flatMap((page) => (page.Items ?? []).map((item) => String(item.token)));
}

async function tokensOf(h: DeliveryHarness, campaignId: string, orderId: string): Promise<string[]> {
  const purchase = await h.stores.purchases.get(campaignId, orderId);
  if (!purchase) throw new Error(`no purchase ${orderId}`);
  return [...purchase.tokens];
}

const path = (campaignId: string, rest = "") => `/v1/campaigns/${encodeURIComponent(campaignId)}${rest}`;
const UNKNOWN = "cmp_AAAAAAAAAAAAAAAA";

async function withoutKey(h: DeliveryHarness, method: string, target: string, body?: unknown) {
  return await fetch(`${h.baseUrl}${target}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

describe("GET /v1/campaigns?status=", () => {
  let h: DeliveryHarness;
  let clock: ManualClock;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    clock = manualClock("2026-09-01T09:00:00.000Z");
    h = await startDeliveryHarness({ clock: clock.now });
    // Created a second apart, oldest first: a0 p1 x2 p3 a4 p5 x6 p7.
    const statuses = [
      "active",
      "paused",
      "archived",
      "paused",
      "active",
      "paused",
      "archived",
      "paused",
    ] as const;
    const code = { active: "a", paused: "p", archived: "x" } as const;
    for (const [i, status] of statuses.entries()) {
      const name = `${code[status]}${i}`;
      ids[name] = (await h.createCampaign({ name, status })).id;
      clock.advance({ ms: 1000 });
    }
  }, 60_000);
  afterAll(async () => h?.close());

  const walk = async (query: string) => {
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const response: { status: number; body: CampaignPage } = await h.api<CampaignPage>(
        "GET",
        `/v1/campaigns?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      expect(response.status).toBe(200);
      pages.push(response.body.items.map((c) => c.name));
      cursor = response.body.nextCursor;
    } while (cursor !== null && pages.length < 20);
    return pages;
  };

  it("lists only the campaigns of that status, newest first, in full pages, with the same cursor", async () => {
    expect(await walk("status=paused&limit=2")).toEqual([
      ["p7", "p5"],
      ["p3", "p1"],
    ]);
    expect(await walk("status=archived&limit=1")).toEqual([["x6"], ["x2"]]);
    expect(await walk("status=active")).toEqual([["a4", "a0"]]);
    // Without the filter, as before: every campaign, and a last page that is not an empty extra one.
    expect((await walk("limit=4")).flat()).toEqual(["p7", "x6", "p5", "a4", "p3", "x2", "p1", "a0"]);
    expect(await walk("limit=4")).toHaveLength(2);
  });

  it("follows a status change, and a campaign deleted since", async () => {
    await h.api("PATCH", path(ids.p5 ?? ""), { status: "active" });
    expect((await walk("status=active")).flat()).toEqual(["p5", "a4", "a0"]);
    expect((await h.api("DELETE", path(ids.a0 ?? ""))).status).toBe(204);
    expect((await walk("status=active")).flat()).toEqual(["p5", "a4"]);
  });

  it.each(["deleted", "Active", ""])("refuses status=%s, naming status", async (status) => {
    const response = await h.api<ErrorBody>("GET", `/v1/campaigns?status=${status}`);
    expect(response.status).toBe(400);
    expect(response.body.error.details?.map((d) => d.field)).toEqual(["status"]);
  });

  it("answers 401 without a key", async () => {
    expect((await withoutKey(h, "GET", "/v1/campaigns?status=active")).status).toBe(401);
  });
});

describe("campaign tools", () => {
  let h: DeliveryHarness;
  let clock: ManualClock;

  beforeAll(async () => {
    clock = manualClock("2026-10-05T10:15:00.000Z");
    h = await startDeliveryHarness({
      clock: clock.now,
      // SES refuses these addresses for good, as it does an unverified one in the sandbox.
      wrapMail: (ses) => ({
        send: async (email) => {
          if (email.to.startsWith("refused")) throw new MailRejectedError("Email address is not verified.");
          return await ses.send(email);
        },
      }),
    });
  }, 60_000);
  afterAll(async () => h?.close());

  describe("DELETE /v1/campaigns/{id}", () => {
    it("deletes a campaign that never sent, with its purchases, invitations, segment values and counts", async () => {
      const campaign = await h.createCampaign({ delayDays: 0, followUpDays: 30, segmentBy: ["region"] });
      await h.stores.invitations.suppress("gone@example.com", "unsubscribed", clock.now(), "test");
      const results = await h.postPurchases(campaign.id, [
        { orderId: "d/1", email: "refused-1@example.com", properties: { region: "north" } },
        { orderId: "d#2", email: "refused-2@example.com", properties: { region: "south" } },
        { orderId: "d-3", email: "gone@example.com" },
      ]);
      expect(results.map((r) => r.status)).toEqual(["scheduled", "scheduled", "suppressed"]);
      // Both first emails are refused by SES: skipped, never sent. A segment value admitted meanwhile
      // (as a send that failed later would leave) must go with the campaign too.
      await h.deliver();
      expect(await h.inbox()).toHaveLength(0);
      await h.stores.results.resolveSegments(campaign.id, ["region"], { region: "north" });
      expect((await partition(h, resultsPartition(campaign.id))).map((item) => item.sk)).toEqual([
        "SEGVALUES#region",
      ]);
      const tokens = [...(await tokensOf(h, campaign.id, "d/1")), ...(await tokensOf(h, campaign.id, "d#2"))];
      expect(tokens).toHaveLength(4);
      expect(await dueTokens(h)).toEqual(expect.arrayContaining(tokens.filter((_, i) => i % 2 === 1)));

      const deleted = await h.api("DELETE", path(campaign.id));
      expect(deleted.status).toBe(204);
      expect(deleted.text).toBe("");

      expect((await h.api("GET", path(campaign.id))).status).toBe(404);
      expect(await partition(h, campaignKey(campaign.id).pk)).toEqual([]);
      expect(await partition(h, resultsPartition(campaign.id))).toEqual([]);
      for (const token of tokens) expect(await h.stores.invitations.get(token)).toBeUndefined();
      expect((await dueTokens(h)).filter((token) => tokens.includes(token))).toEqual([]);
      const listed = await h.api<CampaignPage>("GET", "/v1/campaigns?limit=100");
      expect(listed.body.items.map((c) => c.id)).not.toContain(campaign.id);
      // The follow-ups that were due in 30 days are gone with it.
      clock.advance({ days: 31 });
      await h.deliver();
      expect(await h.inbox()).toHaveLength(0);
      expect(h.queue.deadLetters).toEqual([]);
      expect((await h.api("DELETE", path(campaign.id))).status).toBe(404);
    });

    it("refuses a campaign that sent a survey, saying to archive it, and changes nothing", async () => {
      const campaign = await h.createCampaign({ delayDays: 0 });
      await h.postPurchases(campaign.id, [{ orderId: "s-1", email: "sent-to@example.com" }]);
      await h.deliver();
      expect(await h.inbox({ to: "sent-to@example.com" })).toHaveLength(1);
      const before = await itemKeys(h);

      const refused = await h.api<ErrorBody>("DELETE", path(campaign.id));
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatchObject({
        code: "conflict",
        message: expect.stringMatching(/archive it/),
      });
      expect(await itemKeys(h)).toEqual(before);
      expect((await h.api<Campaign>("GET", path(campaign.id))).body.status).toBe("active");
    });

    it("stops at an email that is being sent right now: the campaign is kept, archived", async () => {
      const campaign = await h.createCampaign({ delayDays: 0 });
      await h.postPurchases(campaign.id, [{ orderId: "r-1", email: "racing@example.com" }]);
      const [token = ""] = await tokensOf(h, campaign.id, "r-1");
      // A sender holds the send lock: its email may be leaving as the DELETE runs.
      const invitation = await h.stores.invitations.get(token);
      if (!invitation) throw new Error("no invitation");
      expect(
        await h.stores.invitations.beginSend(
          invitation,
          "send",
          clock.now(),
          60_000,
          30,
          surveySnapshotOf(campaign),
        ),
      ).toBe("locked");

      const refused = await h.api<ErrorBody>("DELETE", path(campaign.id));
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toMatch(/sent meanwhile.*archive/);
      expect((await h.api<Campaign>("GET", path(campaign.id))).body.status).toBe("archived");
      expect(await h.stores.invitations.get(token)).toMatchObject({ status: "scheduled" });
      expect(await h.stores.purchases.get(campaign.id, "r-1")).toBeDefined();
    });

    it("deletes a large campaign over several requests, 202 until the last answers 204", async () => {
      const campaign = await h.createCampaign({ delayDays: 7 });
      const purchases = Array.from({ length: 250 }, (_, i) => ({
        orderId: `big-${i}`,
        email: `big-${i}@example.com`,
      }));
      expect((await h.postPurchases(campaign.id, purchases)).every((r) => r.status === "scheduled")).toBe(
        true,
      );
      const server = await startServer(
        createApiApp({ ...h.stores, clock: h.clock, deletion: { purchasesPerRequest: 100 } }),
      );
      try {
        const statuses: (number | CampaignDeletion)[] = [];
        for (let i = 0; i < 5; i++) {
          const response = await fetch(`${server.url}${path(campaign.id)}`, {
            method: "DELETE",
            headers: { authorization: `Bearer ${h.apiKey}` },
          });
          statuses.push(
            response.status === 202 ? ((await response.json()) as CampaignDeletion) : response.status,
          );
          if (response.status === 204) break;
        }
        expect(statuses).toEqual([
          { status: "deleting", purchasesDeleted: 100 },
          { status: "deleting", purchasesDeleted: 100 },
          204,
        ]);
      } finally {
        await server.close();
      }
      expect(await partition(h, campaignKey(campaign.id).pk)).toEqual([]);
    });

    it("drops an invitation whose campaign is gone (posted while it was deleted), sending nothing", async () => {
      const campaign = await h.createCampaign({ delayDays: 0 });
      await h.postPurchases(campaign.id, [{ orderId: "o-1", email: "orphan@example.com" }]);
      const [token = ""] = await tokensOf(h, campaign.id, "o-1");
      // The campaign item goes, as a deletion that read the purchases before this one was posted leaves it.
      await h.table.db.send(
        new DeleteCommand({ TableName: h.table.tableName, Key: campaignKey(campaign.id) }),
      );
      await h.deliver();
      expect(await h.inbox({ to: "orphan@example.com" })).toEqual([]);
      expect(await dueTokens(h)).not.toContain(token);
      expect(await h.stores.invitations.get(token)).toMatchObject({ status: "scheduled", nextAction: null });
      expect(h.queue.deadLetters).toEqual([]);
    });

    it("answers 404 for an unknown campaign and 401 without a key", async () => {
      expect((await h.api("DELETE", path(UNKNOWN))).status).toBe(404);
      expect((await h.api("DELETE", path("nope"))).status).toBe(404);
      const campaign = await h.createCampaign();
      expect((await withoutKey(h, "DELETE", path(campaign.id))).status).toBe(401);
      expect((await h.api("GET", path(campaign.id))).status).toBe(200);
    });
  });

  describe("GET /v1/campaigns/{id}/purchases/{orderId}", () => {
    const purchase = (campaignId: string, orderId: string) =>
      h.api<PurchaseDelivery>("GET", path(campaignId, `/purchases/${encodeURIComponent(orderId)}`));

    it("tells where each survey of a purchase stands, from scheduled to answered, never showing its link", async () => {
      const campaign = await h.createCampaign({
        delayDays: 0,
        followUpDays: 20,
        reminderDays: 2,
        throttleDays: 0,
      });
      await h.stores.invitations.suppress("cat@example.com", "bounced", clock.now(), "test");
      const orders = {
        ana: "A/1 #?%",
        ben: "訂單 1",
        cat: "c-3",
        dan: "d 4",
        eve: "../e5",
      };
      await h.postPurchases(campaign.id, [
        { orderId: orders.ana, email: "ana@example.com", name: "Ana", locale: "zh-Hant" },
        { orderId: orders.ben, email: "ben@example.com" },
        { orderId: orders.cat, email: "cat@example.com" },
        { orderId: orders.dan, email: "dan@example.com" },
        { orderId: orders.eve, email: "eve@example.com", properties: { region: "west" } },
      ]);

      const scheduled = await purchase(campaign.id, orders.ana);
      expect(scheduled.status).toBe(200);
      expect(scheduled.body).toMatchObject({
        orderId: orders.ana,
        status: "scheduled",
        email: "ana@example.com",
        name: "Ana",
        locale: "zh-Hant",
        suppression: null,
        invitations: [
          { kind: "initial", status: "scheduled", sentAt: null, responseId: null },
          { kind: "followUp", status: "scheduled", sentAt: null, responseId: null },
        ],
      });
      expect((await purchase(campaign.id, orders.cat)).body).toMatchObject({
        status: "suppressed",
        suppression: "bounced",
        invitations: [],
      });

      await h.deliver();
      const links = async (to: string) => {
        const [email] = await h.inbox({ to });
        if (!email) throw new Error(`no email to ${to}`);
        return h.linksIn(email);
      };
      const ana = await links("ana@example.com");
      expect(
        (await fetch(ana.survey, { method: "POST", body: new URLSearchParams({ score: "9" }) })).status,
      ).toBe(200);
      expect((await fetch((await links("ben@example.com")).unsubscribe, { method: "POST" })).status).toBe(
        200,
      );
      await h.stores.invitations.suppress("dan@example.com", "complained", clock.now(), "test");

      const answered = await purchase(campaign.id, orders.ana);
      const [listed] = (await h.api<ResponsesPage>("GET", path(campaign.id, "/responses"))).body.items;
      expect(answered.body.invitations[0]).toMatchObject({
        kind: "initial",
        status: "answered",
        sentAt: clock.now().toISOString(),
        answeredAt: clock.now().toISOString(),
        responseId: listed?.id,
      });
      expect(answered.text).not.toContain(ana.token);
      expect((await purchase(campaign.id, orders.ben)).body.invitations[0]?.status).toBe("unsubscribed");
      expect((await purchase(campaign.id, orders.dan)).body).toMatchObject({
        suppression: "complained",
        invitations: [{ status: "bounced" }, { status: "scheduled" }],
      });
      const eve = await purchase(campaign.id, orders.eve);
      expect(eve.body.properties).toEqual({ region: "west" });
      expect(eve.body.invitations[0]).toMatchObject({
        status: "sent",
        reminderDueAt: new Date(clock.now().getTime() + 2 * 86_400_000).toISOString(),
        reminderSentAt: null,
      });

      clock.advance({ days: 2, minutes: 1 });
      await h.deliver();
      expect((await purchase(campaign.id, orders.eve)).body.invitations[0]).toMatchObject({
        status: "sent",
        reminderDueAt: null,
        reminderSentAt: clock.now().toISOString(),
      });
    });

    it("shows a survey that was never sent as skipped, with why", async () => {
      const campaign = await h.createCampaign({ delayDays: 0 });
      await h.postPurchases(campaign.id, [{ orderId: "k-1", email: "refused-3@example.com" }]);
      await h.deliver();
      expect((await purchase(campaign.id, "k-1")).body.invitations).toEqual([
        expect.objectContaining({ status: "skipped", skipReason: "rejected", sentAt: null }),
      ]);
    });

    it("answers 404 for an unknown orderId or campaign, and 401 without a key", async () => {
      const campaign = await h.createCampaign();
      await h.postPurchases(campaign.id, [{ orderId: "known", email: "known@example.com" }]);
      for (const orderId of ["unknown", "Known", "x".repeat(201), "%"]) {
        const response = await purchase(campaign.id, orderId);
        expect(response.status, orderId).toBe(404);
      }
      expect((await purchase(UNKNOWN, "known")).status).toBe(404);
      expect((await withoutKey(h, "GET", path(campaign.id, "/purchases/known"))).status).toBe(401);
    });
  });

  describe("previews and test sends", () => {
    it("previews the email exactly as a customer gets it, first email and reminder, its links aside", async () => {
      const campaign = await h.createCampaign({
        delayDays: 0,
        reminderDays: 1,
        subject: "How was your order, really?",
        intro: "Thanks for shopping.\nTwo clicks, no more.",
      });
      await h.postPurchases(campaign.id, [
        { orderId: "p-1", email: "real@example.com", name: "Mei", locale: "zh-Hant" },
      ]);
      await h.deliver();
      clock.advance({ days: 1, minutes: 1 });
      await h.deliver();
      const [first, reminder] = await h.inbox({ to: "real@example.com" });
      if (!first || !reminder) throw new Error("expected the email and its reminder");
      const { token } = h.linksIn(first);

      for (const [email, isReminder] of [
        [first, false],
        [reminder, true],
      ] as const) {
        const before = await itemKeys(h);
        const preview = await h.api<{ subject: string; html: string; text: string }>(
          "POST",
          path(campaign.id, "/preview"),
          { locale: "zh-Hant", name: "Mei", reminder: isReminder },
        );
        expect(preview.status).toBe(200);
        expect(preview.body).toEqual({
          subject: email.subject,
          html: email.html.replaceAll(token, "preview"),
          text: email.text.replaceAll(token, "preview"),
        });
        expect(await itemKeys(h)).toEqual(before);
      }
    });

    it("previews in the campaign's language without a name by default, and refuses what is not valid", async () => {
      const campaign = await h.createCampaign({ locale: "zh-Hans" });
      const preview = await h.api<{ html: string; text: string }>("POST", path(campaign.id, "/preview"), {});
      expect(preview.status).toBe(200);
      expect(preview.body.html).toContain('lang="zh-Hans"');
      for (const [body, field] of [
        [{ colour: "red" }, "colour"],
        [{ locale: "fr" }, "locale"],
        [{ name: "Mei\u0000" }, "name"],
        [{ reminder: 1 }, "reminder"],
        [[1], "(body)"],
      ] as const) {
        const refused = await h.api<ErrorBody>("POST", path(campaign.id, "/preview"), body);
        expect(refused.status, JSON.stringify(body)).toBe(400);
        expect(refused.body.error.details?.map((d) => d.field)).toEqual([field]);
      }
      expect((await h.api("POST", path(UNKNOWN, "/preview"), {})).status).toBe(404);
      expect((await withoutKey(h, "POST", path(campaign.id, "/preview"), {})).status).toBe(401);
    });

    it("gives the placeholder links a not-valid page that records nothing", async () => {
      const campaign = await h.createCampaign();
      const preview = await h.api<{ html: string }>("POST", path(campaign.id, "/preview"), {});
      const links = h.linksIn({
        messageId: "",
        from: "",
        to: [],
        subject: "",
        html: preview.body.html,
        text: "",
        headers: {},
        at: 0,
      });
      expect(links.token).toBe("preview");
      const before = await itemKeys(h);
      for (const [url, method] of [
        [links.scores[9], "GET"],
        [links.survey, "POST"],
        [links.unsubscribe, "GET"],
        [links.unsubscribe, "POST"],
      ] as const) {
        const response = await fetch(url ?? "", {
          method,
          headers: { "accept-language": "en" },
          ...(method === "POST" ? { body: new URLSearchParams({ score: "9" }) } : {}),
        });
        expect(response.status, `${method} ${url}`).toBe(404);
      }
      expect(await itemKeys(h)).toEqual(before);
    });

    it("sends a test email through SES, counted nowhere: only the hour's test-send counter is written", async () => {
      const campaign = await h.createCampaign({ brandName: "Acme", senderName: "Acme Support" });
      const before = await itemKeys(h);
      const sent = await h.api<{ to: string }>("POST", path(campaign.id, "/test-send"), {
        email: " Tester@Example.com ",
        name: "Tess",
        locale: "en",
      });
      expect(sent.status).toBe(202);
      expect(sent.body).toEqual({ to: "tester@example.com" });

      const [email] = await h.inbox({ to: "tester@example.com" });
      if (!email) throw new Error("no test email");
      expect(email.from).toBe('"Acme Support" <surveys@example.com>');
      const preview = await h.api<{ subject: string; html: string; text: string }>(
        "POST",
        path(campaign.id, "/preview"),
        { name: "Tess", locale: "en" },
      );
      expect({ subject: email.subject, html: email.html, text: email.text }).toEqual(preview.body);
      expect(email.headers["list-unsubscribe"]).toBe(`<${h.baseUrl}/u/preview>`);

      const added = (await itemKeys(h)).filter((key) => !before.includes(key));
      expect(added).toEqual([
        `${campaignKey(campaign.id).pk} TESTSENDS#${clock.now().toISOString().slice(0, 13)}`,
      ]);
      expect(await h.stores.purchases.firstOf(campaign.id, 10)).toEqual([]);
      const results = await h.api<{ overall: { sent: number } }>("GET", path(campaign.id, "/results"));
      expect(results.body.overall.sent).toBe(0);
      // A test email is no survey: the campaign, never having sent one, can still be deleted.
      expect((await h.api("DELETE", path(campaign.id))).status).toBe(204);
      expect(await partition(h, campaignKey(campaign.id).pk)).toEqual([]);
    });

    it(`sends at most ${TEST_SENDS_PER_HOUR} test emails per campaign and hour`, async () => {
      clock.set("2026-12-01T08:59:00.000Z");
      const campaign = await h.createCampaign();
      const other = await h.createCampaign();
      const send = (id: string) =>
        h.api<ErrorBody>("POST", path(id, "/test-send"), { email: "loop@example.com" });
      for (let i = 0; i < TEST_SENDS_PER_HOUR; i++) expect((await send(campaign.id)).status).toBe(202);
      const refused = await send(campaign.id);
      expect(refused.status).toBe(429);
      expect(refused.headers.get("retry-after")).toBe("60");
      expect(refused.body.error.message).toMatch(/preview/);
      expect((await send(other.id)).status).toBe(202);
      expect(await h.inbox({ to: "loop@example.com" })).toHaveLength(TEST_SENDS_PER_HOUR + 1);
      clock.advance({ minutes: 1 });
      expect((await send(campaign.id)).status).toBe(202);
    });

    it("refuses a suppressed address, one SES refuses, and what is not valid", async () => {
      const campaign = await h.createCampaign();
      await h.stores.invitations.suppress("bounced@example.com", "bounced", clock.now(), "test");
      const send = (body: unknown) => h.api<ErrorBody>("POST", path(campaign.id, "/test-send"), body);

      const suppressed = await send({ email: "Bounced@example.com" });
      expect(suppressed.status).toBe(409);
      expect(suppressed.body.error.message).toMatch(/suppressed \(bounced\)/);
      const rejected = await send({ email: "refused-4@example.com" });
      expect(rejected.status).toBe(400);
      expect(rejected.body.error.details).toEqual([
        { field: "email", message: expect.stringContaining("not verified") },
      ]);
      for (const [body, field] of [
        [{}, "email"],
        [{ email: "no-at-sign" }, "email"],
        [{ email: "a@example.com", reminder: true }, "reminder"],
        [{ email: "a@example.com", name: "Tess\r\nBcc: b@example.com" }, "name"],
        [{ email: "a@example.com", locale: "en-GB" }, "locale"],
      ] as const) {
        const refused = await send(body);
        expect(refused.status, JSON.stringify(body)).toBe(400);
        expect(refused.body.error.details?.map((d) => d.field)).toEqual([field]);
      }
      expect(await h.inbox({ to: "bounced@example.com" })).toEqual([]);
      expect((await h.api("POST", path(UNKNOWN, "/test-send"), { email: "a@example.com" })).status).toBe(404);
      expect(
        (await withoutKey(h, "POST", path(campaign.id, "/test-send"), { email: "a@example.com" })).status,
      ).toBe(401);
    });
  });
});
