import { DescribeTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as SdkStreamRecord,
  type Shard,
  type ShardIteratorType,
} from "@aws-sdk/client-dynamodb-streams";
import type { DynamoDBBatchResponse } from "aws-lambda";
import type { StreamRecord } from "../functions/events/table-stream";
import { startPeriodicPass } from "./periodic-pass";

export type StreamBatchHandler = (event: {
  Records: readonly StreamRecord[];
}) => Promise<DynamoDBBatchResponse>;

export type TableStreamLoop = {
  /** Reads every shard up to its end now and hands each batch to the handler; resolves when caught up. */
  runOnce(): Promise<void>;
  stop(): Promise<void>;
};

type ShardState = {
  readonly shard: Shard;
  iterator: string | undefined;
  /** The last sequence number the handler took, to go on from after an iterator expired. */
  lastSequence: string | undefined;
  /** Read to its end: a closed shard with nothing more. */
  finished: boolean;
};

/** GetRecords' most per call, as Lambda's event source reads up to its batch size. */
const BATCH_SIZE = 100;

/**
 * The stream → events function path of AWS, driven in-process: DynamoDB Local's stream is read shard by
 * shard (a child shard only once its parent is read to its end, so an item's changes stay in order),
 * each batch handed to the same handler the Lambda function runs. A batch whose handler reports a
 * failed record is read again from that record on the next pass, as Lambda retries from it: at least
 * once, in order per item. It starts from the oldest record the stream holds (TRIM_HORIZON): a restart
 * reads again what was handled before, which the handler's idempotency makes harmless.
 */
export function startTableStreamLoop(
  client: DynamoDBClient,
  tableName: string,
  handler: StreamBatchHandler,
  options: { intervalMs: number | null; endpoint: string; onError?: (error: unknown) => void },
): TableStreamLoop {
  const streams = new DynamoDBStreamsClient({
    endpoint: options.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  const shards = new Map<string, ShardState>();
  let streamArn: string | undefined;
  let stopped = false;

  const iteratorFor = async (state: ShardState, type: ShardIteratorType, sequence?: string) => {
    const { ShardIterator } = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: state.shard.ShardId,
        ShardIteratorType: type,
        ...(sequence === undefined ? {} : { SequenceNumber: sequence }),
      }),
    );
    return ShardIterator;
  };

  const refreshShards = async () => {
    if (streamArn === undefined) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      streamArn = Table?.LatestStreamArn;
      if (streamArn === undefined) throw new Error(`The table ${tableName} has no stream.`);
    }
    let start: string | undefined;
    do {
      const { StreamDescription } = await streams.send(
        new DescribeStreamCommand({
          StreamArn: streamArn,
          ...(start ? { ExclusiveStartShardId: start } : {}),
        }),
      );
      for (const shard of StreamDescription?.Shards ?? []) {
        if (shard.ShardId && !shards.has(shard.ShardId)) {
          shards.set(shard.ShardId, { shard, iterator: undefined, lastSequence: undefined, finished: false });
        }
      }
      start = StreamDescription?.LastEvaluatedShardId;
    } while (start);
  };

  /** Reads one shard to its current end; false when the handler failed a record (read again later). */
  const drainShard = async (state: ShardState): Promise<boolean> => {
    state.iterator ??=
      state.lastSequence === undefined
        ? await iteratorFor(state, "TRIM_HORIZON")
        : await iteratorFor(state, "AFTER_SEQUENCE_NUMBER", state.lastSequence);
    while (state.iterator && !stopped) {
      let page: { Records?: SdkStreamRecord[]; NextShardIterator?: string };
      try {
        page = await streams.send(
          new GetRecordsCommand({ ShardIterator: state.iterator, Limit: BATCH_SIZE }),
        );
      } catch (error) {
        if (!(error instanceof ExpiredIteratorException)) throw error;
        state.iterator = undefined;
        return true;
      }
      const records = page.Records ?? [];
      if (records.length > 0) {
        const { batchItemFailures } = await handler({ Records: records.map(toStreamRecord) });
        const failed = batchItemFailures[0]?.itemIdentifier;
        if (failed !== undefined) {
          // As Lambda does: the batch is read again from the record that failed.
          state.iterator = await iteratorFor(state, "AT_SEQUENCE_NUMBER", failed);
          const before = records.filter((r) => (r.dynamodb?.SequenceNumber ?? "") < failed);
          state.lastSequence = before.at(-1)?.dynamodb?.SequenceNumber ?? state.lastSequence;
          return false;
        }
        state.lastSequence = records.at(-1)?.dynamodb?.SequenceNumber ?? state.lastSequence;
      }
      if (page.NextShardIterator === undefined) {
        state.finished = true;
        state.iterator = undefined;
        return true;
      }
      state.iterator = page.NextShardIterator;
      if (records.length === 0) return true;
    }
    return true;
  };

  const runOnce = async () => {
    await refreshShards();
    let failures = 0;
    for (const state of shards.values()) {
      if (state.finished) continue;
      const parent = state.shard.ParentShardId ? shards.get(state.shard.ParentShardId) : undefined;
      if (parent !== undefined && !parent.finished) continue;
      if (!(await drainShard(state))) failures++;
    }
    if (failures > 0) throw new Error(`The events handler failed a stream record in ${failures} shard(s).`);
  };

  const loop = startPeriodicPass(runOnce, {
    intervalMs: options.intervalMs,
    ...(options.onError ? { onError: options.onError } : {}),
    onStop: () => streams.destroy(),
  });
  return {
    runOnce: loop.runOnce,
    stop: async () => {
      stopped = true;
      await loop.stop();
    },
  };
}

/** An SDK stream record in the shape Lambda hands the function (the same attribute-value JSON). */
function toStreamRecord(record: SdkStreamRecord): StreamRecord {
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    dynamodb: {
      Keys: record.dynamodb?.Keys ?? {},
      ...(record.dynamodb?.NewImage ? { NewImage: record.dynamodb.NewImage } : {}),
      ...(record.dynamodb?.OldImage ? { OldImage: record.dynamodb.OldImage } : {}),
      ...(record.dynamodb?.SequenceNumber ? { SequenceNumber: record.dynamodb.SequenceNumber } : {}),
    },
  };
}
