import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Locale } from "../../functions/domain/campaign";
import { messagesFor } from "../../functions/domain/messages";
import { checkAccessibility, launchBrowser } from "../support/browser";
import {
  type DeliveryHarness,
  type EmailLinks,
  manualClock,
  startDeliveryHarness,
} from "../support/delivery-harness";

// From the purchase to the stored answer, through the real pieces: the API, the delivery loop, the SES
// emulator's inbox, and the customer pages in Chromium.

type LocaleCase = { name: string; attributeLabel: string; comment: string };

const CASES: Record<Locale, LocaleCase> = {
  en: { name: "Ann Lee", attributeLabel: "Delivery", comment: "Fast delivery & <great> service" },
  "zh-Hant": { name: "陳大文", attributeLabel: "送貨", comment: "送貨很快，謝謝！" },
  "zh-Hans": { name: "王小明", attributeLabel: "送货", comment: "送货很快，谢谢！" },
};
const LOCALES = Object.keys(CASES) as Locale[];

let harness: DeliveryHarness;
let browser: Browser;
/** As a customer's browser meets the pages: JavaScript off (they need none), their CSP enforced. */
let customer: BrowserContext;
/** For axe: it runs as a page script, which the pages' CSP (rightly) refuses. */
let auditor: BrowserContext;

beforeAll(async () => {
  harness = await startDeliveryHarness();
  browser = await launchBrowser();
  customer = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 375, height: 740 } });
  auditor = await browser.newContext({ bypassCSP: true, viewport: { width: 375, height: 740 } });
});

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

/** A campaign with one purchase in `locale`, delivered: the email it produced and its links. */
async function invite(locale: Locale, label: string) {
  const { name, attributeLabel } = CASES[locale];
  const email = `${label}-${locale.toLowerCase()}@example.com`;
  // The campaign's own locale is English: the purchase's locale must win.
  const campaign = await harness.createCampaign({
    name: `E2E ${label} ${locale}`,
    brandName: "Acme",
    delayDays: 0,
    csat: true,
    attributes: [{ key: "delivery", label: attributeLabel }],
  });
  const results = await harness.postPurchases(campaign.id, [
    { orderId: `order-${label}-${locale}`, email, name, locale },
  ]);
  expect(results).toEqual([expect.objectContaining({ status: "scheduled" })]);
  await harness.deliver();
  const inbox = await harness.inbox({ to: email });
  expect(inbox).toHaveLength(1);
  const [message] = inbox;
  if (!message) throw new Error("no email");
  return { address: email, message, links: harness.linksIn(message) };
}

async function open(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  const response = await page.goto(url);
  expect(response?.status(), url).toBe(200);
  return page;
}

/** Submits the page's form and waits for the page the POST answers with. */
async function submit(page: Page, action: string): Promise<void> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url() === action && r.request().method() === "POST"),
    page.locator('button[type="submit"]').click(),
  ]);
  expect(response.status()).toBe(200);
  await page.waitForURL(action);
}

async function expectAccessible(page: Page, what: string): Promise<void> {
  expect(await checkAccessibility(page), what).toEqual([]);
}

function expectLinksOnHarness(links: EmailLinks): void {
  for (const link of links.all) expect(link.startsWith(`${harness.baseUrl}/`), link).toBe(true);
}

