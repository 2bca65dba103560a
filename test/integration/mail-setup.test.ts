import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { campaignSettingsFromCreate } from "../../functions/domain/campaign";
import { MAX_ENCODED_SENDER_NAME_LENGTH } from "../../functions/domain/mail-address";
import { type DeliveryHarness, startDeliveryHarness } from "../support/delivery-harness";
import { type Fault, type FaultProxy, startFaultProxy } from "../support/fault-proxy";

/**
 * A campaign-wide SES refusal told from a bad recipient ("Small windows"): SES (a proxy in front of
 * the emulator) refuses what it refuses on AWS, and the product must give up only on a recipient that
 * is at fault; a refusal every email of the campaign would get is retried and dead-lettered (alarmed),
 * and a sender name SES could not take is refused when the campaign is saved.
 */

const SENDER = "surveys@example.com";
/** A sender name of 100 Chinese characters: valid by its length alone, and far past SES's From limit. */
const LONG_CHINESE_NAME = "好市多台灣分公司客戶服務中心".repeat(8).slice(0, 100);
/** The longest run of Chinese characters whose From line SES takes, whatever the sender address. */
const LONGEST_CHINESE_NAME = "客".repeat(44);

type ErrorBody = { error: { code: string; message: string; details?: { field: string; message: string }[] } };
type SendEmailBody = {
  FromEmailAddress: string;
  Destination: { ToAddresses: string[] };
  Content: { Simple: { Subject: { Data: string } } };
};

/** An SES v2 error response (REST JSON: the error type in a header). */
const sesError = (type: "BadRequestException" | "MessageRejected", message: string): Fault => ({
  kind: type,
  status: 400,
  headers: { "content-type": "application/json", "x-amzn-errortype": type },
  body: JSON.stringify({ message }),
});

/**
 * What SES refuses, as the tests arrange it: a From field over 320 characters (SES's address limit), a
 * subject marked `[ses-refuses]` (standing for any part of the message every email of a campaign
 * shares), a recipient whose local part is over 64 characters, a subject marked `[unverified-sender]`
 * (SES names the sender's identity), a recipient marked `sandbox-` (SES names that recipient).
 */
function sesRefusal(email: SendEmailBody): Fault | undefined {
  const to = email.Destination.ToAddresses[0] ?? "";
  const subject = email.Content.Simple.Subject.Data;
  if (email.FromEmailAddress.length > 320) return sesError("BadRequestException", "Illegal address");
  if (subject.includes("[ses-refuses]")) return sesError("BadRequestException", "Illegal header value");
  if ((to.split("@")[0]?.length ?? 0) > 64) return sesError("BadRequestException", "Illegal address");
  const unverified =
    "Email address is not verified. The following identities failed the check in region US-EAST-1:";
  if (subject.includes("[unverified-sender]")) return sesError("MessageRejected", `${unverified} ${SENDER}`);
  if (to.startsWith("sandbox-")) return sesError("MessageRejected", `${unverified} ${to}`);
  return undefined;
}

let h: DeliveryHarness;
let proxy: FaultProxy;
/** Every SendEmail request that reached "SES", refused or not. */
const attempts: SendEmailBody[] = [];

beforeAll(async () => {
  proxy = await startFaultProxy("", (request) => {
    if (request.method !== "POST" || !request.url.startsWith("/v2/email/outbound-emails")) return undefined;
    const email = JSON.parse(request.body.toString("utf8")) as SendEmailBody;
    attempts.push(email);
    return sesRefusal(email);
  });
  h = await startDeliveryHarness({ sesEndpoint: proxy.url, senderAddress: SENDER });
  proxy.target.url = h.sesUrl;
});

afterAll(async () => {
  await h?.close();
  await proxy?.close();
});

/** Delivers what is due, with the sender's error lines (expected here) kept out of the output. */
async function deliver(): Promise<void> {
  const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
  try {
    await h.deliver();
  } finally {
    errors.mockRestore();
  }
}

/** The first invitation of an order, as stored. */
async function invitationOf(campaignId: string, orderId: string) {
  const [invitation] = (await h.stores.invitations.getMany(await h.stores.purchases.tokensOf(campaignId)))
    .filter((i) => i.orderId === orderId && i.kind === "initial")
    .slice(0, 1);
  if (!invitation) throw new Error(`no invitation for ${orderId}`);
  return invitation;
}

const deadLettered = (token: string) => h.queue.deadLetters.some((m) => m.body.includes(token));

/** RFC 2047 base64 words back to text. */
const decodeWords = (header: string) =>
  [...header.matchAll(/=\?UTF-8\?B\?([^?]*)\?=/g)]
    .map((m) => Buffer.from(m[1] ?? "", "base64"))
    .reduce((all, part) => Buffer.concat([all, part]), Buffer.alloc(0))
    .toString("utf8");

