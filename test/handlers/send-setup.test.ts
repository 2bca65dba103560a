import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createStores, type Stores } from "../../functions/store/stores";
import { freePort } from "../../local/ports";
import { type SesLocal, startSesLocal } from "../../local/ses-local";
import { arrangeCampaign, arrangePurchases } from "../support/arrange";
import { createTestTable, type TestTable } from "../support/dynamo";
import { type FaultProxy, startFaultProxy } from "../support/fault-proxy";
import { invoke, type LambdaEntry, sqsEvent, sqsRecord, stubLambdaEnvironment } from "../support/lambda";

/**
 * The sender's Lambda entry with its business metrics on: a send SES refuses for the campaign's setup
 * is a failed message counted in `SendsFailedSetup` (which alarms), and a refused recipient is not.
 * SES is a proxy in front of the emulator that refuses as SES does.
 */

let table: TestTable;
let ses: SesLocal;
let proxy: FaultProxy;
let stores: Stores;
let handler: LambdaEntry<SQSEvent, SQSBatchResponse>;

beforeAll(async () => {
  table = await createTestTable();
  ses = await startSesLocal({ port: await freePort() });
  proxy = await startFaultProxy(ses.url, (request) => {
    if (!request.url.startsWith("/v2/email/outbound-emails")) return undefined;
    const body = request.body.toString("utf8");
    // A subject every email of its campaign carries (malformed, say), a sender not verified (SES
    // names every identity that failed), or a recipient SES will not take.
    const unverified =
      "Email address is not verified. The following identities failed the check in region US-EAST-1:";
    const to = /"ToAddresses":\["([^"]+)"/.exec(body)?.[1] ?? "";
    const [type, message] = body.includes("[ses-refuses]")
      ? ["BadRequestException", "Illegal header value"]
      : body.includes("[sender-unverified]")
        ? ["MessageRejected", `${unverified} surveys@example.com, ${to}`]
        : body.includes("sandbox-")
          ? ["MessageRejected", "Email address is not verified."]
          : [];
    if (!type) return undefined;
    return {
      kind: type,
      status: 400,
      headers: { "content-type": "application/json", "x-amzn-errortype": type },
      body: JSON.stringify({ message }),
    };
  });
  stubLambdaEnvironment(table, {
    PUBLIC_BASE_URL: "https://surveys.example.com",
    SENDER_ADDRESS: "surveys@example.com",
    SES_ENDPOINT: proxy.url,
    METRICS_DISABLED: "false",
    METRICS_NAMESPACE: "OpenNps",
    METRICS_SERVICE: "send",
  });
  stores = createStores(table.db, table.tableName);
  handler = (await import("../../functions/handlers/send")).handler;
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await proxy?.close();
  await ses?.stop();
  await table?.drop();
});

/** Invokes the handler once; returns its answer, the metrics it emitted (EMF) and its error log. */
async function invokeCounting(token: string) {
  const lines: string[] = [];
  const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
  try {
    const record = sqsRecord(JSON.stringify({ token, action: "send" }));
    const response = await invoke(handler, sqsEvent(record), "SendFunction");
    const metrics: Record<string, number> = {};
    for (const line of lines.filter((l) => l.includes('"CloudWatchMetrics"'))) {
      const emf = JSON.parse(line) as {
        _aws: { CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string }[] }[] };
      } & Record<string, unknown>;
      expect(emf.service).toBe("send");
      expect(emf._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([["service"]]);
      for (const { Name } of emf._aws.CloudWatchMetrics[0]?.Metrics ?? []) {
        metrics[Name] = (metrics[Name] ?? 0) + [emf[Name]].flat().reduce((a: number, n) => a + Number(n), 0);
      }
    }
    const logged = errors.mock.calls.map((args) => String(args[0])).join("\n");
    return { response, record, metrics, logged };
  } finally {
    write.mockRestore();
    errors.mockRestore();
  }
}

async function dueInvitation(email: string, subject: string | null = null): Promise<string> {
  const campaign = await arrangeCampaign(stores, { delayDays: 0, subject });
  const { tokens } = await arrangePurchases(stores, campaign.id, [{ orderId: "order-1", email }]);
  const token = tokens.get("order-1");
  if (!token) throw new Error("the purchase was not scheduled");
  return token;
}

describe("send handler, SES refusing", () => {
  it("fails the message and counts SendsFailedSetup when every email of the campaign would be refused", async () => {
    const token = await dueInvitation("lee@example.com", "[ses-refuses] Your order");

    const { response, record, metrics, logged } = await invokeCounting(token);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(metrics).toEqual({ SendsFailed: 1, SendsFailedSetup: 1 });
    // The operator finds it by the message id and the error's name, which carries SES's own.
    expect(logged).toContain(record.messageId);
    expect(logged).toContain("MailSetupError: BadRequestException: Illegal header value");
    expect(logged).not.toContain("lee@example.com");
    expect(await stores.invitations.get(token)).toMatchObject({ status: "scheduled", skipReason: null });
  });

  it("keeps the recipient's address out of the log when SES names it beside the sender", async () => {
    const token = await dueInvitation("nia@example.com", "[sender-unverified] Your order");

    const { response, record, metrics, logged } = await invokeCounting(token);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(metrics).toEqual({ SendsFailed: 1, SendsFailedSetup: 1 });
    expect(logged).toContain("MailSetupError: MessageRejected: Email address is not verified.");
    expect(logged).toContain("surveys@example.com, <recipient>");
    expect(logged).not.toContain("nia@example.com");
  });

  it("gives up a refused recipient without counting a failure", async () => {
    const token = await dueInvitation("sandbox-max@example.com");

    const { response, metrics } = await invokeCounting(token);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(metrics).toEqual({ SendsSkipped: 1 });
    expect(await stores.invitations.get(token)).toMatchObject({ status: "skipped", skipReason: "rejected" });
  });
});
