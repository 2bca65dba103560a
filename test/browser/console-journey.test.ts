import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Results } from "../../functions/domain/results";
import { checkAccessibility, launchBrowser } from "../support/browser";
import { type DeliveryHarness, startDeliveryHarness } from "../support/delivery-harness";

// A marketer's whole day in the console, in Chromium with JavaScript off, through the real pieces: the
// emailed sign-in link, a campaign made through its form, purchases and answers through the API and
// the survey links, the figures and charts against GET /results, a segment picked, the case a detractor
// opened, a reply that reaches the customer's inbox, and the case resolved. Once in English at desktop
// width and once in Traditional Chinese at phone width; axe on every page on the way.

const JOURNEYS = [
  { locale: "en", width: 1280, campaignName: "Spring orders", owner: "maria@example.com" },
  { locale: "zh-Hant", width: 390, campaignName: "春季訂單 – 台北門市", owner: "mei@example.com" },
] as const;

const STORES = ["taipei", "lisbon"];
/** Scores of the answers, one per purchase: the third is the detractor whose case is worked below. */
const SCORES = [10, 9, 2, 7, 10, 8, 0, 9, 6, 10, 3, 9];
const DETRACTOR_COMMENT = "<b>Late</b> and the box was crushed – 箱子壓壞了";

let h: DeliveryHarness;
let browser: Browser;

