import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { type DynamoDbLocal, startDynamoDbLocal } from "../../local/dynamodb-local";
import { freePort } from "../../local/ports";
import { formatReliabilitySummary } from "./reliability-summary";

declare module "vitest" {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

let dynamo: DynamoDbLocal | undefined;
let summaryDir: string | undefined;

/**
 * Starts one in-memory DynamoDB Local for the run; tests reach it through inject("dynamoEndpoint").
 * The reliability tests record their counts in a folder of the run; the teardown prints their summary.
 */
export async function setup(project: TestProject): Promise<void> {
  summaryDir = mkdtempSync(join(tmpdir(), "open-nps-reliability-"));
  project.provide("reliabilitySummaryDir", summaryDir);
  dynamo = await startDynamoDbLocal({ port: await freePort() });
  project.provide("dynamoEndpoint", dynamo.endpoint);
}

export async function teardown(): Promise<void> {
  await dynamo?.stop();
  if (!summaryDir) return;
  for (const line of formatReliabilitySummary(summaryDir)) console.log(line);
  rmSync(summaryDir, { recursive: true, force: true });
}
