import { DeleteCommand, type DynamoDBDocumentClient, paginateScan } from "@aws-sdk/lib-dynamodb";
import { tableDefinition } from "../../functions/store/table-definition";

/**
 * What DynamoDB's TTL does some time after an item's `expiresAt` passes, done at once at `now`:
 * deletes every item whose expiry is due. DynamoDB Local has no TTL sweeper of its own. Returns how
 * many items went.
 */
export async function sweepExpired(
  db: DynamoDBDocumentClient,
  tableName: string,
  now: Date,
): Promise<number> {
  const attribute = tableDefinition.timeToLiveAttribute;
  const nowSeconds = Math.floor(now.getTime() / 1000);
  let deleted = 0;
  for await (const page of paginateScan({ client: db }, { TableName: tableName, ConsistentRead: true })) {
    for (const item of page.Items ?? []) {
      const expiry = item[attribute];
      if (typeof expiry !== "number" || expiry > nowSeconds) continue;
      await db.send(new DeleteCommand({ TableName: tableName, Key: { pk: item.pk, sk: item.sk } }));
      deleted++;
    }
  }
  return deleted;
}
