import { randomBytes } from "node:crypto";
import { DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import { type DynamoDBDocumentClient, paginateScan } from "@aws-sdk/lib-dynamodb";
import { inject } from "vitest";
import { ensureTable } from "../../functions/store/create-table";
import { createDocumentClient, createDynamoClient } from "../../functions/store/dynamo-client";

export type TestTable = {
  db: DynamoDBDocumentClient;
  tableName: string;
  endpoint: string;
  drop(): Promise<void>;
};

/**
 * A fresh table on the run's DynamoDB Local, built from the stack's own definition, without its stream
 * (no test of these tables reads it, and streams on every table slow DynamoDB Local down: see
 * ensureTable). `endpoint` reaches it another way, e.g. through a fault-injecting proxy in front of it.
 */
export async function createTestTable(endpoint: string = inject("dynamoEndpoint")): Promise<TestTable> {
  const client = createDynamoClient({ endpoint });
  const tableName = `test-${randomBytes(6).toString("hex")}`;
  await ensureTable(client, tableName, { stream: false });
  return {
    db: createDocumentClient(client),
    tableName,
    endpoint,
    drop: async () => {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
    },
  };
}

/** Every item of the table, read by a scan past the product's own code (to check what is stored). */
export async function everyItem(
  table: Pick<TestTable, "db" | "tableName">,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of paginateScan({ client: table.db }, { TableName: table.tableName })) {
    items.push(...(page.Items ?? []));
  }
  return items;
}
