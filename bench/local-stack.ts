import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { serve } from "@hono/node-server";
import type { MailSender } from "../functions/mail/mail-sender";
import { SesMailSender } from "../functions/mail/ses-mail-sender";
import { ensureTable } from "../functions/store/create-table";
import { createDocumentClient, createDynamoClient } from "../functions/store/dynamo-client";
import { createStores, type Stores } from "../functions/store/stores";
import { type DynamoDbLocal, startDynamoDbLocal } from "../local/dynamodb-local";
import { closeServer } from "../local/http-server";
import { createLocalFetch, isSurveyPath } from "../local/local-app";
import { LocalSetupError } from "../local/local-errors";
import { freePort } from "../local/ports";
import { type SesLocal, startSesLocal } from "../local/ses-local";
import type { UsageMeter } from "./usage-meter";

/**
 * The local runtime as `npm start` wires it, for the benchmark: in-memory DynamoDB Local with the
 * stack's table, the SES emulator, and the API and survey apps on one origin served by
 * @hono/node-server. Each HTTP request counts as one API Gateway request and one invocation of the
 * function that serves its path (api or survey), timed in this process; every store shares one
 * DynamoDB client with the usage meter's middleware; the mail sender counts what SES accepted.
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
  /** The product's SES sender pointed at the emulator, counting each accepted email. */
  readonly mail: MailSender;
  /** Calls the API with the key; `body` goes as JSON. Throws unless the status is `expect`. */
  api<T>(method: string, path: string, body: unknown, expect: number): Promise<T>;
  /** How many emails the SES emulator holds (`GET /store`). */
  sesStoreCount(): Promise<number>;
  stop(): Promise<void>;
};

export const BENCH_TABLE = "open-nps-bench";

export async function startLocalStack(meter: UsageMeter): Promise<LocalStack> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const fn of stops.splice(0).reverse()) await fn().catch(() => undefined);
  };
  try {
    const dynamo: DynamoDbLocal = await startDynamoDbLocal({ port: await freePort() });
    stops.push(() => dynamo.stop());
    const client = createDynamoClient({ endpoint: dynamo.endpoint });
    await ensureTable(client, BENCH_TABLE);
    meter.attach(client);
    const db = createDocumentClient(client);
    const stores = createStores(db, BENCH_TABLE);
    const { apiKey } = await stores.apiKeys.create("benchmark");

    const ses = await startSes();
    stops.push(() => ses.stop());
    // The emulator's URL names localhost; it listens on 127.0.0.1 only.
    const sesUrl = `http://127.0.0.1:${new URL(ses.url).port}`;
    const sender = new SesMailSender({ fromAddress: "surveys@example.com", endpoint: sesUrl });
    const mail: MailSender = {
      send: async (email) => {
        const id = await sender.send(email);
        meter.count("sesMessages");
        return id;
      },
    };

    const app = createLocalFetch(stores);
    const counted = async (request: Request): Promise<Response> => {
      const fn = isSurveyPath(new URL(request.url).pathname) ? "survey" : "api";
      const started = performance.now();
      const response = await app(request);
      meter.invoked(fn, performance.now() - started);
      meter.count("apiRequests");
      return response;
    };
    const { server, baseUrl } = await new Promise<{ server: Server; baseUrl: string }>((resolve) => {
      const started = serve({ fetch: counted, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) =>
        resolve({ server: started as Server, baseUrl: `http://127.0.0.1:${info.port}` }),
      );
    });
    stops.push(() => closeServer(server));

    const api = async <T>(method: string, path: string, body: unknown, expect: number): Promise<T> => {
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
        throw new Error(
          `${method} ${path}: expected ${expect}, got ${response.status}: ${text.slice(0, 300)}`,
        );
      }
      return (text ? JSON.parse(text) : null) as T;
    };

    return {
      dynamoEndpoint: dynamo.endpoint,
      tableName: BENCH_TABLE,
      client,
      db,
      stores,
      baseUrl,
      sesUrl,
      apiKey,
      mail,
      api,
      sesStoreCount: async () => {
        const response = await fetch(`${sesUrl}/store`);
        if (!response.ok) throw new Error(`SES emulator GET /store answered ${response.status}`);
        const { emails } = (await response.json()) as { emails: unknown[] };
        return emails.length;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The SES emulator on a free port; a port taken between choosing and binding gets another try. */
async function startSes(): Promise<SesLocal> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startSesLocal({ port: await freePort() });
    } catch (error) {
      if (!(error instanceof LocalSetupError) || attempt >= 3) throw error;
    }
  }
}
