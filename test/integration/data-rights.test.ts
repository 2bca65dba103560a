import { createRequire } from "node:module";
import { DeleteCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Campaign } from "../../functions/domain/campaign";
import type { Case } from "../../functions/domain/case";
import type { PersonErasure, PersonExport } from "../../functions/domain/person";
import { personLinkKey } from "../../functions/store/keys";
import { reconcileCampaign } from "../../functions/use-cases/reconcile-campaign";
import { runCli } from "../support/cli";
import { type DeliveryHarness, manualClock, startDeliveryHarness } from "../support/delivery-harness";
import { everyItem } from "../support/dynamo";
import { answerSurvey, postForm, unsubscribeInOneClick } from "../support/survey-form";

/**
 * A person's data rights (GET and DELETE /v1/people/{email}, Delighted's DELETE people, `npm run
 * person`) through the real server over DynamoDB Local and the SES emulator: Ana buys in two
 * campaigns, answers one survey with a comment, unsubscribes, and has a survey still to come. Her
 * export holds all of it; after her erasure no item of the table holds her address, her name, her
 * comment or her properties, the results of both campaigns are unchanged and reconcile agrees, her
 * links are dead, nothing more is sent to her, and she stays suppressed.
 */

const START = "2026-06-01T10:00:00.000Z";
const RANGE = "from=2026-06-01&to=2026-06-30&segment=region";
const ANA = "Ana@Example.com";
const NAME = "Ana Lee";
const COMMENT = "Parcel came crushed, zebra-quartz-7319";
const CUSTOMER_ID = "cust-ana-880125";
/** What must not be anywhere in the table once she is erased (compared without regard to case). */
const HERS = ["ana@example.com", NAME, COMMENT, "zebra-quartz-7319", CUSTOMER_ID];

type Delighted = {
  person: {
    create(data: Record<string, unknown>): PromiseLike<Record<string, unknown>>;
    delete(identifier: { email: string } | { id: string }): PromiseLike<unknown>;
  };
};
const delighted = createRequire(import.meta.url)("delighted") as (
  key: string,
  options: { host: string; port: number; scheme: string; base: string },
) => Delighted;

/** Every string anywhere in a value (keys of maps included), recursively. */
function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (value instanceof Set || Array.isArray(value)) return [...value].flatMap(stringsIn);
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([key, inner]) => [key, ...stringsIn(inner)]);
  }
  return [];
}

