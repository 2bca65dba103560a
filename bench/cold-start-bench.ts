import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type BuildOptions, build, type Metafile } from "esbuild";
import { median } from "./stats";

/**
 * Item 4, a cold-start proxy per Lambda bundle: each `functions/handlers/*.ts` is bundled as
 * lib/constructs/lambda-function.ts has NodejsFunction bundle it (ESM, minified, UTF-8, node22, platform
 * node, module-first main fields, the createRequire banner, the AWS SDK bundled in), and so is its floor: a
 * bundle that imports only the AWS SDK clients the handler's bundle holds and constructs them, as the
 * handler does at cold start. Reported: the minified size, and the module initialization time, the
 * median over `runs` fresh `node` processes timing `await import(bundle)` (real and floor alternately),
 * as wall-clock time and as the process's CPU time (less disturbed by other work on a shared machine).
 * The processes get each handler's configuration (functions/config.ts) with DynamoDB, SES and SQS
 * pointed at a closed local port: initialization must not need the network.
 */
export type ColdStartRow = {
  readonly handler: string;
  readonly clients: string[];
  readonly bytes: number;
  readonly floorBytes: number;
  /** Median wall-clock time of `await import(bundle)` in a fresh process. */
  readonly initMs: number;
  readonly floorInitMs: number;
  /** Median CPU time (user + system, all threads) of the same imports: steadier on a shared machine. */
  readonly initCpuMs: number;
  readonly floorInitCpuMs: number;
  /** Where the bytes beyond the floor come from, as esbuild's metafile counts them in the output. */
  readonly composition: BundleComposition;
  readonly runs: number;
};

export const repositoryRoot = fileURLToPath(new URL("../", import.meta.url));
const handlersDirectory = join(repositoryRoot, "functions", "handlers");

/** lib/constructs/lambda-function.ts's ESM_REQUIRE_BANNER (not exported there). */
const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/** The bundling options of lib/constructs/lambda-function.ts, as esbuild options. */
export const lambdaBundling: BuildOptions = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node22",
  minify: true,
  charset: "utf8",
  sourcemap: true,
  sourcesContent: false,
  mainFields: ["module", "main"],
  banner: { js: ESM_REQUIRE_BANNER },
  metafile: true,
  logLevel: "silent",
};

/**
 * A bundle's bytes by origin: the open-nps code, each npm package the floor does not hold (the
 * libraries the handler adds: hono, zod, csv-stringify...), and the rest (the SDK and what the floor
 * holds too).
 */
export type BundleComposition = {
  readonly ownBytes: number;
  readonly libraryBytes: Readonly<Record<string, number>>;
};

/** The npm package an esbuild input path belongs to, or undefined for a source file of the repository. */
function packageOf(input: string): string | undefined {
  return /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1];
}

function bytesByInput(metafile: Metafile | undefined): Map<string, number> {
  const output = Object.entries(metafile?.outputs ?? {}).find(([path]) => !path.endsWith(".map"))?.[1];
  return new Map(
    Object.entries(output?.inputs ?? {}).map(([path, { bytesInOutput }]) => [path, bytesInOutput]),
  );
}

function compositionOf(real: Metafile | undefined, floor: Metafile | undefined): BundleComposition {
  const floorPackages = new Set([...bytesByInput(floor).keys()].map(packageOf));
  let ownBytes = 0;
  const libraryBytes: Record<string, number> = {};
  for (const [input, bytes] of bytesByInput(real)) {
    const pkg = packageOf(input);
    if (pkg === undefined) {
      if (!input.startsWith("<")) ownBytes += bytes;
    } else if (!floorPackages.has(pkg) && !pkg.startsWith("@aws-sdk/") && !pkg.startsWith("@smithy/")) {
      libraryBytes[pkg] = (libraryBytes[pkg] ?? 0) + bytes;
    }
  }
  return { ownBytes, libraryBytes };
}

/** The AWS SDK clients a handler may hold, and how its floor constructs each (as dynamo-client.ts etc. do). */
const SDK_CLIENTS = {
  "client-dynamodb": {
    imports: 'import { DynamoDBClient } from "@aws-sdk/client-dynamodb";',
    construct:
      "const dynamo = new DynamoDBClient({ endpoint: process.env.DYNAMODB_ENDPOINT, region: process.env.AWS_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }); clients.push(dynamo);",
  },
  "lib-dynamodb": {
    imports: 'import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";',
    construct:
      "clients.push(DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }));",
  },
  "client-sesv2": {
    imports: 'import { SESv2Client } from "@aws-sdk/client-sesv2";',
    construct:
      "clients.push(new SESv2Client({ retryMode: 'adaptive', maxAttempts: 6, endpoint: process.env.SES_ENDPOINT, region: process.env.AWS_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));",
  },
  "client-sqs": {
    imports: 'import { SQSClient } from "@aws-sdk/client-sqs";',
    construct: "clients.push(new SQSClient({ region: process.env.AWS_REGION }));",
  },
} as const;
type SdkClient = keyof typeof SDK_CLIENTS;

