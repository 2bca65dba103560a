import type { TransactWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import {
  type AggregateRow,
  type AggregateTarget,
  type Counters,
  combineCounters,
  emptyCounters,
  isZero,
  targetId,
} from "../domain/counters";
import { aggregateKey, aggregateTargetOf } from "./keys";

/**
 * The aggregate item: one Counters as numeric attributes (sent, responses, s0…s10, c1…c5,
 * a_<key>_sum, a_<key>_n, and m.<name> for each driver sum of domain/moments.ts), one of an
 * aggregate's shards. Every store that moves a count (an answer, a
 * send, a repair) writes it through `aggregateUpdate`; results and reconcile read it through
 * `toShardRow` and add the shards up with `sumShards`.
 */

/** Driver sums are stored as `m.<name>`: no other counter attribute has a dot. */
const MOMENT_PREFIX = "m.";

type TransactItem = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];
/** One stored item of an aggregate: its target, its shard and its counters. */
export type ShardRow = AggregateRow & { shard: number };

/**
 * The transaction item that adds `delta` to one aggregate, in the given shard (ADD is commutative, so
 * concurrent answers never lose a count, and a negative delta undoes an edited answer's old
 * contribution: in the same shard, since the shard follows the invitation's token).
 */
export function aggregateUpdate(
  tableName: string,
  campaignId: string,
  target: AggregateTarget,
  shard: number,
  delta: Counters,
): TransactItem | undefined {
  if (isZero(delta)) return undefined;
  const names: Record<string, string> = { "#type": "type" };
  const values: Record<string, unknown> = { ":type": "aggregate" };
  const adds: string[] = [];
  for (const [attribute, amount] of Object.entries(counterAttributes(delta))) {
    if (amount === 0) continue;
    const i = adds.length;
    names[`#a${i}`] = attribute;
    values[`:a${i}`] = amount;
    adds.push(`#a${i} :a${i}`);
  }
  return {
    Update: {
      TableName: tableName,
      Key: aggregateKey(campaignId, target.dimension, target.day, target.value, shard),
      UpdateExpression: `SET #type = :type ADD ${adds.join(", ")}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

/** The item attributes of a set of counters, by name (zeros included). */
function counterAttributes(counters: Counters): Record<string, number> {
  const attributes: Record<string, number> = { sent: counters.sent, responses: counters.responses };
  for (const [score, n] of counters.scores.entries()) attributes[`s${score}`] = n;
  for (const [index, n] of counters.csat.entries()) attributes[`c${index + 1}`] = n;
  for (const [key, { sum, count }] of Object.entries(counters.attributes)) {
    attributes[`a_${key}_sum`] = sum;
    attributes[`a_${key}_n`] = count;
  }
  for (const [name, sum] of Object.entries(counters.moments)) attributes[`${MOMENT_PREFIX}${name}`] = sum;
  return attributes;
}

/**
 * The transaction items that turn one aggregate from `shards` (each shard as read) into `to`, on
 * condition that every shard still holds what was read: a repair that is applied once. The difference
 * goes to shard 0; the other shards are only checked. Run again after it went through (a lost
 * response, a second run), or after an answer moved the aggregate meanwhile, a condition fails and it
 * changes nothing.
 */
export function aggregateReplacement(
  tableName: string,
  campaignId: string,
  target: AggregateTarget,
  shards: readonly ShardRow[],
  to: Counters,
): TransactItem[] {
  const key = (shard: number) => aggregateKey(campaignId, target.dimension, target.day, target.value, shard);
  const first = shards.find((row) => row.shard === 0)?.counters ?? emptyCounters();
  const difference = combineCounters(to, sumShards(shards)[0]?.counters ?? emptyCounters(), -1);
  const repaired = combineCounters(first, difference);
  const before = counterAttributes(first);
  const after = counterAttributes(repaired);
  const names: Record<string, string> = { "#type": "type" };
  const values: Record<string, unknown> = { ":type": "aggregate" };
  const sets = ["#type = :type"];
  // Only what changes is set, which keeps the expression short however many driver sums an item has.
  const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (attribute) => (before[attribute] ?? 0) !== (after[attribute] ?? 0),
  );
  for (const [i, attribute] of changed.entries()) {
    names[`#a${i}`] = attribute;
    values[`:new${i}`] = after[attribute] ?? 0;
    sets.push(`#a${i} = :new${i}`);
  }
  const update: TransactItem = {
    Update: {
      TableName: tableName,
      Key: key(0),
      UpdateExpression: `SET ${sets.join(", ")}`,
      ...holding(first, names, values),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
  const checks: TransactItem[] = shards
    .filter((row) => row.shard !== 0)
    .map((row) => {
      const checkNames: Record<string, string> = {};
      const checkValues: Record<string, unknown> = {};
      return {
        ConditionCheck: {
          TableName: tableName,
          Key: key(row.shard),
          ...holding(row.counters, checkNames, checkValues),
          ExpressionAttributeNames: checkNames,
          ExpressionAttributeValues: checkValues,
        },
      };
    });
  return [update, ...checks];
}

/**
 * The condition that an item holds exactly `counters` (an absent counter holds 0), adding the names
 * and values it uses. Counters held elsewhere in the item but not in `counters` must be absent or 0.
 */
function holding(
  counters: Counters,
  names: Record<string, string>,
  values: Record<string, unknown>,
): { ConditionExpression: string } {
  const conditions: string[] = [];
  values[":zero"] = 0;
  // Driver sums are left out: they move only with the score histogram or the attribute sums (an answer
  // that changes them changes those too), and a condition names a bounded number of attributes.
  const held = Object.entries(counterAttributes(counters)).filter(
    ([name]) => !name.startsWith(MOMENT_PREFIX),
  );
  for (const [i, [attribute, amount]] of held.entries()) {
    names[`#h${i}`] = attribute;
    if (amount === 0) conditions.push(`(attribute_not_exists(#h${i}) OR #h${i} = :zero)`);
    else {
      values[`:h${i}`] = amount;
      conditions.push(`#h${i} = :h${i}`);
    }
  }
  return { ConditionExpression: conditions.join(" AND ") };
}

/** The aggregates the shards add up to, one row per target, in the order first seen. */
export function sumShards(rows: readonly (AggregateRow | ShardRow)[]): AggregateRow[] {
  const sums = new Map<string, AggregateRow>();
  for (const row of rows) {
    const id = targetId(row);
    const sum = sums.get(id);
    if (sum) sum.counters = combineCounters(sum.counters, row.counters);
    else sums.set(id, { dimension: row.dimension, day: row.day, value: row.value, counters: row.counters });
  }
  return [...sums.values()];
}

export function toShardRow(item: Record<string, unknown>): ShardRow {
  const counters = emptyCounters();
  const num = (name: string) => (typeof item[name] === "number" ? (item[name] as number) : 0);
  counters.sent = num("sent");
  counters.responses = num("responses");
  counters.scores = counters.scores.map((_, score) => num(`s${score}`));
  counters.csat = counters.csat.map((_, index) => num(`c${index + 1}`));
  for (const name of Object.keys(item)) {
    const match = /^a_(.+)_sum$/.exec(name);
    if (match?.[1]) counters.attributes[match[1]] = { sum: num(name), count: num(`a_${match[1]}_n`) };
    if (name.startsWith(MOMENT_PREFIX)) counters.moments[name.slice(MOMENT_PREFIX.length)] = num(name);
  }
  return { ...aggregateTargetOf(String(item.sk)), counters };
}