describe("a person's data rights: export and erasure", () => {
  const clock = manualClock(START);
  let h: DeliveryHarness;
  let shop: Campaign;
  let later: Campaign;
  let links: { survey: string; unsubscribe: string };

  const results = async (campaign: Campaign) => {
    const response = await h.api("GET", `/v1/campaigns/${campaign.id}/results?${RANGE}`);
    expect(response.status, response.text).toBe(200);
    return response.body;
  };
  /** The export, its purchases in orderId order (they are in the order recorded: here the same instant). */
  const exportOf = async (email: string) => {
    const response = await h.api<PersonExport>("GET", `/v1/people/${encodeURIComponent(email)}`);
    expect(response.status, response.text).toBe(200);
    const purchases = [...response.body.purchases].sort((a, b) => a.orderId.localeCompare(b.orderId));
    return { ...response.body, purchases };
  };
  const erase = (email: string) => h.api<PersonErasure>("DELETE", `/v1/people/${encodeURIComponent(email)}`);
  const wholeTable = () => everyItem(h.table);
  const holdingHerData = async () =>
    (await wholeTable()).filter((item) =>
      stringsIn(item).some((text) => HERS.some((hers) => text.toLowerCase().includes(hers.toLowerCase()))),
    );

  beforeAll(async () => {
    h = await startDeliveryHarness({ clock: clock.now, events: true });
    shop = await h.createCampaign({
      name: "Shop",
      delayDays: 0,
      reminderDays: 3,
      csat: true,
      segmentBy: ["region"],
      attributes: [{ key: "delivery", label: "Delivery" }],
      // Her unhappy answer opens a case, which holds her data too.
      followUp: {
        owners: ["care@example.com"],
        maxScore: 6,
        maxCsat: null,
        targetHours: 24,
        slackWebhookUrl: null,
        only: null,
      },
    });
    // No throttle window: her survey of this campaign is scheduled beside the other one.
    later = await h.createCampaign({ name: "Later", delayDays: 7, throttleDays: 0, segmentBy: ["region"] });
    const properties = { region: "north", customer: CUSTOMER_ID };
    expect(
      await h.postPurchases(shop.id, [
        { orderId: "S-1", email: ANA, name: NAME, properties },
        { orderId: "S-2", email: "bo@example.com", name: "Bo", properties: { region: "north" } },
      ]),
    ).toMatchObject([{ status: "scheduled" }, { status: "scheduled" }]);
    expect(
      await h.postPurchases(later.id, [
        { orderId: "L-1", email: ANA, name: NAME, properties: { region: "south", customer: CUSTOMER_ID } },
      ]),
    ).toMatchObject([{ status: "scheduled" }]);
    await h.deliver();
    const [mail] = await h.inbox({ to: "ana@example.com" });
    const [bos] = await h.inbox({ to: "bo@example.com" });
    if (!mail || !bos) throw new Error("the surveys were not sent");
    links = h.linksIn(mail);
    clock.advance({ hours: 2 });
    await answerSurvey(links.survey, { score: "3", csat: "2", "attr.delivery": "1", comment: COMMENT });
    await answerSurvey(h.linksIn(bos).survey, { score: "10", csat: "5", "attr.delivery": "5" });
    const unsubscribed = await unsubscribeInOneClick(links.unsubscribe);
    expect(unsubscribed.status).toBe(200);
    await h.react();
  }, 120_000);

  afterAll(async () => h?.close());

  it("exports everything held about her, by her address in any case", async () => {
    const exported = await exportOf(ANA);
    expect(exported).toEqual({
      email: "ana@example.com",
      suppression: { reason: "unsubscribed", suppressedAt: expect.any(String) },
      erasedSuppression: false,
      contact: { lastScheduledAt: expect.any(String), lastSentAt: START },
      purchases: [
        {
          campaignId: later.id,
          orderId: "L-1",
          name: NAME,
          locale: null,
          properties: { region: "south", customer: CUSTOMER_ID },
          purchasedAt: START,
          recordedAt: START,
          status: "scheduled",
          erasedAt: null,
          invitations: [
            expect.objectContaining({ kind: "initial", status: "scheduled", sentAt: null, answer: null }),
          ],
        },
        {
          campaignId: shop.id,
          orderId: "S-1",
          name: NAME,
          locale: null,
          properties: { region: "north", customer: CUSTOMER_ID },
          purchasedAt: START,
          recordedAt: START,
          status: "scheduled",
          erasedAt: null,
          invitations: [
            {
              kind: "initial",
              status: "sent",
              sendAt: START,
              sentAt: START,
              reminderSentAt: null,
              answeredAt: "2026-06-01T12:00:00.000Z",
              unsubscribedAt: "2026-06-01T12:00:00.000Z",
              skipReason: null,
              erasedAt: null,
              answer: {
                score: 3,
                csat: 2,
                attributes: { delivery: 1 },
                comment: COMMENT,
                createdAt: "2026-06-01T12:00:00.000Z",
                updatedAt: "2026-06-01T12:00:00.000Z",
              },
            },
          ],
        },
      ],
      cases: [
        expect.objectContaining({
          campaignId: shop.id,
          status: "open",
          email: "ana@example.com",
          name: NAME,
          score: 3,
          comment: COMMENT,
          properties: { region: "north", customer: CUSTOMER_ID },
        }),
      ],
    });
    // The survey links are the customer's secret: never in an export.
    expect(JSON.stringify(exported)).not.toContain(links.survey.split("/").pop());
    expect((await h.api("GET", "/v1/people/not-an-address")).status).toBe(400);
    expect((await exportOf("nobody@example.com")).purchases).toEqual([]);
  });

  it("erases her: no item of the table holds her data, results and reconcile are unchanged, she stays suppressed", async () => {
    // What her case's owner wrote about her is hers too: a note, and a resolution its timeline keeps
    // after the case is reopened.
    const cases = await h.api<{ items: Case[] }>("GET", `/v1/cases?campaignId=${shop.id}`);
    const [herCase] = cases.body.items;
    if (!herCase) throw new Error(`her case was not opened: ${cases.text}`);
    const caseChanges = [
      ["POST", "/notes", { text: `Called ${NAME} back` }],
      ["PATCH", "", { status: "resolved", resolution: `Refunded ${CUSTOMER_ID}` }],
      ["PATCH", "", { status: "open" }],
    ] as const;
    for (const [method, path, body] of caseChanges) {
      const changed = await h.api(method, `/v1/cases/${herCase.id}${path}`, body);
      expect(changed.status, changed.text).toBeLessThan(300);
    }
    const before = { shop: await results(shop), later: await results(later) };
    expect((before.shop as { overall: { responses: number } }).overall.responses).toBe(2);
    // What the scan finds before, or finding nothing after would prove nothing.
    expect((await holdingHerData()).map((item) => item.type).sort()).toEqual([
      "case",
      "caseEntry",
      "caseEntry",
      "contact",
      "invitation",
      "invitation",
      "purchase",
      "purchase",
      "response",
      "suppression",
    ]);

    const erased = await erase(ANA);
    expect(erased.status, erased.text).toBe(202);
    expect(erased.body).toEqual({
      erased: { purchases: 2, invitations: 2, answers: 1, cases: 1 },
      suppressed: true,
    });

    expect(await holdingHerData()).toEqual([]);
    expect({ shop: await results(shop), later: await results(later) }).toEqual(before);
    for (const campaign of [shop, later]) {
      expect((await reconcileCampaign(h.stores, campaign.id)).differences).toEqual([]);
    }

    // Her links lead nowhere now: no page, no answer, no unsubscribe.
    expect((await fetch(links.survey)).status).toBe(404);
    const late = await postForm(links.survey, { score: "9", comment: "again" });
    expect(late.status).toBe(404);
    expect((await fetch(links.unsubscribe)).status).toBe(404);

    // What is left of her: the purchases and the answer, without her.
    const after = await exportOf(ANA);
    expect(after).toMatchObject({
      email: "ana@example.com",
      suppression: null,
      erasedSuppression: true,
      contact: null,
      purchases: [
        {
          orderId: "L-1",
          name: null,
          properties: {},
          invitations: [{ status: "skipped", skipReason: "erased", sentAt: null, answer: null }],
        },
        {
          orderId: "S-1",
          name: null,
          properties: {},
          erasedAt: expect.any(String),
          invitations: [
            {
              status: "sent",
              erasedAt: expect.any(String),
              answer: { score: 3, csat: 2, attributes: { delivery: 1 }, comment: null },
            },
          ],
        },
      ],
    });

    // Erasing again changes nothing and answers the same.
    const again = await erase(ANA.toLowerCase());
    expect(again.status).toBe(202);
    expect(again.body).toEqual(erased.body);
    expect(await exportOf(ANA)).toEqual(after);

    // Her survey of the later campaign never goes out, and a later purchase of hers is suppressed.
    const sentBefore = (await h.inbox({ to: "ana@example.com" })).length;
    clock.advance({ days: 8 });
    await h.deliver();
    expect(await h.inbox({ to: "ana@example.com" })).toHaveLength(sentBefore);
    expect(await h.postPurchases(shop.id, [{ orderId: "S-9", email: "ANA@example.com" }])).toEqual([
      { orderId: "S-9", status: "suppressed" },
    ]);
    expect({ shop: await results(shop), later: await results(later) }).toEqual(before);
  });

  it("refuses what is not an address", async () => {
    const refused = await erase("ana.example.com");
    expect(refused.status).toBe(400);
    expect(refused.text).toContain("validation_failed");
  });

  it("erases through the Delighted-compatible API, by email or by the person id it gave", async () => {
    const client = delighted(h.apiKey, {
      host: "127.0.0.1",
      port: Number(new URL(h.baseUrl).port),
      scheme: "http",
      base: `/delighted/${later.id}/v1`,
    });
    await client.person.create({
      email: "Cy@Example.com",
      name: "Cy Quartz",
      properties: { region: "east" },
    });
    const di = await client.person.create({ email: "di@example.com", name: "Di Quartz" });
    expect(await client.person.delete({ email: "cy@example.com" })).toEqual({ ok: true });
    expect(await client.person.delete({ id: String(di.id) })).toEqual({ ok: true });
    for (const email of ["cy@example.com", "di@example.com"]) {
      const left = await exportOf(email);
      expect(left.purchases).toMatchObject([{ name: null, properties: {}, erasedAt: expect.any(String) }]);
      expect(left.erasedSuppression).toBe(false);
    }
    expect(
      (await wholeTable()).filter((item) => stringsIn(item).some((text) => /quartz|cy@|di@/i.test(text))),
    ).toEqual([]);
    // An erased person is no longer listed.
    const people = await fetch(`${h.baseUrl}/delighted/${later.id}/v1/people`, {
      headers: { authorization: `Basic ${Buffer.from(`${h.apiKey}:`).toString("base64")}` },
    });
    expect(((await people.json()) as { email: string }[]).map((p) => p.email)).toEqual([]);
    // An id no purchase is linked to (one Delighted gave out, say) is not found.
    await expect(client.person.delete({ id: "12345" })).rejects.toMatchObject({
      type: "GeneralAPIError",
      message: expect.stringContaining('"status":404'),
    });
  });

  it("finds purchases recorded before person links existed once the backfill has run", async () => {
    expect(
      await h.postPurchases(shop.id, [{ orderId: "S-20", email: "eve@example.com", name: "Eve" }]),
    ).toEqual([{ orderId: "S-20", status: "scheduled", sendAt: expect.any(String) }]);
    // Recorded the old way: without its link.
    await h.table.db.send(
      new DeleteCommand({
        TableName: h.table.tableName,
        Key: personLinkKey("eve@example.com", shop.id, "S-20"),
      }),
    );
    expect((await exportOf("eve@example.com")).purchases).toEqual([]);

    const target = ["--endpoint", h.table.endpoint, "--table", h.table.tableName];
    const indexed = await runCli("cli/person.ts", ["index", ...target]);
    expect(indexed.code, indexed.stderr).toBe(0);
    expect(indexed.stdout).toMatch(/linked 1 to their person/);
    const exported = await runCli("cli/person.ts", ["export", "Eve@example.com", ...target]);
    expect(exported.code, exported.stderr).toBe(0);
    expect((JSON.parse(exported.stdout) as PersonExport).purchases.map((p) => p.orderId)).toEqual(["S-20"]);

    const erased = await runCli("cli/person.ts", ["erase", "eve@example.com", ...target]);
    expect(erased.code, erased.stderr).toBe(0);
    expect(JSON.parse(erased.stdout)).toEqual({
      erased: { purchases: 1, invitations: 1, answers: 0, cases: 0 },
      suppressed: false,
    });
    expect(
      (await wholeTable()).filter((item) => stringsIn(item).some((text) => /eve@example\.com/i.test(text))),
    ).toEqual([]);
    // A second run has nothing left to link.
    const again = await runCli("cli/person.ts", ["index", ...target]);
    expect(again.stdout).toMatch(/linked 0 to their person/);
  });
});
