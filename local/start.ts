// `npm start`: the whole product on one machine with no AWS account — DynamoDB Local, the SES emulator
// and the same Hono apps the Lambda functions run, on one origin. Ctrl-C stops all of it.
import { mkdirSync } from "node:fs";
import { join, relative } from "node:path";
import { readEnvironment, sendEnvironment } from "../functions/platform/environment";
import { issueSignInLink } from "../functions/use-cases/console-sign-in";
import { ensureUser } from "../functions/use-cases/manage-users";
import { ensureLocalApiKey, type LocalApiKey } from "./local-api-key";
import {
  LOCAL_TABLE_NAME,
  localDirectory,
  PORT_SETTINGS,
  type PortSetting,
  portFromEnv,
} from "./local-config";
import { LocalSetupError } from "./local-errors";
import { assertPortFree } from "./ports";
import { type LocalRuntime, startLocalRuntime } from "./runtime";

let runtime: LocalRuntime | undefined;
let stopRequested = false;
let stopped: Promise<void> | undefined;
let startup: Promise<void> = Promise.resolve();

async function start(): Promise<void> {
  // Lambda runs Node 22; the SDK's notice about an older Node on a developer machine would bury our output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  // One JSON line per email is for CloudWatch; a terminal wants warnings and errors only.
  process.env.LOG_LEVEL ??= "warn";
  process.env.METRICS_DISABLED ??= "true";
  const ports = portsFromEnv();
  for (const [envVar, port] of Object.entries(ports) as [PortSetting, number][]) {
    await assertPortFree(port, PORT_SETTINGS[envVar].service, envVar);
  }
  const directory = localDirectory();
  mkdirSync(directory, { recursive: true });
  // The configuration the send function reads on AWS, checked the same way.
  const env = readEnvironment(sendEnvironment, {
    TABLE_NAME: LOCAL_TABLE_NAME,
    PUBLIC_BASE_URL: `http://localhost:${ports.PORT}`,
    SENDER_ADDRESS: process.env.SENDER_ADDRESS ?? "surveys@example.com",
  });
  console.log("Starting DynamoDB Local, the SES emulator and the API…");
  const keyFile = join(directory, "api-key");
  let localKey: LocalApiKey | undefined;
  let signInLink = "";

  runtime = await startLocalRuntime({
    dynamoPort: ports.DYNAMODB_PORT,
    dataDirectory: join(directory, "dynamodb"),
    tableName: env.TABLE_NAME,
    sesPort: ports.SES_PORT,
    senderAddress: env.SENDER_ADDRESS,
    port: ports.PORT,
    publicBaseUrl: () => env.PUBLIC_BASE_URL,
    retentionDays: env.RETENTION_DAYS,
    beforeServing: async (stores, clock) => {
      localKey = await ensureLocalApiKey(stores.apiKeys, keyFile, clock());
      // The console's first admin, and a fresh link to sign in as them (links last 15 minutes).
      await ensureUser({ ...stores, clock }, { email: LOCAL_ADMIN, role: "admin" });
      signInLink = await issueSignInLink(
        { ...stores, clock, publicBaseUrl: env.PUBLIC_BASE_URL },
        LOCAL_ADMIN,
      );
    },
    // The dispatch → send path, every second, through the handler code the Lambda functions run.
    deliveryIntervalMs: 1_000,
    onDeliveryError: (error) =>
      console.error(`delivery: ${error instanceof Error ? error.message : String(error)}`),
  });
  void runtime.dynamoExited.then(({ code, signal }) => {
    if (stopRequested) return;
    // Ctrl-C in a terminal reaches Java too (the JVM exits 130 on SIGINT, 143 on SIGTERM): that is a stop.
    if (signal === "SIGINT" || signal === "SIGTERM" || code === 130 || code === 143) return shutdown(0);
    console.error(
      `error: DynamoDB Local stopped unexpectedly (exit ${code ?? signal}); stopping everything.`,
    );
    shutdown(1);
  });
  if (stopRequested) return;

  printBanner({
    appUrl: env.PUBLIC_BASE_URL,
    sesUrl: `http://localhost:${ports.SES_PORT}`,
    dynamoEndpoint: runtime.dynamoEndpoint,
    directory,
    keyFile,
    localKey: localKey as LocalApiKey,
    signInLink,
  });
}

/** The local runtime's console admin: no mailbox, so its sign-in links are read in the SES inbox. */
const LOCAL_ADMIN = "admin@localhost";

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
  signInLink: string;
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
      `  Console               ${info.appUrl}/app`,
      `  SES inbox             ${info.sesUrl}  (kept in memory until Ctrl-C; JSON: /store)`,
      `  DynamoDB Local        ${info.dynamoEndpoint}  (table ${LOCAL_TABLE_NAME}, data in ${shown(join(info.directory, "dynamodb"))})`,
      "",
      `API key (${keySource}):`,
      `  ${info.localKey.apiKey}`,
      "",
      "Try it: paste these two lines into another terminal (the README's walk-through uses them),",
      `  export KEY=${info.localKey.apiKey}`,
      `  export API=${info.appUrl}`,
      "then:",
      '  curl -H "Authorization: Bearer $KEY" $API/v1/campaigns',
      "",
      `Console: sign in as ${LOCAL_ADMIN} (an admin) with this link, good once within 15 minutes:`,
      `  ${info.signInLink}`,
      `Later, ask for a new link at ${info.appUrl}/app and open it from the SES inbox.`,
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
  stopped ??= (runtime?.stop() ?? Promise.resolve()).catch((error: unknown) => {
    console.error(`error: could not stop everything: ${error instanceof Error ? error.message : error}`);
  });
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
