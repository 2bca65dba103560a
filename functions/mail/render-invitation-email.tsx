import type { FC } from "hono/jsx";
import type { Locale } from "../domain/campaign";
import type { InvitationEmail as InvitationEmailData } from "../domain/invitation";
import { type Messages, messagesFor } from "../domain/messages";

/** Renders the survey invitation (and reminder) email: subject, HTML and text parts, unsubscribe headers. */

/** What the renderer needs: the invitation email without its address. */
export type InvitationEmailInput = Omit<InvitationEmailData, "to">;

export type RenderedEmail = {
  subject: string;
  html: string;
  text: string;
  headers: { name: string; value: string }[];
};

export const SUBJECT_MAX_CHARS = 200;

const SCORES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;

// C0 and C1 control characters, DEL and the Unicode line/paragraph separators.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/gu;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_EXCEPT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/gu;

/** One line of text safe for a mail header: control characters become spaces, runs of spaces collapse. */
export function toHeaderText(value: string): string {
  return value.replace(CONTROL_CHARS, " ").replace(/ {2,}/g, " ").trim();
}

/** Cuts to at most `max` characters (code points, so no surrogate pair is split), marking the cut. */
function capChars(value: string, max: number): string {
  const chars = Array.from(value);
  if (chars.length <= max) return value;
  const kept = chars
    .slice(0, max - 1)
    .join("")
    .trimEnd();
  return `${kept}…`;
}

/** Multi-line text as lines: CRLF/CR/U+2028/U+2029 end a line, other control characters become spaces. */
function toLines(value: string): string[] {
  const lines = value
    .split(/\r\n|[\r\n\u2028\u2029]/u)
    .map((line) => line.replace(CONTROL_EXCEPT_NEWLINE, " ").trimEnd());
  while (lines.length > 0 && lines[0]?.trim() === "") lines.shift();
  while (lines.length > 0 && lines[lines.length - 1]?.trim() === "") lines.pop();
  return lines;
}

/** Validates an absolute http(s) URL; a bad one is a programming error upstream. */
function absoluteHttpUrl(field: string, value: string, allowQuery: boolean): string {
  // Refuse rather than repair: whitespace, controls, quotes and angle brackets would break the header.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  if (/[\s\u0000-\u001f\u007f-\u009f<>"]/u.test(value)) {
    throw new Error(`${field} must be an absolute http(s) URL without spaces or control characters`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${field} must be an absolute http(s) URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new Error(`${field} must be an absolute http(s) URL`);
  }
  if (url.username !== "" || url.password !== "") {
    throw new Error(`${field} must not carry credentials`);
  }
  if (!allowQuery && (value.includes("?") || value.includes("#"))) {
    throw new Error(`${field} must have no query or fragment`);
  }
  return url.href;
}

const scoreUrl = (surveyUrl: string, score: number): string => `${surveyUrl}?score=${score}`;

type EmailContent = {
  locale: Locale;
  subject: string;
  greeting: string;
  reminderIntro: string | null;
  introLines: string[];
  question: string;
  instruction: string;
  scaleLow: string;
  scaleHigh: string;
  signOffLines: string[];
  footer: string;
  unsubscribeLinkText: string;
  surveyUrl: string;
  unsubscribeUrl: string;
  brandName: string;
  logoUrl: string | null;
  accentColor: string | null;
};

function emailContent(input: InvitationEmailInput, m: Messages): EmailContent {
  const surveyUrl = absoluteHttpUrl("surveyUrl", input.surveyUrl, false);
  const unsubscribeUrl = absoluteHttpUrl("unsubscribeUrl", input.unsubscribeUrl, true);
  const brand = toHeaderText(input.brandName);
  const sender = toHeaderText(input.senderName) || brand;
  const name = input.recipientName === null ? "" : toHeaderText(input.recipientName);
  const customSubject = input.subject === null ? "" : toHeaderText(input.subject);
  const customIntro = input.intro === null ? [] : toLines(input.intro);

  let subject: string;
  if (customSubject === "") {
    subject = input.isReminder ? m.emailReminderSubject(brand) : m.emailSubject(brand);
  } else {
    subject = input.isReminder ? m.emailReminderSubjectPrefix(customSubject) : customSubject;
  }

  return {
    locale: input.locale,
    // Sanitized again as a whole: the localized template and brand end up in the Subject header.
    subject: capChars(toHeaderText(subject), SUBJECT_MAX_CHARS),
    greeting: name === "" ? m.greetingNoName : m.greeting(name),
    reminderIntro: input.isReminder ? m.emailReminderIntro : null,
    introLines: customIntro.length > 0 ? customIntro : [m.emailIntro(brand)],
    question: m.npsQuestion(brand),
    instruction: m.emailInstruction,
    scaleLow: m.scaleLowLabel,
    scaleHigh: m.scaleHighLabel,
    signOffLines: toLines(m.emailSignOff(sender)),
    footer: m.emailFooter(brand),
    unsubscribeLinkText: m.unsubscribeLinkText,
    surveyUrl,
    unsubscribeUrl,
    brandName: brand,
    logoUrl: input.logoUrl === null ? null : absoluteHttpUrl("logoUrl", input.logoUrl, true),
    accentColor:
      input.accentColor !== null && /^#[0-9a-fA-F]{6}$/.test(input.accentColor) ? input.accentColor : null,
  };
}