describe("a sender name SES could not take", () => {
  it("is refused when the campaign is saved (400 naming the field), the brand too when it is the sender name", async () => {
    const create = (fields: Record<string, unknown>) =>
      h.api<ErrorBody>("POST", "/v1/campaigns", { name: "Too long a From", ...fields });

    const sender = await create({ brandName: "Acme", senderName: LONG_CHINESE_NAME });
    expect(sender.status).toBe(400);
    expect(sender.body.error.code).toBe("validation_failed");
    expect(sender.body.error.details).toEqual([
      {
        field: "senderName",
        message: expect.stringContaining(
          `490 characters once encoded for it, at most ${MAX_ENCODED_SENDER_NAME_LENGTH}`,
        ),
      },
    ]);
    // Without a senderName the brand becomes it: refused under brandName, with what to do.
    const brand = await create({ brandName: LONG_CHINESE_NAME });
    expect(brand.status).toBe(400);
    expect(brand.body.error.details).toEqual([
      { field: "brandName", message: expect.stringContaining("unless you give a shorter senderName") },
    ]);
    // The brand alone may stay long: only the From line is limited.
    expect((await create({ brandName: LONG_CHINESE_NAME, senderName: "Acme" })).status).toBe(201);
    const fits = await create({ brandName: "Acme", senderName: LONGEST_CHINESE_NAME });
    expect(fits.status).toBe(201);
    const longer = await create({ brandName: "Acme", senderName: `${LONGEST_CHINESE_NAME}客` });
    expect(longer.status).toBe(400);

    const campaign = await h.createCampaign();
    const update = await h.api<ErrorBody>("PATCH", `/v1/campaigns/${campaign.id}`, {
      senderName: LONG_CHINESE_NAME,
    });
    expect(update.status).toBe(400);
    expect(update.body.error.details?.map((d) => d.field)).toEqual(["senderName"]);
  });

  it("sends the longest that fits as RFC 2047 words of at most 75 characters, within SES's 320", async () => {
    const campaign = await h.createCampaign({ delayDays: 0, senderName: LONGEST_CHINESE_NAME });
    await h.postPurchases(campaign.id, [{ orderId: "fits-1", email: "fits@example.com" }]);
    await deliver();

    const [email] = await h.inbox({ to: "fits@example.com" });
    if (!email) throw new Error("no email sent");
    const from = email.from;
    expect(from.length).toBeLessThanOrEqual(320);
    const words = from.match(/=\?UTF-8\?B\?[^?]*\?=/g) ?? [];
    expect(words.length).toBeGreaterThan(1);
    for (const word of words) expect(word.length).toBeLessThanOrEqual(75);
    expect(decodeWords(from)).toBe(LONGEST_CHINESE_NAME);
    expect(from.endsWith(`<${SENDER}>`)).toBe(true);
  });

  it("saved before the rule, fails every send as a setup fault: none is tried or rejected, each is retried and dead-lettered, the test send answers 409", async () => {
    const stale = await h.stores.campaigns.create(
      campaignSettingsFromCreate({
        name: "Saved before the rule",
        brandName: "Acme",
        senderName: LONG_CHINESE_NAME,
        delayDays: 0,
      }),
      h.clock(),
    );
    const healthy = await h.createCampaign({ delayDays: 0 });
    await h.postPurchases(stale.id, [{ orderId: "stale-1", email: "stale@example.com" }]);
    await h.postPurchases(healthy.id, [{ orderId: "ok-1", email: "healthy@example.com" }]);
    const before = attempts.length;

    await deliver();

    // Its From would be 512 characters (434 as the one encoded word of before): refused before SES.
    expect(attempts.slice(before).map((a) => a.Destination.ToAddresses[0])).toEqual(["healthy@example.com"]);
    const invitation = await invitationOf(stale.id, "stale-1");
    expect(invitation.skipReason).toBeNull();
    expect(invitation.status).toBe("scheduled");
    expect(deadLettered(invitation.token)).toBe(true);
    expect(await h.inbox({ to: "healthy@example.com" })).toHaveLength(1);

    const test = await h.api<ErrorBody>("POST", `/v1/campaigns/${stale.id}/test-send`, {
      email: "marketer@example.com",
    });
    expect(test.status).toBe(409);
    expect(test.body.error.code).toBe("conflict");
    expect(test.body.error.message).toContain("senderName");
  });
});

describe("SES refusals", () => {
  it("a refusal of the message itself, the recipient being a plain address, is a setup fault: retried, never rejected", async () => {
    const campaign = await h.createCampaign({ delayDays: 0, subject: "[ses-refuses] How was your order?" });
    await h.postPurchases(campaign.id, [{ orderId: "hdr-1", email: "plain@example.com" }]);
    const before = attempts.length;

    await deliver();

    // Tried on each receive of the message (5), then dead-lettered; the invitation stays due.
    expect(attempts.length - before).toBe(5);
    const invitation = await invitationOf(campaign.id, "hdr-1");
    expect(invitation.skipReason).toBeNull();
    expect(deadLettered(invitation.token)).toBe(true);
  });

  it("a refusal of a malformed recipient is that recipient's: rejected at once, the others of the campaign sent", async () => {
    const campaign = await h.createCampaign({ delayDays: 0 });
    const longLocal = `${"x".repeat(65)}@example.com`;
    await h.postPurchases(campaign.id, [
      { orderId: "rcpt-1", email: longLocal },
      { orderId: "rcpt-2", email: "fine@example.com" },
    ]);

    await deliver();

    const refused = await invitationOf(campaign.id, "rcpt-1");
    expect(refused).toMatchObject({ status: "skipped", skipReason: "rejected" });
    expect(deadLettered(refused.token)).toBe(false);
    expect(await h.inbox({ to: "fine@example.com" })).toHaveLength(1);
  });

  it("MessageRejected naming the sender is a setup fault; naming the recipient (the sandbox) rejects that recipient", async () => {
    const unverified = await h.createCampaign({ delayDays: 0, subject: "[unverified-sender] Your order" });
    const sandbox = await h.createCampaign({ delayDays: 0 });
    await h.postPurchases(unverified.id, [{ orderId: "uv-1", email: "someone@example.com" }]);
    await h.postPurchases(sandbox.id, [{ orderId: "sb-1", email: "sandbox-user@example.com" }]);

    await deliver();

    const setup = await invitationOf(unverified.id, "uv-1");
    expect(setup.skipReason).toBeNull();
    expect(deadLettered(setup.token)).toBe(true);
    const recipient = await invitationOf(sandbox.id, "sb-1");
    expect(recipient).toMatchObject({ status: "skipped", skipReason: "rejected" });
    expect(deadLettered(recipient.token)).toBe(false);
  });
});