describe.each(LOCALES)("survey by email (%s)", (locale) => {
  const text = messagesFor(locale);
  const { name, comment } = CASES[locale];

  it("is answered from the email's score link and stored", async () => {
    const { message, links } = await invite(locale, "answer");
    expect(message.text).toContain(name);
    expect(message.html).toContain(`lang="${locale}"`);
    expectLinksOnHarness(links);
    expect(links.scores[9]).toBe(`${links.survey}?score=9`);

    const page = await open(customer, links.scores[9] ?? "");
    expect(await page.locator("html").getAttribute("lang")).toBe(locale);
    expect(await page.locator("#score-9").isChecked()).toBe(true);
    expect(await page.locator('input[name="score"]:checked').count()).toBe(1);
    expect(await page.locator("legend").first().textContent()).toBe(text.npsQuestion("Acme"));
    // Opening the link records nothing.
    expect(await harness.stores.responses.get(links.token)).toBeUndefined();

    await page.locator("#csat-4").check();
    await page.locator("#attr-delivery-5").check();
    expect(await page.locator("#csat-4").isChecked()).toBe(true);
    expect(await page.locator("#attr-delivery-5").isChecked()).toBe(true);
    await page.locator("#comment").fill(comment);
    await submit(page, links.survey);

    expect(await page.locator("html").getAttribute("lang")).toBe(locale);
    expect(await page.locator("h1").textContent()).toBe(text.thanksTitle);
    await page.close();

    expect(await harness.stores.responses.get(links.token)).toMatchObject({
      score: 9,
      csat: 4,
      attributes: { delivery: 5 },
      comment,
    });
  });

  it("has no serious or critical accessibility violations on the survey and thank-you pages", async () => {
    const { links } = await invite(locale, "a11y");
    const page = await open(auditor, links.scores[9] ?? "");
    await expectAccessible(page, "survey page");
    await page.locator("#csat-5").check();
    await submit(page, links.survey);
    expect(await page.locator("h1").textContent()).toBe(text.thanksTitle);
    await expectAccessible(page, "thank-you page");
    await page.close();
  });

  it("opens an answered survey again as an edit, with the answer filled in", async () => {
    const { links } = await invite(locale, "edit");
    const first = await open(customer, links.scores[9] ?? "");
    await first.locator("#csat-4").check();
    await first.locator("#attr-delivery-5").check();
    await first.locator("#comment").fill(comment);
    await submit(first, links.survey);
    await first.close();

    // The plain survey link (no score) shows what was stored.
    const page = await open(customer, links.survey);
    expect(await page.locator("#score-9").isChecked()).toBe(true);
    expect(await page.locator("#csat-4").isChecked()).toBe(true);
    expect(await page.locator("#attr-delivery-5").isChecked()).toBe(true);
    expect(await page.locator("#comment").inputValue()).toBe(comment);
    expect(await page.locator('button[type="submit"]').textContent()).toBe(text.updateButton);

    // A different score from the email edits the answer: one response, new score.
    await page.locator("#score-6").check();
    await submit(page, links.survey);
    expect(await page.locator("h1").textContent()).toBe(text.thanksTitle);
    await page.close();
    expect(await harness.stores.responses.get(links.token)).toMatchObject({
      score: 6,
      csat: 4,
      attributes: { delivery: 5 },
      comment,
    });
  });

  it("unsubscribes only when the confirm button is pressed, not when the link is opened", async () => {
    const { address, message, links } = await invite(locale, "unsubscribe");
    expect(message.headers["list-unsubscribe"]).toBe(`<${links.unsubscribe}>`);
    expect(message.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");

    const page = await open(customer, links.unsubscribe);
    expect(await page.locator("html").getAttribute("lang")).toBe(locale);
    expect(await page.locator("h1").textContent()).toBe(text.unsubscribeTitle);
    expect(await harness.stores.invitations.isSuppressed(address)).toBe(false);
    expect((await harness.stores.invitations.get(links.token))?.unsubscribedAt).toBeNull();

    await Promise.all([
      page.waitForResponse((r) => r.url() === links.unsubscribe && r.request().method() === "POST"),
      page.locator("button").click(),
    ]);
    await page.waitForLoadState();
    expect(await page.locator("h1").textContent()).toBe(text.unsubscribedTitle);
    await page.close();
    expect(await harness.stores.invitations.isSuppressed(address)).toBe(true);
  });

  it("has no serious or critical accessibility violations on the unsubscribe pages", async () => {
    const { links } = await invite(locale, "unsubscribe-a11y");
    const page = await open(auditor, links.unsubscribe);
    await expectAccessible(page, "unsubscribe confirm page");
    await Promise.all([
      page.waitForResponse((r) => r.url() === links.unsubscribe && r.request().method() === "POST"),
      page.locator("button").click(),
    ]);
    await page.waitForLoadState();
    expect(await page.locator("h1").textContent()).toBe(text.unsubscribedTitle);
    await expectAccessible(page, "unsubscribed page");
    await page.close();
  });
});

describe("on a phone, and after unsubscribing", () => {
  it.each([390, 320])(
    "keeps the 0–10 scale on one row, in order, each choice big enough to tap (%ipx)",
    async (width) => {
      const { links } = await invite("en", `row${width}`);
      const context = await browser.newContext({
        javaScriptEnabled: false,
        viewport: { width, height: 800 },
      });
      try {
        const page = await open(context, links.scores[0] ?? "");
        const boxes = [];
        for (let score = 0; score <= 10; score++) {
          const box = await page.locator(`label[for="score-${score}"]`).boundingBox();
          if (!box) throw new Error(`no label for score ${score}`);
          boxes.push(box);
        }
        for (const [index, box] of boxes.entries()) {
          expect(box.y, `score ${index} on the first row`).toBe(boxes[0]?.y);
          if (index > 0)
            expect(box.x, `score ${index} right of ${index - 1}`).toBeGreaterThan(boxes[index - 1]?.x ?? 0);
          // WCAG 2.2 target size (minimum): 24 × 24 CSS pixels.
          expect(box.width).toBeGreaterThanOrEqual(24);
          expect(box.height).toBeGreaterThanOrEqual(44);
        }
        const scrollWidth = await page.evaluate("document.documentElement.scrollWidth");
        expect(scrollWidth).toBeLessThanOrEqual(width);
      } finally {
        await context.close();
      }
    },
  );

  it("says the address is unsubscribed when the link is opened again, and resubscribes it on the button", async () => {
    const { address, links } = await invite("zh-Hant", "resubscribe");
    const text = messagesFor("zh-Hant");
    const page = await open(customer, links.unsubscribe);
    await Promise.all([page.waitForURL(links.unsubscribe), page.locator("button").click()]);
    expect(await page.locator("h1").textContent()).toBe(text.unsubscribedTitle);

    // Later, from the same email: no "press the button below" for an address already unsubscribed.
    const again = await open(customer, links.unsubscribe);
    expect(await again.locator("h1").textContent()).toBe(text.unsubscribedTitle);
    expect(await again.locator("button").textContent()).toBe(text.resubscribeButton);
    const resubscribeUrl = `${links.unsubscribe}/resubscribe`;
    await Promise.all([again.waitForURL(resubscribeUrl), again.locator("button").click()]);
    expect(await again.locator("h1").textContent()).toBe(text.resubscribedTitle);
    expect(await harness.stores.invitations.isSuppressed(address)).toBe(false);
    await again.close();
    await page.close();

    const campaign = await harness.createCampaign({ delayDays: 0, throttleDays: 0 });
    const [later] = await harness.postPurchases(campaign.id, [
      { orderId: "after-resubscribe", email: address },
    ]);
    expect(later?.status).toBe("scheduled");
  });
});

describe("a campaign's own texts, link and colours", () => {
  it("labels the ratings in the customer's language and offers a promoter the campaign's link, accessibly in its colours", async () => {
    const campaign = await harness.createCampaign({
      name: "Branded",
      brandName: "Acme",
      delayDays: 0,
      attributes: [{ key: "delivery", label: { en: "Delivery", "zh-Hant": "送貨速度" } }],
      promoterLink: {
        url: "https://reviews.example.com/acme",
        label: { en: "Review us", "zh-Hant": "給我們評價" },
      },
      thankYouNote: { en: "We read every answer." },
      accentColor: "#0f6b3a",
    });
    const address = "branded-zh@example.com";
    await harness.postPurchases(campaign.id, [{ orderId: "branded-1", email: address, locale: "zh-Hant" }]);
    await harness.deliver();
    const [message] = await harness.inbox({ to: address });
    if (!message) throw new Error("no email");
    const links = harness.linksIn(message);

    const page = await open(auditor, links.scores[10] ?? "");
    expect(await page.locator("#attr-delivery legend").textContent()).toBe("送貨速度");
    // The colour reaches the page through its own stylesheet, which the CSP allows by hash.
    expect(await page.evaluate("getComputedStyle(document.querySelector('button')).backgroundColor")).toBe(
      "rgb(15, 107, 58)",
    );
    await expectAccessible(page, "branded survey page");
    await page.locator("#attr-delivery-5").check();
    await submit(page, links.survey);
    const next = page.getByRole("link", { name: "給我們評價" });
    expect(await next.getAttribute("href")).toBe("https://reviews.example.com/acme");
    await expectAccessible(page, "branded thank-you page");
    await page.close();
  });
});

describe("the SES emulator's inbox viewer (the README's walk-through)", () => {
  it("opens a score clicked in the viewed email in a window of its own, with that score chosen", async () => {
    const { message, links } = await invite("en", "inbox");
    // The viewer is a page of scripts; it shows an email's HTML inside a frame of its own.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const viewer = await context.newPage();
      await viewer.goto(harness.sesUrl);
      await viewer.locator(`button[onclick="toggle('${message.messageId}-html')"]`).click();
      const email = viewer.frameLocator(`iframe[id="${message.messageId}-html-iframe"]`);
      const [survey] = await Promise.all([
        context.waitForEvent("page"),
        email.getByRole("link", { name: "9", exact: true }).click(),
      ]);
      await survey.waitForLoadState();
      expect(survey.url()).toBe(links.scores[9]);
      expect(await survey.locator("#score-9").isChecked()).toBe(true);
    } finally {
      await context.close();
    }
  });
});

