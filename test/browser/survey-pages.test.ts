import { Hono } from "hono";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Locale } from "../../functions/domain/campaign";
import {
  renderMessagePage,
  renderSurveyPage,
  renderThankYouPage,
  renderUnsubscribeConfirmPage,
  renderUnsubscribedPage,
  type SurveyFieldError,
  type SurveyPageText,
} from "../../functions/http/survey-pages";
import { checkAccessibility, launchBrowser } from "../support/browser";
import { type RunningServer, startServer } from "../support/http-server";

// Sample texts: the real, reviewed messages live in functions/domain/messages.ts.
const TEXTS: Record<Locale, SurveyPageText> = {
  en: {
    title: "Your feedback",
    question: "How likely are you to recommend {brand} to a friend or colleague?",
    scoreLowLabel: "Not at all likely",
    scoreHighLabel: "Extremely likely",
    csatQuestion: "Overall, how satisfied are you with your purchase?",
    csatLabels: ["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"],
    attributeQuestion: "How would you rate {brand} on each of these?",
    attributeLabels: ["Very poor", "Poor", "Fair", "Good", "Excellent"],
    commentLabel: "Anything you would like to tell us? (optional)",
    submit: "Send feedback",
    update: "Update feedback",
    thankYouTitle: "Thank you!",
    thankYouBody: "Your feedback helps {brand} get better.",
    expiredTitle: "This survey has closed",
    expiredBody: "Answers to this survey are no longer accepted. Thank you for your interest.",
    notFoundTitle: "This link is not valid",
    notFoundBody: "Please check that you opened the whole link from the email.",
    unsubscribeConfirmTitle: "Unsubscribe from surveys",
    unsubscribeConfirmBody: "Do you want to stop receiving survey emails from {brand}?",
    unsubscribeButton: "Unsubscribe",
    unsubscribedTitle: "You are unsubscribed",
    unsubscribedBody: "{brand} will not send you survey emails any more.",
    resubscribeHint: "Unsubscribed by mistake?",
    resubscribeButton: "Resubscribe",
    scoreError: "Please choose a score from 0 to 10.",
    commentTooLongError: "Your comment is too long: please keep it under 5000 characters.",
  },
  "zh-Hant": {
    title: "您的意見",
    question: "您有多大可能向朋友或同事推薦{brand}？",
    scoreLowLabel: "完全不可能",
    scoreHighLabel: "極有可能",
    csatQuestion: "整體而言，您對這次購物的滿意程度如何？",
    csatLabels: ["非常不滿意", "不滿意", "普通", "滿意", "非常滿意"],
    attributeQuestion: "請為{brand}的以下各項評分：",
    attributeLabels: ["非常差", "差", "普通", "好", "非常好"],
    commentLabel: "還有什麼想告訴我們的嗎？（選填）",
    submit: "送出意見",
    update: "更新意見",
    thankYouTitle: "謝謝您！",
    thankYouBody: "您的意見能幫助{brand}做得更好。",
    expiredTitle: "此問卷已結束",
    expiredBody: "此問卷已不再接受回覆。感謝您的關注。",
    notFoundTitle: "此連結無效",
    notFoundBody: "請確認您開啟的是電子郵件中的完整連結。",
    unsubscribeConfirmTitle: "取消訂閱問卷",
    unsubscribeConfirmBody: "您確定不再接收{brand}的問卷電子郵件嗎？",
    unsubscribeButton: "取消訂閱",
    unsubscribedTitle: "您已取消訂閱",
    unsubscribedBody: "{brand}將不再寄送問卷電子郵件給您。",
    resubscribeHint: "不小心取消了嗎？",
    resubscribeButton: "重新訂閱",
    scoreError: "請選擇 0 到 10 的分數。",
    commentTooLongError: "您的意見太長了，請少於 5000 個字元。",
  },
  "zh-Hans": {
    title: "您的意见",
    question: "您有多大可能向朋友或同事推荐{brand}？",
    scoreLowLabel: "完全不可能",
    scoreHighLabel: "极有可能",
    csatQuestion: "总体而言，您对这次购物的满意程度如何？",
    csatLabels: ["非常不满意", "不满意", "一般", "满意", "非常满意"],
    attributeQuestion: "请为{brand}的以下各项评分：",
    attributeLabels: ["非常差", "差", "一般", "好", "非常好"],
    commentLabel: "还有什么想告诉我们的吗？（选填）",
    submit: "提交意见",
    update: "更新意见",
    thankYouTitle: "谢谢您！",
    thankYouBody: "您的意见能帮助{brand}做得更好。",
    expiredTitle: "此问卷已结束",
    expiredBody: "此问卷已不再接受回复。感谢您的关注。",
    notFoundTitle: "此链接无效",
    notFoundBody: "请确认您打开的是电子邮件中的完整链接。",
    unsubscribeConfirmTitle: "退订问卷",
    unsubscribeConfirmBody: "您确定不再接收{brand}的问卷电子邮件吗？",
    unsubscribeButton: "退订",
    unsubscribedTitle: "您已退订",
    unsubscribedBody: "{brand}将不再向您发送问卷电子邮件。",
    resubscribeHint: "误点了退订？",
    resubscribeButton: "重新订阅",
    scoreError: "请选择 0 到 10 的分数。",
    commentTooLongError: "您的意见太长了，请少于 5000 个字符。",
  },
};

