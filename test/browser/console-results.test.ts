import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Campaign } from "../../functions/domain/campaign";
import { checkAccessibility, launchBrowser } from "../support/browser";
import { horizontalOverflowOf, signInByEmailedLink } from "../support/console-browser";
import { type DeliveryHarness, manualClock, startDeliveryHarness } from "../support/delivery-harness";

// A campaign's results and responses pages in Chromium: JavaScript off as a marketer's browser may
// have it, at desktop and phone widths, in English and Traditional Chinese; axe on each page (in a
// context that lets its script run), nothing wider than the window, hostile values shown as text.

const WIDTHS = { desktop: 1280, phone: 390 } as const;
const HOSTILE = `<img src=x onerror="globalThis.pwned=1"><script>globalThis.pwned=1</script>`;
const REGIONS = ["north", "台北市信義區忠孝東路五段門市", HOSTILE] as const;
const DAY = "2026-11-02";

let h: DeliveryHarness;
let browser: Browser;
let campaign: Campaign;
const clock = manualClock(`${DAY}T08:00:00.000Z`);

beforeAll(async () => {
  h = await startDeliveryHarness({ clock: clock.now });
  browser = await launchBrowser();
  for (const width of Object.keys(WIDTHS)) {
    await h.stores.users.add(`reader-${width}@example.com`, "member", clock.now());
    await h.stores.users.add(`auditor-${width}@example.com`, "admin", clock.now());
  }
  campaign = await h.createCampaign({
    name: `秋季訂單 ${HOSTILE}`,
    delayDays: 0,
    segmentBy: ["region"],
    attributes: [
      { key: "delivery", label: "Delivery" },
      { key: "price", label: "價格" },
    ],
  });
  const people = Array.from({ length: 12 }, (_, i) => ({
    i,
    email: `b${i}@example.com`,
    region: REGIONS[i % 3],
  }));
  await h.postPurchases(
    campaign.id,
    people.map((p) => ({ orderId: `o-${p.i}`, email: p.email, properties: { region: p.region ?? "" } })),
  );
  await h.deliver();
  clock.set(`${DAY}T12:00:00.000Z`);
  for (const p of people) {
    const [email] = await h.inbox({ to: p.email });
    if (!email) throw new Error(`no email for ${p.email}`);
    const response = await fetch(h.linksIn(email).survey, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams({
        score: String((p.i * 5) % 11),
        csat: String(1 + (p.i % 5)),
        "attr.delivery": String(1 + (p.i % 5)),
        "attr.price": String(1 + ((p.i * 2) % 5)),
        comment:
          p.i % 2 === 0
            ? `很滿意，下次再來！${HOSTILE}`
            : "A very long comment without spaces: ".concat("x".repeat(300)),
      }),
    });
    expect(response.status).toBe(200);
  }
  clock.set(`${DAY}T18:00:00.000Z`);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe.each(Object.entries(WIDTHS))("results and responses at %s width", (name, width) => {
  let reader: BrowserContext;
  let auditor: BrowserContext;
  const results = () => `${h.baseUrl}/app/campaigns/${campaign.id}`;

  beforeAll(async () => {
    reader = await browser.newContext({ javaScriptEnabled: false, viewport: { width, height: 800 } });
    auditor = await browser.newContext({ bypassCSP: true, viewport: { width, height: 800 } });
  });
  afterAll(async () => {
    await reader?.close();
    await auditor?.close();
  });

  it("opens a campaign from the list, filters by region and week, and reads its responses, without JavaScript", async () => {
    const page = await reader.newPage();
    await signInByEmailedLink(page, h, `reader-${name}@example.com`);
    await Promise.all([page.waitForURL(/\/app\/campaigns\/cmp_/), page.locator("td.name a").first().click()]);
    await expect(page.locator("h1 .campaign-name").textContent()).resolves.toBe(`秋季訂單 ${HOSTILE}`);
    await expect(page.locator("#responses").textContent()).resolves.toBe("12");
    await expect(page.locator('svg[role="img"]').count()).resolves.toBeGreaterThanOrEqual(2);

    await page.getByLabel("From", { exact: true }).fill("2026-10-20");
    await page.getByLabel("Trend by").selectOption("week");
    await page.getByLabel("Break down by").selectOption("region");
    await Promise.all([
      page.waitForURL(/segment=region/),
      page.getByRole("button", { name: "Show results" }).click(),
    ]);
    expect(new URL(page.url()).searchParams.get("interval")).toBe("week");
    const values = await page.locator("#segment-table tbody th").allTextContents();
    expect(values.sort()).toEqual([...REGIONS].map((r) => r.toLowerCase()).sort());
    expect(await page.locator("#segment-table img, #segment-table script").count()).toBe(0);

    await Promise.all([
      page.waitForURL(/\/responses/),
      page
        .getByRole("navigation", { name: "Campaign pages" })
        .getByRole("link", { name: "Responses" })
        .click(),
    ]);
    await expect(page.locator("li.response").count()).resolves.toBe(12);
    await page.getByLabel("Scores").selectOption("detractors");
    await Promise.all([
      page.waitForURL(/group=detractors/),
      page.getByRole("button", { name: "Show responses" }).click(),
    ]);
    const scores = await page.locator("li.response .score strong").allTextContents();
    expect(scores.length).toBeGreaterThan(0);
    for (const score of scores) expect(Number(score.replace("Score ", ""))).toBeLessThanOrEqual(6);
    await expect(page.locator("#download-csv").getAttribute("href")).resolves.toBe(
      `/app/campaigns/${campaign.id}/responses.csv?group=detractors`,
    );

    await Promise.all([
      page.waitForURL(/lang=zh-Hant/),
      page.getByRole("link", { name: "繁體中文" }).click(),
    ]);
    await expect(page.locator("#responses-filter-heading").textContent()).resolves.toBe("篩選回覆");
    await expect(page.locator("#download-csv").textContent()).resolves.toBe("下載 CSV");
  });

  it("has no serious or critical accessibility violations, nothing wider than the window, no injected script", async () => {
    const page = await auditor.newPage();
    await signInByEmailedLink(page, h, `auditor-${name}@example.com`);
    const audit = async (path: string) => {
      await page.goto(`${results()}${path}`);
      expect(await checkAccessibility(page), path).toEqual([]);
      expect(await horizontalOverflowOf(page), path).toBeLessThanOrEqual(0);
      expect(await page.evaluate(() => (globalThis as { pwned?: number }).pwned), path).toBeUndefined();
    };
    for (const lang of ["en", "zh-Hant"]) {
      await audit(`?lang=${lang}`);
      await audit(`?lang=${lang}&from=2026-10-01&to=${DAY}&interval=week&segment=region&compare=previous`);
      await audit(`/responses?lang=${lang}`);
      await audit(`/responses?lang=${lang}&group=promoters`);
    }
    await audit("?lang=en&from=2026-01-01&to=2026-01-31");
    await audit("?lang=en&from=2026-13-45");
    await audit("/responses?lang=en&from=2026-02-30");
  });
});
