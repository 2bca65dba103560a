import { describe, expect, it } from "vitest";
import { LOCALES } from "../../functions/domain/campaign";
import { messagesFor } from "../../functions/domain/messages";
import {
  type InvitationEmailInput,
  renderInvitationEmail,
  SUBJECT_MAX_CHARS,
} from "../../functions/mail/render-invitation-email";

const SURVEY_URL = "https://surveys.example.com/s/tok_abc123";
const UNSUBSCRIBE_URL = "https://surveys.example.com/u/tok_abc123";

const input = (overrides: Partial<InvitationEmailInput> = {}): InvitationEmailInput => ({
  locale: "en",
  brandName: "Acme",
  senderName: "Acme Support",
  subject: null,
  intro: null,
  recipientName: "Ana",
  isReminder: false,
  surveyUrl: SURVEY_URL,
  unsubscribeUrl: UNSUBSCRIBE_URL,
  logoUrl: null,
  accentColor: null,
  ...overrides,
});

const hrefs = (html: string): string[] => [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1] ?? "");

const expectedScoreUrls = Array.from({ length: 11 }, (_, n) => `${SURVEY_URL}?score=${n}`);

/** Every tag with its attribute names, in order: what an injection would have to change. */
const tagStructure = (html: string): string[] =>
  [...html.matchAll(/<(\/?[a-z0-9!]+)([^>]*)>/gi)].map(
    ([, tag = "", attrs = ""]) =>
      `${tag} ${[...attrs.matchAll(/\s([a-z-]+)=/gi)].map((a) => a[1]).join(",")}`,
  );

/** Text inside the HTML, tags dropped and the few entities the renderer emits decoded. */
const visibleText = (html: string): string =>
  html
    .replace(/<[^>]*>/g, " ")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&amp;", "&");

