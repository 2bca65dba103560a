import { describe, expect, it } from "vitest";
import { parseAnswer } from "../../functions/domain/answer";
import {
  answerWindowClosed,
  decideDelivery,
  type Invitation,
  reminderDueAt,
} from "../../functions/domain/invitation";
import { planInvitations, purchaseSchema, toPurchase } from "../../functions/domain/purchase";
import { formatFromAddress } from "../../functions/mail/mail-sender";

const now = new Date("2026-11-20T12:00:00.000Z");

const invitation = (fields: Partial<Invitation> = {}): Invitation => ({
  token: "t".repeat(24),
  campaignId: "cmp_x",
  orderId: "o-1",
  kind: "initial",
  email: "ana@example.com",
  name: null,
  locale: null,
  properties: {},
  purchasedAt: "2026-11-10T12:00:00.000Z",
  sendAt: "2026-11-17T12:00:00.000Z",
  status: "scheduled",
  nextAction: "send",
  dueAt: "2026-11-17T12:00:00.000Z",
  sentAt: null,
  reminderSentAt: null,
  acceptedAt: null,
  reminderAcceptedAt: null,
  sendFailures: null,
  answeredAt: null,
  unsubscribedAt: null,
  skipReason: null,
  segments: null,
  erasedAt: null,
  survey: null,
  ...fields,
});
const active = { status: "active" as const, throttleDays: 30 };
const nobody = { suppressed: false, suppressedFor: null, lastSentAt: null, lastSentPurchase: null };

describe("planInvitations", () => {
  it("schedules delayDays after the purchase, fractions included", () => {
    expect(
      planInvitations({ delayDays: 0.5, followUpDays: null }, { purchasedAt: "2026-11-01T00:00:00.000Z" }),
    ).toEqual([{ kind: "initial", sendAt: "2026-11-01T12:00:00.000Z" }]);
  });

  it("adds the follow-up when the campaign has one", () => {
    expect(
      planInvitations({ delayDays: 7, followUpDays: 90 }, { purchasedAt: "2026-01-01T00:00:00.000Z" }),
    ).toEqual([
      { kind: "initial", sendAt: "2026-01-08T00:00:00.000Z" },
      { kind: "followUp", sendAt: "2026-04-01T00:00:00.000Z" },
    ]);
  });
});

describe("toPurchase", () => {
  const parse = (fields: Record<string, unknown>) =>
    toPurchase(purchaseSchema.parse({ orderId: "o", email: "A@Example.COM ", ...fields }), now);

  it("normalizes the email and defaults purchasedAt to now", () => {
    expect(parse({})).toMatchObject({
      ok: true,
      value: {
        email: "a@example.com",
        purchasedAt: now.toISOString(),
        name: null,
        properties: {},
      },
    });
  });

  it("accepts offsets and stores UTC", () => {
    expect(parse({ purchasedAt: "2026-11-20T20:00:00+08:00" })).toMatchObject({
      value: { purchasedAt: "2026-11-20T12:00:00.000Z" },
    });
  });

  it("refuses purchases far in the future or older than a year", () => {
    expect(parse({ purchasedAt: "2026-11-23T12:00:00Z" })).toMatchObject({
      ok: false,
      issues: [{ field: "purchasedAt" }],
    });
    expect(parse({ purchasedAt: "2025-11-01T00:00:00Z" })).toMatchObject({
      ok: false,
      issues: [{ field: "purchasedAt" }],
    });
  });

  it.each([
    { email: "not-an-email" },
    { orderId: "" },
    { orderId: "x".repeat(201) },
    { name: "a\nb" },
    { locale: "fr" },
    { purchasedAt: "yesterday" },
    { properties: Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`p${i}`, 1])) },
    { properties: { "bad key": 1 } },
    { properties: { region: { nested: true } } },
    { surprise: 1 },
  ])("schema refuses %j", (fields) => {
    expect(purchaseSchema.safeParse({ orderId: "o", email: "a@example.com", ...fields }).success).toBe(false);
  });
});

