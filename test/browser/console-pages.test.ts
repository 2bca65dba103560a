import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkAccessibility, launchBrowser } from "../support/browser";
import { horizontalOverflowOf, signInByEmailedLink } from "../support/console-browser";
import { type DeliveryHarness, startDeliveryHarness } from "../support/delivery-harness";

// The console in Chromium, through the real pieces: the sign-in form, the SES emulator's inbox, the
// link's page and its button, the campaigns list, the language switch and sign-out; axe on each page.

const WIDTHS = { desktop: 1280, phone: 390 } as const;
const HOSTILE_NAME = `<img src=x onerror="globalThis.pwned=1"><script>globalThis.pwned=1</script>`;
const CHINESE_NAME = "春季訂單 – 台北門市";

let h: DeliveryHarness;
let browser: Browser;

beforeAll(async () => {
  h = await startDeliveryHarness();
  browser = await launchBrowser();
  for (const width of Object.keys(WIDTHS)) {
    await h.stores.users.add(`marketer-${width}@example.com`, "admin", new Date());
    await h.stores.users.add(`auditor-${width}@example.com`, "admin", new Date());
  }
  await h.createCampaign({ name: "Autumn orders" });
  await h.createCampaign({ name: CHINESE_NAME });
  await h.createCampaign({ name: HOSTILE_NAME });
});

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe.each(Object.entries(WIDTHS))("the console at %s width", (name, width) => {
  let user: BrowserContext;
  let auditor: BrowserContext;

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

  it("signs in by the emailed link, lists the campaigns with their names as text, switches language, signs out", async () => {
    const page = await user.newPage();
    await signInByEmailedLink(page, h, `marketer-${name}@example.com`);
    const rows = page.locator("tbody tr");
    await expect(rows.count()).resolves.toBe(3);
    const names = await page.locator("td.name a").allTextContents();
    expect(names).toEqual([HOSTILE_NAME, CHINESE_NAME, "Autumn orders"]);
    expect(await page.locator("td.name img, td.name script").count()).toBe(0);
    await expect(page.locator('nav[aria-label="Main"] a[aria-current="page"]').textContent()).resolves.toBe(
      "Campaigns",
    );

    await Promise.all([
      page.waitForURL(/lang=zh-Hant/),
      page.getByRole("link", { name: "繁體中文" }).click(),
    ]);
    await expect(page.locator("h1").textContent()).resolves.toBe("問卷活動");
    await page.goto(`${h.baseUrl}/app/users`);
    await expect(page.locator("h1").textContent()).resolves.toBe("使用者");

    await Promise.all([
      page.waitForURL(/\/app\/sign-in\?signed-out/),
      page.getByRole("button", { name: "登出" }).click(),
    ]);
    await expect(page.locator("p.notice").textContent()).resolves.toBe("您已登出。");
    await page.goto(`${h.baseUrl}/app/campaigns`);
    expect(new URL(page.url()).pathname).toBe("/app/sign-in");
  });

  it("has no serious or critical accessibility violations, and nothing wider than the window", async () => {
    const page = await auditor.newPage();
    const audit = async (what: string) => {
      expect(await checkAccessibility(page), what).toEqual([]);
      expect(await horizontalOverflowOf(page), what).toBeLessThanOrEqual(0);
      expect(await page.evaluate(() => (globalThis as { pwned?: number }).pwned), what).toBeUndefined();
    };
    await page.goto(`${h.baseUrl}/app`);
    await audit("sign-in form");
    await page.getByLabel("Email address").fill("not an address");
    await page.getByRole("button").click();
    await page.waitForLoadState("load");
    await audit("sign-in form with an error");
    await signInByEmailedLink(page, h, `auditor-${name}@example.com`);
    await audit("campaigns");
    for (const lang of ["zh-Hant", "zh-Hans"]) {
      await page.goto(`${h.baseUrl}/app/campaigns?lang=${lang}`);
      await audit(`campaigns in ${lang}`);
    }
    await page.goto(`${h.baseUrl}/app/users?lang=en`);
    await audit("users");
    await page.goto(`${h.baseUrl}/app/nowhere`);
    await audit("a page that does not exist");
  });
});
