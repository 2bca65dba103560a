import { describe, expect, it } from "vitest";
import { CAMPAIGN_DEFAULTS, type Campaign, type CampaignSettings } from "../../functions/domain/campaign";
import { PREVIEW_TOKEN, testSendHour } from "../../functions/domain/email-preview";
import {
  ConflictError,
  MailRejectedError,
  NotFoundError,
  ValidationError,
} from "../../functions/domain/errors";
import type { Invitation, InvitationEmail, Recipient } from "../../functions/domain/invitation";
import { deliveryStatus, type RecordedPurchase } from "../../functions/domain/purchase-status";
import { responseId } from "../../functions/domain/response-export";
import { isToken } from "../../functions/domain/tokens";
import { toHttpError } from "../../functions/http/error-response";
import { type DeleteCampaignPorts, deleteCampaign } from "../../functions/use-cases/delete-campaign";
import { type PreviewEmailPorts, previewEmail } from "../../functions/use-cases/preview-email";
import { type ReadPurchasePorts, readPurchase } from "../../functions/use-cases/read-purchase";
import {
  type SendTestEmailPorts,
  sendTestEmail,
  TestSendLimitError,
} from "../../functions/use-cases/send-test-email";

/**
 * The decisions of the marketer's campaign tools (delete, purchase status, preview, test send), on
 * in-memory fakes of their ports. The same flows run against DynamoDB Local and the SES emulator in
 * test/integration/campaign-tools.test.ts.
 */

const NOW = new Date("2026-11-20T12:34:56.000Z");
const clock = () => NOW;
const TOKEN = "A".repeat(24);
const FOLLOW_UP = "B".repeat(24);

const campaign: Campaign = {
  ...CAMPAIGN_DEFAULTS,
  id: "cmp_AAAAAAAAAAAAAAAA",
  name: "Autumn",
  brandName: "Acme",
  senderName: "Acme Support",
  createdAt: NOW.toISOString(),
  updatedAt: NOW.toISOString(),
};

const notSuppressed: Recipient = {
  suppressed: false,
  suppressedFor: null,
  lastSentAt: null,
  lastSentPurchase: null,
};

const invitation = (fields: Partial<Invitation> = {}): Invitation => ({
  token: TOKEN,
  campaignId: campaign.id,
  orderId: "o-1",
  kind: "initial",
  email: "ann@example.com",
  name: "Ann",
  locale: null,
  properties: {},
  purchasedAt: NOW.toISOString(),
  sendAt: NOW.toISOString(),
  status: "sent",
  nextAction: null,
  dueAt: null,
  sentAt: NOW.toISOString(),
  reminderSentAt: null,
  acceptedAt: null,
  reminderAcceptedAt: null,
  sendFailures: null,
  answeredAt: null,
  unsubscribedAt: null,
  skipReason: null,
  segments: {},
  erasedAt: null,
  survey: null,
  ...fields,
});