const LOCALES = Object.keys(TEXTS) as Locale[];
const ATTRIBUTE_LABELS: Record<Locale, [string, string]> = {
  en: ["Product quality", "Delivery"],
  "zh-Hant": ["產品品質", "送貨"],
  "zh-Hans": ["产品质量", "送货"],
};

const HOSTILE_BRAND = `<img src=x onerror="globalThis.pwned=1">Acme "&amp; $& Co'</title><script>globalThis.pwned=1</script>`;
const HOSTILE_COMMENT = `</textarea><script>globalThis.pwned=2</script><b>bold</b> &lt; "quoted"`;
const LONG_BRAND = "Supercalifragilisticexpialidocious-Unbreakable-Brand-Name-Without-Spaces";

/** What the test app received: one entry per POST. */
const posts: { path: string; form: Record<string, string> }[] = [];

function localeOf(query: string | undefined): Locale {
  return LOCALES.find((l) => l === query) ?? "en";
}

function surveyPage(locale: Locale, overrides: Partial<Parameters<typeof renderSurveyPage>[0]> = {}): string {
  const [product, delivery] = ATTRIBUTE_LABELS[locale];
  return renderSurveyPage({
    locale,
    text: TEXTS[locale],
    brandName: "Acme",
    actionUrl: "/s/token-1",
    selectedScore: null,
    csat: { enabled: true, selected: null },
    attributes: [
      { key: "product", label: product, selected: null },
      { key: "delivery", label: delivery, selected: null },
    ],
    comment: "",
    errors: [],
    isEdit: false,
    ...overrides,
  });
}

function errorsPage(locale: Locale): string {
  const errors: SurveyFieldError[] = [
    { field: "score", message: TEXTS[locale].scoreError },
    { field: "comment", message: TEXTS[locale].commentTooLongError },
  ];
  return surveyPage(locale, {
    selectedScore: null,
    csat: { enabled: true, selected: 2 },
    attributes: [
      { key: "product", label: ATTRIBUTE_LABELS[locale][0], selected: 4 },
      { key: "delivery", label: ATTRIBUTE_LABELS[locale][1], selected: null },
    ],
    comment: "Kept after the error\nsecond line",
    errors,
    isEdit: true,
  });
}

/** Every page by name, so that each one gets the same accessibility and layout checks. */
const PAGES: Record<string, (locale: Locale) => string> = {
  survey: (locale) => surveyPage(locale, { selectedScore: 8 }),
  "survey-with-errors": errorsPage,
  "thank-you": (locale) => renderThankYouPage({ locale, text: TEXTS[locale], brandName: "Acme" }),
  expired: (locale) =>
    renderMessagePage({
      locale,
      title: TEXTS[locale].expiredTitle,
      body: TEXTS[locale].expiredBody,
      brandName: "Acme",
    }),
  "not-found": (locale) =>
    renderMessagePage({ locale, title: TEXTS[locale].notFoundTitle, body: TEXTS[locale].notFoundBody }),
  "unsubscribe-confirm": (locale) =>
    renderUnsubscribeConfirmPage({ locale, text: TEXTS[locale], brandName: "Acme", actionUrl: "/u/token-1" }),
  unsubscribed: (locale) => renderUnsubscribedPage({ locale, text: TEXTS[locale], brandName: "Acme" }),
};

