import type { TransactWriteCommandInput, UpdateCommand } from "@aws-sdk/lib-dynamodb";
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
      Key: aggregateKey(campaignId, target.dimension, target.day, target.value),
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
  return attributes;
}

/**
 * The update that turns one aggregate from `from` into `to`, on condition that it still holds `from`:
 * a repair that is applied once. Run again after it went through (a lost response, a second run),
 * or after an answer moved the aggregate meanwhile, its condition fails and it changes nothing.
 */
export function aggregateReplacement(
  tableName: string,
  campaignId: string,
  target: AggregateTarget,
  from: Counters,
  to: Counters,
): ConstructorParameters<typeof UpdateCommand>[0] {
  const before = counterAttributes(from);
  const after = counterAttributes(to);
  const names: Record<string, string> = { "#type": "type" };
  const values: Record<string, unknown> = { ":type": "aggregate", ":zero": 0 };
  const sets = ["#type = :type"];
  const conditions: string[] = [];
  for (const [i, attribute] of [...new Set([...Object.keys(before), ...Object.keys(after)])].entries()) {
    const old = before[attribute] ?? 0;
    const next = after[attribute] ?? 0;
    names[`#a${i}`] = attribute;
    values[`:new${i}`] = next;
    sets.push(`#a${i} = :new${i}`);
    if (old === 0) conditions.push(`(attribute_not_exists(#a${i}) OR #a${i} = :zero)`);
    else {
      values[`:old${i}`] = old;
      conditions.push(`#a${i} = :old${i}`);
    }
  }
  return {
    TableName: tableName,
    Key: aggregateKey(campaignId, target.dimension, target.day, target.value),
    UpdateExpression: `SET ${sets.join(", ")}`,
    ConditionExpression: conditions.join(" AND "),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
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
