import { describe, expect, it } from "vitest";
import { LOCALES, type Locale } from "../../functions/domain/campaign";
import { type Messages, messagesFor, zh } from "../../functions/domain/messages";

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
        m.pageTitle,
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
