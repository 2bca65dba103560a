import {
  BatchWriteCommand,
  type BatchWriteCommandOutput,
  type DynamoDBDocumentClient,
} from "@aws-sdk/lib-dynamodb";
import { CapacityExceededError } from "../domain/errors";
import type { ItemKey } from "./keys";

/** BatchWriteItem takes at most this many requests per call. */
const BATCH_SIZE = 25;
/** Rounds of retrying the requests DynamoDB left unprocessed, with backoff, before giving up. */
const UNPROCESSED_ATTEMPTS = 8;

/**
 * Deletes items by key, 25 to a BatchWriteItem. DynamoDB may leave part of a batch unprocessed when
 * a partition is busy (it does not throw for that): those are sent again after an exponential
 * backoff with full jitter; still unprocessed after that, it is a capacity error (429: send the request
 * again). Deleting a key that holds no item is not an error, so a repeated deletion is harmless.
 */
export async function deleteKeys(
  db: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly ItemKey[],
): Promise<void> {
  for (let start = 0; start < keys.length; start += BATCH_SIZE) {
    let requests: NonNullable<BatchWriteCommandOutput["UnprocessedItems"]>[string] = keys
      .slice(start, start + BATCH_SIZE)
      .map((key) => ({ DeleteRequest: { Key: { pk: key.pk, sk: key.sk } } }));
    for (let attempt = 1; requests.length > 0; attempt++) {
      if (attempt > UNPROCESSED_ATTEMPTS) {
        throw new CapacityExceededError(false, new Error("BatchWriteItem kept leaving items unprocessed"));
      }
      if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, Math.random() * 25 * 2 ** attempt));
      const result = await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
      requests = result.UnprocessedItems?.[tableName] ?? [];
    }
  }
}