/** Every handler's configuration (functions/config.ts), pointed at a port where nothing listens. */
export const CHILD_ENV: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  TABLE_NAME: "open-nps-bench",
  AWS_REGION: "us-east-1",
  DYNAMODB_ENDPOINT: "http://127.0.0.1:9",
  SES_ENDPOINT: "http://127.0.0.1:9",
  QUEUE_URL: "http://127.0.0.1:9/000000000000/open-nps-send",
  PUBLIC_BASE_URL: "http://localhost:3000",
  SENDER_ADDRESS: "surveys@example.com",
  AWS_ACCESS_KEY_ID: "local",
  AWS_SECRET_ACCESS_KEY: "local",
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  LOG_LEVEL: "warn",
};

/** Imports the bundle named by argv[1] and prints how long the import took, in ms: [wall, CPU]. */
const TIMER = [
  "const s = performance.now(), c = process.cpuUsage();",
  "await import(process.argv[1]);",
  "const u = process.cpuUsage(c);",
  "process.stdout.write(JSON.stringify([performance.now() - s, (u.user + u.system) / 1000]));",
].join(" ");

type Timing = { wallMs: number; cpuMs: number };

export async function runColdStartBench(runs: number): Promise<ColdStartRow[]> {
  const out = mkdtempSync(join(tmpdir(), "open-nps-bench-"));
  try {
    const handlers = readdirSync(handlersDirectory)
      .filter((file) => file.endsWith(".ts"))
      .sort();
    const rows: ColdStartRow[] = [];
    for (const file of handlers) {
      const name = basename(file, ".ts");
      const real = join(out, `${name}.mjs`);
      const { metafile } = await build({
        ...lambdaBundling,
        entryPoints: [join(handlersDirectory, file)],
        outfile: real,
      });
      const inputs = Object.keys(metafile?.inputs ?? {});
      const clients = (Object.keys(SDK_CLIENTS) as SdkClient[]).filter((client) =>
        inputs.some((input) => input.includes(`node_modules/@aws-sdk/${client}/`)),
      );
      const floor = join(out, `${name}-floor.mjs`);
      const { metafile: floorMetafile } = await build({
        ...lambdaBundling,
        stdin: {
          contents: [
            ...clients.map((c) => SDK_CLIENTS[c].imports),
            "const clients = [];",
            ...clients.map((c) => SDK_CLIENTS[c].construct),
            "export const handler = async () => clients.length;",
          ].join("\n"),
          resolveDir: repositoryRoot,
          sourcefile: `${name}-floor.js`,
          loader: "js",
        },
        outfile: floor,
      });
      const realTimes: Timing[] = [];
      const floorTimes: Timing[] = [];
      for (let i = 0; i < runs; i++) {
        realTimes.push(await timeImport(real));
        floorTimes.push(await timeImport(floor));
      }
      rows.push({
        handler: file,
        clients,
        bytes: statSync(real).size,
        floorBytes: statSync(floor).size,
        initMs: median(realTimes.map((t) => t.wallMs)),
        floorInitMs: median(floorTimes.map((t) => t.wallMs)),
        initCpuMs: median(realTimes.map((t) => t.cpuMs)),
        floorInitCpuMs: median(floorTimes.map((t) => t.cpuMs)),
        composition: compositionOf(metafile, floorMetafile),
        runs,
      });
    }
    return rows;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

async function timeImport(bundle: string): Promise<Timing> {
  return await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", TIMER, pathToFileURL(bundle).href], {
      env: CHILD_ENV,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => {
      let times: unknown;
      try {
        times = JSON.parse(stdout);
      } catch {
        times = undefined;
      }
      const [wallMs, cpuMs] = Array.isArray(times) ? (times as unknown[]) : [];
      if (code === 0 && typeof wallMs === "number" && typeof cpuMs === "number") resolve({ wallMs, cpuMs });
      else
        reject(
          new Error(`importing ${basename(bundle)} failed (exit ${code}): ${stderr.trim().slice(0, 500)}`),
        );
    });
  });
}
