import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Stores } from "../functions/store/stores";
import type { SendPorts } from "../functions/use-cases/send-invitation";
import { isSurveyPath } from "../local/local-app";
import { startLocalRuntime } from "../local/runtime";
import type { UsageMeter } from "./usage-meter";

/**
 * The local runtime as `npm start` assembles it (local/runtime.ts), for the benchmark: in-memory
 * DynamoDB Local with the stack's table, the SES emulator, and the API and survey apps on one origin.
 * Each HTTP request counts as one API Gateway request and one invocation of the function that serves
 * its path (api or survey), timed in this process; the DynamoDB client carries the usage meter's
 * middleware; the SES transport counts what SES accepted. Delivery runs only when the bench drives it.
 */
export type LocalStack = {
  readonly dynamoEndpoint: string;
  readonly tableName: string;
  readonly client: DynamoDBClient;
  readonly db: DynamoDBDocumentClient;
  readonly stores: Stores;
  readonly baseUrl: string;
  readonly sesUrl: string;
  readonly apiKey: string;
  /** What the sender works with: the stores and the product's mailer through the emulator. */
  readonly sendPorts: SendPorts;
  /** Calls the API with the key; `body` goes as JSON. Throws unless the status is `expect`. */
  api<T>(method: string, path: string, body: unknown, expect: number): Promise<T>;
  /** How many emails the SES emulator holds (`GET /store`). */
  sesStoreCount(): Promise<number>;
  stop(): Promise<void>;
};

export const BENCH_TABLE = "open-nps-bench";

export async function startLocalStack(meter: UsageMeter): Promise<LocalStack> {
  const runtime = await startLocalRuntime({
    tableName: BENCH_TABLE,
    deliveryIntervalMs: null,
    onDynamoClient: (client) => meter.attach(client),
    wrapTransport: (ses) => ({
      send: async (email) => {
        const id = await ses.send(email);
        meter.count("sesMessages");
        return id;
      },
    }),
    wrapFetch: (app) => async (request) => {
      const fn = isSurveyPath(new URL(request.url).pathname) ? "survey" : "api";
      const started = performance.now();
      const response = await app(request);
      meter.invoked(fn, performance.now() - started);
      meter.count("apiRequests");
      return response;
    },
  });
  try {
    const { apiKey } = await runtime.stores.apiKeys.create("benchmark", new Date());
    const api = apiCaller(runtime.baseUrl, apiKey);
    return {
      ...runtime,
      apiKey,
      api,
      sesStoreCount: async () => {
        const response = await fetch(`${runtime.sesUrl}/store`);
        if (!response.ok) throw new Error(`SES emulator GET /store answered ${response.status}`);
        const { emails } = (await response.json()) as { emails: unknown[] };
        return emails.length;
      },
    };
  } catch (error) {
    await runtime.stop();
    throw error;
  }
}

/** Calls the API at `baseUrl` with `apiKey`; `body` goes as JSON. Throws unless the status is `expect`. */
export function apiCaller(baseUrl: string, apiKey: string): LocalStack["api"] {
  return async <T>(method: string, path: string, body: unknown, expect: number): Promise<T> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        accept: "application/json",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (response.status !== expect) {
      throw new Error(`${method} ${path}: expected ${expect}, got ${response.status}: ${text.slice(0, 300)}`);
    }
    return (text ? JSON.parse(text) : null) as T;
  };
}
