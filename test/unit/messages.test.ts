import { parseAccept } from "hono/utils/accept";
import { describe, expect, it } from "vitest";
import { LOCALES, type Locale } from "../../functions/domain/campaign";
import { localeForLanguages, type Messages, messagesFor, zh } from "../../functions/domain/messages";

/** As the survey pages choose: hono's Accept-Language parser, then our mapping. */
const localeFromAcceptLanguage = (header: string | undefined) =>
  localeForLanguages(parseAccept(header ?? ""));

const BRAND = "Acme";

/** Every message of a locale as text: functions called with sample arguments, lists flattened. */
function texts(locale: Locale): [key: string, text: string][] {
  const m = messagesFor(locale);
  return Object.entries(m).flatMap(([key, value]: [string, unknown]): [string, string][] => {
    if (typeof value === "string") return [[key, value]];
    if (Array.isArray(value)) return value.map((item, i): [string, string] => [`${key}[${i}]`, String(item)]);
    if (typeof value === "function") {
      const sample = key === "thanksEditHint" || key === "errorCommentTooLong" ? 30 : BRAND;
      return [[key, String(value(sample))]];
    }
    throw new Error(`unexpected message type for ${key}`);
  });
}

describe("messages", () => {
  it("has the same keys in every locale", () => {
    const keys = (locale: Locale) => Object.keys(messagesFor(locale)).sort();
    for (const locale of LOCALES) expect(keys(locale)).toEqual(keys("en"));
  });

  it("has no empty message in any locale", () => {
    for (const locale of LOCALES) {
      for (const [key, text] of texts(locale)) expect(text.trim(), `${locale}.${key}`).not.toBe("");
    }
  });

  it("has five labels for CSAT and for attribute ratings", () => {
    for (const locale of LOCALES) {
      const m = messagesFor(locale);
      expect(m.csatLabels).toHaveLength(5);
      expect(m.attributeLabels).toHaveLength(5);
      expect(new Set(m.csatLabels).size).toBe(5);
      expect(new Set(m.attributeLabels).size).toBe(5);
    }
  });

  it("puts the arguments into every parametrised message", () => {
    for (const locale of LOCALES) {
      const m = messagesFor(locale);
      const withBrand: ((brand: string) => string)[] = [
        m.emailSubject,
        m.emailReminderSubject,
        m.emailIntro,
        m.emailFooter,
        m.npsQuestion,
        m.csatQuestion,
        m.greeting,
        m.emailSignOff,
        m.emailReminderSubjectPrefix,
      ];
      for (const message of withBrand) expect(message("Zyx")).toContain("Zyx");
      expect(m.unsubscribeTextLine("https://x.example/u/t")).toContain("https://x.example/u/t");
      expect(m.thanksEditHint(30)).toContain("30");
      expect(m.errorCommentTooLong(5000)).toMatch(/5,?000/);
    }
  });

  it("writes counts exactly as toLocaleString writes them in each locale", () => {
    for (const locale of LOCALES) {
      const m = messagesFor(locale);
      for (const n of [0, 7, 999, 1000, 5000, 12345, 999999, 1000000, 1234567890]) {
        const written = /\d[\d,]*/.exec(m.errorCommentTooLong(n))?.[0];
        expect(written, `${locale} ${n}`).toBe(n.toLocaleString(locale));
      }
    }
  });

  it("keeps English out of the Chinese locales", () => {
    for (const locale of ["zh-Hant", "zh-Hans"] as const) {
      for (const [key, text] of texts(locale)) {
        const rest = text.replaceAll(BRAND, "").replace(/https?:\/\/\S+/g, "");
        expect(rest, `${locale}.${key}`).not.toMatch(/[A-Za-z]/);
      }
    }
  });

  it("writes Traditional and Simplified Chinese without mixing the scripts", () => {
    // Characters whose form differs between the two scripts, as used in these messages.
    const simplifiedOnly = /[这们对请谢选击为发认还让给见订链连邮调确该页满记录总购点开过结么启]/u;
    const traditionalOnly = /[這們對請謝選擊為發認還讓給見訂鏈連郵調確該頁滿記錄總購點開過結麼啟]/u;
    for (const [key, text] of texts("zh-Hant")) expect(text, `zh-Hant.${key}`).not.toMatch(simplifiedOnly);
    for (const [key, text] of texts("zh-Hans")) expect(text, `zh-Hans.${key}`).not.toMatch(traditionalOnly);
  });

  it("asks the NPS question in each locale's own words", () => {
    expect(messagesFor("en").npsQuestion(BRAND)).toBe(
      "How likely are you to recommend Acme to a friend or colleague?",
    );
    expect(messagesFor("zh-Hant").npsQuestion(BRAND)).toBe("您向朋友或同事推薦 Acme 的可能性有多高？");
    expect(messagesFor("zh-Hans").npsQuestion(BRAND)).toBe("您有多大可能向朋友或同事推荐 Acme？");
  });

  it("greets by name and without", () => {
    expect(messagesFor("en").greeting("Ana")).toBe("Hi Ana,");
    expect(messagesFor("en").greetingNoName).toBe("Hi,");
    expect(messagesFor("zh-Hant").greeting("王小明")).toBe("王小明，您好：");
  });

  it("returns the same object for a locale each time", () => {
    const m: Messages = messagesFor("en");
    expect(messagesFor("en")).toBe(m);
  });
});

