import { createHash } from "node:crypto";
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A real HTTP proxy in front of a service the product calls (DynamoDB Local, the SES emulator) that
 * answers some requests with the service's own error instead of forwarding them. The product's SDK
 * clients see a genuine error response on the wire, so their retry logic and ours run as on AWS.
 *
 * ```ts
 * const proxy = await startFaultProxy(dynamoEndpoint, (request) =>
 *   request.target === "DynamoDB_20120810.PutItem" ? dynamoFault("ThrottlingException") : undefined);
 * createDynamoClient({ endpoint: proxy.url });
 * ```
 */

/** A request as the proxy received it. */
export type ProxiedRequest = {
  readonly method: string;
  /** Path and query. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** The `X-Amz-Target` header (the operation of a JSON-protocol AWS call), or "". */
  readonly target: string;
  /** SHA-256 of method, path and body: an SDK retry of a request has the same digest. */
  readonly digest: string;
};

/** The response the proxy answers instead of forwarding; `kind` names it in the proxy's counts. */
export type Fault = {
  readonly kind: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
};

export type FaultProxy = {
  /** Point the product's client here. */
  readonly url: string;
  /** Where requests are forwarded; may be set after start (the SES emulator's port is known later). */
  readonly target: { url: string };
  /** Requests received, faults included. */
  requests(): number;
  /** Faults answered so far, by kind. */
  faults(): Record<string, number>;
  /** Stops answering faults (everything is forwarded) or starts again. */
  setEnabled(enabled: boolean): void;
  close(): Promise<void>;
};

/** `decide` sees every request and returns the fault to answer, or undefined to forward it. */
export async function startFaultProxy(
  targetUrl: string,
  decide: (request: ProxiedRequest) => Fault | undefined,
): Promise<FaultProxy> {
  const target = { url: targetUrl };
  const counts: Record<string, number> = {};
  let requests = 0;
  let enabled = true;

  const server: Server = createServer(async (req, res) => {
    requests++;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const method = req.method ?? "GET";
    const url = req.url ?? "/";
    const targetHeader = req.headers["x-amz-target"];
    const fault = enabled
      ? decide({
          method,
          url,
          headers: req.headers,
          body,
          target: typeof targetHeader === "string" ? targetHeader : "",
          digest: createHash("sha256").update(`${method} ${url}\n`).update(body).digest("hex"),
        })
      : undefined;
    if (fault) {
      counts[fault.kind] = (counts[fault.kind] ?? 0) + 1;
      res.writeHead(fault.status, { ...fault.headers, "content-length": Buffer.byteLength(fault.body) });
      res.end(fault.body);
      return;
    }
    const upstream = new URL(url, target.url);
    const forwarded = httpRequest(
      upstream,
      { method, headers: { ...req.headers, host: upstream.host } },
      (response) => {
        res.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(res);
      },
    );
    forwarded.on("error", () => res.destroy());
    forwarded.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    target,
    requests: () => requests,
    faults: () => ({ ...counts }),
    setEnabled: (value) => {
      enabled = value;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const DYNAMO_ERROR_PREFIX = "com.amazonaws.dynamodb.v20120810#";

/**
 * A DynamoDB error response as DynamoDB sends it (JSON 1.0: HTTP 400, `__type`). `fields` adds members
 * such as `CancellationReasons`.
 */
export function dynamoFault(
  type: "ThrottlingException" | "ProvisionedThroughputExceededException" | "TransactionCanceledException",
  message: string,
  fields: Record<string, unknown> = {},
  kind: string = type,
): Fault {
  return {
    kind,
    status: 400,
    headers: { "content-type": "application/x-amz-json-1.0", "x-amzn-errortype": type },
    body: JSON.stringify({ __type: `${DYNAMO_ERROR_PREFIX}${type}`, message, ...fields }),
  };
}

/** The throttling DynamoDB answers when a partition or the table's on-demand limit is exceeded. */
export const dynamoThrottling = (): Fault =>
  dynamoFault(
    "ThrottlingException",
    "Rate of requests exceeds the allowed throughput.",
    {},
    "DynamoThrottling",
  );

/**
 * The cancellation DynamoDB answers a TransactWriteItems that overlapped another transaction: one
 * reason per item, `TransactionConflict` on one of them (the one at `conflictAt`).
 */
export function dynamoTransactionConflict(itemCount: number, conflictAt = 0): Fault {
  const reasons = Array.from({ length: itemCount }, (_, i) =>
    i === conflictAt
      ? { Code: "TransactionConflict", Message: "Transaction is ongoing for the item" }
      : { Code: "None" },
  );
  return dynamoFault(
    "TransactionCanceledException",
    `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(", ")}]`,
    { CancellationReasons: reasons },
    "TransactionConflict",
  );
}

/** SES v2 throttling (REST JSON: HTTP 429 with the error type in a header). */
export const sesThrottling = (): Fault => ({
  kind: "SesThrottling",
  status: 429,
  headers: { "content-type": "application/json", "x-amzn-errortype": "TooManyRequestsException" },
  body: JSON.stringify({ message: "Maximum sending rate exceeded." }),
});

/** SES v2 refusing a message for good (HTTP 400 MessageRejected), e.g. an unverified recipient in the sandbox. */
export const sesRejection = (): Fault => ({
  kind: "SesRejection",
  status: 400,
  headers: { "content-type": "application/json", "x-amzn-errortype": "MessageRejected" },
  body: JSON.stringify({ message: "Email address is not verified." }),
});
