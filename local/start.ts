// `npm start`: the whole product on one machine with no AWS account — DynamoDB Local, the SES emulator
// and the same Hono apps the Lambda functions run, on one origin. Ctrl-C stops all of it.
import { mkdirSync } from "node:fs";
import type { Server } from "node:http";
import { join, relative } from "node:path";
import { createAdaptorServer } from "@hono/node-server";
import { readEnvironment, sendEnvironment } from "../functions/config";
import { SesMailSender } from "../functions/mail/ses-mail-sender";
import { ensureTable } from "../functions/store/create-table";
import { createDocumentClient, createDynamoClient } from "../functions/store/dynamo-client";
import { createStores } from "../functions/store/stores";
import { startDeliveryLoop } from "./delivery-loop";
import { startDynamoDbLocal } from "./dynamodb-local";
import { closeServer, listenLocally } from "./http-server";
import { ensureLocalApiKey, type LocalApiKey } from "./local-api-key";
import { createLocalFetch } from "./local-app";
import {
  LOCAL_TABLE_NAME,
  localDirectory,
  PORT_SETTINGS,
  type PortSetting,
  portFromEnv,
} from "./local-config";
import { LocalSetupError } from "./local-errors";
import { assertPortFree } from "./ports";
import { startSesLocal } from "./ses-local";

/** What is running, in start order; stopped in reverse (HTTP server, SES emulator, DynamoDB Local). */
const running: { name: string; stop: () => Promise<void> }[] = [];
let stopRequested = false;
let stopped: Promise<void> | undefined;
let startup: Promise<void> = Promise.resolve();

async function start(): Promise<void> {
  // Lambda runs Node 22; the SDK's notice about an older Node on a developer machine would bury our output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  // One JSON line per email is for CloudWatch; a terminal wants warnings and errors only.
  process.env.LOG_LEVEL ??= "warn";
  process.env.POWERTOOLS_METRICS_DISABLED ??= "true";
  const ports = portsFromEnv();
  for (const [envVar, port] of Object.entries(ports) as [PortSetting, number][]) {
    await assertPortFree(port, PORT_SETTINGS[envVar].service, envVar);
  }
  const directory = localDirectory();
  mkdirSync(directory, { recursive: true });
  console.log("Starting DynamoDB Local, the SES emulator and the API…");

  const dynamo = await startDynamoDbLocal({
    port: ports.DYNAMODB_PORT,
    dataDirectory: join(directory, "dynamodb"),
  });
  running.push({ name: "DynamoDB Local", stop: dynamo.stop });
  void dynamo.exited.then(({ code, signal }) => {
    if (stopRequested) return;
    // Ctrl-C in a terminal reaches Java too (the JVM exits 130 on SIGINT, 143 on SIGTERM): that is a stop.
    if (signal === "SIGINT" || signal === "SIGTERM" || code === 130 || code === 143) return shutdown(0);
    console.error(
      `error: DynamoDB Local stopped unexpectedly (exit ${code ?? signal}); stopping everything.`,
    );
    shutdown(1);
  });
  if (stopRequested) return;

  // The configuration the Lambda functions read, pointed at the local services.
  process.env.TABLE_NAME = LOCAL_TABLE_NAME;
  process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
  process.env.PUBLIC_BASE_URL = `http://localhost:${ports.PORT}`;
  process.env.SENDER_ADDRESS ??= "surveys@example.com";
  process.env.SES_ENDPOINT = `http://127.0.0.1:${ports.SES_PORT}`;
  const env = readEnvironment(sendEnvironment);
  const client = createDynamoClient({ endpoint: env.DYNAMODB_ENDPOINT, region: env.AWS_REGION });
  await ensureTable(client, env.TABLE_NAME);
  const stores = createStores(createDocumentClient(client), env.TABLE_NAME, {
    retentionDays: env.RETENTION_DAYS,
  });
  const keyFile = join(directory, "api-key");
  const localKey = await ensureLocalApiKey(stores.apiKeys, keyFile);
  if (stopRequested) return;

  const ses = await startSesLocal({ port: ports.SES_PORT });
  running.push({ name: "SES emulator", stop: ses.stop });
  if (stopRequested) return;

  const server = createAdaptorServer({ fetch: createLocalFetch(stores) }) as Server;
  await listenLocally(server, ports.PORT, PORT_SETTINGS.PORT.service, "PORT");
  running.push({ name: "HTTP server", stop: () => closeServer(server) });
  if (stopRequested) return;

  // The dispatch → send path, driven in-process every second through the same handler code the
  // Lambda functions run, sending through the SES emulator.
  const delivery = startDeliveryLoop(
    {
      ...stores,
      publicBaseUrl: env.PUBLIC_BASE_URL,
      mail: new SesMailSender({ fromAddress: env.SENDER_ADDRESS, endpoint: env.SES_ENDPOINT }),
    },
    {
      onError: (error) =>
        console.error(`delivery: ${error instanceof Error ? error.message : String(error)}`),
    },
  );
  running.push({ name: "delivery loop", stop: delivery.stop });

  printBanner({
    appUrl: `http://localhost:${ports.PORT}`,
    sesUrl: ses.url,
    dynamoEndpoint: dynamo.endpoint,
    directory,
    keyFile,
    localKey,
  });
}