function createTestApp(): Hono {
  const app = new Hono();
  app.get("/pages/:name", (c) => {
    const render = PAGES[c.req.param("name")];
    return render ? c.html(render(localeOf(c.req.query("locale")))) : c.notFound();
  });
  // Like the real route: `?score=N` pre-selects the score from the email link.
  app.get("/s/:token", (c) => {
    const score = Number(c.req.query("score"));
    return c.html(
      surveyPage(localeOf(c.req.query("locale")), {
        actionUrl: `/s/${c.req.param("token")}`,
        selectedScore: Number.isInteger(score) && score >= 0 && score <= 10 ? score : null,
      }),
    );
  });
  app.get("/hostile", (c) =>
    c.html(
      surveyPage("en", {
        brandName: HOSTILE_BRAND,
        comment: HOSTILE_COMMENT,
        errors: [{ field: "comment", message: `<i>${HOSTILE_COMMENT}</i>` }],
      }),
    ),
  );
  app.get("/long-brand", (c) => c.html(errorsPage("en").replaceAll("Acme", LONG_BRAND)));
  app.post("/s/:token", async (c) => {
    posts.push({ path: c.req.path, form: await readForm(c.req.raw) });
    return c.html(renderThankYouPage({ locale: "en", text: TEXTS.en, brandName: "Acme" }));
  });
  app.get("/u/:token", (c) =>
    c.html(
      renderUnsubscribeConfirmPage({
        locale: "en",
        text: TEXTS.en,
        brandName: "Acme",
        actionUrl: `/u/${c.req.param("token")}`,
      }),
    ),
  );
  app.post("/u/:token", async (c) => {
    posts.push({ path: c.req.path, form: await readForm(c.req.raw) });
    return c.html(renderUnsubscribedPage({ locale: "en", text: TEXTS.en, brandName: "Acme" }));
  });
  return app;
}

async function readForm(request: Request): Promise<Record<string, string>> {
  expect(request.headers.get("content-type")).toBe("application/x-www-form-urlencoded");
  return Object.fromEntries(new URLSearchParams(await request.text()));
}

// The project compiles without the DOM library: the few browser objects the checks read, named here.
type BrowserGlobals = {
  document: {
    documentElement: { scrollWidth: number; clientWidth: number };
    activeElement: { id: string; getAttribute(name: string): string | null } | null;
    querySelectorAll(selector: string): { length: number };
  };
  getComputedStyle(element: unknown): { outlineStyle: string };
  pwned?: number;
};

let server: RunningServer;
let browser: Browser;
let scriptContext: BrowserContext;
let noScriptContext: BrowserContext;