describe("decideDelivery", () => {
  it("sends a scheduled invitation to a person nobody surveyed", () => {
    expect(decideDelivery(invitation(), "send", active, nobody, now)).toEqual({ kind: "send" });
  });

  it("skips suppressed people and drops their reminders", () => {
    const suppressed = { ...nobody, suppressed: true, suppressedFor: "unsubscribed" as const };
    expect(decideDelivery(invitation(), "send", active, suppressed, now)).toEqual({
      kind: "skip",
      reason: "suppressed",
    });
    const sent = invitation({ status: "sent", nextAction: "remind", sentAt: "2026-11-17T12:00:00.000Z" });
    expect(decideDelivery(sent, "remind", active, suppressed, now)).toEqual({ kind: "drop" });
  });

  it("throttles a survey inside the window, unless it belongs to the same purchase", () => {
    const recent = { ...nobody, lastSentAt: "2026-11-01T00:00:00.000Z", lastSentPurchase: "cmp_other#o-9" };
    expect(decideDelivery(invitation(), "send", active, recent, now)).toEqual({
      kind: "skip",
      reason: "throttled",
    });
    expect(decideDelivery(invitation(), "send", { ...active, throttleDays: 0 }, recent, now)).toEqual({
      kind: "send",
    });
    const longAgo = { ...recent, lastSentAt: "2026-09-01T00:00:00.000Z" };
    expect(decideDelivery(invitation(), "send", active, longAgo, now)).toEqual({ kind: "send" });
    const followUp = invitation({ kind: "followUp" });
    const ownInitial = { ...recent, lastSentPurchase: "cmp_x#o-1" };
    expect(decideDelivery(followUp, "send", active, ownInitial, now)).toEqual({ kind: "send" });
  });

  it("parks while the campaign is paused and skips once it is archived", () => {
    expect(decideDelivery(invitation(), "send", { ...active, status: "paused" }, nobody, now)).toEqual({
      kind: "park",
    });
    expect(decideDelivery(invitation(), "send", { ...active, status: "archived" }, nobody, now)).toEqual({
      kind: "skip",
      reason: "archived",
    });
  });

  it("reminds only an unanswered, sent invitation", () => {
    const sent = invitation({ status: "sent", nextAction: "remind", sentAt: "2026-11-17T12:00:00.000Z" });
    expect(decideDelivery(sent, "remind", active, nobody, now)).toEqual({ kind: "send" });
    expect(decideDelivery({ ...sent, answeredAt: now.toISOString() }, "remind", active, nobody, now)).toEqual(
      { kind: "drop" },
    );
    expect(
      decideDelivery({ ...sent, unsubscribedAt: now.toISOString() }, "remind", active, nobody, now),
    ).toEqual({
      kind: "drop",
    });
  });

  it("drops a message whose action is no longer due (a stale or repeated message)", () => {
    expect(
      decideDelivery(invitation({ nextAction: null, status: "sent" }), "send", active, nobody, now),
    ).toEqual({ kind: "drop" });
    expect(decideDelivery(invitation(), "remind", active, nobody, now)).toEqual({ kind: "drop" });
  });

  it("computes the reminder time and the answer window", () => {
    expect(reminderDueAt("2026-11-01T00:00:00.000Z", 3)).toBe("2026-11-04T00:00:00.000Z");
    expect(reminderDueAt("2026-11-01T00:00:00.000Z", null)).toBeNull();
    expect(answerWindowClosed({ sentAt: "2026-10-21T11:59:59.000Z", acceptedAt: null }, now)).toBe(true);
    expect(answerWindowClosed({ sentAt: "2026-10-21T12:00:01.000Z", acceptedAt: null }, now)).toBe(false);
    // Accepted by SES but not marked yet: the window runs from the acceptance.
    expect(answerWindowClosed({ sentAt: null, acceptedAt: "2026-10-21T11:59:59.000Z" }, now)).toBe(true);
    expect(answerWindowClosed({ sentAt: null, acceptedAt: null }, now)).toBe(false);
  });
});

describe("parseAnswer", () => {
  const campaign = { csat: true, attributes: [{ key: "delivery", label: "Delivery" }] };

  it("reads form strings and JSON numbers alike", () => {
    expect(
      parseAnswer({ score: "9", csat: "4", "attr.delivery": "5", comment: " Great " }, campaign),
    ).toEqual({
      ok: true,
      value: { score: 9, csat: 4, attributes: { delivery: 5 }, comment: "Great", complete: true },
    });
    expect(parseAnswer({ score: 0, attributes: { delivery: 1 } }, campaign)).toEqual({
      ok: true,
      value: { score: 0, csat: null, attributes: { delivery: 1 }, comment: null, complete: true },
    });
  });

  it("marks complete only an answer that rated every attribute the campaign asks", () => {
    const two = { ...campaign, attributes: [...campaign.attributes, { key: "price", label: "Price" }] };
    const rated = parseAnswer({ score: 9, attributes: { delivery: 5, price: 3 } }, two);
    expect(rated.ok && rated.value.complete).toBe(true);
    const partly = parseAnswer({ score: 9, attributes: { delivery: 5 } }, two);
    expect(partly.ok && "complete" in partly.value).toBe(false);
    const none = parseAnswer({ score: 9 }, { ...campaign, attributes: [] });
    expect(none.ok && "complete" in none.value).toBe(false);
  });

  it("treats empty optional fields as unanswered", () => {
    expect(parseAnswer({ score: "10", csat: "", "attr.delivery": "", comment: "" }, campaign)).toMatchObject({
      ok: true,
      value: { score: 10, csat: null, attributes: {}, comment: null },
    });
  });

  it.each([
    [{}, "score"],
    [{ score: "11" }, "score"],
    [{ score: "-1" }, "score"],
    [{ score: "7.5" }, "score"],
    [{ score: "9", csat: "6" }, "csat"],
    [{ score: "9", "attr.price": "3" }, "attr.price"],
    [{ score: "9", "attr.delivery": "0" }, "attr.delivery"],
    [{ score: "9", comment: "x".repeat(5001) }, "comment"],
    [{ score: "9", comment: 5 }, "comment"],
    [{ score: "9", extra: "1" }, "extra"],
  ])("refuses %j naming %s", (body, field) => {
    const result = parseAnswer(body as Record<string, unknown>, campaign);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.issues.map((e) => e.field)).toContain(field);
  });

  it("refuses CSAT when the campaign does not ask it", () => {
    expect(parseAnswer({ score: "9", csat: "4" }, { csat: false, attributes: [] }).ok).toBe(false);
  });
});

describe("formatFromAddress", () => {
  it("quotes ASCII names, encodes others, and drops line breaks", () => {
    expect(formatFromAddress("Acme", "s@acme.com")).toBe('"Acme" <s@acme.com>');
    expect(formatFromAddress('Say "hi"', "s@acme.com")).toBe('"Say \\"hi\\"" <s@acme.com>');
    expect(formatFromAddress("好市多", "s@acme.com")).toBe(
      `=?UTF-8?B?${Buffer.from("好市多").toString("base64")}?= <s@acme.com>`,
    );
    expect(formatFromAddress("Acme\r\nBcc: x@y.com", "s@acme.com")).not.toMatch(/[\r\n]/);
    expect(formatFromAddress("  ", "s@acme.com")).toBe("s@acme.com");
  });
});
