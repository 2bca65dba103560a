import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback stand-in for the SQS send queue, for tests of code that writes to it through
 * @aws-sdk/client-sqs. SQS cannot run here, so this is a protocol peer on 127.0.0.1, as a webhook
 * receiver would be: it speaks just enough of SQS's AWS JSON 1.0 protocol for `SendMessageBatch`
 * (request `x-amz-target: AmazonSQS.SendMessageBatch`, body `{QueueUrl, Entries: [{Id, MessageBody}]}`;
 * answer `{Successful: [{Id, MessageId, MD5OfMessageBody}], Failed: []}`) and records what it accepted.
 * MD5OfMessageBody is the real digest: the SDK checks it. Any other operation answers SQS's error for
 * an unsupported action.
 *
 * The SDK sends to the queue URL's origin (its `useQueueUrlAsEndpoint`, on by default), so pointing
 * QUEUE_URL at `queueUrl` is all the wiring a handler needs.
 */
export type SqsReceiver = {
  /** `http://127.0.0.1:<port>/000000000000/send-queue`: set it as the handler's QUEUE_URL. */
  readonly queueUrl: string;
  /** Bodies of the messages accepted, in arrival order. */
  messages(): string[];
  /** Every request as it arrived: the operation, the queue it named, and its headers. */
  requests(): ReceivedRequest[];
  /** While set, entries whose body matches are refused (listed under `Failed`, as SQS does). */
  refuse(matches: ((body: string) => boolean) | null): void;
  /** What GetQueueAttributes reports as waiting (default 0). */
  setDepth(messages: number): void;
  close(): Promise<void>;
};

export type ReceivedRequest = {
  readonly target: string;
  readonly queueUrl: string | undefined;
  readonly entries: number;
  readonly headers: IncomingMessage["headers"];
};

type BatchEntry = { Id?: unknown; MessageBody?: unknown };

const JSON_1_0 = "application/x-amz-json-1.0";

export async function startSqsReceiver(): Promise<SqsReceiver> {
  const messages: string[] = [];
  const requests: ReceivedRequest[] = [];
  let refusing: ((body: string) => boolean) | null = null;
  let depth = 0;

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = String(req.headers["x-amz-target"] ?? "");
    let input: { QueueUrl?: unknown; Entries?: unknown };
    try {
      input = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
    } catch {
      return reply(res, 400, error("com.amazonaws.sqs#InvalidParameterValue", "The body is not JSON."));
    }
    const entries: BatchEntry[] = Array.isArray(input.Entries) ? input.Entries : [];
    requests.push({
      target,
      queueUrl: typeof input.QueueUrl === "string" ? input.QueueUrl : undefined,
      entries: entries.length,
      headers: req.headers,
    });
    if (target === "AmazonSQS.GetQueueAttributes") {
      // The dispatcher's look at the queue's depth, to claim no more than the senders can take.
      return reply(res, 200, {
        Attributes: {
          ApproximateNumberOfMessages: String(depth),
          ApproximateNumberOfMessagesNotVisible: "0",
        },
      });
    }
    if (target !== "AmazonSQS.SendMessageBatch") {
      return reply(res, 400, error("com.amazonaws.sqs#UnsupportedOperation", `${target} is not supported.`));
    }
    if (entries.length === 0 || entries.length > 10) {
      return reply(res, 400, error("com.amazonaws.sqs#TooManyEntriesInBatchRequest", "1 to 10 entries."));
    }
    const successful: { Id: string; MessageId: string; MD5OfMessageBody: string }[] = [];
    const failed: { Id: string; SenderFault: boolean; Code: string; Message: string }[] = [];
    for (const entry of entries) {
      const id = String(entry.Id);
      const body = String(entry.MessageBody ?? "");
      if (refusing?.(body)) {
        failed.push({ Id: id, SenderFault: false, Code: "InternalError", Message: "Refused by the test." });
        continue;
      }
      messages.push(body);
      successful.push({
        Id: id,
        MessageId: randomUUID(),
        MD5OfMessageBody: createHash("md5").update(body, "utf8").digest("hex"),
      });
    }
    reply(res, 200, { Successful: successful, Failed: failed });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    queueUrl: `http://127.0.0.1:${port}/000000000000/send-queue`,
    messages: () => [...messages],
    requests: () => [...requests],
    refuse: (matches) => {
      refusing = matches;
    },
    setDepth: (messages) => {
      depth = messages;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const error = (type: string, message: string) => ({ __type: type, message });

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": JSON_1_0, "content-length": Buffer.byteLength(text) });
  res.end(text);
}
