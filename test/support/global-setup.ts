import type { TestProject } from "vitest/node";
import { type DynamoDbLocal, startDynamoDbLocal } from "../../local/dynamodb-local";
import { freePort } from "../../local/ports";

declare module "vitest" {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

let dynamo: DynamoDbLocal | undefined;

/** Starts one in-memory DynamoDB Local for the run; tests reach it through inject("dynamoEndpoint"). */
export async function setup(project: TestProject): Promise<void> {
  dynamo = await startDynamoDbLocal({ port: await freePort() });
  project.provide("dynamoEndpoint", dynamo.endpoint);
}

export async function teardown(): Promise<void> {
  await dynamo?.stop();
}
