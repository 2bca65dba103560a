import { randomUUID } from "node:crypto";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import type { SNSEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { suppressionKey } from "../../functions/store/keys";
import { createStores, type Stores } from "../../functions/store/stores";
import { arrangeCampaign, arrangePurchases } from "../support/arrange";
import { createTestTable, type TestTable } from "../support/dynamo";
import { invoke, type LambdaEntry, snsEvent, stubLambdaEnvironment } from "../support/lambda";

/**
 * The mail events' Lambda entry, driven with SNS events carrying what SES event publishing sends for
 * the configuration set: bounces and complaints suppress the address, other events change nothing,
 * and a notification that is not a known SES event fails the invocation (Lambda retries it, then keeps
 * it in the failure queue) without losing the good ones of its batch.
 */

let table: TestTable;
let stores: Stores;
let handler: LambdaEntry<SNSEvent, { suppressed: number }>;

beforeAll(async () => {
  table = await createTestTable();
  stubLambdaEnvironment(table);
  stores = createStores(table.db, table.tableName);
  handler = (await import("../../functions/handlers/mail-events")).handler;
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await table?.drop();
});

/** The `mail` object SES puts in every event: the message the event is about. */
function sesMail(messageId: string, to: string) {
  const at = new Date().toISOString();
  return {
    timestamp: at,
    source: '"Acme" <surveys@example.com>',
    sourceArn: "arn:aws:ses:us-east-1:123456789012:identity/example.com",
    sendingAccountId: "123456789012",
    messageId,
    destination: [to],
    headersTruncated: false,
    headers: [
      { name: "From", value: '"Acme" <surveys@example.com>' },
      { name: "To", value: to },
      { name: "Subject", value: "How was your order?" },
    ],
    commonHeaders: { from: ['"Acme" <surveys@example.com>'], to: [to], subject: "How was your order?" },
    tags: { "ses:configuration-set": ["open-nps"], "ses:source-ip": ["192.0.2.1"] },
  };
}

const messageId = () => `0100019${randomUUID().replaceAll("-", "")}-000000`;

function bounce(to: string, bounceType: "Permanent" | "Transient", id = messageId()): string {
  return JSON.stringify({
    eventType: "Bounce",
    bounce: {
      feedbackId: `${messageId()}-feedback`,
      bounceType,
      bounceSubType: bounceType === "Permanent" ? "General" : "MailboxFull",
      bouncedRecipients: [
        {
          emailAddress: to,
          action: "failed",
          status: bounceType === "Permanent" ? "5.1.1" : "4.2.2",
          diagnosticCode:
            bounceType === "Permanent" ? "smtp; 550 5.1.1 user unknown" : "smtp; 452 4.2.2 full",
        },
      ],
      timestamp: new Date().toISOString(),
      reportingMTA: "dsn; a8-30.smtp-out.amazonses.com",
    },
    mail: sesMail(id, to),
  });
}

function complaint(to: string, id = messageId()): string {
  return JSON.stringify({
    eventType: "Complaint",
    complaint: {
      feedbackId: `${messageId()}-feedback`,
      complaintSubType: null,
      complainedRecipients: [{ emailAddress: to }],
      timestamp: new Date().toISOString(),
      userAgent: "Mozilla/5.0 (compatible; feedback loop)",
      complaintFeedbackType: "abuse",
      arrivalDate: new Date().toISOString(),
    },
    mail: sesMail(id, to),
  });
}

function delivered(to: string): string {
  return JSON.stringify({
    eventType: "Delivery",
    mail: sesMail(messageId(), to),
    delivery: {
      timestamp: new Date().toISOString(),
      processingTimeMillis: 546,
      recipients: [to],
      smtpResponse: "250 2.6.0 Message received",
      reportingMTA: "a8-30.smtp-out.amazonses.com",
    },
  });
}

/** What a purchase for `email` becomes, posted to a fresh campaign as the API would. */
async function purchaseFor(email: string): Promise<string> {
  const campaign = await arrangeCampaign(stores);
  const { results } = await arrangePurchases(stores, campaign.id, [{ orderId: "order-1", email }]);
  return results[0]?.status ?? "none";
}

async function suppressionOf(email: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await table.db.send(
    new GetCommand({ TableName: table.tableName, Key: suppressionKey(email), ConsistentRead: true }),
  );
  return Item;
}

describe("mail events handler", () => {
  it("suppresses an address SES reports as bounced for good; a later purchase for it is not surveyed", async () => {
    const id = messageId();
    // SES reports the address as it was sent; the product compares addresses in lower case.
    const result = await invoke(
      handler,
      snsEvent(bounce("Lea.Doe@Example.com", "Permanent", id)),
      "MailEvents",
    );

    expect(result).toEqual({ suppressed: 1 });
    expect(await suppressionOf("lea.doe@example.com")).toMatchObject({
      reason: "bounced",
      source: `ses:${id}`,
    });
    expect(await purchaseFor("lea.doe@example.com")).toBe("suppressed");
  });

  it("suppresses an address whose owner complained", async () => {
    const id = messageId();
    const result = await invoke(handler, snsEvent(complaint("max@example.com", id)), "MailEvents");

    expect(result).toEqual({ suppressed: 1 });
    expect(await suppressionOf("max@example.com")).toMatchObject({
      reason: "complained",
      source: `ses:${id}`,
    });
    expect(await purchaseFor("max@example.com")).toBe("suppressed");
  });

  it("changes nothing for transient bounces and deliveries", async () => {
    const result = await invoke(
      handler,
      snsEvent(bounce("ned@example.com", "Transient"), delivered("ned@example.com")),
      "MailEvents",
    );

    expect(result).toEqual({ suppressed: 0 });
    expect(await stores.invitations.isSuppressed("ned@example.com")).toBe(false);
    expect(await purchaseFor("ned@example.com")).toBe("scheduled");
  });

  it("counts an address once when SNS delivers the same notification again", async () => {
    const event = snsEvent(bounce("ola@example.com", "Permanent"));

    expect(await invoke(handler, event, "MailEvents")).toEqual({ suppressed: 1 });
    expect(await invoke(handler, event, "MailEvents")).toEqual({ suppressed: 0 });
    expect(await stores.invitations.isSuppressed("ola@example.com")).toBe(true);
  });

  it("changes nothing, quietly, for the other valid events: send, reject, delivery delay", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const mail = sesMail(messageId(), "pat@example.com");
      const result = await invoke(
        handler,
        snsEvent(
          JSON.stringify({ eventType: "Send", mail, send: {} }),
          JSON.stringify({ eventType: "Reject", mail, reject: { reason: "Bad content" } }),
          JSON.stringify({ eventType: "DeliveryDelay", mail, deliveryDelay: { delayType: "MailboxFull" } }),
        ),
        "MailEvents",
      );
      expect(result).toEqual({ suppressed: 0 });
      expect(errors).not.toHaveBeenCalled();
    } finally {
      errors.mockRestore();
    }
  });

  it.each([
    ["is not JSON", () => "Bounce for rue@example.com: 550 user unknown", "not JSON"],
    ["is not an SES event", () => JSON.stringify({ hello: "rue@example.com" }), "no eventType"],
    [
      "has an unknown type",
      () => JSON.stringify({ eventType: "Bounced", mail: sesMail(messageId(), "rue@example.com") }),
      "not a known SES event type",
    ],
    [
      "is a bounce without its recipients",
      () =>
        JSON.stringify({
          eventType: "Bounce",
          bounce: { bounceType: "Permanent" },
          mail: sesMail(messageId(), "rue@example.com"),
        }),
      "bounce.bouncedRecipients",
    ],
    [
      "is a complaint whose recipient has no address",
      () =>
        JSON.stringify({
          eventType: "Complaint",
          complaint: { complainedRecipients: [{ email: "rue@example.com" }] },
          mail: sesMail(messageId(), "rue@example.com"),
        }),
      "complaint.complainedRecipients.0.emailAddress",
    ],
  ])(
    "fails the invocation for a notification that %s, logged with its ids and without addresses",
    async (_what, message, reason) => {
      const event = snsEvent(message());
      const snsId = event.Records[0]?.Sns.MessageId ?? "";
      const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
      try {
        // Rejecting is what makes Lambda retry the event and then send it to the failure queue.
        await expect(invoke(handler, event, "MailEvents")).rejects.toThrow(snsId);
        const logged = errors.mock.calls.map((args) => String(args[0])).join("\n");
        const line = JSON.parse(logged.split("\n")[0] ?? "{}") as Record<string, unknown>;
        expect(line).toMatchObject({
          level: "error",
          message: "SES notification malformed",
          snsMessageId: snsId,
        });
        expect(String(line.reason)).toContain(reason);
        expect(logged).not.toContain("rue@example.com");
      } finally {
        errors.mockRestore();
      }
      expect(await stores.invitations.isSuppressed("rue@example.com")).toBe(false);
    },
  );

  it("records the good notifications of a batch before failing for a bad one, and records them once when retried", async () => {
    const id = messageId();
    const event = snsEvent(
      bounce("uma@example.com", "Permanent", id),
      "{not json",
      complaint("vic@example.com"),
    );
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      await expect(invoke(handler, event, "MailEvents")).rejects.toThrow(
        "1 of 3 SES notification(s) not recorded",
      );
      expect(await suppressionOf("uma@example.com")).toMatchObject({
        reason: "bounced",
        source: `ses:${id}`,
      });
      expect(await stores.invitations.isSuppressed("vic@example.com")).toBe(true);
      // Lambda's retry of the same event: the good ones change nothing, the bad one fails again.
      await expect(invoke(handler, event, "MailEvents")).rejects.toThrow("1 of 3");
    } finally {
      errors.mockRestore();
    }
  });
});
