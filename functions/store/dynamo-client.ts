import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { translateCapacityError } from "./transactions";

export type DynamoConnection = {
  /** Set for DynamoDB Local; unset on AWS, where the SDK finds the regional endpoint. */
  readonly endpoint?: string | undefined;
  readonly region?: string | undefined;
};

export function createDynamoClient(connection: DynamoConnection = {}): DynamoDBClient {
  if (!connection.endpoint) return new DynamoDBClient(connection.region ? { region: connection.region } : {});
  return new DynamoDBClient({
    endpoint: connection.endpoint,
    region: connection.region ?? "us-east-1",
    // DynamoDB Local accepts any credentials; fixed ones keep a developer's real keys out of it.
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
}

/**
 * One document client per process: reused across Lambda invocations for connection reuse. Its errors
 * leave it translated (translateCapacityError), after the SDK's own retries, so nothing above the store
 * needs to know DynamoDB's exception names.
 */
export function createDocumentClient(
  connection: DynamoConnection | DynamoDBClient = {},
): DynamoDBDocumentClient {
  const client = connection instanceof DynamoDBClient ? connection : createDynamoClient(connection);
  const db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  db.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        throw translateCapacityError(error);
      }
    },
    { step: "initialize", name: "translateCapacityErrors", override: true },
  );
  return db;
}
