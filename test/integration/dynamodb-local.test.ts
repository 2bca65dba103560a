import { randomBytes } from "node:crypto";
import { connect } from "node:net";
import { networkInterfaces } from "node:os";
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import { describe, expect, inject, it } from "vitest";
import { ensureTable } from "../../functions/store/create-table";
import { createDynamoClient } from "../../functions/store/dynamo-client";
import { tableDefinition } from "../../functions/store/table-definition";

/** Resolves "connected" or the error code of a TCP connection to host:port. */
function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 3_000 });
    socket.once("connect", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.once("timeout", () => {
      socket.destroy();
      resolve("timeout");
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

/**
 * This machine's addresses other than loopback: how another host on the network would reach it.
 * Link-local IPv6 addresses need an interface to connect through, and reach no further than the link.
 */
const outwardAddresses = Object.values(networkInterfaces())
  .flat()
  .filter((address) => address !== undefined && !address.internal && !address.address.startsWith("fe80:"))
  .map((address) => address?.address ?? "");

describe("DynamoDB Local (the one npm start and the tests run)", () => {
  const port = Number(new URL(inject("dynamoEndpoint")).port);

  it("answers on 127.0.0.1", async () => {
    expect(await tryConnect("127.0.0.1", port)).toBe("connected");
  });

  // A machine with no network interface but loopback has nothing to check here.
  it.skipIf(outwardAddresses.length === 0)(
    "refuses connections on every other address of this machine: the table is not open to the network",
    async () => {
      for (const address of outwardAddresses) {
        expect({ address, result: await tryConnect(address, port) }).toEqual({
          address,
          result: "ECONNREFUSED",
        });
      }
    },
  );
});

describe("ensureTable on a table kept from an earlier version", () => {
  it("adds the indexes it lacks, with their projection, and keeps its items", async () => {
    const client = createDynamoClient({ endpoint: inject("dynamoEndpoint") });
    const tableName = `old-${randomBytes(6).toString("hex")}`;
    const [listing] = tableDefinition.indexes;
    // The table as an earlier version created it: the listing index only, and one item in it.
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: ["pk", "sk", "gsi1pk", "gsi1sk"].map((name) => ({
          AttributeName: name,
          AttributeType: "S",
        })),
        KeySchema: [
          { AttributeName: "pk", KeyType: "HASH" },
          { AttributeName: "sk", KeyType: "RANGE" },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: listing.name,
            KeySchema: [
              { AttributeName: listing.partitionKey, KeyType: "HASH" },
              { AttributeName: listing.sortKey, KeyType: "RANGE" },
            ],
            Projection: { ProjectionType: "ALL" },
          },
        ],
      }),
    );
    try {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: { pk: { S: "A" }, sk: { S: "B" }, kept: { S: "yes" } },
        }),
      );
      await ensureTable(client, tableName);
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      expect(
        (Table?.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName, index.Projection]).sort(),
      ).toEqual([
        ["gsi1", { ProjectionType: "ALL" }],
        ["gsi2", { ProjectionType: "INCLUDE", NonKeyAttributes: ["token", "nextAction", "sendFailures"] }],
      ]);
      const { Item } = await client.send(
        new GetItemCommand({ TableName: tableName, Key: { pk: { S: "A" }, sk: { S: "B" } } }),
      );
      expect(Item?.kept).toEqual({ S: "yes" });
      // Run again: nothing left to add.
      await ensureTable(client, tableName);
    } finally {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
      client.destroy();
    }
  });
});
