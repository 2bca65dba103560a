import type { TransactWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import {
  type AggregateRow,
  type AggregateTarget,
  type Counters,
  emptyCounters,
  isZero,
} from "../domain/counters";
import { aggregateKey, aggregateTargetOf } from "./keys";

/**
 * The aggregate item: one Counters as numeric attributes (sent, responses, s0…s10, c1…c5,
 * a_<key>_sum, a_<key>_n). Every store that moves a count (an answer, a send, a repair) writes it
 * through `aggregateUpdate`; results and reconcile read it through `toAggregateRow`.
 */

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

export function toAggregateRow(item: Record<string, unknown>): AggregateRow {
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
  return { ...aggregateTargetOf(String(item.sk)), counters };
}
