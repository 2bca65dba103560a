import { createHash, randomUUID } from "node:crypto";
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
  ScheduledEvent,
  SNSEvent,
  SQSEvent,
  SQSRecord,
} from "aws-lambda";
import type { handle } from "hono/aws-lambda";
import { vi } from "vitest";
import type { TestTable } from "./dynamo";

/**
 * Lambda invocations as the runtime makes them: the configuration a function gets, the event a
 * trigger delivers (in the shapes @types/aws-lambda describes, filled like the real ones) and a
 * context, handed to a function's exported `handler`. The files under test/handlers use these to
 * drive the handlers themselves.
 */

const REGION = "us-east-1";
const ACCOUNT = "123456789012";
const API_ID = "a1b2c3d4e5";
const API_DOMAIN = `${API_ID}.execute-api.${REGION}.amazonaws.com`;

/**
 * The environment the stack gives a function, pointed at `table` on DynamoDB Local, plus `extra`.
 * Set it before importing a handler: handlers read it at cold start. The AWS credentials are dummies
 * for the SDK clients that reach local peers; `vi.unstubAllEnvs()` restores the real environment.
 */
export function stubLambdaEnvironment(table: TestTable, extra: Record<string, string> = {}): void {
  const variables = {
    TABLE_NAME: table.tableName,
    DYNAMODB_ENDPOINT: table.endpoint,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    ...extra,
  };
  for (const [name, value] of Object.entries(variables)) vi.stubEnv(name, value);
}

/** A Lambda entry as the runtime sees it: an event and a context in, a promise of the result out. */
export type LambdaEntry<E, R> = (event: E, context: Context) => Promise<R>;

/** What an HTTP API handler answers API Gateway (payload format 2.0). */
export type HttpResult = APIGatewayProxyStructuredResultV2 & {
  statusCode: number;
  body: string;
  headers: Record<string, string | number | boolean>;
};

/**
 * An HTTP entry (hono/aws-lambda `handle(app)`) typed as the runtime calls it. Hono declares its own
 * event types, where `body` and `requestContext.authorizer` are required; @types/aws-lambda, which
 * follows what API Gateway sends, has them optional. The runtime passes plain JSON either way.
 */
export const asHttpEntry = (handler: ReturnType<typeof handle>): HttpEntry => handler as unknown as HttpEntry;
export type HttpEntry = LambdaEntry<APIGatewayProxyEventV2, HttpResult>;

/** Calls `entry` once, as the Lambda runtime would, with a context for `functionName`. */
export async function invoke<E, R>(entry: LambdaEntry<E, R>, event: E, functionName = "handler"): Promise<R> {
  return await entry(event, lambdaContext(functionName));
}

