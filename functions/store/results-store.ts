import { BatchGetCommand, paginateQuery, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import {
  type AggregateRow,
  type AggregateTarget,
  type Counters,
  combineCounters,
  emptyCounters,
  isZero,
} from "../domain/counters";
import { aggregateReplacement, aggregateUpdate, sumShards, toShardRow } from "./aggregate-items";
import { deleteKeys } from "./batch-delete";
import { AGGREGATE_SHARDS, aggregateKey, aggregateRange, aggregatesOf, resultsPartition } from "./keys";
import { beginsWith, queryAll } from "./paged-query";
import { SegmentValues } from "./segment-values";
import { failedConditions } from "./transactions";

/**
 * Result aggregates: segment value resolution (with its cardinality cap; SegmentValues, which this
 * extends) and range reads.
 */
export class ResultsStore extends SegmentValues {
  /** Read units consumed by range reads, for tests and benchmarks that prove reads do not grow with answers. */
  consumedReadUnits = 0;

  /** Every aggregate of a campaign, all dimensions and days, its shards added up (for reconciliation). */
  async readAll(campaignId: string): Promise<AggregateRow[]> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      ...beginsWith(aggregatesOf(campaignId)),
      ConsistentRead: true,
    });
    return sumShards(items.map(toShardRow));
  }

  /**
   * Whether the campaign ever sent a survey: an aggregate counts a send (every send is counted on its
   * day, in the same transaction that marks it sent) or an answer. Reads page by page and stops at the
   * first such aggregate: the overall ones of the first day sort first, so a campaign that sent reads
   * one page, and one that never did holds none with a count.
   */
  async hasSent(campaignId: string): Promise<boolean> {
    const { pk, skPrefix } = aggregatesOf(campaignId);
    for await (const page of paginateQuery(
      { client: this.db, pageSize: 100 },
      {
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
        FilterExpression: "#sent > :zero OR #responses > :zero",
        ExpressionAttributeNames: { "#sent": "sent", "#responses": "responses" },
        ExpressionAttributeValues: { ":pk": pk, ":prefix": skPrefix, ":zero": 0 },
        ProjectionExpression: "pk",
        ConsistentRead: true,
      },
    )) {
      if ((page.Items ?? []).length > 0) return true;
    }
    return false;
  }

  /** Deletes every item of a campaign's results partition: its aggregates and segment values. */
  async deleteAll(campaignId: string): Promise<void> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": resultsPartition(campaignId) },
      ProjectionExpression: "pk, sk",
      ConsistentRead: true,
    });
    await deleteKeys(
      this.db,
      this.tableName,
      items.map((item) => ({ pk: String(item.pk), sk: String(item.sk) })),
    );
  }

  /**
   * Adds `delta` to one shard of an aggregate outside any transaction and unconditionally: for seeding
   * data (the benchmark, tests). The product counts inside the transaction of the event, and repairs by
   * replace().
   */
  async add(campaignId: string, target: AggregateTarget, delta: Counters, shard = 0): Promise<void> {
    const update = aggregateUpdate(this.tableName, campaignId, target, shard, delta)?.Update;
    if (update)
      await this.db.send(new UpdateCommand(update as ConstructorParameters<typeof UpdateCommand>[0]));
  }

  /**
   * Reconciliation's repair: sets one aggregate (its shards' sum) to `to` if it still holds `from`.
   * False when it does not (repaired already, or moved by an answer since it was read): nothing was
   * changed.
   */
  async replace(campaignId: string, target: AggregateTarget, from: Counters, to: Counters): Promise<boolean> {
    const shards = await this.readShards(campaignId, target);
    const held = sumShards(shards)[0]?.counters ?? emptyCounters();
    if (!isZero(combineCounters(held, from, -1))) return false;
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: aggregateReplacement(this.tableName, campaignId, target, shards, to),
        }),
      );
      return true;
    } catch (error) {
      if (failedConditions(error)?.length) return false;
      throw error;
    }
  }

  /** The stored shards of one aggregate, as they are now. */
  private async readShards(campaignId: string, target: AggregateTarget) {
    const keys = Array.from({ length: AGGREGATE_SHARDS }, (_, shard) =>
      aggregateKey(campaignId, target.dimension, target.day, target.value, shard),
    );
    let request: Record<string, { Keys: Record<string, unknown>[]; ConsistentRead: boolean }> | undefined = {
      [this.tableName]: { Keys: keys, ConsistentRead: true },
    };
    const items: Record<string, unknown>[] = [];
    while (request && Object.keys(request).length > 0) {
      const page = await this.db.send(new BatchGetCommand({ RequestItems: request }));
      items.push(...(page.Responses?.[this.tableName] ?? []));
      request = page.UnprocessedKeys as typeof request;
    }
    return items.map(toShardRow);
  }

  /** Every aggregate of one dimension for the days from..to, its shards added up: one Query, paged. */
  async readRange(campaignId: string, dimension: string, from: string, to: string): Promise<AggregateRow[]> {
    const range = aggregateRange(dimension, from, to);
    const items = await queryAll(
      this.db,
      {
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
        ExpressionAttributeValues: {
          ":pk": resultsPartition(campaignId),
          ":from": range.from,
          ":to": range.to,
        },
        ConsistentRead: true,
        ReturnConsumedCapacity: "TOTAL",
      },
      (page) => {
        this.consumedReadUnits += page.ConsumedCapacity?.CapacityUnits ?? 0;
      },
    );
    return sumShards(items.map(toShardRow));
  }
}
