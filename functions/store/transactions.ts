import { ConditionalCheckFailedException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { CapacityExceededError } from "../domain/errors";

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

/**
 * Why each item of a cancelled transaction failed, by position ("None" for the ones that were fine);
 * undefined when the error is not a cancelled transaction.
 */
export function cancellationCodes(error: unknown): string[] | undefined {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  return (error.CancellationReasons ?? []).map((reason) => reason.Code ?? "None");
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
 * DynamoDB's error as the rest of the code knows it: throttling that outlasted the SDK's retries, or a
 * transaction cancelled only by conflicting ones, becomes a CapacityExceededError (a 429 to a caller:
 * nothing was written); anything else is returned as it is.
 */
export function translateCapacityError(error: unknown): unknown {
  if (error instanceof Error && THROTTLING_ERRORS.has(error.name))
    return new CapacityExceededError(false, error);
  if (isTransactionConflict(error)) return new CapacityExceededError(true, error);
  return error;
}

const isConflict = (error: unknown): boolean =>
  isTransactionConflict(error) || (error instanceof CapacityExceededError && error.conflict);

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
      if (!isConflict(error) || attempt >= CONFLICT_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** attempt));
    }
  }
}

/**
 * Waits for one conditional write: true when it was made, false when its condition did not hold (the
 * caller decides what that means: a repeat, a lost race, a stale version). Any other error is thrown.
 */
export async function conditionHeld(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}