// Colours: dark text on light backgrounds, all pairs above WCAG AA contrast.
const PAGE_BG = "#f3f4f6";
const CARD_BG = "#ffffff";
const TEXT = "#1f2937";
const HEADING = "#111827";
const MUTED = "#4b5563";
const BUTTON_BG = "#e8edf4";
const BUTTON_BORDER = "#8a96a8";
const LINK = "#1d4ed8";

// Family names unquoted (valid CSS), so the style attributes carry no escaped quotes.
const FONTS: Record<Locale, string> = {
  en: "-apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif",
  "zh-Hant":
    "-apple-system, PingFang TC, Microsoft JhengHei, Noto Sans TC, Segoe UI, Helvetica, Arial, sans-serif",
  "zh-Hans":
    "-apple-system, PingFang SC, Microsoft YaHei, Noto Sans SC, Segoe UI, Helvetica, Arial, sans-serif",
};

const Lines: FC<{ lines: string[] }> = ({ lines }) => (
  <>
    {lines.map((line, i) => (
      <>
        {i > 0 && <br />}
        {line}
      </>
    ))}
  </>
);

const ScoreButtons: FC<{ surveyUrl: string; font: string; border: string }> = ({
  surveyUrl,
  font,
  border,
}) => (
  <table
    role="presentation"
    width="100%"
    cellpadding="0"
    cellspacing="3"
    border={0}
    style="width:100%;border-collapse:separate;"
  >
    <tr>
      {SCORES.map((score) => (
        <td
          align="center"
          width="9%"
          bgcolor={BUTTON_BG}
          style={`background-color:${BUTTON_BG};border:${border === BUTTON_BORDER ? 1 : 2}px solid ${border};border-radius:6px;`}
        >
          <a
            href={scoreUrl(surveyUrl, score)}
            target="_blank"
            rel="noopener"
            style={`display:block;padding:12px 0;font-family:${font};font-size:18px;line-height:20px;font-weight:bold;color:${HEADING};text-decoration:none;text-align:center;`}
          >
            {String(score)}
          </a>
        </td>
      ))}
    </tr>
  </table>
);

/**
 * Links open in a new window (`target="_blank"`): webmail shows an email inside its own page, often in
 * a frame, and the survey pages refuse to be framed; mail apps open links in the browser either way.
 */
