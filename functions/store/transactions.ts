import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";

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
