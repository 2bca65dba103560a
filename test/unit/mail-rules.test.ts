import { describe, expect, it } from "vitest";
import {
  campaignCreateSchema,
  campaignUpdateSchema,
  LOCALES,
  PROPERTY_NAME,
} from "../../functions/domain/campaign";
import { normalizeSegmentValue } from "../../functions/domain/counters";
import {
  encodeDisplayName,
  formatFromAddress,
  MAX_ENCODED_SENDER_NAME_LENGTH,
  MAX_SENDER_ADDRESS_LENGTH,
  SES_MAX_ADDRESS_FIELD_LENGTH,
  senderNameFits,
} from "../../functions/domain/mail-address";
import { readSesEvent } from "../../functions/domain/mail-events";
import { parsePurchase } from "../../functions/domain/purchase";
import { check } from "../../functions/domain/validation";
import { renderInvitationEmail, SUBJECT_MAX_CHARS } from "../../functions/mail/render-invitation-email";
import { isDeliverableAddress } from "../../functions/mail/ses-mail-sender";
import {
  aggregateKey,
  contactKey,
  purchaseKey,
  segmentValuesKey,
  suppressionKey,
} from "../../functions/store/keys";

/** The From header, SES's events and DynamoDB's key limits: the "small windows" of input. */

const LONG_CHINESE_NAME = "好".repeat(100);
const utf8 = (text: string) => Buffer.byteLength(text, "utf8");

describe("the From header", () => {
  it("writes a long non-ASCII name as encoded words of at most 75 characters, each of whole characters", () => {
    const mixed = `Acme 好市多 ${"😀".repeat(20)} Café`;
    const encoded = encodeDisplayName(mixed);
    const words = encoded.split(" ");
    expect(words.length).toBeGreaterThan(1);
    for (const word of words) {
      expect(word).toMatch(/^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/);
      expect(word.length).toBeLessThanOrEqual(75);
      // Each word decodes alone: no character's bytes straddle two words (RFC 2047 §5).
      const text = Buffer.from(word.slice(10, -2), "base64").toString("utf8");
      expect(text).not.toContain("\uFFFD");
    }
    const decoded = words.map((w) => Buffer.from(w.slice(10, -2), "base64").toString("utf8")).join("");
    expect(decoded).toBe(mixed);
  });

  it("keeps short names as they were: one encoded word, or a quoted string for ASCII", () => {
    expect(formatFromAddress("好市多", "s@acme.com")).toBe(
      `=?UTF-8?B?${Buffer.from("好市多").toString("base64")}?= <s@acme.com>`,
    );
    expect(formatFromAddress('Say "hi"', "s@acme.com")).toBe('"Say \\"hi\\"" <s@acme.com>');
    expect(formatFromAddress("Acme\r\nBcc: x@y.com", "s@acme.com")).not.toMatch(/[\r\n]/);
  });

  it("measures the issue's name: 100 Chinese characters are 412 characters as one word, 490 as words, past SES's 320", () => {
    const oneWord = `=?UTF-8?B?${Buffer.from(LONG_CHINESE_NAME).toString("base64")}?=`;
    expect(oneWord.length).toBe(412);
    expect(encodeDisplayName(LONG_CHINESE_NAME).length).toBe(490);
    expect(formatFromAddress(LONG_CHINESE_NAME, "surveys@example.com").length).toBe(512);
    expect(senderNameFits(LONG_CHINESE_NAME)).toBe(false);
  });

  it("takes any name that fits beside the longest sender address allowed, and no longer", () => {
    expect(MAX_ENCODED_SENDER_NAME_LENGTH).toBe(SES_MAX_ADDRESS_FIELD_LENGTH - MAX_SENDER_ADDRESS_LENGTH - 3);
    const longestAddress = `${"s".repeat(MAX_SENDER_ADDRESS_LENGTH - "@acme.com".length)}@acme.com`;
    const longest = (char: string) => {
      let n = 1;
      while (senderNameFits(char.repeat(n + 1))) n++;
      return n;
    };
    // Chinese (3 bytes in UTF-8), accented Latin (2), emoji (4 bytes, 2 UTF-16 units).
    expect([longest("好"), longest("é"), longest("😀")]).toEqual([44, 65, 32]);
    for (const name of ["好".repeat(44), "é".repeat(65), "😀".repeat(32), '"'.repeat(100), "x".repeat(100)]) {
      expect(senderNameFits(name)).toBe(true);
      expect(formatFromAddress(name, longestAddress).length).toBeLessThanOrEqual(
        SES_MAX_ADDRESS_FIELD_LENGTH,
      );
    }
  });

  it("refuses such a senderName on create and update, and such a brandName when it becomes the sender name", () => {
    const issues = (schema: typeof campaignCreateSchema | typeof campaignUpdateSchema, body: unknown) => {
      const checked = check(schema, body);
      return checked.ok ? [] : checked.issues.map((i) => i.field);
    };
    expect(
      issues(campaignCreateSchema, { name: "n", brandName: "b", senderName: LONG_CHINESE_NAME }),
    ).toEqual(["senderName"]);
    expect(issues(campaignCreateSchema, { name: "n", brandName: LONG_CHINESE_NAME })).toEqual(["brandName"]);
    expect(
      issues(campaignCreateSchema, { name: "n", brandName: LONG_CHINESE_NAME, senderName: "Acme" }),
    ).toEqual([]);
    expect(issues(campaignUpdateSchema, { senderName: "好".repeat(45) })).toEqual(["senderName"]);
    // An update of the brand leaves the sender name as it is: nothing to check.
    expect(issues(campaignUpdateSchema, { brandName: LONG_CHINESE_NAME })).toEqual([]);
  });
});

