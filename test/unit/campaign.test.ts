import { describe, expect, it } from "vitest";
import { nextStepAfter } from "../../functions/domain/answer";
import {
  applyCampaignUpdate,
  campaignCreateSchema,
  campaignSettingsFromCreate,
  campaignUpdateSchema,
  checkCampaignRules,
  contrastWithWhite,
  MIN_ACCENT_CONTRAST,
  textIn,
} from "../../functions/domain/campaign";

describe("campaign defaults", () => {
  it("fills every documented default and defaults senderName to the brand", () => {
    const input = campaignCreateSchema.parse({ name: "Autumn", brandName: "Acme" });
    expect(campaignSettingsFromCreate(input)).toEqual({
      name: "Autumn",
      brandName: "Acme",
      senderName: "Acme",
      status: "active",
      locale: "en",
      delayDays: 7,
      followUpDays: null,
      reminderDays: null,
      throttleDays: 30,
      segmentBy: [],
      csat: true,
      attributes: [],
      subject: null,
      intro: null,
      promoterLink: null,
      thankYouNote: null,
      logoUrl: null,
      accentColor: null,
      followUp: null,
    });
  });

  it("keeps what the caller set", () => {
    const input = campaignCreateSchema.parse({
      name: "Autumn",
      brandName: "Acme",
      senderName: "Acme Care",
      delayDays: 0.5,
      locale: "zh-Hant",
    });
    expect(campaignSettingsFromCreate(input)).toMatchObject({
      senderName: "Acme Care",
      delayDays: 0.5,
      locale: "zh-Hant",
    });
  });

  it("trims text fields", () => {
    expect(campaignCreateSchema.parse({ name: "  Autumn ", brandName: "Acme" }).name).toBe("Autumn");
  });
});

describe("campaign rules", () => {
  const base = campaignSettingsFromCreate(campaignCreateSchema.parse({ name: "n", brandName: "b" }));

  it("wants the follow-up after the first survey", () => {
    expect(checkCampaignRules({ ...base, delayDays: 7, followUpDays: 7 })).toEqual({
      ok: false,
      issues: [{ field: "followUpDays", message: expect.stringContaining("more than delayDays") }],
    });
    expect(checkCampaignRules({ ...base, delayDays: 7, followUpDays: 90 })).toMatchObject({ ok: true });
  });

  it("applies an update over the current settings, leaving the rest", () => {
    const update = campaignUpdateSchema.parse({ status: "paused", followUpDays: null });
    expect(applyCampaignUpdate({ ...base, followUpDays: 90 }, update)).toEqual({
      ...base,
      status: "paused",
      followUpDays: null,
    });
  });
});