describe("renderInvitationEmail", () => {
  it("renders an HTML part and a text part", () => {
    const email = renderInvitationEmail(input());
    expect(email.html.startsWith("<!doctype html><html")).toBe(true);
    expect(email.html).toContain('<html lang="en"');
    expect(email.html).toContain("</html>");
    expect(email.text).toContain("How likely are you to recommend Acme to a friend or colleague?");
    expect(email.html).toContain("How likely are you to recommend Acme to a friend or colleague?");
    expect(email.html).toContain("0 = not at all likely");
    expect(email.html).toContain("10 = extremely likely");
    expect(email.html).toContain("Click a number to answer.");
  });

  it("links each score 0-10 exactly once in the HTML", () => {
    const { html } = renderInvitationEmail(input());
    const links = hrefs(html);
    const scoreLinks = links.filter((href) => href.includes("?score="));
    expect(scoreLinks).toEqual(expectedScoreUrls);
    for (const url of expectedScoreUrls) expect(links.filter((href) => href === url)).toHaveLength(1);
    // The score links and the unsubscribe link, nothing else.
    expect(links).toHaveLength(12);
    expect(links).toContain(UNSUBSCRIBE_URL);
  });

  it("lists each score link on its own line in the text part", () => {
    const { text } = renderInvitationEmail(input());
    const lines = text.split("\n");
    for (let n = 0; n <= 10; n++) {
      expect(lines.filter((line) => line === `${n} – ${SURVEY_URL}?score=${n}`)).toHaveLength(1);
    }
    expect([...text.matchAll(/\?score=(\d+)/g)].map((m) => m[1])).toEqual(
      Array.from({ length: 11 }, (_, n) => String(n)),
    );
    expect(lines).toContain(`Unsubscribe: ${UNSUBSCRIBE_URL}`);
  });

  it("sets exactly the two one-click unsubscribe headers", () => {
    expect(renderInvitationEmail(input()).headers).toEqual([
      { name: "List-Unsubscribe", value: `<${UNSUBSCRIBE_URL}>` },
      { name: "List-Unsubscribe-Post", value: "List-Unsubscribe=One-Click" },
    ]);
  });

  it("greets by name when known and without one otherwise", () => {
    const named = renderInvitationEmail(input({ recipientName: "Ana" }));
    expect(named.html).toContain("Hi Ana,");
    expect(named.text.startsWith("Hi Ana,\n")).toBe(true);
    for (const recipientName of [null, "", "   "]) {
      const anonymous = renderInvitationEmail(input({ recipientName }));
      expect(anonymous.html).toContain(">Hi,<");
      expect(anonymous.text.startsWith("Hi,\n")).toBe(true);
    }
  });

  it("uses the localized defaults for subject and intro", () => {
    const email = renderInvitationEmail(input());
    expect(email.subject).toBe("Acme: a quick question about your order");
    expect(email.html).toContain("Thank you for your recent purchase from Acme.");
    expect(email.text).toContain("Thank you for your recent purchase from Acme.");
    expect(email.html).toContain("You received this email because you bought from Acme.");
    expect(email.html).toContain("Acme Support");
  });

  it("renders each locale in its own language", () => {
    for (const locale of LOCALES) {
      const m = messagesFor(locale);
      const email = renderInvitationEmail(input({ locale }));
      expect(email.html).toContain(`<html lang="${locale}"`);
      expect(email.html).toContain(m.npsQuestion("Acme"));
      expect(email.text).toContain(m.npsQuestion("Acme"));
      expect(email.subject).toBe(m.emailSubject("Acme"));
      expect(email.html).toContain(m.unsubscribeLinkText);
    }
    for (const locale of ["zh-Hant", "zh-Hans"] as const) {
      const email = renderInvitationEmail(input({ locale, recipientName: null }));
      const question = messagesFor(locale).npsQuestion("Acme");
      expect(question.replace("Acme", "")).not.toMatch(/[A-Za-z]/);
      expect(email.html).not.toContain("How likely");
      expect(email.text).not.toContain("How likely");
      expect(email.text).not.toContain("Unsubscribe");
      expect(email.text).not.toContain("Hi,");
    }
    expect(renderInvitationEmail(input({ locale: "zh-Hant" })).html).toContain("推薦 Acme 的可能性");
    expect(renderInvitationEmail(input({ locale: "zh-Hans" })).html).toContain("推荐 Acme？");
  });

  it("uses the campaign's custom subject and intro, with line breaks", () => {
    const email = renderInvitationEmail(
      input({ subject: "Tell us about your new bike", intro: "Thanks for riding with us.\nSee you soon!" }),
    );
    expect(email.subject).toBe("Tell us about your new bike");
    expect(email.html).toContain("Thanks for riding with us.<br/>See you soon!");
    expect(email.html).not.toContain("Thank you for your recent purchase");
    expect(email.text).toContain("Thanks for riding with us.\nSee you soon!");
  });

  it("marks reminders in the subject and the opening", () => {
    const byDefault = renderInvitationEmail(input({ isReminder: true }));
    expect(byDefault.subject).toBe("Acme: we'd still love your feedback");
    expect(byDefault.html).toContain("A quick reminder: we&#39;d love to hear from you.");
    expect(byDefault.text).toContain("A quick reminder: we'd love to hear from you.");
    const custom = renderInvitationEmail(input({ isReminder: true, subject: "How was your bike?" }));
    expect(custom.subject).toBe("Reminder: How was your bike?");
    const zhCustom = renderInvitationEmail(
      input({ locale: "zh-Hans", isReminder: true, subject: "新车怎么样？" }),
    );
    expect(zhCustom.subject).toBe("提醒：新车怎么样？");
    expect(renderInvitationEmail(input()).text).not.toContain("reminder");
  });

  it("escapes hostile names, brands and intros in the HTML", () => {
    const hostile = [
      "<script>alert(1)</script>",
      '"><img src=x onerror=alert(1)>',
      "'><svg onload=alert(1)>",
      "</td></tr></table><a href=javascript:alert(1)>x</a>",
    ];
    const benignStructure = tagStructure(renderInvitationEmail(input()).html);
    for (const value of hostile) {
      const email = renderInvitationEmail(
        input({ recipientName: value, brandName: value, senderName: value, subject: value, intro: value }),
      );
      expect(email.html).not.toContain(value);
      expect(email.html).not.toMatch(/<script/i);
      expect(email.html).not.toMatch(/<img/i);
      expect(email.html).not.toMatch(/<svg/i);
      // Same tags, attributes and links as a benign email: nothing broke out of text or an attribute.
      expect(tagStructure(email.html)).toEqual(benignStructure);
      expect(hrefs(email.html)).toEqual([...expectedScoreUrls, UNSUBSCRIBE_URL]);
      // The values are shown as text.
      expect(visibleText(email.html)).toContain(value);
      // The text part is plain text: the value appears as is.
      expect(email.text).toContain(value);
    }
  });

  it("removes CR, LF and other control characters from the subject", () => {
    const injected = renderInvitationEmail(
      input({ subject: "Hello\r\nBcc: victim@example.com\u0000\t\u0085!" }),
    );
    expect(injected.subject).toBe("Hello Bcc: victim@example.com !");
    const viaBrand = renderInvitationEmail(input({ brandName: "Acme\r\nX-Evil: 1" }));
    expect(viaBrand.subject).toBe("Acme X-Evil: 1: a quick question about your order");
    for (const email of [injected, viaBrand]) {
      // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters
      expect(email.subject).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
      for (const header of email.headers) {
        // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters
        expect(`${header.name}: ${header.value}`).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
      }
    }
  });

  it("falls back to the default subject when the custom one is only control characters or spaces", () => {
    expect(renderInvitationEmail(input({ subject: "\r\n  " })).subject).toBe(
      "Acme: a quick question about your order",
    );
  });

  it("caps the subject length", () => {
    const long = renderInvitationEmail(input({ subject: "界".repeat(500) }));
    expect(Array.from(long.subject)).toHaveLength(SUBJECT_MAX_CHARS);
    expect(long.subject.endsWith("…")).toBe(true);
    const emoji = renderInvitationEmail(input({ subject: "😀".repeat(300) }));
    expect(Array.from(emoji.subject)).toHaveLength(SUBJECT_MAX_CHARS);
    // No lone surrogate from a cut in the middle of a pair.
    expect(Array.from(emoji.subject).every((ch) => ch === "😀" || ch === "…")).toBe(true);
    const exact = "a".repeat(SUBJECT_MAX_CHARS);
    expect(renderInvitationEmail(input({ subject: exact })).subject).toBe(exact);
  });

  it("refuses URLs that are not absolute http(s)", () => {
    const bad: Partial<InvitationEmailInput>[] = [
      { surveyUrl: "/s/tok" },
      { surveyUrl: "javascript:alert(1)" },
      { surveyUrl: "ftp://surveys.example.com/s/tok" },
      { surveyUrl: `${SURVEY_URL}?a=1` },
      { surveyUrl: `${SURVEY_URL}#x` },
      { surveyUrl: "https://user:pw@surveys.example.com/s/tok" },
      { unsubscribeUrl: "u/tok" },
      { unsubscribeUrl: "mailto:unsubscribe@example.com" },
      { unsubscribeUrl: `${UNSUBSCRIBE_URL}\r\nBcc: victim@example.com` },
      { unsubscribeUrl: `${UNSUBSCRIBE_URL}>, <https://evil.example` },
      { unsubscribeUrl: `${UNSUBSCRIBE_URL} x` },
    ];
    for (const overrides of bad) expect(() => renderInvitationEmail(input(overrides))).toThrow(Error);
    expect(() => renderInvitationEmail(input({ surveyUrl: "http://localhost:3000/s/tok" }))).not.toThrow();
  });
});
