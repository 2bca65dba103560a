import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkAccessibility, launchBrowser } from "../support/browser";
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

/** Asks for a link on the sign-in form, opens it from the inbox and presses its button. */
async function signIn(page: Page, email: string): Promise<void> {
  await page.goto(`${h.baseUrl}/app`);
  await page.getByLabel("Email address").fill(email);
  await Promise.all([page.waitForURL(/\/app\/sign-in$/), page.getByRole("button").click()]);
  await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Check your email");
  const [email0] = await h.inbox({ to: email });
  const link = /https?:\/\/\S+\/app\/sign-in\/[A-Za-z0-9_-]{43}/.exec(email0?.text ?? "")?.[0];
  if (!link) throw new Error(`no sign-in link for ${email}`);
  await page.goto(link);
  await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Sign in to open-nps");
  await Promise.all([
    page.waitForURL(/\/app\/campaigns$/),
    page.getByRole("button", { name: "Sign in" }).click(),
  ]);
}

/** No part of the page is wider than the window (nothing to scroll sideways on a phone). */
async function overflowOf(page: Page): Promise<number> {
  return await page.evaluate(() => {
    const { document, innerWidth } = globalThis as unknown as {
      document: { documentElement: { scrollWidth: number } };
      innerWidth: number;
    };
    return document.documentElement.scrollWidth - innerWidth;
  });
}

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
    await signIn(page, `marketer-${name}@example.com`);
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
      expect(await overflowOf(page), what).toBeLessThanOrEqual(0);
      expect(await page.evaluate(() => (globalThis as { pwned?: number }).pwned), what).toBeUndefined();
    };
    await page.goto(`${h.baseUrl}/app`);
    await audit("sign-in form");
    await page.getByLabel("Email address").fill("not an address");
    await page.getByRole("button").click();
    await page.waitForLoadState("load");
    await audit("sign-in form with an error");
    await signIn(page, `auditor-${name}@example.com`);
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
