import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import {
  type DynamoDBDocumentClient,
  QueryCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import {
  type Counters,
  emptyCounters,
  isZero,
  MAX_SEGMENT_VALUES,
  NO_SEGMENT,
  normalizeSegmentValue,
  OTHER_SEGMENT,
} from "../domain/counters";
import {
  AGGREGATE_PREFIX,
  aggregateKey,
  aggregateRange,
  OVERALL,
  resultsPartition,
  segmentValuesKey,
} from "./keys";

/** One aggregate item a count goes to: the campaign × dimension × UTC day × segment value. */
export type AggregateTarget = { dimension: string; day: string; value: string };
export type AggregateRow = AggregateTarget & { counters: Counters };

/** The aggregates one event counts in: the campaign overall, and each segment property's value. */
export function targetsFor(day: string, segments: Record<string, string>): AggregateTarget[] {
  return [
    { dimension: OVERALL, day, value: OVERALL },
    ...Object.entries(segments).map(([dimension, value]) => ({ dimension, day, value })),
  ];
}

/**
 * The transaction item that adds `delta` to one aggregate (ADD is commutative, so concurrent answers
 * never lose a count, and a negative delta undoes an edited answer's old contribution).
 */
export function aggregateUpdate(
  tableName: string,
  campaignId: string,
  target: AggregateTarget,
  delta: Counters,
): NonNullable<TransactWriteCommandInput["TransactItems"]>[number] | undefined {
  if (isZero(delta)) return undefined;
  const names: Record<string, string> = { "#type": "type" };
  const values: Record<string, unknown> = { ":type": "aggregate" };
  const adds: string[] = [];
  const add = (attribute: string, amount: number) => {
    if (amount === 0) return;
    const i = adds.length;
    names[`#a${i}`] = attribute;
    values[`:a${i}`] = amount;
    adds.push(`#a${i} :a${i}`);
  };
  add("sent", delta.sent);
  add("responses", delta.responses);
  for (const [score, n] of delta.scores.entries()) add(`s${score}`, n);
  for (const [index, n] of delta.csat.entries()) add(`c${index + 1}`, n);
  for (const [key, { sum, count }] of Object.entries(delta.attributes)) {
    add(`a_${key}_sum`, sum);
    add(`a_${key}_n`, count);
  }
  return {
    Update: {
      TableName: tableName,
      Key: aggregateKey(campaignId, target.dimension, target.day, target.value),
      UpdateExpression: `SET #type = :type ADD ${adds.join(", ")}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

/** Result aggregates: segment value resolution (with its cardinality cap) and range reads. */
export class ResultsStore {
  /** Read units consumed by range reads, for tests and benchmarks that prove reads do not grow with answers. */
  consumedReadUnits = 0;

  /**
   * Segment values this process has seen admitted, by campaign and property. An admitted value is never
   * removed, so a hit is always right and skips the write: without it every send rewrites the value
   * set (up to 200 values, billed by its size) once per segment property.
   */
  private readonly admitted = new Map<string, Set<string>>();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * The segment value an event counts under, per segmentBy property. Each property keeps at most
   * MAX_SEGMENT_VALUES distinct values (a conditional ADD to a set, safe under concurrency); values past
   * that are counted as "(other)", so a property with free-form values cannot grow the table without
   * bound. Missing properties count as "(none)".
   */
  async resolveSegments(
    campaignId: string,
    segmentBy: readonly string[],
    properties: Record<string, string | number | boolean>,
    known: Record<string, string> = {},
  ): Promise<Record<string, string>> {
    const segments: Record<string, string> = {};
    for (const property of segmentBy) {
      const already = known[property];
      if (already !== undefined) {
        segments[property] = already;
        continue;
      }
      const value = normalizeSegmentValue(properties[property]);
      segments[property] = value === NO_SEGMENT ? value : await this.admitValue(campaignId, property, value);
    }
    return segments;
  }

  private async admitValue(campaignId: string, property: string, value: string): Promise<string> {
    const cacheKey = JSON.stringify([campaignId, property]);
    const known = this.admitted.get(cacheKey);
    if (known?.has(value)) return value;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: segmentValuesKey(campaignId, property),
          UpdateExpression: "ADD #values :value",
          ConditionExpression:
            "attribute_not_exists(#values) OR contains(#values, :one) OR size(#values) < :cap",
          ExpressionAttributeNames: { "#values": "values" },
          ExpressionAttributeValues: {
            ":value": new Set([value]),
            ":one": value,
            ":cap": MAX_SEGMENT_VALUES,
          },
        }),
      );
      if (known) known.add(value);
      else this.admitted.set(cacheKey, new Set([value]));
      return value;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return OTHER_SEGMENT;
      throw error;
    }
  }

  /** Every aggregate of a campaign, all dimensions and days (for reconciliation). */
  async readAll(campaignId: string): Promise<AggregateRow[]> {
    const rows: AggregateRow[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
          ExpressionAttributeValues: { ":pk": resultsPartition(campaignId), ":prefix": AGGREGATE_PREFIX },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      rows.push(...(page.Items ?? []).map(toRow));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return rows;
  }

  /** Adds `delta` to one aggregate outside any transaction: reconciliation's repair. */
  async add(campaignId: string, target: AggregateTarget, delta: Counters): Promise<void> {
    const update = aggregateUpdate(this.tableName, campaignId, target, delta)?.Update;
    if (update)
      await this.db.send(new UpdateCommand(update as ConstructorParameters<typeof UpdateCommand>[0]));
  }

  /** Every aggregate of one dimension for the days from..to: one Query, paged. */
  async readRange(campaignId: string, dimension: string, from: string, to: string): Promise<AggregateRow[]> {
    const range = aggregateRange(dimension, from, to);
    const rows: AggregateRow[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
          ExpressionAttributeValues: {
            ":pk": resultsPartition(campaignId),
            ":from": range.from,
            ":to": range.to,
          },
          ConsistentRead: true,
          ReturnConsumedCapacity: "TOTAL",
          ExclusiveStartKey: startKey,
        }),
      );
      this.consumedReadUnits += page.ConsumedCapacity?.CapacityUnits ?? 0;
      rows.push(...(page.Items ?? []).map(toRow));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return rows;
  }
}

export function toRow(item: Record<string, unknown>): AggregateRow {
  const [, dimension = "", day = "", ...value] = String(item.sk).split("#");
  const counters = emptyCounters();
  const num = (name: string) => (typeof item[name] === "number" ? (item[name] as number) : 0);
  counters.sent = num("sent");
  counters.responses = num("responses");
  counters.scores = counters.scores.map((_, score) => num(`s${score}`));
  counters.csat = counters.csat.map((_, index) => num(`c${index + 1}`));
  for (const name of Object.keys(item)) {
    const match = /^a_(.+)_sum$/.exec(name);
    if (match?.[1]) counters.attributes[match[1]] = { sum: num(name), count: num(`a_${match[1]}_n`) };
  }
  return { dimension, day, value: value.join("#"), counters };
}