const InvitationEmail: FC<{ content: EmailContent }> = ({ content: c }) => {
  const font = FONTS[c.locale];
  const text = `font-family:${font};font-size:16px;line-height:24px;color:${TEXT};`;
  const paragraph = `margin:0 0 16px 0;${text}`;
  return (
    <html lang={c.locale} dir="ltr">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light" />
        <meta name="supported-color-schemes" content="light" />
        <title>{c.subject}</title>
      </head>
      <body style={`margin:0;padding:0;background-color:${PAGE_BG};`}>
        {/* Inbox preview text; hidden in the message itself. */}
        <div style="display:none;max-height:0;overflow:hidden;mso-hide:all;font-size:1px;line-height:1px;">
          {c.question}
        </div>
        <table
          role="presentation"
          width="100%"
          cellpadding="0"
          cellspacing="0"
          border={0}
          bgcolor={PAGE_BG}
          style={`width:100%;background-color:${PAGE_BG};`}
        >
          <tr>
            <td align="center" style="padding:24px 12px;">
              <table
                role="presentation"
                width="560"
                cellpadding="0"
                cellspacing="0"
                border={0}
                bgcolor={CARD_BG}
                style={`width:100%;max-width:560px;background-color:${CARD_BG};border:1px solid #d1d5db;border-radius:8px;`}
              >
                <tr>
                  <td style={`padding:28px 24px 12px 24px;${text}`}>
                    {c.logoUrl === null ? null : (
                      <img
                        src={c.logoUrl}
                        alt={c.brandName}
                        height="48"
                        style="display:block;height:48px;width:auto;max-width:200px;margin:0 0 20px 0;border:0;"
                      />
                    )}
                    <p style={paragraph}>{c.greeting}</p>
                    {c.reminderIntro !== null && <p style={paragraph}>{c.reminderIntro}</p>}
                    <p style={paragraph}>
                      <Lines lines={c.introLines} />
                    </p>
                    <h1
                      style={`margin:24px 0 8px 0;font-family:${font};font-size:20px;line-height:28px;font-weight:bold;color:${HEADING};`}
                    >
                      {c.question}
                    </h1>
                    <p
                      style={`margin:0 0 12px 0;font-family:${font};font-size:14px;line-height:20px;color:${MUTED};`}
                    >
                      {c.instruction}
                    </p>
                  </td>
                </tr>
                <tr>
                  <td style="padding:0 12px;">
                    <ScoreButtons
                      surveyUrl={c.surveyUrl}
                      font={font}
                      border={c.accentColor ?? BUTTON_BORDER}
                    />
                  </td>
                </tr>
                <tr>
                  <td style="padding:6px 24px 0 24px;">
                    <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border={0}>
                      <tr>
                        <td
                          align="left"
                          valign="top"
                          style={`font-family:${font};font-size:13px;line-height:18px;color:${MUTED};`}
                        >
                          {c.scaleLow}
                        </td>
                        <td
                          align="right"
                          valign="top"
                          style={`font-family:${font};font-size:13px;line-height:18px;color:${MUTED};`}
                        >
                          {c.scaleHigh}
                        </td>
                      </tr>
                    </table>
                  </td>
                </tr>
                <tr>
                  <td style={`padding:24px 24px 28px 24px;${text}`}>
                    <p style="margin:0;">
                      <Lines lines={c.signOffLines} />
                    </p>
                  </td>
                </tr>
              </table>
              <table
                role="presentation"
                width="560"
                cellpadding="0"
                cellspacing="0"
                border={0}
                style="width:100%;max-width:560px;"
              >
                <tr>
                  <td
                    align="center"
                    style={`padding:16px 24px;font-family:${font};font-size:13px;line-height:20px;color:${MUTED};`}
                  >
                    {c.footer}
                    <br />
                    <a
                      href={c.unsubscribeUrl}
                      target="_blank"
                      rel="noopener"
                      style={`color:${LINK};text-decoration:underline;`}
                    >
                      {c.unsubscribeLinkText}
                    </a>
                  </td>
                </tr>
              </table>
            </td>
          </tr>
        </table>
      </body>
    </html>
  );
};

function renderHtml(content: EmailContent): string {
  // Every component here is synchronous, so the node renders to a string; guard against a future async one.
  const html: string | Promise<string> = (<InvitationEmail content={content} />).toString();
  if (typeof html !== "string") throw new Error("the invitation email must render synchronously");
  return `<!doctype html>${html}`;
}

function renderText(content: EmailContent, m: Messages): string {
  const lines: string[] = [content.greeting, ""];
  if (content.reminderIntro !== null) lines.push(content.reminderIntro, "");
  lines.push(...content.introLines, "");
  lines.push(content.question, content.scaleLow, content.scaleHigh, "");
  lines.push(m.emailTextInstruction, "");
  for (const score of SCORES) lines.push(`${score} – ${scoreUrl(content.surveyUrl, score)}`);
  lines.push("", ...content.signOffLines, "", content.footer);
  lines.push(m.unsubscribeTextLine(content.unsubscribeUrl), "");
  return lines.join("\n");
}

export function renderInvitationEmail(input: InvitationEmailInput): RenderedEmail {
  const m = messagesFor(input.locale);
  const content = emailContent(input, m);
  return {
    subject: content.subject,
    html: renderHtml(content),
    text: renderText(content, m),
    headers: [
      { name: "List-Unsubscribe", value: `<${content.unsubscribeUrl}>` },
      { name: "List-Unsubscribe-Post", value: "List-Unsubscribe=One-Click" },
    ],
  };
}