describe("campaign validation", () => {
  const valid = { name: "n", brandName: "b" };
  const rejects = (patch: Record<string, unknown>) =>
    campaignCreateSchema.safeParse({ ...valid, ...patch }).success === false;

  it.each([
    ["name", ""],
    ["name", "x".repeat(201)],
    ["brandName", "   "],
    ["brandName", "x".repeat(101)],
    ["senderName", "x".repeat(101)],
    ["senderName", "Acme\r\nBcc: victim@example.com"],
    ["status", "deleted"],
    ["locale", "fr"],
    ["delayDays", -1],
    ["delayDays", 366],
    ["delayDays", "7"],
    ["delayDays", Number.NaN],
    ["followUpDays", 0],
    ["followUpDays", 731],
    ["reminderDays", 31],
    ["throttleDays", 1.51],
    ["delayDays", 1e-7],
    ["reminderDays", 2.3],
    ["followUpDays", Number.POSITIVE_INFINITY],
    ["throttleDays", 366],
    ["segmentBy", ["a", "b", "c", "d", "e", "f"]],
    ["segmentBy", ["region", "region"]],
    ["segmentBy", ["bad key!"]],
    ["csat", "yes"],
    ["attributes", Array.from({ length: 9 }, (_, i) => ({ key: `k${i}`, label: "L" }))],
    ["attributes", [{ key: "Price", label: "Price" }]],
    ["attributes", [{ key: "price", label: "" }]],
    ["attributes", [{ key: "price", label: "Price", extra: 1 }]],
    [
      "attributes",
      [
        { key: "price", label: "a" },
        { key: "price", label: "b" },
      ],
    ],
    ["subject", "Hello\nBcc: x@example.com"],
    ["subject", "x".repeat(201)],
    ["intro", "x".repeat(1001)],
    ["unknownField", 1],
  ])("rejects %s = %j", (field, value) => {
    expect(rejects({ [field]: value })).toBe(true);
  });

  it.each([
    ["delayDays", 0],
    ["delayDays", 365],
    ["followUpDays", null],
    ["followUpDays", 730],
    ["reminderDays", 30],
    ["throttleDays", 0],
    ["segmentBy", ["region", "product.tier", "customer-tier"]],
    ["attributes", [{ key: "price", label: "Price" }]],
    ["intro", "Thanks for your order.\nIt means a lot."],
    ["subject", null],
    ["name", "售後調查"],
  ])("accepts %s = %j", (field, value) => {
    expect(rejects({ [field]: value })).toBe(false);
  });

  it("requires name and brandName on create but nothing on update", () => {
    expect(campaignCreateSchema.safeParse({}).success).toBe(false);
    expect(campaignUpdateSchema.safeParse({}).success).toBe(true);
  });
});

describe("per-locale texts, branding and the thank-you step", () => {
  it("picks a text in the asked language, else the campaign's, else English, else any given", () => {
    expect(textIn("Delivery", "zh-Hant", "en")).toBe("Delivery");
    expect(textIn({ en: "Delivery", "zh-Hant": "送貨" }, "zh-Hant", "en")).toBe("送貨");
    expect(textIn({ en: "Delivery", "zh-Hant": "送貨" }, "zh-Hans", "zh-Hant")).toBe("送貨");
    expect(textIn({ en: "Delivery", "zh-Hant": "送貨" }, "zh-Hans", "zh-Hans")).toBe("Delivery");
    expect(textIn({ "zh-Hans": "送货" }, "en", "en")).toBe("送货");
  });

  it("measures contrast with white as WCAG does", () => {
    expect(contrastWithWhite("#000000")).toBeCloseTo(21, 5);
    expect(contrastWithWhite("#ffffff")).toBeCloseTo(1, 5);
    // The product's own blue and a yellow no white text can be read on.
    expect(contrastWithWhite("#1d4ed8")).toBeGreaterThan(MIN_ACCENT_CONTRAST);
    expect(contrastWithWhite("#ffd700")).toBeLessThan(MIN_ACCENT_CONTRAST);
    expect(contrastWithWhite("#767676")).toBeCloseTo(4.54, 2);
  });

  it("offers promoters the link and everyone else the note, in their language", () => {
    const campaign = {
      locale: "en" as const,
      promoterLink: {
        url: "https://example.com/review",
        label: { en: "Review us", "zh-Hant": "給我們評價" },
      },
      thankYouNote: { en: "Thanks", "zh-Hant": "謝謝" },
    };
    expect(nextStepAfter(campaign, 10, "zh-Hant")).toEqual({
      kind: "link",
      url: "https://example.com/review",
      label: "給我們評價",
    });
    expect(nextStepAfter(campaign, 9, "en")).toMatchObject({ kind: "link", label: "Review us" });
    expect(nextStepAfter(campaign, 8, "zh-Hant")).toEqual({ kind: "note", text: "謝謝" });
    expect(nextStepAfter({ ...campaign, promoterLink: null }, 10, "en")).toBeNull();
    expect(nextStepAfter({ ...campaign, thankYouNote: null }, 0, "en")).toBeNull();
  });
});