beforeAll(async () => {
  server = await startServer(createTestApp());
  browser = await launchBrowser();
  scriptContext = await browser.newContext({ viewport: { width: 375, height: 740 } });
  noScriptContext = await browser.newContext({
    javaScriptEnabled: false,
    viewport: { width: 375, height: 740 },
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function open(context: BrowserContext, path: string): Promise<Page> {
  const page = await context.newPage();
  const response = await page.goto(`${server.url}${path}`);
  expect(response?.status()).toBe(200);
  return page;
}

async function activeId(page: Page): Promise<string | undefined> {
  return await page.evaluate(() => {
    const { document } = globalThis as unknown as BrowserGlobals;
    return document.activeElement?.id;
  });
}

describe("survey page", () => {
  it("is a complete document with one style element and no script", () => {
    const html = surveyPage("zh-Hant", { selectedScore: 3 });
    expect(html.startsWith('<!doctype html><html lang="zh-Hant">')).toBe(true);
    expect(html.match(/<style/g)).toHaveLength(1);
    expect(html).not.toMatch(/<script|\son[a-z]+=/i);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1"/>');
    expect(html).toContain('<form method="post" action="/s/token-1"');
    expect(html).toContain('maxlength="5000"');
  });

  it("pre-selects the score from the link", async () => {
    const page = await open(noScriptContext, "/s/token-1?score=9");
    expect(await page.locator("#score-9").isChecked()).toBe(true);
    const checked = await page.locator('input[name="score"]:checked').count();
    expect(checked).toBe(1);
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
    await page.close();
  });

  it("is answered with the keyboard alone and posts a plain form with JavaScript off", async () => {
    const page = await open(noScriptContext, "/s/token-42?score=9");
    await page.keyboard.press("Tab");
    expect(await activeId(page)).toBe("score-9");
    // The focus ring must be visible on the box that stands for the focused radio.
    const outline = await page
      .locator('label[for="score-9"]')
      .evaluate((label) => (globalThis as unknown as BrowserGlobals).getComputedStyle(label).outlineStyle);
    expect(outline).toBe("solid");

    await page.keyboard.press("Tab"); // into CSAT: nothing chosen, so its first option takes focus
    expect(await activeId(page)).toBe("csat-1");
    await page.keyboard.press("ArrowRight"); // arrows move and choose
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    expect(await page.locator("#csat-4").isChecked()).toBe(true);

    await page.keyboard.press("Tab"); // first attribute
    expect(await activeId(page)).toBe("attr-product-1");
    await page.keyboard.press("Space"); // space chooses the focused option
    expect(await page.locator("#attr-product-1").isChecked()).toBe(true);
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    expect(await page.locator("#attr-product-3").isChecked()).toBe(true);

    await page.keyboard.press("Tab"); // second attribute, left unanswered
    expect(await activeId(page)).toBe("attr-delivery-1");
    await page.keyboard.press("Tab");
    expect(await activeId(page)).toBe("comment");
    await page.keyboard.type("Fast delivery, 很好 & <thanks>");
    await page.keyboard.press("Tab");
    expect(
      await page.evaluate(() =>
        (globalThis as unknown as BrowserGlobals).document.activeElement?.getAttribute("type"),
      ),
    ).toBe("submit");

    const before = posts.length;
    await Promise.all([page.waitForURL(`${server.url}/s/token-42`), page.keyboard.press("Enter")]);
    expect(posts.slice(before)).toEqual([
      {
        path: "/s/token-42",
        form: {
          score: "9",
          csat: "4",
          "attr.product": "3",
          comment: "Fast delivery, 很好 & <thanks>",
        },
      },
    ]);
    expect(await page.locator("h1").textContent()).toBe("Thank you!");
    await page.close();
  });

  it("re-renders errors with the posted values kept, announced and linked to their fields", async () => {
    const page = await open(noScriptContext, "/pages/survey-with-errors");
    const alert = page.locator('[role="alert"]');
    expect(await alert.textContent()).toContain("Please choose a score from 0 to 10.");
    expect(await alert.textContent()).toContain("please keep it under 5000 characters");
    // Focused on load without any script, so screen readers read it first.
    expect(
      await page.evaluate(() =>
        (globalThis as unknown as BrowserGlobals).document.activeElement?.getAttribute("role"),
      ),
    ).toBe("alert");
    expect(await page.title()).toMatch(/^Please choose a score from 0 to 10\. – Your feedback – Acme$/);

    // Every summary link leads to a field that exists.
    const hrefs = await alert
      .locator("a")
      .evaluateAll((links) =>
        links.map((link) => (link as unknown as { getAttribute(n: string): string }).getAttribute("href")),
      );
    expect(hrefs).toEqual(["#score-0", "#comment"]);
    for (const href of hrefs) expect(await page.locator(href).count()).toBe(1);

    // Each field names its error through aria-describedby.
    expect(await page.locator("fieldset#score").getAttribute("aria-describedby")).toBe(
      "score-hint score-error",
    );
    expect(await page.locator("#score-error").textContent()).toBe("Please choose a score from 0 to 10.");
    expect(await page.locator("#comment").getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator("#comment").getAttribute("aria-describedby")).toBe("comment-error");

    // What the customer chose is still chosen.
    expect(await page.locator("#csat-2").isChecked()).toBe(true);
    expect(await page.locator("#attr-product-4").isChecked()).toBe(true);
    expect(await page.locator('input[name="attr.delivery"]:checked').count()).toBe(0);
    expect(await page.locator("#comment").inputValue()).toBe("Kept after the error\nsecond line");
    expect(await page.locator('button[type="submit"]').textContent()).toBe("Update feedback");

    // Following a link focuses the field.
    await page.locator('[role="alert"] a[href="#comment"]').click();
    expect(await activeId(page)).toBe("comment");
    await page.close();
  });

  it("shows a hostile brand name, comment and error as text", async () => {
    const page = await open(scriptContext, "/hostile");
    expect(await page.evaluate(() => (globalThis as unknown as BrowserGlobals).pwned)).toBeUndefined();
    expect(
      await page.evaluate(
        () => (globalThis as unknown as BrowserGlobals).document.querySelectorAll("script, img, b, i").length,
      ),
    ).toBe(0);
    expect(await page.locator(".brand").textContent()).toBe(HOSTILE_BRAND);
    expect(await page.locator("legend").first().textContent()).toBe(
      `How likely are you to recommend ${HOSTILE_BRAND} to a friend or colleague?`,
    );
    expect(await page.title()).toContain(HOSTILE_BRAND);
    expect(await page.locator("#comment").inputValue()).toBe(HOSTILE_COMMENT);
    expect(await page.locator("#comment-error").textContent()).toBe(`<i>${HOSTILE_COMMENT}</i>`);
    await page.close();
  });

  it("keeps a leading newline of the comment", async () => {
    const html = surveyPage("en", { comment: "\nstarts with a newline" });
    const page = await noScriptContext.newPage();
    await page.setContent(html);
    expect(await page.locator("#comment").inputValue()).toBe("\nstarts with a newline");
    await page.close();
  });

  // The 0–10 scale stays on one row, in the order its anchors describe, so on a phone its eleven
  // choices are narrower than 44px: at least WCAG 2.2's minimum target size (24px, 2.5.8), and as tall
  // as the others. Every other target is 44px both ways (2.5.5).
  it("has tap targets of at least 44px on phones 375px and 320px wide (the 0–10 row: 24px wide)", async () => {
    const page = await open(noScriptContext, "/pages/survey-with-errors");
    await page.screenshot({ path: "/tmp/survey-page-errors.png", fullPage: true });
    for (const width of [375, 320]) {
      await page.setViewportSize({ width, height: 740 });
      const targets = page.locator('input[type="radio"], textarea, button');
      const count = await targets.count();
      expect(count).toBe(11 + 5 + 5 + 5 + 2);
      for (let i = 0; i < count; i++) {
        const box = await targets.nth(i).boundingBox();
        const minWidth = i < 11 ? 24 : 44;
        expect(box?.width, `target ${i} at ${width}px`).toBeGreaterThanOrEqual(minWidth);
        expect(box?.height, `target ${i} at ${width}px`).toBeGreaterThanOrEqual(44);
      }
    }
    await page.close();
  });

  it("looks right at 375px (screenshot for review)", async () => {
    const page = await open(noScriptContext, "/s/token-1?score=9");
    await page.screenshot({ path: "/tmp/survey-page.png", fullPage: true });
    await page.close();
  });
});

describe("unsubscribe", () => {
  it("asks first, and only the POST button unsubscribes (JavaScript off)", async () => {
    const before = posts.length;
    const page = await open(noScriptContext, "/u/token-7");
    expect(posts.length).toBe(before);
    expect(await page.locator("h1").textContent()).toBe("Unsubscribe from surveys");
    await Promise.all([page.waitForURL(`${server.url}/u/token-7`), page.locator("button").click()]);
    expect(posts.slice(before)).toEqual([{ path: "/u/token-7", form: {} }]);
    expect(await page.locator("h1").textContent()).toBe("You are unsubscribed");
    expect(await page.locator("p").last().textContent()).toBe(
      "Acme will not send you survey emails any more.",
    );
    await page.close();
  });

  it("never shows the brand on the not-found page", () => {
    const html = PAGES["not-found"]?.("en") ?? "";
    expect(html).not.toContain("Acme");
    expect(html).toContain("<title>This link is not valid</title>");
  });
});

describe("every page, in every locale", () => {
  const cases = Object.keys(PAGES).flatMap((name) => LOCALES.map((locale) => [name, locale] as const));

  it.each(cases)("%s (%s) has no serious or critical axe violations", async (name, locale) => {
    const page = await open(scriptContext, `/pages/${name}?locale=${locale}`);
    expect(await page.locator("html").getAttribute("lang")).toBe(locale);
    expect(await checkAccessibility(page)).toEqual([]);
    await page.close();
  });

  it.each(cases)("%s (%s) does not scroll sideways at 375px", async (name, locale) => {
    const page = await open(noScriptContext, `/pages/${name}?locale=${locale}`);
    const { scrollWidth, clientWidth } = await page.evaluate(() => {
      const { documentElement } = (globalThis as unknown as BrowserGlobals).document;
      return { scrollWidth: documentElement.scrollWidth, clientWidth: documentElement.clientWidth };
    });
    expect(clientWidth).toBe(375);
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    await page.close();
  });

  it("does not scroll sideways with a long unbroken brand name, even at 320px", async () => {
    const page = await open(noScriptContext, "/long-brand");
    for (const width of [375, 320]) {
      await page.setViewportSize({ width, height: 700 });
      const size = await page.evaluate(() => {
        const { documentElement } = (globalThis as unknown as BrowserGlobals).document;
        return { scrollWidth: documentElement.scrollWidth, clientWidth: documentElement.clientWidth };
      });
      expect(size.scrollWidth).toBeLessThanOrEqual(size.clientWidth);
    }
    await page.close();
  });
});
