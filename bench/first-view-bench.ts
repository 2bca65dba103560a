import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { httpEvent } from "../test/support/lambda";
import { CHILD_ENV, lambdaBundling, repositoryRoot } from "./cold-start-bench";
import { median } from "./stats";

/**
 * Item 4b, a survey page as a customer sees it after a cold start: a fresh `node` process imports the
 * bundled survey handler and serves its first `GET /s/{token}?score=9` through the Lambda adapter
 * against DynamoDB Local, a real link to a sent invitation. Timed from the process's spawn to the
 * handler's answer (Node's own start included, as a cold Lambda pays it), median of `runs` processes;
 * the floor is a bundle that only makes the same one Query with the same SDK clients and answers a
 * one-line page, alternately.
 */
export type FirstViewResult = {
  readonly runs: number;
  readonly ms: number;
  readonly floorMs: number;
  /** Bytes of the page the real handler served (a check that it rendered the survey). */
  readonly pageBytes: number;
};

/** Imports the bundle (argv[1]), hands it the event (argv[2]), prints [status, body length]. */
const SERVE_FIRST = [
  "const { handler } = await import(process.argv[1]);",
  "const result = await handler(JSON.parse(process.argv[2]), { awsRequestId: 'bench', functionName: 'survey', getRemainingTimeInMillis: () => 10000 });",
  "process.stdout.write(JSON.stringify([result.statusCode, (result.body ?? '').length]));",
  // The SDK keeps its sockets open: the answer is all that is measured.
  "process.exit(0);",
].join(" ");

export async function runFirstViewBench(
  target: { readonly dynamoEndpoint: string; readonly tableName: string; readonly token: string },
  runs: number,
): Promise<FirstViewResult> {
  const out = mkdtempSync(join(tmpdir(), "open-nps-first-view-"));
  try {
    const real = join(out, "survey.mjs");
    await build({
      ...lambdaBundling,
      entryPoints: [join(repositoryRoot, "functions/handlers/survey.ts")],
      outfile: real,
    });
    const floor = join(out, "survey-floor.mjs");
    await build({
      ...lambdaBundling,
      stdin: {
        contents: [
          'import { DynamoDBClient } from "@aws-sdk/client-dynamodb";',
          'import { DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";',
          'import { invitationKey } from "./functions/store/keys.ts";',
          "const db = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: process.env.DYNAMODB_ENDPOINT, region: process.env.AWS_REGION }));",
          "export const handler = async (event) => {",
          "  const token = event.rawPath.split('/')[2];",
          "  const { Items = [] } = await db.send(new QueryCommand({ TableName: process.env.TABLE_NAME, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': invitationKey(token).pk }, ConsistentRead: true }));",
          "  return { statusCode: Items.length > 0 ? 200 : 404, headers: { 'content-type': 'text/html' }, body: '<!doctype html><p>' + Items.length + '</p>' };",
          "};",
        ].join("\n"),
        resolveDir: repositoryRoot,
        sourcefile: "survey-floor.js",
        loader: "js",
      },
      outfile: floor,
    });
    const event = JSON.stringify(
      httpEvent("GET", `/s/${target.token}?score=9`, {
        routeKey: "GET /s/{token}",
        pathParameters: { token: target.token },
        headers: { "accept-language": "en" },
      }),
    );
    const env = { ...CHILD_ENV, DYNAMODB_ENDPOINT: target.dynamoEndpoint, TABLE_NAME: target.tableName };
    const realTimes: number[] = [];
    const floorTimes: number[] = [];
    let pageBytes = 0;
    for (let i = 0; i < runs; i++) {
      const served = await serveFirst(real, event, env);
      pageBytes = served.bytes;
      realTimes.push(served.ms);
      floorTimes.push((await serveFirst(floor, event, env)).ms);
    }
    return { runs, ms: median(realTimes), floorMs: median(floorTimes), pageBytes };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

async function serveFirst(
  bundle: string,
  event: string,
  env: NodeJS.ProcessEnv,
): Promise<{ ms: number; bytes: number }> {
  return await new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(
      process.execPath,
      ["--input-type=module", "-e", SERVE_FIRST, pathToFileURL(bundle).href, event],
      { env, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    let answeredAt = 0;
    child.stdout.on("data", (chunk: Buffer) => {
      answeredAt ||= performance.now();
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => {
      let answer: unknown;
      try {
        answer = JSON.parse(stdout);
      } catch {
        answer = undefined;
      }
      const [status, bytes] = Array.isArray(answer) ? (answer as unknown[]) : [];
      if (code === 0 && status === 200 && typeof bytes === "number") {
        resolve({ ms: answeredAt - started, bytes });
      } else {
        reject(
          new Error(
            `serving a first page from ${basename(bundle)} failed (exit ${code}, status ${String(status)}): ${stderr.trim().slice(0, 500)}`,
          ),
        );
      }
    });
  });
}
