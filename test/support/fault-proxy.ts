import { createHash } from "node:crypto";
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A real HTTP proxy in front of a service the product calls (DynamoDB Local, the SES emulator) that
 * answers some requests with the service's own error instead of forwarding them, or forwards some and
 * loses the answer after the write committed (LostAnswer). The product's SDK clients see a genuine
 * error response on the wire, so their retry logic and ours run as on AWS.
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

/**
 * A write that commits but whose answer never reaches the client: the proxy forwards the request and,
 * once the service answered 200 (the write landed), drops the connection (`"reset"`) or answers the
 * fault `instead`. Pick one the SDK retries (a dropped connection, a 500), so it sends the committed
 * write again, as after a network fault on AWS. An error answer (nothing committed) is relayed as it
 * came and not counted: `kind` counts only answers that were lost after a commit.
 */
export type LostAnswer = {
  readonly kind: string;
  readonly instead: Fault | "reset";
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

/**
 * `decide` sees every request and returns the fault to answer, a LostAnswer to forward it and lose the
 * answer, or undefined to forward it.
 */
export async function startFaultProxy(
  targetUrl: string,
  decide: (request: ProxiedRequest) => Fault | LostAnswer | undefined,
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
    if (fault && "instead" in fault) {
      forwardThenLose(new URL(url, target.url), method, req.headers, body, res, () => {
        counts[fault.kind] = (counts[fault.kind] ?? 0) + 1;
        return fault.instead;
      });
      return;
    }
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

/**
 * Forwards a request and reads the whole answer; a 200 is replaced by what `lost()` returns (counting
 * it), anything else is relayed unchanged.
 */
function forwardThenLose(
  upstream: URL,
  method: string,
  headers: IncomingHttpHeaders,
  body: Buffer,
  res: ServerResponse,
  lost: () => Fault | "reset",
): void {
  const forwarded = httpRequest(
    upstream,
    { method, headers: { ...headers, host: upstream.host } },
    (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", () => res.destroy());
      response.on("end", () => {
        const answer = Buffer.concat(chunks);
        if (response.statusCode !== 200) {
          res.writeHead(response.statusCode ?? 502, response.headers);
          res.end(answer);
          return;
        }
        const instead = lost();
        if (instead === "reset") {
          // The client sees the connection close with no answer ("socket hang up").
          res.destroy();
          return;
        }
        res.writeHead(instead.status, {
          ...instead.headers,
          "content-length": Buffer.byteLength(instead.body),
        });
        res.end(instead.body);
      });
    },
  );
  forwarded.on("error", () => res.destroy());
  forwarded.end(body);
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

/**
 * DynamoDB's own 500 (JSON 1.0, `InternalServerError`): the SDK retries it. With a LostAnswer, the
 * answer a client gets when the write committed but the service failed before answering.
 */
export const dynamoInternalServerError = (): Fault => ({
  kind: "DynamoInternalServerError",
  status: 500,
  headers: { "content-type": "application/x-amz-json-1.0", "x-amzn-errortype": "InternalServerError" },
  body: JSON.stringify({
    __type: `${DYNAMO_ERROR_PREFIX}InternalServerError`,
    message: "Internal server error",
  }),
});

/**
 * A DynamoDB write (`operation`, e.g. "PutItem") that commits and whose answer is lost: the connection
 * drops, or DynamoDB's 500 comes back. Counted as "unacknowledged <operation>".
 */
export const unacknowledgedWrite = (operation: string, answer: "reset" | "server-error"): LostAnswer => ({
  kind: `unacknowledged ${operation}`,
  instead: answer === "reset" ? "reset" : dynamoInternalServerError(),
});

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