function lambdaContext(functionName: string): Context {
  const unsupported = () => {
    throw new Error("the callback API is not used by async handlers");
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: "256",
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `${new Date().toISOString().slice(0, 10).replaceAll("-", "/")}/[$LATEST]${randomUUID().replaceAll("-", "")}`,
    getRemainingTimeInMillis: () => 30_000,
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

export type HttpRequest = {
  /** The route of the stack's HTTP API that matched, e.g. `ANY /v1/{proxy+}` or `GET /s/{token}`. */
  readonly routeKey: string;
  readonly pathParameters?: Record<string, string>;
  /** Lower-case names, as API Gateway passes them. */
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Send the body base64-encoded, as API Gateway does for form posts. */
  readonly base64?: boolean;
};

/**
 * An API Gateway HTTP API request in payload format 2.0. `target` is the path with its query, as the
 * client sent it (`/v1/campaigns?limit=5`).
 */
export function httpEvent(method: string, target: string, request: HttpRequest): APIGatewayProxyEventV2 {
  const [rawPath = "", rawQueryString = ""] = target.split(/\?(.*)/s);
  const query = new URLSearchParams(rawQueryString);
  const queryStringParameters: Record<string, string> = {};
  // API Gateway joins repeated parameters with commas.
  for (const name of new Set(query.keys())) queryStringParameters[name] = query.getAll(name).join(",");
  const userAgent = "Mozilla/5.0 (X11; Linux x86_64) handler-test";
  const sourceIp = "203.0.113.7";
  const now = new Date();
  const body = request.body;
  return {
    version: "2.0",
    routeKey: request.routeKey,
    rawPath,
    rawQueryString,
    headers: {
      host: API_DOMAIN,
      "user-agent": userAgent,
      "x-amzn-trace-id": `Root=1-${randomUUID().replaceAll("-", "").slice(0, 8)}-${randomUUID().replaceAll("-", "").slice(0, 24)}`,
      "x-forwarded-for": sourceIp,
      "x-forwarded-port": "443",
      "x-forwarded-proto": "https",
      ...(body === undefined ? {} : { "content-length": String(Buffer.byteLength(body)) }),
      ...request.headers,
    },
    ...(rawQueryString ? { queryStringParameters } : {}),
    ...(request.pathParameters ? { pathParameters: request.pathParameters } : {}),
    requestContext: {
      accountId: ACCOUNT,
      apiId: API_ID,
      domainName: API_DOMAIN,
      domainPrefix: API_ID,
      http: { method, path: rawPath, protocol: "HTTP/1.1", sourceIp, userAgent },
      requestId: randomUUID(),
      routeKey: request.routeKey,
      stage: "$default",
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body === undefined
      ? {}
      : { body: request.base64 ? Buffer.from(body, "utf8").toString("base64") : body }),
    isBase64Encoded: request.base64 === true,
  };
}

/** A header of an HTTP result, by lower-case name, as a string. */
export const headerOf = (result: HttpResult, name: string): string | undefined => {
  const value = result.headers[name];
  return value === undefined ? undefined : String(value);
};

const QUEUE_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:send-queue`;

/** One SQS message as a Lambda event source mapping delivers it. */
export function sqsRecord(body: string, messageId: string = randomUUID()): SQSRecord {
  const sent = Date.now();
  return {
    messageId,
    receiptHandle: Buffer.from(`${messageId}#${randomUUID()}`).toString("base64"),
    body,
    attributes: {
      ApproximateReceiveCount: "1",
      SentTimestamp: String(sent),
      SenderId: "AROAEXAMPLEID:dispatch",
      ApproximateFirstReceiveTimestamp: String(sent + 5),
    },
    messageAttributes: {},
    md5OfBody: createHash("md5").update(body, "utf8").digest("hex"),
    eventSource: "aws:sqs",
    eventSourceARN: QUEUE_ARN,
    awsRegion: REGION,
  };
}

export const sqsEvent = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:mail-events`;

/** SNS notifications as a Lambda subscription receives them, one record per `messages` entry. */
export function snsEvent(...messages: string[]): SNSEvent {
  return {
    Records: messages.map((message) => ({
      EventVersion: "1.0",
      EventSubscriptionArn: `${TOPIC_ARN}:${randomUUID()}`,
      EventSource: "aws:sns",
      Sns: {
        SignatureVersion: "1",
        Timestamp: new Date().toISOString(),
        Signature: "EXAMPLE",
        SigningCertUrl: `https://sns.${REGION}.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem`,
        MessageId: randomUUID(),
        Message: message,
        MessageAttributes: {},
        Type: "Notification",
        UnsubscribeUrl: `https://sns.${REGION}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${TOPIC_ARN}`,
        TopicArn: TOPIC_ARN,
      },
    })),
  };
}

/** The event an EventBridge schedule rule sends each time it fires. */
export function scheduledEvent(): ScheduledEvent<Record<string, never>> {
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account: ACCOUNT,
    time: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
    region: REGION,
    resources: [`arn:aws:events:${REGION}:${ACCOUNT}:rule/dispatch-every-minute`],
    detail: {},
  };
}
