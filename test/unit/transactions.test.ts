import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { type DynamoDBDocumentClient, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import { failedConditions, isTransactionConflict, sendTransaction } from "../../functions/store/transactions";

const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: "Transaction cancelled",
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

/** A client whose first sends fail as given (fault injection), then succeed. */
const flaky = (...failures: Error[]) => {
  let calls = 0;
  const db = {
    send: async () => {
      const failure = failures[calls++];
      if (failure) throw failure;
      return {};
    },
  } as unknown as DynamoDBDocumentClient;
  return { db, calls: () => calls };
};

const command = new TransactWriteCommand({ TransactItems: [] });

describe("transactions", () => {
  it("tells a conflict from a failed condition", () => {
    expect(isTransactionConflict(cancelled("None", "TransactionConflict"))).toBe(true);
    expect(isTransactionConflict(cancelled("ConditionalCheckFailed", "TransactionConflict"))).toBe(false);
    expect(failedConditions(cancelled("None", "ConditionalCheckFailed"))).toEqual([1]);
    expect(failedConditions(cancelled("TransactionConflict"))).toBeUndefined();
  });

  it("retries a transaction cancelled by conflicting ones until it goes through", async () => {
    const { db, calls } = flaky(cancelled("TransactionConflict"), cancelled("None", "TransactionConflict"));
    await sendTransaction(db, command);
    expect(calls()).toBe(3);
  });

  it("does not retry a failed condition, and gives up on endless conflicts", async () => {
    const condition = flaky(cancelled("ConditionalCheckFailed"));
    await expect(sendTransaction(condition.db, command)).rejects.toBeInstanceOf(TransactionCanceledException);
    expect(condition.calls()).toBe(1);
    const endless = flaky(...Array.from({ length: 20 }, () => cancelled("TransactionConflict")));
    await expect(sendTransaction(endless.db, command)).rejects.toBeInstanceOf(TransactionCanceledException);
    expect(endless.calls()).toBe(8);
  });
});
