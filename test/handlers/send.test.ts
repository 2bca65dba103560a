import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createStores, type Stores } from "../../functions/store/stores";
import { freePort } from "../../local/ports";
import { type SesLocal, startSesLocal } from "../../local/ses-local";
import { arrangeCampaign, arrangePurchases } from "../support/arrange";
import { createTestTable, type TestTable } from "../support/dynamo";
import { invoke, type LambdaEntry, sqsEvent, sqsRecord, stubLambdaEnvironment } from "../support/lambda";

/** The sender's Lambda entry, driven with SQS events; its emails go to the SES emulator. */

const PUBLIC_BASE_URL = "https://surveys.example.com";

let table: TestTable;
let ses: SesLocal;
let stores: Stores;
let handler: LambdaEntry<SQSEvent, SQSBatchResponse>;

beforeAll(async () => {
  table = await createTestTable();
  ses = await startSesLocal({ port: await freePort() });
  stubLambdaEnvironment(table, {
    PUBLIC_BASE_URL,
    SENDER_ADDRESS: "surveys@example.com",
    SES_ENDPOINT: ses.url,
  });
  stores = createStores(table.db, table.tableName);
  handler = (await import("../../functions/handlers/send")).handler;
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await ses?.stop();
  await table?.drop();
});

type StoredEmail = { from: string; destination: { to: string[] }; subject: string; body: { html?: string } };

/** The emails the SES emulator accepted for `to`. */
async function inbox(to: string): Promise<StoredEmail[]> {
  const response = await fetch(`${ses.url}/store`);
  const { emails } = (await response.json()) as { emails: StoredEmail[] };
  return emails.filter((email) => email.destination.to.includes(to));
}

/** A campaign sending at once, and the token of one purchase's invitation, due now. */
async function dueInvitation(email: string): Promise<string> {
  const campaign = await arrangeCampaign(stores, { delayDays: 0 });
  const { tokens } = await arrangePurchases(stores, campaign.id, [{ orderId: "order-1", email }]);
  const token = tokens.get("order-1");
  if (!token) throw new Error("the purchase was not scheduled");
  return token;
}

const delivery = (token: string) => JSON.stringify({ token, action: "send" });

describe("send handler", () => {
  it("sends the email of a due invitation and reports no failure", async () => {
    const token = await dueInvitation("ivy@example.com");

    const response = await invoke(handler, sqsEvent(sqsRecord(delivery(token))), "SendFunction");

    expect(response).toEqual({ batchItemFailures: [] });
    const [email, ...more] = await inbox("ivy@example.com");
    expect(more).toEqual([]);
    expect(email?.from).toContain("surveys@example.com");
    expect(email?.body.html).toContain(`${PUBLIC_BASE_URL}/s/${token}`);
    expect(await stores.invitations.get(token)).toMatchObject({ status: "sent", sentAt: expect.any(String) });
  });

  it("reports only the malformed messages of a batch, and sends the others", async () => {
    const token = await dueInvitation("jay@example.com");
    const good = sqsRecord(delivery(token));
    const unknownShape = sqsRecord(JSON.stringify({ token: "not-a-token", action: "send" }));
    const notJson = sqsRecord("send it to jay");
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const response = await invoke(handler, sqsEvent(unknownShape, good, notJson), "SendFunction");

      expect(response.batchItemFailures).toEqual([
        { itemIdentifier: unknownShape.messageId },
        { itemIdentifier: notJson.messageId },
      ]);
      // Operators find a failed message in the logs by its id.
      const logged = errors.mock.calls.map((args) => String(args[0])).join("\n");
      expect(logged).toContain(unknownShape.messageId);
      expect(logged).toContain(notJson.messageId);
    } finally {
      errors.mockRestore();
    }
    expect(await inbox("jay@example.com")).toHaveLength(1);
    expect(await stores.invitations.get(token)).toMatchObject({ status: "sent" });
  });

  it("sends once when SQS delivers the same message again", async () => {
    const token = await dueInvitation("kim@example.com");
    const event = sqsEvent(sqsRecord(delivery(token)));

    expect(await invoke(handler, event, "SendFunction")).toEqual({ batchItemFailures: [] });
    expect(await invoke(handler, event, "SendFunction")).toEqual({ batchItemFailures: [] });

    expect(await inbox("kim@example.com")).toHaveLength(1);
  });
});