beforeAll(async () => {
  h = await startDeliveryHarness({ events: true });
  browser = await launchBrowser();
  for (const journey of JOURNEYS) await h.stores.users.add(journey.owner, "admin", new Date());
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

/** A number as a page shows it: grouping commas dropped, a typographic minus read as one. */
const numberIn = (text: string | null): number =>
  Number.parseFloat((text ?? "").replace(/[−–]/g, "-").replace(/,/g, "").trim());

/** The text of each body cell of the table with this id, row by row. */
async function tableRows(page: Page, id: string): Promise<string[][]> {
  return await page
    .locator(`table#${id} tbody tr`)
    .evaluateAll((rows) =>
      rows.map((row) =>
        Array.from((row as unknown as { cells: ArrayLike<{ textContent: string | null }> }).cells, (cell) =>
          (cell.textContent ?? "").replace(/\s+/g, " ").trim(),
        ),
      ),
    );
}

describe.each(JOURNEYS)("a marketer's day in the console ($locale, $width px)", (journey) => {
  let user: BrowserContext;
  let auditor: BrowserContext;
  let page: Page;
  const audited: string[] = [];

  beforeAll(async () => {
    user = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: journey.width, height: 900 },
      locale: journey.locale,
    });
    page = await user.newPage();
  });
  afterAll(async () => {
    await user?.close();
    await auditor?.close();
  });

  /** axe on the page the marketer is on, in a context sharing their session (axe needs script). */
  async function audit(): Promise<void> {
    if (!auditor) {
      auditor = await browser.newContext({
        bypassCSP: true,
        viewport: { width: journey.width, height: 900 },
      });
      await auditor.addCookies(await user.cookies());
    }
    const copy = await auditor.newPage();
    await copy.goto(page.url());
    expect({ url: page.url(), violations: await checkAccessibility(copy) }).toEqual({
      url: page.url(),
      violations: [],
    });
    const overflow = await copy.evaluate(() => {
      const { document, innerWidth } = globalThis as unknown as {
        document: { documentElement: { scrollWidth: number } };
        innerWidth: number;
      };
      return document.documentElement.scrollWidth - innerWidth;
    });
    expect({ url: page.url(), overflow }).toEqual({ url: page.url(), overflow: 0 });
    audited.push(new URL(page.url()).pathname);
    await copy.close();
  }

  /** Submits the form `form` selects (with its first submit button) and waits for the next page. */
  async function submit(form: string): Promise<void> {
    await Promise.all([
      page.waitForEvent("load"),
      page.locator(`${form} button[type=submit]`).first().click(),
    ]);
  }

  it("signs in through the emailed link, makes a campaign, sees its answers as the API counts them, and closes the loop on a detractor", async () => {
    // Sign in: the form, the link from the SES emulator's inbox, the button on the link's page.
    await page.goto(`${h.baseUrl}/app?lang=${journey.locale}`);
    await audit();
    await page.locator('input[name="email"]').fill(journey.owner);
    await submit('form[action="/app/sign-in"]');
    const [email] = await h.inbox({ to: journey.owner });
    const link = /https?:\/\/\S+\/app\/sign-in\/[A-Za-z0-9_-]{43}/.exec(email?.text ?? "")?.[0];
    expect(link).toBeDefined();
    await page.goto(String(link));
    await audit();
    await submit('form[action^="/app/sign-in/"]');
    expect(new URL(page.url()).pathname).toBe("/app/campaigns");
    await audit();

    // A campaign through its form: due at once, broken down by store, detractors followed up by me.
    await page.goto(`${h.baseUrl}/app/campaigns/new`);
    await audit();
    await page.locator('[name="name"]').fill(journey.campaignName);
    await page.locator('[name="brandName"]').fill("Northwind");
    await page.locator('[name="delayDays"]').fill("0");
    await page.locator('[name="segmentBy"]').fill("store");
    await page.locator('[name="followUp.on"]').check();
    await page.locator('[name="followUp.owners"]').fill(journey.owner);
    await submit('form[action="/app/campaigns"]');
    const campaignId = /\/app\/campaigns\/(cmp_[^/]+)\/edit/.exec(page.url())?.[1] ?? "";
    expect(campaignId).toMatch(/^cmp_/);
    await audit();
    const stored = await h.api<{ name: string; segmentBy: string[]; followUp: { owners: string[] } }>(
      "GET",
      `/v1/campaigns/${campaignId}`,
    );
    expect(stored.body).toMatchObject({
      name: journey.campaignName,
      segmentBy: ["store"],
      followUp: { owners: [journey.owner] },
    });

    // Purchases through the API; the sender mails them; each customer answers from their link.
    const prefix = `${journey.locale}-${campaignId.slice(-6)}`.toLowerCase();
    await h.postPurchases(
      campaignId,
      SCORES.map((_, i) => ({
        orderId: `${prefix}-${i}`,
        email: `customer${i}.${prefix}@example.com`,
        name: `Customer ${i}`,
        properties: { store: STORES[i % STORES.length] ?? "taipei" },
      })),
    );
    await h.deliver();
    const invitations = await h.stores.invitations.getMany(await h.stores.purchases.tokensOf(campaignId));
    expect(invitations.filter((i) => i.sentAt !== null)).toHaveLength(SCORES.length);
    for (const invitation of invitations) {
      const index = Number(invitation.orderId.slice(prefix.length + 1));
      const score = SCORES[index] ?? 10;
      const answered = await fetch(`${h.baseUrl}/s/${invitation.token}`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ score, comment: index === 2 ? DETRACTOR_COMMENT : null }),
      });
      expect(answered.status).toBe(200);
    }
    await h.react();

    // The results page: its figures are GET /results' own, and its charts come with their numbers.
    await page.goto(`${h.baseUrl}/app/campaigns/${campaignId}`);
    await audit();
    const results = (await h.api<Results>("GET", `/v1/campaigns/${campaignId}/results?interval=day`)).body;
    const overall = results.overall;
    expect(overall.responses).toBe(SCORES.length);
    expect(numberIn(await page.locator("#nps").textContent())).toBe(overall.nps);
    const margin = /±\s*([\d.,]+)/.exec((await page.locator("#nps-note").textContent()) ?? "")?.[1];
    expect(numberIn(margin ?? "")).toBe(overall.npsMarginOfError);
    for (const [id, value] of [
      ["responses", overall.responses],
      ["promoters", overall.promoters],
      ["passives", overall.passives],
      ["detractors", overall.detractors],
      ["sent", overall.sent],
    ] as const) {
      expect({ id, shown: numberIn(await page.locator(`#${id}`).textContent()) }).toEqual({
        id,
        shown: value,
      });
    }
    const distribution = await tableRows(page, "distribution-table");
    expect(distribution.map((row) => [numberIn(row[0] ?? ""), numberIn(row[2] ?? "")])).toEqual(
      overall.scores.map((count, score) => [score, count]),
    );
    const trend = await tableRows(page, "trend-table");
    expect(trend.map((row) => numberIn(row[3] ?? ""))).toEqual(results.trend.map((point) => point.responses));
    // Each chart is an image with a text alternative.
    const charts = page.locator("main svg[role=img]");
    expect(await charts.count()).toBeGreaterThanOrEqual(2);
    for (const chart of await charts.all()) {
      const named = (await chart.getAttribute("aria-label")) ?? (await chart.locator("title").textContent());
      expect(named?.length ?? 0).toBeGreaterThan(0);
    }

    // A segment picked: the breakdown by store, each store's figures the API's.
    await page.locator('select[name="segment"]').selectOption("store");
    await submit('form:has(select[name="segment"])');
    expect(new URL(page.url()).searchParams.get("segment")).toBe("store");
    await audit();
    const bySegment = (
      await h.api<Results>("GET", `/v1/campaigns/${campaignId}/results?interval=day&segment=store`)
    ).body;
    const segmentRows = await tableRows(page, "segment-table");
    expect(segmentRows.map((row) => [row[0], numberIn(row[1] ?? "")])).toEqual(
      (bySegment.segments ?? []).map((segment) => [segment.value, segment.responses]),
    );

    // Responses, with the detractor's comment shown as text.
    await page.goto(`${h.baseUrl}/app/campaigns/${campaignId}/responses`);
    await audit();
    await expect(page.locator("main").textContent()).resolves.toContain(DETRACTOR_COMMENT);
    expect(await page.locator("main b").count()).toBe(0);

    // The case the detractors opened, in my inbox; the one with the comment, opened and worked.
    await page.goto(`${h.baseUrl}/app/cases`);
    await audit();
    const cases = page.locator("tbody tr");
    expect(await cases.count()).toBe(SCORES.filter((score) => score <= 6).length);
    await Promise.all([
      page.waitForEvent("load"),
      page.locator("tbody tr", { hasText: "Customer 2" }).locator("a").first().click(),
    ]);
    expect(new URL(page.url()).pathname).toMatch(/^\/app\/cases\/case_/);
    await audit();
    await expect(page.locator("blockquote").textContent()).resolves.toBe(DETRACTOR_COMMENT);

    const reply = journey.locale === "en" ? "Sorry – a new box is on its way." : "很抱歉，新的箱子已寄出。";
    await page.locator('form[action$="/replies"] [name="text"]').fill(reply);
    await submit('form[action$="/replies"]');
    await audit();
    const [replied] = (await h.inbox({ to: `customer2.${prefix}@example.com` })).filter((e) =>
      e.text.includes(reply),
    );

    expect(replied).toBeDefined();
    // Reply-To is the case's owner: what the SES emulator recorded for that message.
    const { emails } = (await (await fetch(`${h.sesUrl}/store`)).json()) as {
      emails: { messageId: string; replyTo?: string[] }[];
    };
    expect(emails.find((e) => e.messageId === replied?.messageId)?.replyTo).toEqual([journey.owner]);

    const resolution = journey.locale === "en" ? "Replaced the box." : "補寄新品。";
    await page.locator('form[action$="/status"] [name="resolution"]').fill(resolution);
    await submit('form:has([name="resolution"])');
    const caseId = /\/app\/cases\/(case_[^/?]+)/.exec(page.url())?.[1] ?? "";
    const worked = await h.api<{ status: string; resolution: string; firstResponseAt: string | null }>(
      "GET",
      `/v1/cases/${caseId}`,
    );
    expect(worked.body).toMatchObject({
      status: "resolved",
      resolution,
      firstResponseAt: expect.any(String),
    });
    await audit();

    expect(audited.length).toBeGreaterThanOrEqual(12);
  }, 240_000);
});
