import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  type Projection,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";
import { type IndexDefinition, tableDefinition } from "./table-definition";

const projectionOf = (index: IndexDefinition): Projection =>
  index.projectedAttributes === "all"
    ? { ProjectionType: "ALL" }
    : { ProjectionType: "INCLUDE", NonKeyAttributes: [...index.projectedAttributes] };
const keySchemaOf = (index: IndexDefinition) => [
  { AttributeName: index.partitionKey, KeyType: "HASH" as const },
  { AttributeName: index.sortKey, KeyType: "RANGE" as const },
];

/**
 * Creates the table from the same definition the CDK stack uses (local runtime and tests only; on AWS
 * CloudFormation owns the table). Idempotent: an existing table (a local data directory kept from an
 * earlier version) only gets the indexes it lacks, as CloudFormation would add them.
 */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
  options: {
    /**
     * Whether the table has its stream, as on AWS (default). Tests that do not exercise the events path
     * leave it off: DynamoDB Local keeps every stream record of its run, and a run of many tables
     * writing thousands of items slows down many times over with streams on all of them.
     */
    readonly stream?: boolean;
  } = {},
): Promise<void> {
  const stream = options.stream ?? true;
  const keyAttributes = new Set<string>([tableDefinition.partitionKey, tableDefinition.sortKey]);
  for (const index of tableDefinition.indexes) {
    keyAttributes.add(index.partitionKey);
    keyAttributes.add(index.sortKey);
  }
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [...keyAttributes].map((name) => ({ AttributeName: name, AttributeType: "S" })),
        KeySchema: [
          { AttributeName: tableDefinition.partitionKey, KeyType: "HASH" },
          { AttributeName: tableDefinition.sortKey, KeyType: "RANGE" },
        ],
        GlobalSecondaryIndexes: tableDefinition.indexes.map((index) => ({
          IndexName: index.name,
          KeySchema: keySchemaOf(index),
          Projection: projectionOf(index),
        })),
        ...(stream
          ? { StreamSpecification: { StreamEnabled: true, StreamViewType: tableDefinition.streamViewType } }
          : {}),
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: tableName });
  let description = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const existing = new Set((description.Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  for (const index of tableDefinition.indexes.filter((index) => !existing.has(index.name))) {
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [
          { AttributeName: index.partitionKey, AttributeType: "S" },
          { AttributeName: index.sortKey, AttributeType: "S" },
        ],
        GlobalSecondaryIndexUpdates: [
          {
            Create: { IndexName: index.name, KeySchema: keySchemaOf(index), Projection: projectionOf(index) },
          },
        ],
      }),
    );
    await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: tableName });
    description = await client.send(new DescribeTableCommand({ TableName: tableName }));
  }
  if (stream && description.Table?.StreamSpecification?.StreamEnabled !== true) {
    // A local data directory kept from a version without the stream: turn it on, as CloudFormation would.
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        StreamSpecification: { StreamEnabled: true, StreamViewType: tableDefinition.streamViewType },
      }),
    );
    await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: tableName });
    description = await client.send(new DescribeTableCommand({ TableName: tableName }));
  }
  if (description.Table?.TableStatus === "ACTIVE") {
    await client
      .send(
        new UpdateTimeToLiveCommand({
          TableName: tableName,
          TimeToLiveSpecification: { AttributeName: tableDefinition.timeToLiveAttribute, Enabled: true },
        }),
      )
      .catch((error: unknown) => {
        // Asking again for TTL that is already on is refused; that is the state we want.
        if (!(error instanceof Error && /already enabled/i.test(error.message))) throw error;
      });
  }
}
