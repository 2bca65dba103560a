import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { DeleteTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { createAdaptorServer } from "@hono/node-server";
import { type Clock, systemClock } from "../functions/domain/clock";
import { createTableStreamHandler } from "../functions/events/table-stream";
import { AlertMailer } from "../functions/mail/alert-mailer";
import { InvitationMailer } from "../functions/mail/invitation-mailer";
import type { MailSender } from "../functions/mail/mail-sender";
import { SesMailSender } from "../functions/mail/ses-mail-sender";
import { SignInMailer } from "../functions/mail/sign-in-mailer";
import { ensureTable } from "../functions/store/create-table";
import { createDocumentClient, createDynamoClient } from "../functions/store/dynamo-client";
import { changedItemKind } from "../functions/store/keys";
import { createStores, type Stores } from "../functions/store/stores";
import { fanOutWebhookEvent } from "../functions/use-cases/fan-out-webhook-event";
import type { SendPorts } from "../functions/use-cases/send-invitation";
import { HttpWebhookPoster } from "../functions/webhooks/http-webhook-poster";
import { SlackNotifier } from "../functions/webhooks/slack-notifier";
import { type DeliveryLoop, LocalWorkQueue, startDeliveryLoop } from "./delivery-loop";
import { type DynamoDbLocal, startDynamoDbLocal } from "./dynamodb-local";
import { closeServer, listenLocally } from "./http-server";
import { createLocalFetch, type LocalFetch } from "./local-app";
import { LocalSetupError } from "./local-errors";
import { freePort } from "./ports";
import { type SesLocal, startSesLocal } from "./ses-local";
import { type StreamBatchHandler, startTableStreamLoop, type TableStreamLoop } from "./table-stream-loop";

/**
 * The whole product on one machine, assembled once: DynamoDB Local with the stack's table, the SES
 * emulator, the API and the customer pages on one origin, and the dispatch → send loop, all through
 * the code the Lambda functions run. `npm start`, the benchmark and the test harness each start it
 * with their own options.
 */
export type LocalRuntimeOptions = {
  /** A DynamoDB Local already running (the test run's, or a proxy in front of it); else one is started. */
  readonly dynamoEndpoint?: string;
  /** For the DynamoDB Local started here: its port (default: a free one) and data folder (default: memory). */
  readonly dynamoPort?: number;
  readonly dataDirectory?: string;
  readonly tableName: string;
  /** Delete the table on stop (tests make one per harness). */
  readonly dropTableOnStop?: boolean;
  /** The SES emulator's port (default: a free one). */
  readonly sesPort?: number;
  /** Where emails are sent instead of the emulator's own address (a fault-injecting proxy in front of it). */
  readonly sesEndpoint?: string;
  /** SDK attempts per SES send (default: the product's). */
  readonly sesMaxAttempts?: number;
  /** The From address of the emails. Default `surveys@example.com`. */
  readonly senderAddress?: string;
  /** The HTTP port (default: a free one) on 127.0.0.1. */
  readonly port?: number;
  /** Origin of the links in emails. Default: the HTTP server's own, `http://127.0.0.1:<port>`. */
  readonly publicBaseUrl?: (port: number) => string;
  readonly retentionDays?: number;
  /** "Now" for the apps and delivery. Default: the system clock. */
  readonly clock?: Clock;
  /** How often the delivery loop runs by itself; null: only when `deliver()` is called. */
  readonly deliveryIntervalMs: number | null;
  /** The send queue (SQS stand-in); pass one to set its `maxReceiveCount`. */
  readonly queue?: LocalWorkQueue;
  /** How long a send lock holds (SendPorts.sendLockMs). Default: the product's. */
  readonly sendLockMs?: number;
  /** Wraps the SES transport: a test makes it fail, the benchmark counts what it accepted. */
  readonly wrapTransport?: (ses: MailSender) => MailSender;
  /** Wraps what the sender works with, e.g. to make it die between sending an email and marking it. */
  readonly wrapSendPorts?: (ports: SendPorts) => SendPorts;
  /** Sees the DynamoDB client before any store uses it (the benchmark meters it). */
  readonly onDynamoClient?: (client: DynamoDBClient) => void;
  /** Wraps the HTTP entry (the benchmark times each request). */
  readonly wrapFetch?: (fetch: LocalFetch) => LocalFetch;
  /** Runs once the table exists, before anything is served (`npm start` makes sure of its API key). */
  readonly beforeServing?: (stores: Stores, clock: Clock) => Promise<void>;
  /** Errors of the delivery loop's own runs. Default: console.error. */
  readonly onDeliveryError?: (error: unknown) => void;
  /**
   * Whether the table has its stream and the events loop runs (default true, as on AWS). Off, `react()`
   * rejects: for tests that do not exercise alerts, cases or webhooks (see ensureTable).
   */
  readonly events?: boolean;
  /** How often the stream → events loop reads the table's stream; null: only when `react()` is called. */
  readonly eventsIntervalMs?: number | null;
  /** Wraps the events function's handler (a test makes it crash, replay or reorder batches). */
  readonly wrapEventsHandler?: (handler: StreamBatchHandler) => StreamBatchHandler;
  /** Errors of the events loop's own runs. Default: console.error. */
  readonly onEventsError?: (error: unknown) => void;
  /** How long a webhook or Slack POST may take (HttpWebhookPoster's timeout). Default: the product's. */
  readonly webhookTimeoutMs?: number;
};

export type LocalRuntime = {
  /** Origin of the API and the customer pages, e.g. `http://127.0.0.1:41234`. */
  readonly baseUrl: string;
  /** The SES emulator's inbox viewer and `GET /store`. */
  readonly sesUrl: string;
  readonly dynamoEndpoint: string;
  readonly tableName: string;
  readonly client: DynamoDBClient;
  readonly db: DynamoDBDocumentClient;
  readonly stores: Stores;
  readonly queue: LocalWorkQueue;
  readonly clock: Clock;
  /** What the sender works with (stores, mail, links). */
  readonly sendPorts: SendPorts;
  /** Settles when a DynamoDB Local started here exits, for whatever reason; never for one passed in. */
  readonly dynamoExited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** One dispatch → send pass: everything due by the clock is queued and the queue drained. */
  deliver(): Promise<void>;
  /**
   * One pass of the stream → events path: every change committed so far is handed to the events
   * handler (cases, alerts, webhooks). Rejects when the handler failed a record (read again next pass).
   */
  react(): Promise<void>;
  /** Stops the loop, the servers and a DynamoDB Local started here, in reverse order. Safe twice. */
  stop(): Promise<void>;
};

export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const stops: (() => Promise<void>)[] = [];
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      for (const fn of stops.splice(0).reverse()) await fn().catch(() => undefined);
    })();
    return stopped;
  };
  try {
    let dynamoEndpoint = options.dynamoEndpoint;
    let dynamoExited: LocalRuntime["dynamoExited"] = new Promise(() => undefined);
    if (dynamoEndpoint === undefined) {
      const dynamo: DynamoDbLocal = await startDynamoDbLocal({
        port: options.dynamoPort ?? (await freePort()),
        ...(options.dataDirectory === undefined ? {} : { dataDirectory: options.dataDirectory }),
      });
      stops.push(dynamo.stop);
      dynamoEndpoint = dynamo.endpoint;
      dynamoExited = dynamo.exited;
    }
    const client = createDynamoClient({ endpoint: dynamoEndpoint });
    options.onDynamoClient?.(client);
    const eventsOn = options.events ?? true;
    await ensureTable(client, options.tableName, { stream: eventsOn });
    if (options.dropTableOnStop) {
      stops.push(async () => {
        await client.send(new DeleteTableCommand({ TableName: options.tableName }));
      });
    }
    const db = createDocumentClient(client);
    const stores = createStores(db, options.tableName, {
      ...(options.retentionDays === undefined ? {} : { retentionDays: options.retentionDays }),
    });
    const clock = options.clock ?? systemClock;
    await options.beforeServing?.(stores, clock);

    const ses = await startSes(options.sesPort);
    stops.push(ses.stop);
    // The emulator's URL names localhost; it listens on 127.0.0.1 only.
    const sesUrl = `http://127.0.0.1:${new URL(ses.url).port}`;

    // The apps need the links' origin, which is known once the server listens: requests reach them
    // only from then on.
    let app: LocalFetch = () => new Response("Starting", { status: 503 });
    const server = createAdaptorServer({ fetch: (request) => app(request) }) as Server;
    await listenLocally(server, options.port ?? 0, "API and survey pages", "PORT");
    stops.push(() => closeServer(server));
    const port = (server.address() as AddressInfo).port;

    const transport = new SesMailSender({
      fromAddress: options.senderAddress ?? "surveys@example.com",
      endpoint: options.sesEndpoint ?? sesUrl,
      ...(options.sesMaxAttempts === undefined ? {} : { maxAttempts: options.sesMaxAttempts }),
    });
    // One mailer for the sender and for the API's previews and test sends, as on AWS.
    const mailTransport = options.wrapTransport ? options.wrapTransport(transport) : transport;
    const mail = new InvitationMailer(mailTransport);
    const publicBaseUrl = options.publicBaseUrl?.(port) ?? `http://127.0.0.1:${port}`;
    // Webhooks may point at this machine (a receiver on localhost, over http): what a developer tries first.
    const webhookTargets = { allowHttp: true, allowPrivateTargets: true };
    const webhookPoster = new HttpWebhookPoster({
      ...webhookTargets,
      ...(options.webhookTimeoutMs === undefined ? {} : { timeoutMs: options.webhookTimeoutMs }),
    });
    const alertMail = new AlertMailer(mailTransport);
    const fetch = createLocalFetch({
      ...stores,
      clock,
      mail,
      caseMail: alertMail,
      signInMail: new SignInMailer(mailTransport),
      publicBaseUrl,
      webhookPoster,
      webhookTargets,
    });
    app = options.wrapFetch ? options.wrapFetch(fetch) : fetch;
    const sendPorts: SendPorts = {
      ...stores,
      mail,
      publicBaseUrl,
      clock,
      ...(options.sendLockMs === undefined ? {} : { sendLockMs: options.sendLockMs }),
    };
    const queue = options.queue ?? new LocalWorkQueue();
    const send = options.wrapSendPorts ? options.wrapSendPorts(sendPorts) : sendPorts;
    const loop: DeliveryLoop = startDeliveryLoop(
      {
        send,
        dispatch: { invitations: stores.invitations, clock },
        webhookDeliveries: { webhooks: stores.webhooks, poster: webhookPoster, clock },
        caseDigests: { ...stores, caseMail: alertMail, publicBaseUrl, clock },
      },
      {
        intervalMs: options.deliveryIntervalMs,
        queue,
        ...(options.onDeliveryError ? { onError: options.onDeliveryError } : {}),
      },
    );
    stops.push(loop.stop);

    const webhookPorts = { ...stores, poster: webhookPoster, clock };
    const eventsHandler = createTableStreamHandler({
      ...stores,
      changedItemKind,
      alerts: alertMail,
      slack: new SlackNotifier(webhookPoster),
      announce: async (event) => (await fanOutWebhookEvent(webhookPorts, event)).created,
      publicBaseUrl,
      clock,
    });
    const events: TableStreamLoop = eventsOn
      ? startTableStreamLoop(
          client,
          options.tableName,
          options.wrapEventsHandler ? options.wrapEventsHandler(eventsHandler) : eventsHandler,
          {
            endpoint: dynamoEndpoint,
            intervalMs:
              options.eventsIntervalMs === undefined ? options.deliveryIntervalMs : options.eventsIntervalMs,
            ...(options.onEventsError ? { onError: options.onEventsError } : {}),
          },
        )
      : {
          runOnce: async () => {
            throw new LocalSetupError("This runtime was started with events off: its table has no stream.");
          },
          stop: async () => undefined,
        };
    stops.push(events.stop);

    return {
      baseUrl: `http://127.0.0.1:${port}`,
      sesUrl,
      dynamoEndpoint,
      tableName: options.tableName,
      client,
      db,
      stores,
      queue,
      clock,
      sendPorts,
      dynamoExited,
      deliver: () => loop.runOnce(),
      react: () => events.runOnce(),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The SES emulator on `port`, or on a free port: one taken between choosing and binding gets another try. */
async function startSes(port: number | undefined): Promise<SesLocal> {
  if (port !== undefined) return await startSesLocal({ port });
  for (let attempt = 1; ; attempt++) {
    try {
      return await startSesLocal({ port: await freePort() });
    } catch (error) {
      if (!(error instanceof LocalSetupError) || attempt >= 3) throw error;
    }
  }
}