function portsFromEnv(): Record<PortSetting, number> {
  const ports = {
    PORT: portFromEnv("PORT"),
    SES_PORT: portFromEnv("SES_PORT"),
    DYNAMODB_PORT: portFromEnv("DYNAMODB_PORT"),
  };
  const names = Object.keys(ports) as PortSetting[];
  for (const [index, name] of names.entries()) {
    const twin = names.slice(index + 1).find((other) => ports[other] === ports[name]);
    if (twin) {
      throw new LocalSetupError(
        `${name} and ${twin} are both ${ports[name]}: give each service its own port.`,
      );
    }
  }
  return ports;
}

function printBanner(info: {
  appUrl: string;
  sesUrl: string;
  dynamoEndpoint: string;
  directory: string;
  keyFile: string;
  localKey: LocalApiKey;
}): void {
  const keySource = {
    created: `created now, saved in ${shown(info.keyFile)}`,
    reused: `from ${shown(info.keyFile)}`,
    replaced: `new, saved in ${shown(info.keyFile)}: the key there was no longer valid (revoked, or the data was deleted)`,
  }[info.localKey.status];
  console.log(
    [
      "",
      "open-nps is running locally (no AWS account involved).",
      "",
      `  API and survey pages  ${info.appUrl}  (health: /health, OpenAPI: /v1/openapi.json)`,
      `  SES inbox             ${info.sesUrl}  (sent emails as JSON: /store)`,
      `  DynamoDB Local        ${info.dynamoEndpoint}  (table ${LOCAL_TABLE_NAME}, data in ${shown(join(info.directory, "dynamodb"))})`,
      "",
      `API key (${keySource}):`,
      `  ${info.localKey.apiKey}`,
      "",
      "Try it:",
      `  curl -H "Authorization: Bearer ${info.localKey.apiKey}" ${info.appUrl}/v1/campaigns`,
      "",
      "Press Ctrl-C to stop.",
    ].join("\n"),
  );
}

/** A path relative to the working directory when it is inside it, else absolute. */
function shown(path: string): string {
  const fromHere = relative(process.cwd(), path);
  return fromHere && !fromHere.startsWith("..") ? fromHere : path;
}

function stopAll(): Promise<void> {
  stopped ??= (async () => {
    for (const service of running.reverse()) {
      await service.stop().catch((error: unknown) => {
        console.error(
          `error: could not stop ${service.name}: ${error instanceof Error ? error.message : error}`,
        );
      });
    }
  })();
  return stopped;
}

/** Waits for a start in progress to reach a step boundary, stops everything, then exits. */
function shutdown(exitCode: number): void {
  if (stopRequested) return;
  stopRequested = true;
  setTimeout(() => {
    console.error("error: stopping took longer than 15 s; exiting anyway.");
    process.exit(1);
  }, 15_000).unref();
  void startup
    .catch(() => undefined)
    .then(stopAll)
    .then(() => {
      if (exitCode === 0) console.log("Stopped.");
      process.exit(exitCode);
    });
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopRequested) return console.log("Still stopping…");
    console.log("\nStopping…");
    shutdown(0);
  });
}

startup = start();
startup.catch(async (error: unknown) => {
  // A failure caused by a stop already under way (Java got the terminal's Ctrl-C) is not news.
  if (stopRequested) return;
  stopRequested = true;
  console.error(error instanceof LocalSetupError ? `error: ${error.message}` : error);
  await stopAll();
  process.exit(1);
});
