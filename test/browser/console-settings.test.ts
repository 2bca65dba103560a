import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Campaign, Locale } from "../../functions/domain/campaign";
import { consoleMessagesFor } from "../../functions/domain/console-messages";
import { settingsMessagesFor } from "../../functions/domain/console-settings-messages";
import { checkAccessibility, launchBrowser } from "../support/browser";
import { horizontalOverflowOf, signInByEmailedLink } from "../support/console-browser";
import { type DeliveryHarness, startDeliveryHarness } from "../support/delivery-harness";
import { type LoopbackReceiver, startLoopbackReceiver } from "../support/loopback-receiver";

// The campaign form, webhook and API key pages in Chromium: used with JavaScript off as a marketer's
// browser meets them (their CSP enforced), and audited by axe in a second context; at a desktop and a
// phone's width, in English and Traditional Chinese.

const WIDTHS = { desktop: 1280, phone: 390 } as const;
const LANGUAGES: readonly Locale[] = ["en", "zh-Hant"];
const HOSTILE = `<img src=x onerror="globalThis.pwned=1"><script>globalThis.pwned=1</script>`;

let h: DeliveryHarness;
let browser: Browser;
let receiver: LoopbackReceiver;

beforeAll(async () => {
  h = await startDeliveryHarness();
  browser = await launchBrowser();
  receiver = await startLoopbackReceiver();
});

afterAll(async () => {
  await browser?.close();
  await receiver?.close();
  await h?.close();
});

/** Signs in through the emailed link, then sets the page language. */
async function signIn(page: Page, email: string, lang: Locale): Promise<void> {
  await h.stores.users.add(email, "admin", new Date());
  await signInByEmailedLink(page, h, email);
  await page.goto(`${h.baseUrl}/app/campaigns?lang=${lang}`);
}

/** Submits the form the button is in, and waits for the page it leads to. */
async function press(page: Page, name: string): Promise<void> {
  await Promise.all([page.waitForEvent("load"), page.getByRole("button", { name, exact: true }).click()]);
}

