import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";

/** The Lambda functions of the stack whose work the benchmark drives (mail-events is not driven). */
export type FunctionName = "api" | "survey" | "dispatch" | "send";

/** What one phase of the benchmark asked of AWS, counted as it happened. */
export type Usage = {
  /** DynamoDB data-plane calls by operation (PutItem, TransactWriteItems…). */
  dynamoCalls: Record<string, number>;
  /** Read and write request units, as DynamoDB Local reports them (ReturnConsumedCapacity TOTAL). */
  readUnits: number;
  writeUnits: number;
  /** Items a read returned or scanned (Query/Scan ScannedCount, Get hits, BatchGet responses). */
  itemsRead: number;
  /**
   * Writes refused by a condition or a cancelled transaction: AWS bills them, DynamoDB returns no
   * ConsumedCapacity with the error; the cost model estimates one write unit each.
   */
  failedWrites: number;
  /** Lambda invocations and their summed run time in this process (a proxy for billed duration). */
  invocations: Record<FunctionName, number>;
  invocationMs: Record<FunctionName, number>;
  /** HTTP requests through API Gateway. */
  apiRequests: number;
  /** SQS requests: SendMessageBatch counted; the Lambda poller's Receive/DeleteMessageBatch modelled per batch. */
  sqsRequests: number;
  /** Emails the SES emulator accepted. */
  sesMessages: number;
};

export const emptyUsage = (): Usage => ({
  dynamoCalls: {},
  readUnits: 0,
  writeUnits: 0,
  itemsRead: 0,
  failedWrites: 0,
  invocations: { api: 0, survey: 0, dispatch: 0, send: 0 },
  invocationMs: { api: 0, survey: 0, dispatch: 0, send: 0 },
  apiRequests: 0,
  sqsRequests: 0,
  sesMessages: 0,
});

const READS = new Set(["GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems"]);
const WRITES = new Set(["PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"]);

type Capacity = { CapacityUnits?: number };

/**
 * Counts what the benchmark's phases cost: DynamoDB calls and units through an SDK middleware on the
 * client every store uses, and Lambda, API Gateway, SQS and SES requests reported by the benchmark's
 * wrappers. Only work inside `measure()` counts; setup and loading outside it do not.
 */
export class UsageMeter {
  readonly phases = new Map<string, Usage>();
  /** The phases counting now: a phase measured inside another counts in both. */
  private active: Usage[] = [];

  /** Counts everything `run` causes under `phase` (phases add up when measured again; they may nest). */
  async measure<T>(phase: string, run: () => Promise<T>): Promise<T> {
    const previous = this.active;
    let usage = this.phases.get(phase);
    if (!usage) {
      usage = emptyUsage();
      this.phases.set(phase, usage);
    }
    this.active = [...previous, usage];
    try {
      return await run();
    } finally {
      this.active = previous;
    }
  }

  /** The counts of one phase (empty when it never ran). */
  usage(phase: string): Usage {
    return this.phases.get(phase) ?? emptyUsage();
  }

  invoked(fn: FunctionName, ms: number): void {
    for (const usage of this.active) {
      usage.invocations[fn]++;
      usage.invocationMs[fn] += ms;
    }
  }

  count(what: "apiRequests" | "sqsRequests" | "sesMessages", n = 1): void {
    for (const usage of this.active) usage[what] += n;
  }

  /**
   * Adds the DynamoDB middleware to `client` (the document client shares its stack). Every data-plane
   * call asks for ReturnConsumedCapacity TOTAL unless it asked already, on a copy of its input.
   */
  attach(client: DynamoDBClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const operation = (context.commandName ?? "?").replace(/Command$/, "");
        const usages = this.active;
        const dataPlane = READS.has(operation) || WRITES.has(operation);
        if (usages.length === 0 || !dataPlane) return await next(args);
        const input = args.input as Record<string, unknown>;
        const asked = input.ReturnConsumedCapacity === undefined ? { ReturnConsumedCapacity: "TOTAL" } : {};
        for (const usage of usages) usage.dynamoCalls[operation] = (usage.dynamoCalls[operation] ?? 0) + 1;
        try {
          const result = await next({ ...args, input: { ...input, ...asked } });
          const output = result.output as {
            ConsumedCapacity?: Capacity | Capacity[];
            ScannedCount?: number;
            Count?: number;
            Item?: unknown;
            Responses?: unknown[] | Record<string, unknown[]>;
          };
          const capacities = Array.isArray(output.ConsumedCapacity)
            ? output.ConsumedCapacity
            : output.ConsumedCapacity
              ? [output.ConsumedCapacity]
              : [];
          const units = capacities.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
          const items = itemsRead(operation, output);
          for (const usage of usages) {
            if (READS.has(operation)) usage.readUnits += units;
            else usage.writeUnits += units;
            usage.itemsRead += items;
          }
          return result;
        } catch (error) {
          const name = error instanceof Error ? error.name : "";
          if (
            WRITES.has(operation) &&
            (name === "ConditionalCheckFailedException" || name === "TransactionCanceledException")
          ) {
            for (const usage of usages) usage.failedWrites++;
          }
          throw error;
        }
      },
      { step: "initialize", name: "benchUsageMeter" },
    );
  }
}

function itemsRead(
  operation: string,
  output: { ScannedCount?: number; Count?: number; Item?: unknown; Responses?: unknown },
): number {
  if (operation === "Query" || operation === "Scan") return output.ScannedCount ?? output.Count ?? 0;
  if (operation === "GetItem") return output.Item ? 1 : 0;
  if (operation === "BatchGetItem" && output.Responses && typeof output.Responses === "object") {
    return Object.values(output.Responses as Record<string, unknown[]>).reduce((n, r) => n + r.length, 0);
  }
  if (operation === "TransactGetItems" && Array.isArray(output.Responses)) return output.Responses.length;
  return 0;
}