describe("after the email, as time passes", () => {
  const clock = manualClock("2026-03-02T09:00:00.000Z");
  let timed: DeliveryHarness;

  beforeAll(async () => {
    timed = await startDeliveryHarness({ clock: clock.now });
  });
  afterAll(async () => timed?.close());

  async function inviteWithReminder(label: string) {
    const address = `${label}@example.com`;
    const campaign = await timed.createCampaign({ delayDays: 0, reminderDays: 2 });
    await timed.postPurchases(campaign.id, [{ orderId: `order-${label}`, email: address }]);
    await timed.deliver();
    const [message] = await timed.inbox({ to: address });
    if (!message) throw new Error("no email");
    return { address, links: timed.linksIn(message) };
  }

  /** Answers as the page's form does (a plain form post); the answer is recorded at the harness clock. */
  async function answer(links: EmailLinks, score: number): Promise<void> {
    const response = await fetch(links.survey, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ score: String(score) }),
    });
    expect(response.status).toBe(200);
  }

  it("reminds once who has not answered", async () => {
    const { address } = await inviteWithReminder("unanswered");
    clock.advance({ days: 1 });
    await timed.deliver();
    expect(await timed.inbox({ to: address })).toHaveLength(1);
    clock.advance({ days: 1, minutes: 1 });
    await timed.deliver();
    await timed.deliver();
    const inbox = await timed.inbox({ to: address });
    expect(inbox.map((m) => m.subject)).toEqual([
      messagesFor("en").emailSubject("Acme"),
      messagesFor("en").emailReminderSubject("Acme"),
    ]);
  });

  // Reminders are decided on the invitation's answeredAt: the answer must be recorded there.
  it("does not remind who has answered", async () => {
    const { address, links } = await inviteWithReminder("answered");
    await answer(links, 10);
    expect((await timed.stores.invitations.get(links.token))?.answeredAt).toBe(clock.now().toISOString());
    clock.advance({ days: 3 });
    await timed.deliver();
    expect(await timed.inbox({ to: address })).toHaveLength(1);
  });

  it("records on the invitation when it was unsubscribed", async () => {
    const { address, links } = await inviteWithReminder("unsubscribed");
    const response = await fetch(links.unsubscribe, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(response.status).toBe(200);
    expect(await timed.stores.invitations.isSuppressed(address)).toBe(true);
    expect((await timed.stores.invitations.get(links.token))?.unsubscribedAt).toBe(clock.now().toISOString());
  });
});
