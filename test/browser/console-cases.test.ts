import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkAccessibility, launchBrowser } from "../support/browser";
import { horizontalOverflowOf, signInByEmailedLink } from "../support/console-browser";
import { type DeliveryHarness, startDeliveryHarness } from "../support/delivery-harness";

// The case inbox and a case's page in Chromium, through the real pieces: a detractor's answer opens a
// case through the table's stream; a marketer signs in by the emailed link, with JavaScript off, opens
// the inbox and the case, adds a note, replies (the email lands in the SES emulator) and resolves it
// (first without saying how: the page comes back with the message). axe on the inbox and the case.

const WIDTHS = { desktop: 1280, phone: 390 } as const;
type Width = keyof typeof WIDTHS;
/** Each width works in one language, so both are walked through. */
const LANGUAGE_OF: Record<Width, "en" | "zh-Hant"> = { desktop: "en", phone: "zh-Hant" };
const HOSTILE_COMMENT = `<img src=x onerror="globalThis.pwned=1"><script>globalThis.pwned=1</script> 箱子壓壞了，很失望`;
const CHINESE_NAME = "陳美玲";

const TEXTS = {
  en: {
    inbox: "Cases",
    note: "Note",
    addNote: "Add note",
    noteAdded: "Note added.",
    message: "Message",
    sendReply: "Send reply",
    replySent: "Reply sent to the customer.",
    resolution: "Resolution",
    resolve: "Resolve case",
    resolutionRequired: "Say what was done before resolving the case.",
    resolved: "Case resolved.",
    resolvedStatus: "Resolved",
    caseTitle: `Case: ${CHINESE_NAME}`,
  },
  "zh-Hant": {
    inbox: "案件",
    note: "備註",
    addNote: "新增備註",
    noteAdded: "已新增備註。",
    message: "內容",
    sendReply: "寄出回覆",
    replySent: "已寄出回覆給顧客。",
    resolution: "處理結果",
    resolve: "結案",
    resolutionRequired: "結案前請說明處理結果。",
    resolved: "案件已結案。",
    resolvedStatus: "已結案",
    caseTitle: `案件：${CHINESE_NAME}`,
  },
} as const;

let h: DeliveryHarness;
let browser: Browser;

/** A campaign whose detractors' cases `owner` owns, and one such answer from `customer`. */
async function openCaseFor(owner: string, customer: string): Promise<void> {
  const campaign = await h.createCampaign({
    name: `Orders of ${owner}`,
    delayDays: 0,
    segmentBy: ["region"],
    followUp: {
      owners: [owner],
      maxScore: 6,
      maxCsat: null,
      targetHours: 24,
      slackWebhookUrl: null,
      only: null,
    },
  });
  await h.postPurchases(campaign.id, [
    { orderId: `order-${owner}`, email: customer, name: CHINESE_NAME, properties: { region: "台北" } },
  ]);
  await h.deliver();
  const [invitation] = await h.inbox({ to: customer });
  if (!invitation) throw new Error(`no survey email to ${customer}`);
  const answered = await fetch(h.linksIn(invitation).survey, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: new URLSearchParams({ score: "1", comment: HOSTILE_COMMENT }),
  });
  expect(answered.status).toBe(200);
}