describe("the Subject", () => {
  it("never cuts the default subject, whatever the brand's length allows", () => {
    for (const locale of LOCALES) {
      for (const isReminder of [false, true]) {
        const { subject } = renderInvitationEmail({
          locale,
          brandName: "好".repeat(100),
          senderName: "Acme",
          recipientName: null,
          subject: null,
          intro: null,
          logoUrl: null,
          accentColor: null,
          surveyUrl: "https://surveys.example.com/s/abc",
          unsubscribeUrl: "https://surveys.example.com/u/abc",
          isReminder,
        });
        expect(subject).toContain("好".repeat(100));
        expect(subject).not.toContain("…");
        expect([...subject].length).toBeLessThanOrEqual(SUBJECT_MAX_CHARS);
      }
    }
  });
});

describe("SES recipients", () => {
  it.each([
    ["ann@example.com", true],
    [`${"x".repeat(64)}@example.com`, true],
    [`${"x".repeat(65)}@example.com`, false],
    [`ann@${"d".repeat(64)}.com`, false],
    ["ann@example.com.", false],
    ["ann@localhost", false],
    ["ann@exämple.com", false],
    ["ann smith@example.com", false],
  ])("%s is an address SES takes: %s", (address, expected) => {
    expect(isDeliverableAddress(address)).toBe(expected);
  });
});