describe.each(Object.entries(WIDTHS))("the settings pages at %s width", (width, pixels) => {
  describe.each(LANGUAGES)("in %s", (lang) => {
    const m = settingsMessagesFor(lang);
    const cm = consoleMessagesFor(lang);
    let user: BrowserContext;
    let auditor: BrowserContext;
    const visited: string[] = [];

    beforeAll(async () => {
      user = await browser.newContext({ javaScriptEnabled: false, viewport: { width: pixels, height: 800 } });
      auditor = await browser.newContext({ bypassCSP: true, viewport: { width: pixels, height: 800 } });
    });
    afterAll(async () => {
      await user?.close();
      await auditor?.close();
    });

    it("creates a campaign through the form, edits it, pauses it; adds a webhook and an API key", async () => {
      const page = await user.newPage();
      await signIn(page, `settings-${width}-${lang.toLowerCase()}@example.com`, lang);

      await Promise.all([
        page.waitForURL(/\/app\/campaigns\/new$/),
        page.getByRole("link", { name: m.newCampaignLink }).click(),
      ]);
      visited.push(new URL(page.url()).pathname);
      // First with a mistake: the page says so at the field and keeps what was typed.
      await page.getByLabel(m.fields.name.label, { exact: true }).fill(`${HOSTILE} ${width}`);
      await page.getByLabel(m.fields.brandName.label, { exact: true }).fill("Acme 商店");
      await page.getByLabel(m.fields.delayDays.label, { exact: true }).fill("400");
      await page.getByLabel(m.fields["followUp.on"].label, { exact: true }).check();
      await page
        .getByLabel(m.fields["followUp.owners"].label, { exact: true })
        .fill("owner@example.com\nsecond@example.com");
      await press(page, m.createButton);
      await expect(page.locator("#f-delayDays-error").textContent()).resolves.toContain("<=365");
      await expect(page.locator("#f-delayDays").getAttribute("aria-invalid")).resolves.toBe("true");
      await expect(page.locator("#f-name").inputValue()).resolves.toBe(`${HOSTILE} ${width}`);
      await page.getByLabel(m.fields.delayDays.label, { exact: true }).fill("3");
      await press(page, m.createButton);
      expect(page.url()).toMatch(/\/app\/campaigns\/cmp_[A-Za-z0-9_-]{16}\/edit\?notice=created$/);
      await expect(page.locator("p.notice").textContent()).resolves.toBe(m.campaignCreated);
      const id = /cmp_[A-Za-z0-9_-]{16}/.exec(page.url())?.[0] ?? "";
      const created = (await h.api<Campaign>("GET", `/v1/campaigns/${id}`)).body;
      expect(created).toMatchObject({
        name: `${HOSTILE} ${width}`,
        delayDays: 3,
        locale: lang,
        followUp: { owners: ["owner@example.com", "second@example.com"], maxScore: 6, targetHours: 24 },
      });

      await page.getByLabel(m.fields.name.label, { exact: true }).fill(`春季 ${width}`);
      await page.getByLabel(m.fields["followUp.targetHours"].label, { exact: true }).fill("12");
      await press(page, m.saveButton);
      await expect(page.locator("p.notice").textContent()).resolves.toBe(m.campaignSaved);
      await press(page, m.pauseButton);
      await expect(page.locator("p.notice").textContent()).resolves.toBe(m.statusChanged.paused);
      const edited = (await h.api<Campaign>("GET", `/v1/campaigns/${id}`)).body;
      expect(edited).toMatchObject({
        name: `春季 ${width}`,
        status: "paused",
        followUp: { targetHours: 12 },
      });
      visited.push(`/app/campaigns/${id}/edit`);

      await page.getByRole("link", { name: cm.navWebhooks, exact: true }).click();
      await page.waitForURL(/\/app\/webhooks$/);
      await page.getByLabel(m.urlLabel, { exact: true }).fill(receiver.url);
      await page.getByLabel(m.eventNames["response.created"]).check();
      await page.getByLabel(m.descriptionLabel).fill(`CRM ${HOSTILE}`);
      await press(page, m.addWebhookButton);
      await expect(page.locator("h1").textContent()).resolves.toBe(m.webhookCreatedTitle);
      await expect(page.getByLabel(m.secretLabel, { exact: true }).inputValue()).resolves.toMatch(/^whsec_/);
      await Promise.all([
        page.waitForURL(/\/app\/webhooks\/wh_/),
        page.getByRole("link", { name: m.openWebhook }).click(),
      ]);
      visited.push(new URL(page.url()).pathname, `${new URL(page.url()).pathname}/delete`, "/app/webhooks");
      const before = receiver.received.length;
      await press(page, m.testButton);
      expect(receiver.received.length).toBe(before + 1);
      await expect(page.locator("p.notice").textContent()).resolves.toBe(m.testDelivered("200"));
      await expect(page.locator("table.deliveries tbody tr").count()).resolves.toBe(1);

      await page.getByRole("link", { name: cm.navApiKeys, exact: true }).click();
      await page.waitForURL(/\/app\/api-keys$/);
      await page.getByLabel(m.keyNameLabel, { exact: true }).fill(`Shop ${width} 網店`);
      await press(page, m.createKeyButton);
      const key = await page.getByLabel(m.keyLabel, { exact: true }).inputValue();
      expect(key).toMatch(/^nps_[0-9a-f]{16}_/);
      const call = await fetch(`${h.baseUrl}/v1/campaigns`, { headers: { authorization: `Bearer ${key}` } });
      expect(call.status).toBe(200);
      visited.push("/app/api-keys");
      expect(await page.evaluate(() => (globalThis as { pwned?: number }).pwned)).toBeUndefined();
    });

    it("has no serious or critical accessibility violations, and nothing wider than the window", async () => {
      const page = await auditor.newPage();
      await signIn(page, `auditor-${width}-${lang.toLowerCase()}@example.com`, lang);
      const audit = async (what: string) => {
        expect(await checkAccessibility(page), what).toEqual([]);
        expect(await horizontalOverflowOf(page), what).toBeLessThanOrEqual(0);
        expect(await page.evaluate(() => (globalThis as { pwned?: number }).pwned), what).toBeUndefined();
      };
      await audit("campaigns list");
      for (const path of visited) {
        await page.goto(`${h.baseUrl}${path}`);
        await audit(path);
      }
      // The pages with errors and with a secret on them.
      await page.goto(`${h.baseUrl}/app/campaigns/new`);
      await page.getByLabel(m.fields.name.label, { exact: true }).fill("");
      await page.getByLabel(m.fields["followUp.on"].label, { exact: true }).check();
      await page.getByLabel(m.fields["followUp.owners"].label, { exact: true }).fill("not-an-email");
      await press(page, m.createButton);
      await audit("campaign form with errors");
      await page.goto(`${h.baseUrl}/app/webhooks`);
      await page.getByLabel(m.urlLabel, { exact: true }).fill("ftp://example.com");
      await press(page, m.addWebhookButton);
      await audit("webhook form with errors");
      await page.getByLabel(m.urlLabel, { exact: true }).fill(receiver.url);
      await page.getByLabel(m.eventNames["case.opened"]).check();
      await press(page, m.addWebhookButton);
      await audit("webhook created");
      await page.goto(`${h.baseUrl}/app/api-keys`);
      await press(page, m.createKeyButton);
      await audit("API key form with an error");
      await page.getByLabel(m.keyNameLabel, { exact: true }).fill("Audit 稽核");
      await press(page, m.createKeyButton);
      await audit("API key created");
    });
  });
});