beforeAll(async () => {
  h = await startDeliveryHarness({ events: true });
  browser = await launchBrowser();
  for (const width of Object.keys(WIDTHS)) {
    await h.stores.users.add(`marketer-${width}@example.com`, "member", new Date());
    await h.stores.users.add(`auditor-${width}@example.com`, "admin", new Date());
    await openCaseFor(`marketer-${width}@example.com`, `customer-${width}@example.com`);
  }
  await h.react();
});

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe.each(Object.entries(WIDTHS) as [Width, number][])("cases at %s width", (name, width) => {
  let user: BrowserContext;
  let auditor: BrowserContext;
  const lang = LANGUAGE_OF[name];
  const t = TEXTS[lang];

  beforeAll(async () => {
    // As a marketer's browser meets the pages: JavaScript off (they need none), their CSP enforced.
    user = await browser.newContext({ javaScriptEnabled: false, viewport: { width, height: 800 } });
    // For axe, which runs as a page script the pages' CSP (rightly) refuses.
    auditor = await browser.newContext({ bypassCSP: true, viewport: { width, height: 800 } });
  });
  afterAll(async () => {
    await user?.close();
    await auditor?.close();
  });

  it(`opens the inbox and the case, notes, replies and resolves it (${lang})`, async () => {
    const page = await user.newPage();
    await signInByEmailedLink(page, h, `marketer-${name}@example.com`);
    await page.goto(`${h.baseUrl}/app/cases?lang=${lang}`);
    await expect(page.locator("h1").textContent()).resolves.toBe(t.inbox);
    await expect(page.locator("tbody tr").count()).resolves.toBe(1);
    expect(await page.locator("tbody img, tbody script").count()).toBe(0);
    await expect(page.locator("tbody").textContent()).resolves.toContain("箱子壓壞了");

    await Promise.all([
      page.waitForURL(/\/app\/cases\/case_[A-Za-z0-9_-]{22}$/),
      page.getByRole("link", { name: CHINESE_NAME }).click(),
    ]);
    const caseUrl = page.url();
    await expect(page.locator("h1").textContent()).resolves.toBe(t.caseTitle);
    await expect(page.locator("blockquote").textContent()).resolves.toBe(HOSTILE_COMMENT);
    expect(await page.locator("main img, main script").count()).toBe(0);
    expect(await horizontalOverflowOf(page)).toBeLessThanOrEqual(0);

    await page.getByLabel(t.note, { exact: true }).fill("Called the courier; 已致電物流。");
    await Promise.all([
      page.waitForURL(/\?done=note$/),
      page.getByRole("button", { name: t.addNote, exact: true }).click(),
    ]);
    await expect(page.locator("p.notice").textContent()).resolves.toBe(t.noteAdded);
    await expect(page.locator("ol.case-timeline").textContent()).resolves.toContain(
      "Called the courier; 已致電物流。",
    );

    await page.getByLabel(t.message, { exact: true }).fill("很抱歉，新的箱子已寄出。");
    await Promise.all([
      page.waitForURL(/\?done=reply$/),
      page.getByRole("button", { name: t.sendReply, exact: true }).click(),
    ]);
    await expect(page.locator("p.notice").textContent()).resolves.toBe(t.replySent);
    const replies = (await h.inbox({ to: `customer-${name}@example.com` })).filter((e) =>
      e.text.includes("新的箱子已寄出"),
    );
    expect(replies).toHaveLength(1);

    // Without a resolution the page comes back with the message by the field.
    await page.getByRole("button", { name: t.resolve, exact: true }).click();
    await page.waitForLoadState("load");
    await expect(page.locator("#resolution-error").textContent()).resolves.toBe(t.resolutionRequired);
    expect(await horizontalOverflowOf(page)).toBeLessThanOrEqual(0);
    await page.getByLabel(t.resolution, { exact: true }).fill("補寄新品，並退還運費。");
    await Promise.all([
      page.waitForURL(/\?done=resolved$/),
      page.getByRole("button", { name: t.resolve, exact: true }).click(),
    ]);
    expect(page.url().startsWith(caseUrl)).toBe(true);
    await expect(page.locator("p.notice").textContent()).resolves.toBe(t.resolved);
    await expect(page.locator(".case-facts .status").textContent()).resolves.toBe(t.resolvedStatus);
    await expect(page.locator("main").textContent()).resolves.toContain("補寄新品，並退還運費。");
  });

  it("has no serious or critical accessibility violations, and nothing wider than the window", async () => {
    const page = await auditor.newPage();
    const audit = async (what: string) => {
      expect(await checkAccessibility(page), what).toEqual([]);
      expect(await horizontalOverflowOf(page), what).toBeLessThanOrEqual(0);
      expect(await page.evaluate(() => (globalThis as { pwned?: number }).pwned), what).toBeUndefined();
    };
    await signInByEmailedLink(page, h, `auditor-${name}@example.com`);
    for (const language of ["en", "zh-Hant"] as const) {
      await page.goto(`${h.baseUrl}/app/cases?lang=${language}`);
      await audit(`empty inbox in ${language}`);
      await page.goto(`${h.baseUrl}/app/cases?view=all&lang=${language}`);
      await audit(`inbox in ${language}`);
      const href = await page.locator("tbody a").first().getAttribute("href");
      await page.goto(`${h.baseUrl}${href}`);
      await audit(`case in ${language}`);
      await page.getByRole("button", { name: TEXTS[language].addNote, exact: true }).click();
      await page.waitForLoadState("load");
      await audit(`case with an error in ${language}`);
    }
  });
});