describe("SES events", () => {
  const event = (body: Record<string, unknown>) => JSON.stringify({ mail: { messageId: "m-1" }, ...body });

  it("suppresses permanent bounces and complaints, and reads the other known events as nothing to do", () => {
    expect(
      readSesEvent(
        event({
          eventType: "Bounce",
          bounce: { bounceType: "Permanent", bouncedRecipients: [{ emailAddress: "A@x.com" }] },
        }),
      ),
    ).toEqual({
      ok: true,
      eventType: "Bounce",
      messageId: "m-1",
      suppressions: [{ email: "a@x.com", reason: "bounced", source: "ses:m-1" }],
    });
    expect(
      readSesEvent(
        event({
          notificationType: "Complaint",
          complaint: { complainedRecipients: [{ emailAddress: "b@x.com" }] },
        }),
      ),
    ).toMatchObject({
      ok: true,
      suppressions: [{ email: "b@x.com", reason: "complained", source: "ses:m-1" }],
    });
    const transient = event({
      eventType: "Bounce",
      bounce: { bounceType: "Transient", bouncedRecipients: [{ emailAddress: "c@x.com" }] },
    });
    for (const quiet of [
      transient,
      event({ eventType: "Delivery" }),
      event({ eventType: "Send" }),
      event({ eventType: "Reject" }),
      event({ eventType: "Rendering Failure" }),
      JSON.stringify({ notificationType: "AmazonSnsSubscriptionSucceeded", message: "ok" }),
    ]) {
      expect(readSesEvent(quiet)).toMatchObject({ ok: true, suppressions: [] });
    }
  });

  it.each([
    ["not json", "not JSON"],
    ["[1, 2]", "not an SES event object"],
    ['"Bounce"', "not an SES event object"],
    [JSON.stringify({ eventType: 7 }), "not an SES event object"],
    [JSON.stringify({ mail: { messageId: "m-1" } }), "no eventType or notificationType"],
    [JSON.stringify({ eventType: "Bounced" }), "not a known SES event type"],
    [JSON.stringify({ eventType: "Bounce" }), "bounce missing or not valid"],
    [
      JSON.stringify({ eventType: "Bounce", bounce: { bounceType: "Permanent", bouncedRecipients: [{}] } }),
      "bounce.bouncedRecipients.0.emailAddress missing or not valid",
    ],
    [
      JSON.stringify({
        eventType: "Complaint",
        complaint: { complainedRecipients: [{ emailAddress: `${"x".repeat(320)}@x.com` }] },
      }),
      "complaint.complainedRecipients.0.emailAddress missing or not valid",
    ],
  ])("reads %s as malformed: %s", (message, reason) => {
    expect(readSesEvent(message)).toMatchObject({ ok: false, reason });
  });
});

describe("DynamoDB key limits (1,024 bytes for a sort key, 2,048 for a partition key)", () => {
  const now = new Date("2026-11-01T00:00:00.000Z");
  const campaignId = "cmp_0123456789abcdef";

  it("a purchase's key: the longest orderId accepted is 600 bytes of UTF-8, its sort key 609", () => {
    // Three bytes per UTF-16 unit is the most UTF-8 takes (a pair of units, an emoji, takes four).
    for (const orderId of ["\uFFFD".repeat(200), "😀".repeat(100), "好".repeat(200)]) {
      expect(parsePurchase({ orderId, email: "a@example.com" }, now).ok).toBe(true);
      expect(utf8(purchaseKey(campaignId, orderId).sk)).toBeLessThanOrEqual(609);
    }
    expect(utf8(purchaseKey(campaignId, "\uFFFD".repeat(200)).sk)).toBe(609);
    expect(parsePurchase({ orderId: "a".repeat(201), email: "a@example.com" }, now)).toMatchObject({
      ok: false,
      issues: [{ field: "orderId" }],
    });
  });

  it("an aggregate's key: a segment value is at most 100 code points (400 bytes), its sort key about 480", () => {
    const dimension = "p".repeat(64);
    expect(PROPERTY_NAME.test(dimension)).toBe(true);
    // A property value of 200 units: emoji, characters NFC expands, characters lower-casing expands.
    for (const raw of ["😀".repeat(100), "\u0958".repeat(200), "İ".repeat(200)]) {
      const value = normalizeSegmentValue(raw);
      expect([...value].length).toBeLessThanOrEqual(100);
      const { sk, pk } = aggregateKey(campaignId, dimension, "2026-11-01", value);
      // "AGG#" + 64 + "#" + 10 + "#" + 400: 480 bytes (482 with a shard number before the value).
      expect(utf8(sk)).toBeLessThanOrEqual(490);
      expect(utf8(pk)).toBeLessThan(2048);
    }
    expect(utf8(segmentValuesKey(campaignId, dimension).sk)).toBe(74);
  });

  it("an address's partition: 260 bytes from a purchase (254 ASCII characters), at most 966 from an SES event", () => {
    const purchased = `${"a".repeat(64)}@${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(57)}.com`;
    expect(purchased.length).toBe(254);
    const parsed = parsePurchase({ orderId: "o", email: purchased }, now);
    expect(parsed.ok).toBe(true);
    expect(utf8(contactKey(purchased).pk)).toBe(260);
    // An SES event's address is at most 320 UTF-16 units (readSesEvent refuses more): 3 bytes each at worst.
    expect(utf8(suppressionKey("😀".repeat(160)).pk)).toBe(6 + 640);
    expect(utf8(suppressionKey("\uFFFD".repeat(320)).pk)).toBe(966);
  });
});