describe("deleteCampaign", () => {
  type Fake = {
    sent?: boolean;
    status?: Campaign["status"];
    /** Purchases, as orderId → tokens. */
    purchases?: Record<string, string[]>;
    /** Tokens whose invitation is sent or being sent. */
    sentTokens?: string[];
    changedMeanwhile?: boolean;
  };
  const fake = (options: Fake = {}) => {
    const calls: string[] = [];
    let current = { ...campaign, status: options.status ?? "active" };
    let version = 3;
    const purchases = new Map(Object.entries(options.purchases ?? {}));
    const ports: DeleteCampaignPorts = {
      clock,
      campaigns: {
        getVersioned: async (id) => (id === campaign.id ? { campaign: current, version } : undefined),
        update: async (_current, seen, settings: CampaignSettings) => {
          calls.push(`update:v${seen}:${settings.status}`);
          current = { ...current, ...settings };
          version = seen + 1;
          return current;
        },
        delete: async (id, seen) => {
          calls.push(`deleteCampaign:${id}:v${seen}`);
          return !options.changedMeanwhile;
        },
      },
      results: {
        hasSent: async () => options.sent ?? false,
        deleteAll: async () => void calls.push("deleteResults"),
      },
      purchases: {
        firstOf: async (_id, limit) =>
          [...purchases.entries()].slice(0, limit).map(([orderId, tokens]) => ({ orderId, tokens })),
        deleteMany: async (_id, orderIds) => {
          calls.push(`deletePurchases:${orderIds.length}`);
          for (const orderId of orderIds) purchases.delete(orderId);
        },
      },
      invitations: {
        deleteUnsent: async (token) => {
          calls.push(`deleteInvitation:${token}`);
          return options.sentTokens?.includes(token) ? "sent" : "deleted";
        },
      },
    };
    return { ports, calls, purchases };
  };

  it("archives the campaign first, deletes each purchase after its invitations, then the campaign, then its results", async () => {
    const { ports, calls, purchases } = fake({ purchases: { "o-1": [TOKEN, FOLLOW_UP], "o-2": [] } });
    expect(await deleteCampaign(ports, campaign.id)).toBe("deleted");
    expect(calls).toEqual([
      "update:v3:archived",
      `deleteInvitation:${TOKEN}`,
      `deleteInvitation:${FOLLOW_UP}`,
      "deletePurchases:2",
      // The version the archiving wrote: a change by anyone else since then keeps the campaign.
      `deleteCampaign:${campaign.id}:v4`,
      "deleteResults",
    ]);
    expect(purchases.size).toBe(0);
  });

  it("refuses a campaign that sent a survey before writing anything, saying to archive it", async () => {
    const { ports, calls } = fake({ sent: true, purchases: { "o-1": [TOKEN] } });
    const refused = deleteCampaign(ports, campaign.id);
    await expect(refused).rejects.toBeInstanceOf(ConflictError);
    await expect(refused).rejects.toThrow(/archive it instead/);
    expect(calls).toEqual([]);
  });

  it("stops at an invitation being sent: the campaign stays, archived, and that page's purchases too", async () => {
    const { ports, calls, purchases } = fake({
      purchases: { "o-1": [TOKEN], "o-2": [FOLLOW_UP] },
      sentTokens: [FOLLOW_UP],
    });
    await expect(deleteCampaign(ports, campaign.id)).rejects.toBeInstanceOf(ConflictError);
    expect(calls.filter((call) => !call.startsWith("deleteInvitation"))).toEqual(["update:v3:archived"]);
    expect(purchases.size).toBe(2);
  });

  it("keeps the campaign and its results when it changed meanwhile", async () => {
    const { ports, calls } = fake({ status: "archived", changedMeanwhile: true });
    await expect(deleteCampaign(ports, campaign.id)).rejects.toThrow(/changed by another request/);
    expect(calls).toEqual([`deleteCampaign:${campaign.id}:v3`]);
  });

  it("deletes a large campaign over several requests, answering `deleting` until the last", async () => {
    const many = Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`o-${i}`, [`t-${i}`]]));
    const { ports, calls } = fake({ purchases: many });
    const options = { purchasesPerRequest: 100 };
    expect(await deleteCampaign(ports, campaign.id, options)).toEqual({
      status: "deleting",
      purchasesDeleted: 100,
    });
    expect(await deleteCampaign(ports, campaign.id, options)).toEqual({
      status: "deleting",
      purchasesDeleted: 100,
    });
    expect(await deleteCampaign(ports, campaign.id, options)).toBe("deleted");
    // Archived once, by the first request; the campaign goes with the last.
    expect(calls.filter((call) => call.startsWith("update"))).toEqual(["update:v3:archived"]);
    expect(calls.filter((call) => call.startsWith("deleteCampaign"))).toHaveLength(1);
    expect(calls.filter((call) => call.startsWith("deletePurchases"))).toEqual([
      "deletePurchases:100",
      "deletePurchases:100",
      "deletePurchases:50",
    ]);
  });

  it("answers 404 for an unknown campaign", async () => {
    await expect(deleteCampaign(fake().ports, "cmp_BBBBBBBBBBBBBBBB")).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("readPurchase", () => {
  const purchase: RecordedPurchase = {
    orderId: "A/1 #?",
    email: "ann@example.com",
    name: "Ann",
    locale: "zh-Hant",
    purchasedAt: NOW.toISOString(),
    properties: { region: "north" },
    recordedAt: NOW.toISOString(),
    status: "scheduled",
    tokens: [TOKEN, FOLLOW_UP],
    erasedAt: null,
  };
  const fake = (
    invitations: Invitation[],
    recipient: Recipient = notSuppressed,
  ): { ports: ReadPurchasePorts; asked: string[] } => {
    const asked: string[] = [];
    return {
      asked,
      ports: {
        campaigns: {
          getVersioned: async (id) => (id === campaign.id ? { campaign, version: 1 } : undefined),
        },
        purchases: {
          get: async (_id, orderId) => {
            asked.push(orderId);
            return orderId === purchase.orderId ? purchase : undefined;
          },
        },
        invitations: {
          get: async (token) => invitations.find((i) => i.token === token),
          recipient: async () => recipient,
        },
      },
    };
  };

  it("shows each invitation's status and times, and the answer's id, never the token", async () => {
    const { ports } = fake([
      invitation({ answeredAt: "2026-11-21T08:00:00.000Z", reminderSentAt: "2026-11-21T07:00:00.000Z" }),
      invitation({
        token: FOLLOW_UP,
        kind: "followUp",
        status: "scheduled",
        sentAt: null,
        sendAt: "2027-02-18T12:34:56.000Z",
        nextAction: "send",
        dueAt: "2027-02-18T12:34:56.000Z",
      }),
    ]);
    const read = await readPurchase(ports, campaign.id, purchase.orderId);
    expect(read).toMatchObject({
      orderId: "A/1 #?",
      status: "scheduled",
      suppression: null,
      invitations: [
        {
          kind: "initial",
          status: "answered",
          answeredAt: "2026-11-21T08:00:00.000Z",
          reminderSentAt: "2026-11-21T07:00:00.000Z",
          reminderDueAt: null,
          responseId: responseId(TOKEN),
        },
        { kind: "followUp", status: "scheduled", sendAt: "2027-02-18T12:34:56.000Z", responseId: null },
      ],
    });
    expect(JSON.stringify(read)).not.toContain(TOKEN);
    expect(JSON.stringify(read)).not.toContain(FOLLOW_UP);
  });

  it("leaves out an invitation that is gone, and says why the address is suppressed", async () => {
    const { ports } = fake([invitation({ nextAction: "remind", dueAt: "2026-11-23T12:00:00.000Z" })], {
      ...notSuppressed,
      suppressed: true,
      suppressedFor: "complained",
    });
    const read = await readPurchase(ports, campaign.id, purchase.orderId);
    expect(read.suppression).toBe("complained");
    expect(read.invitations).toEqual([
      expect.objectContaining({ status: "bounced", reminderDueAt: "2026-11-23T12:00:00.000Z" }),
    ]);
  });

  it("answers 404 for an unknown campaign, an unknown orderId, and one no purchase can have (unread)", async () => {
    const { ports, asked } = fake([]);
    await expect(readPurchase(ports, "cmp_BBBBBBBBBBBBBBBB", purchase.orderId)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(readPurchase(ports, campaign.id, "o-404")).rejects.toBeInstanceOf(NotFoundError);
    for (const impossible of ["", "x".repeat(201), "line\nbreak", "\uD800"]) {
      await expect(readPurchase(ports, campaign.id, impossible)).rejects.toBeInstanceOf(NotFoundError);
    }
    expect(asked).toEqual(["o-404"]);
  });
});

describe("deliveryStatus", () => {
  it.each([
    [{ status: "scheduled" }, null, "scheduled"],
    [{ status: "skipped" }, "bounced", "skipped"],
    [{ status: "sent" }, null, "sent"],
    [{ status: "sent" }, "bounced", "bounced"],
    [{ status: "sent" }, "complained", "bounced"],
    [{ status: "sent" }, "unsubscribed", "unsubscribed"],
    [{ status: "sent", unsubscribedAt: NOW.toISOString() }, null, "unsubscribed"],
    [{ status: "sent", unsubscribedAt: NOW.toISOString() }, "bounced", "unsubscribed"],
    [{ status: "sent", answeredAt: NOW.toISOString() }, "bounced", "answered"],
  ] as const)("%j with the address %s is %s", (fields, suppressedFor, expected) => {
    expect(deliveryStatus({ answeredAt: null, unsubscribedAt: null, ...fields }, suppressedFor)).toBe(
      expected,
    );
  });
});

describe("previewEmail", () => {
  const rendered: InvitationEmail[] = [];
  const ports: PreviewEmailPorts = {
    campaigns: { getVersioned: async (id) => (id === campaign.id ? { campaign, version: 1 } : undefined) },
    mail: {
      render: (email) => {
        rendered.push(email);
        return {
          subject: `subject:${email.locale}`,
          html: `<a href="${email.surveyUrl}">`,
          text: email.surveyUrl,
        };
      },
    },
    publicBaseUrl: "https://surveys.example.com",
  };

  it("renders the campaign's email for a made-up customer, its links on the placeholder token", async () => {
    rendered.length = 0;
    const preview = await previewEmail(ports, campaign.id, async () => ({
      locale: "zh-Hans",
      name: "  Li  ",
      reminder: true,
    }));
    expect(preview).toEqual({
      subject: "subject:zh-Hans",
      html: '<a href="https://surveys.example.com/s/preview">',
      text: "https://surveys.example.com/s/preview",
    });
    expect(rendered[0]).toMatchObject({
      locale: "zh-Hans",
      recipientName: "Li",
      isReminder: true,
      senderName: "Acme Support",
      unsubscribeUrl: "https://surveys.example.com/u/preview",
    });
    await previewEmail(ports, campaign.id, async () => ({ name: "" }));
    expect(rendered[1]).toMatchObject({ locale: "en", recipientName: null, isReminder: false });
  });

  it("uses a placeholder that can never be a survey token", () => {
    expect(isToken(PREVIEW_TOKEN)).toBe(false);
  });

  it.each([
    [{ colour: "red" }, "colour"],
    [{ locale: "fr" }, "locale"],
    [{ name: "Ann\u0007" }, "name"],
    [{ name: "x".repeat(201) }, "name"],
    [{ reminder: "yes" }, "reminder"],
    [[], "(body)"],
    [null, "(body)"],
  ])("refuses %j, naming %s", async (body, field) => {
    const refused = previewEmail(ports, campaign.id, async () => body);
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(refused).rejects.toMatchObject({ details: [expect.objectContaining({ field })] });
  });

  it("answers 404 before reading the body", async () => {
    let read = false;
    const refused = previewEmail(ports, "cmp_BBBBBBBBBBBBBBBB", async () => {
      read = true;
      return {};
    });
    await expect(refused).rejects.toBeInstanceOf(NotFoundError);
    expect(read).toBe(false);
  });
});

describe("sendTestEmail", () => {
  const fake = (options: { recipient?: Recipient; full?: boolean; reject?: boolean } = {}) => {
    const calls: string[] = [];
    const ports: SendTestEmailPorts = {
      clock,
      publicBaseUrl: "https://surveys.example.com",
      campaigns: {
        getVersioned: async (id) => (id === campaign.id ? { campaign, version: 1 } : undefined),
        countTestSend: async (id, hour, limit, expiresAt) => {
          calls.push(`count:${id}:${hour}:${limit}:${expiresAt}`);
          return !options.full;
        },
      },
      invitations: { recipient: async () => options.recipient ?? notSuppressed },
      mail: {
        send: async (email) => {
          calls.push(`send:${email.to}:${email.surveyUrl}:${email.recipientName}`);
          if (options.reject) throw new MailRejectedError("Email address is not verified.");
          return "message-id";
        },
      },
    };
    return { ports, calls };
  };

  it("sends the campaign's email to the address, lower-cased, counted in its hour", async () => {
    const { ports, calls } = fake();
    const sent = await sendTestEmail(ports, campaign.id, async () => ({
      email: " Ann@Example.com ",
      name: "Ann",
    }));
    expect(sent).toEqual({ to: "ann@example.com" });
    expect(calls).toEqual([
      `count:${campaign.id}:2026-11-20T12:20:${Math.floor(NOW.getTime() / 1000) + 86_400}`,
      "send:ann@example.com:https://surveys.example.com/s/preview:Ann",
    ]);
  });

  it("refuses a suppressed address, sending and counting nothing", async () => {
    const { ports, calls } = fake({
      recipient: { ...notSuppressed, suppressed: true, suppressedFor: "bounced" },
    });
    const refused = sendTestEmail(ports, campaign.id, async () => ({ email: "ann@example.com" }));
    await expect(refused).rejects.toBeInstanceOf(ConflictError);
    await expect(refused).rejects.toThrow(/suppressed \(bounced\)/);
    expect(calls).toEqual([]);
  });

  it("refuses past the hour's limit with a 429 whose Retry-After is the rest of the hour", async () => {
    const { ports, calls } = fake({ full: true });
    const refused = sendTestEmail(ports, campaign.id, async () => ({ email: "ann@example.com" }));
    await expect(refused).rejects.toBeInstanceOf(TestSendLimitError);
    const error = await refused.catch((e: unknown) => e);
    const http = toHttpError(error);
    expect(http.status).toBe(429);
    // 12:34:56 → 13:00:00.
    expect(http.headers["Retry-After"]).toBe(String(25 * 60 + 4));
    expect(calls.some((call) => call.startsWith("send"))).toBe(false);
  });

  it("answers a refusal by the mail service as a 400 naming the address", async () => {
    const { ports } = fake({ reject: true });
    const refused = sendTestEmail(ports, campaign.id, async () => ({ email: "ann@example.com" }));
    await expect(refused).rejects.toMatchObject({
      status: 400,
      details: [{ field: "email", message: expect.stringContaining("not verified") }],
    });
  });

  it.each([
    [{}, "email"],
    [{ email: "not an address" }, "email"],
    [{ email: "ann@example.com", reminder: true }, "reminder"],
    [{ email: "ann@example.com", name: "A\r\nBcc: x@example.com" }, "name"],
    [{ email: "ann@example.com", locale: "de" }, "locale"],
  ])("refuses %j, naming %s", async (body, field) => {
    const { ports, calls } = fake();
    const refused = sendTestEmail(ports, campaign.id, async () => body);
    await expect(refused).rejects.toMatchObject({
      status: 400,
      details: [expect.objectContaining({ field })],
    });
    expect(calls).toEqual([]);
  });
});

describe("testSendHour", () => {
  it("names the UTC hour and the seconds left in it, at least one", () => {
    expect(testSendHour(new Date("2026-11-20T23:59:59.500Z"))).toEqual({
      hour: "2026-11-20T23",
      secondsLeft: 1,
    });
    expect(testSendHour(new Date("2026-11-20T00:00:00.000Z"))).toEqual({
      hour: "2026-11-20T00",
      secondsLeft: 3600,
    });
  });
});
