import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Campaign } from "../../functions/domain/campaign";
import { type DeliveryHarness, startDeliveryHarness } from "../support/delivery-harness";

/**
 * What a campaign says in each language and after each answer: per-locale attribute labels, subject
 * and intro; the promoter's link and everyone else's note on the thank-you page; its logo and colour,
 * with the pages' CSP naming exactly those.
 */

let h: DeliveryHarness;
let campaign: Campaign;

beforeAll(async () => {
  h = await startDeliveryHarness();
  campaign = await h.createCampaign({
    delayDays: 0,
    throttleDays: 0,
    locale: "en",
    subject: { en: "How did we do?", "zh-Hant": "我們表現如何？" },
    intro: { "zh-Hant": "感謝您的訂購。" },
    attributes: [{ key: "delivery", label: { en: "Delivery", "zh-Hant": "送貨" } }],
    promoterLink: {
      url: "https://reviews.example.com/acme",
      label: { en: "Review us", "zh-Hant": "給我們評價" },
    },
    thankYouNote: "We read every answer.",
    logoUrl: "https://cdn.example.com/acme/logo.png",
    accentColor: "#0f6b3a",
  });
});
afterAll(async () => h?.close());

async function invite(orderId: string, locale?: "en" | "zh-Hant" | "zh-Hans") {
  const email = `${orderId}@example.com`;
  await h.postPurchases(campaign.id, [{ orderId, email, ...(locale ? { locale } : {}) }]);
  await h.deliver();
  const [message] = await h.inbox({ to: email });
  if (!message) throw new Error("no email");
  return { message, links: h.linksIn(message) };
}

describe("per-locale texts", () => {
  it("speaks each customer's language in the email and on the page, falling back to the campaign's", async () => {
    const chinese = await invite("texts-zh", "zh-Hant");
    expect(chinese.message.subject).toBe("我們表現如何？");
    expect(chinese.message.text).toContain("感謝您的訂購。");
    const page = await (await fetch(chinese.links.survey)).text();
    expect(page).toContain("送貨");
    expect(page).not.toContain("Delivery");

    // Simplified Chinese was not given: the campaign's language (English) stands in for each text.
    const simplified = await invite("texts-hans", "zh-Hans");
    expect(simplified.message.subject).toBe("How did we do?");
    expect(await (await fetch(simplified.links.survey)).text()).toContain("Delivery");
  });

  it("refuses a per-locale text without any language, or with one it does not know", async () => {
    for (const label of [{}, { fr: "Livraison" }, { en: "" }]) {
      const response = await h.api("POST", "/v1/campaigns", {
        name: "Bad",
        brandName: "Acme",
        attributes: [{ key: "delivery", label }],
      });
      expect(response.status, JSON.stringify(label)).toBe(400);
    }
  });
});

describe("the thank-you page", () => {
  const answer = (survey: string, score: number) =>
    fetch(survey, { method: "POST", body: new URLSearchParams({ score: String(score) }) }).then((r) =>
      r.text(),
    );

  it("offers promoters the campaign's link, in their language, and everyone else its note", async () => {
    const promoter = await invite("thanks-9", "zh-Hant");
    const promoterPage = await answer(promoter.links.survey, 9);
    expect(promoterPage).toContain('href="https://reviews.example.com/acme"');
    expect(promoterPage).toContain("給我們評價");
    expect(promoterPage).not.toContain("We read every answer.");

    const passive = await invite("thanks-8");
    const passivePage = await answer(passive.links.survey, 8);
    expect(passivePage).toContain("We read every answer.");
    expect(passivePage).not.toContain("reviews.example.com");
  });
});

describe("branding", () => {
  it("shows the logo and colour on the pages, allowed by name in the CSP, and in the email", async () => {
    const { message, links } = await invite("brand-1");
    expect(message.html).toContain('src="https://cdn.example.com/acme/logo.png"');
    expect(message.html).toContain("#0f6b3a");
    const response = await fetch(links.survey);
    const html = await response.text();
    expect(html).toContain('<img class="logo" src="https://cdn.example.com/acme/logo.png" alt="Acme"');
    expect(html).toContain("--accent:#0f6b3a");
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("img-src https://cdn.example.com;");
    expect(csp.match(/'sha256-/g)).toHaveLength(2);
    // A page no campaign decides keeps the bare policy.
    const unknown = await fetch(`${h.baseUrl}/s/${"A".repeat(24)}`);
    expect(unknown.headers.get("content-security-policy")).not.toContain("img-src");
  });

  it("refuses a colour white text cannot be read on, a logo not on https, and a link with credentials", async () => {
    for (const [field, value] of [
      ["accentColor", "#ffd700"],
      ["accentColor", "green"],
      ["logoUrl", "http://cdn.example.com/logo.png"],
      ["logoUrl", "javascript:alert(1)"],
      ["promoterLink", { url: "https://user:pass@example.com/", label: "Review" }],
    ] as const) {
      const response = await h.api<{ error: { details: { field: string; message: string }[] } }>(
        "PATCH",
        `/v1/campaigns/${campaign.id}`,
        { [field]: value },
      );
      expect(response.status, `${field} ${JSON.stringify(value)}`).toBe(400);
      expect(response.body.error.details[0]?.field.split(".")[0]).toBe(field);
    }
  });
});
