import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { LocalSetupError } from "./local-errors";
import { waitFor } from "./ports";

/**
 * DynamoDB Local, AWS's own emulator, from the jar shipped inside the amplify-dynamodb-simulator npm
 * package (so `npm ci` is the only download), listening on 127.0.0.1 only. Used by `npm start` (data on
 * disk) and by the test suite's global setup (in memory).
 */
export type DynamoDbLocal = {
  readonly endpoint: string;
  /** Settles when the Java process ends, whether through stop() or on its own (crash, Ctrl-C in a terminal). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
};

const MIN_JAVA = 17;

export function emulatorDirectory(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("amplify-dynamodb-simulator/package.json")), "emulator");
}

/**
 * Starts DynamoDB Local's own server bound to 127.0.0.1: its command line cannot say so, and it would
 * otherwise accept connections from the whole network. A single Java source file, so it needs a JDK.
 */
const LOOPBACK_LAUNCHER = fileURLToPath(new URL("./dynamodb-local-on-loopback.java", import.meta.url));

/** Throws a one-line explanation when Java is missing, older than DynamoDB Local needs, or only a JRE. */
export function assertJava(): void {
  const probe = spawnSync("java", ["-version"], { encoding: "utf8" });
  const howTo =
    "install a Java development kit 17 or newer (Debian/Ubuntu: 'sudo apt-get install -y openjdk-17-jdk-headless'; macOS: 'brew install openjdk@17'; Windows: an Adoptium Temurin 17 JDK installer) and run this again.";
  if (probe.error || probe.status !== 0) {
    throw new LocalSetupError(`DynamoDB Local needs Java, and 'java' was not found on PATH: ${howTo}`);
  }
  const version = /version "(\d+)(?:\.(\d+))?/.exec(`${probe.stderr}${probe.stdout}`);
  const major = version ? Number(version[1] === "1" ? version[2] : version[1]) : Number.NaN;
  if (Number.isFinite(major) && major < MIN_JAVA) {
    throw new LocalSetupError(
      `DynamoDB Local needs Java ${MIN_JAVA}+, and 'java' is version ${major}: ${howTo}`,
    );
  }
  const modules = spawnSync("java", ["--list-modules"], { encoding: "utf8" });
  if (!/^jdk\.compiler@/m.test(modules.stdout ?? "")) {
    throw new LocalSetupError(
      `DynamoDB Local is started on 127.0.0.1 only, which needs a Java development kit, and 'java' is a runtime without its compiler: ${howTo}`,
    );
  }
}

export async function startDynamoDbLocal(options: {
  port: number;
  /** Keep tables in this folder across restarts; omit for an in-memory database. */
  dataDirectory?: string;
}): Promise<DynamoDbLocal> {
  assertJava();
  const emulator = emulatorDirectory();
  const storage = options.dataDirectory
    ? ["-sharedDb", "-dbPath", resolve(options.dataDirectory)]
    : ["-inMemory"];
  if (options.dataDirectory) mkdirSync(options.dataDirectory, { recursive: true });
  const child: ChildProcess = spawn(
    "java",
    [
      `-Djava.library.path=${join(emulator, "DynamoDBLocal_lib")}`,
      "-cp",
      join(emulator, "DynamoDBLocal.jar"),
      LOOPBACK_LAUNCHER,
      "-port",
      String(options.port),
      "-disableTelemetry",
      ...storage,
    ],
    // DynamoDB Local writes a metadata file into its working directory: keep it out of the repository.
    { stdio: ["ignore", "pipe", "pipe"], cwd: options.dataDirectory ?? tmpdir() },
  );
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr?.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  let exited = false;
  const exitedPromise = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => {
      exited = true;
      resolve({ code, signal });
    }),
  );

  const endpoint = `http://127.0.0.1:${options.port}`;
  try {
    await waitFor(
      async () => {
        if (exited) throw new LocalSetupError(`DynamoDB Local exited while starting:\n${output.trim()}`);
        // Any HTTP answer (DynamoDB Local says 400 to a bare GET) means it is listening.
        await fetch(endpoint);
        return true;
      },
      30_000,
      "DynamoDB Local",
    );
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }

  return {
    endpoint,
    exited: exitedPromise,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
      }),
  };
}
