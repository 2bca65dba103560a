import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";

/**
 * Which items of a cancelled transaction failed their condition, by position. DynamoDB reports one
 * reason per item; "None" marks the ones that were fine.
 */
export function failedConditions(error: unknown): number[] | undefined {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  const reasons = error.CancellationReasons ?? [];
  if (reasons.some((r) => r.Code && r.Code !== "None" && r.Code !== "ConditionalCheckFailed"))
    return undefined;
  return reasons.flatMap((r, index) => (r.Code === "ConditionalCheckFailed" ? [index] : []));
}

/** True when a transaction was cancelled only because another one touched the same items meanwhile. */
export function isTransactionConflict(error: unknown): boolean {
  if (!(error instanceof TransactionCanceledException)) return false;
  const reasons = error.CancellationReasons ?? [];
  return (
    reasons.some((r) => r.Code === "TransactionConflict") &&
    reasons.every((r) => !r.Code || r.Code === "None" || r.Code === "TransactionConflict")
  );
}

const THROTTLING_ERRORS = new Set([
  "ThrottlingException",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
]);

/**
 * DynamoDB refused for lack of capacity right now: throttling that outlasted the SDK's retries, or a
 * transaction still conflicting after sendTransaction's. Nothing was written; the same request will
 * succeed shortly.
 */
export function isCapacityExceeded(error: unknown): boolean {
  return (error instanceof Error && THROTTLING_ERRORS.has(error.name)) || isTransactionConflict(error);
}

const CONFLICT_ATTEMPTS = 8;

/**
 * Sends a TransactWriteItems, retrying while it is cancelled by a conflicting transaction: answers of
 * one campaign all ADD to the same few aggregate items, and DynamoDB cancels (rather than queues)
 * transactions that overlap. The SDK does not retry these. Exponential backoff with full jitter,
 * 8 attempts (at most about 1.3 s of waiting); a failed condition is not retried here.
 */
export async function sendTransaction(
  db: DynamoDBDocumentClient,
  command: TransactWriteCommand,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db.send(command);
      return;
    } catch (error) {
      if (!isTransactionConflict(error) || attempt >= CONFLICT_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** attempt));
    }
  }
}