describe("zh spacing", () => {
  it("spaces a Latin word or number from the Chinese text around it", () => {
    expect(zh`感謝您在${"Acme"}購物。`).toBe("感謝您在 Acme 購物。");
    expect(zh`${30}天內`).toBe("30 天內");
    expect(zh`縮短至${"5,000"}字以內`).toBe("縮短至 5,000 字以內");
  });

  it("adds no space next to Chinese names or full-width punctuation", () => {
    expect(zh`感謝您在${"好市多"}購物。`).toBe("感謝您在好市多購物。");
    expect(zh`${"Acme"}：想聽聽`).toBe("Acme：想聽聽");
    expect(zh`提醒：${"Hello"}`).toBe("提醒：Hello");
    expect(zh`在${""}購物`).toBe("在購物");
  });
});

describe("localeForLanguages (Accept-Language parsed by hono)", () => {
  it("maps Chinese region and script tags to the matching script", () => {
    for (const tag of ["zh-Hant", "zh-TW", "zh-HK", "zh-MO", "zh-Hant-CN", "zh-yue-HK"])
      expect(localeFromAcceptLanguage(tag), tag).toBe("zh-Hant");
    for (const tag of ["zh-Hans", "zh-CN", "zh-SG", "zh", "zh-Hans-HK", "zh-MY"])
      expect(localeFromAcceptLanguage(tag), tag).toBe("zh-Hans");
    for (const tag of ["en", "en-US", "en-GB", "en-Latn-IN"])
      expect(localeFromAcceptLanguage(tag), tag).toBe("en");
  });

  it("ignores case", () => {
    expect(localeFromAcceptLanguage("ZH-tw")).toBe("zh-Hant");
    expect(localeFromAcceptLanguage("zh-hant")).toBe("zh-Hant");
    expect(localeFromAcceptLanguage("ZH-HANS")).toBe("zh-Hans");
    expect(localeFromAcceptLanguage("fr, ZH-Cn;Q=0.5")).toBe("zh-Hans");
  });

  it("takes the highest q-value first, and the header's order among equal ones", () => {
    expect(localeFromAcceptLanguage("zh-TW,zh;q=0.9,en-US;q=0.8,en;q=0.7")).toBe("zh-Hant");
    expect(localeFromAcceptLanguage("en;q=0.5, zh-CN;q=0.8")).toBe("zh-Hans");
    expect(localeFromAcceptLanguage("zh-CN;q=0.8, zh-TW;q=0.8, en;q=0.8")).toBe("zh-Hans");
    expect(localeFromAcceptLanguage("zh-TW;q=0.8, zh-CN;q=0.8")).toBe("zh-Hant");
    expect(localeFromAcceptLanguage("en;q=1.000, zh-TW")).toBe("en");
    expect(localeFromAcceptLanguage("en;q=0.001, zh-HK;q=0.002")).toBe("zh-Hant");
  });

  it("skips languages it does not have for the next acceptable one", () => {
    expect(localeFromAcceptLanguage("fr-FR, ja;q=0.9, zh-HK;q=0.5")).toBe("zh-Hant");
    expect(localeFromAcceptLanguage("*, zh-SG;q=0.1")).toBe("zh-Hans");
  });

  it("treats q=0 as not acceptable", () => {
    expect(localeFromAcceptLanguage("zh-TW;q=0, zh-CN;q=0.1")).toBe("zh-Hans");
    expect(localeFromAcceptLanguage("zh-TW;q=0.000")).toBe("en");
    expect(localeFromAcceptLanguage("zh;q=0, fr")).toBe("en");
  });

  it("falls back to English for other languages, no header and garbage", () => {
    for (const header of [
      undefined,
      "",
      "   ",
      "*",
      "fr-CA, de;q=0.9",
      "*;q=x,,,",
      ",,,;;;",
      "zh-TW;q=-1",
      "zh TW",
      "中文",
    ])
      expect(localeFromAcceptLanguage(header), String(header).slice(0, 30)).toBe("en");
  });

  it("skips a malformed entry but reads the rest of the header", () => {
    expect(localeFromAcceptLanguage("*;q=x,,,zh-TW")).toBe("zh-Hant");
    // The parser reads a q-value it cannot use as 1, rather than dropping the language.
    expect(localeFromAcceptLanguage("zh-CN;q=oops, zh-HK;q=0.3")).toBe("zh-Hans");
    expect(localeFromAcceptLanguage("en;q=0.5, zh-TW;q=1.5")).toBe("zh-Hant");
    expect(localeFromAcceptLanguage(" zh-TW ; q = 0.7 , en ; q=0.6")).toBe("zh-Hant");
  });
});
