import { DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Campaign } from "../../functions/domain/campaign";
import {
  answerCounters,
  type Counters,
  combineCounters,
  emptyCounters,
  OVERALL,
  targetsFor,
} from "../../functions/domain/counters";
import { answerMoments } from "../../functions/domain/moments";
import type { Stats } from "../../functions/domain/results";
import { newToken } from "../../functions/domain/tokens";
import { createDynamoClient } from "../../functions/store/dynamo-client";
import {
  AGGREGATE_SHARDS,
  aggregateRange,
  aggregateShardOf,
  responseKey,
  responseListing,
  responsesPartition,
  resultsPartition,
} from "../../functions/store/keys";
import { putInBulk } from "../support/bulk-write";
import { type DeliveryHarness, startDeliveryHarness } from "../support/delivery-harness";

/**
 * The "done when": a results call costs the same DynamoDB reads for 100 answers as for 100,000
 * answers in the same date range (a results call reads O(days × segment
 * values) aggregates, never the raw responses).
 *
 * Two campaigns with the same segmentBy, answered on the same days in the same regions: A has 100
 * answers, B has READ_COST_ANSWERS (default 100,000). Posting 100k answers through HTTP would take far
 * too long, so they are written as the product stores them, only faster: the raw response items (with
 * ResponseStore's keys and fields, in its RESPONSES#<campaign> listing) by parallel BatchWrites, and the
 * aggregate counters they cause through ResultsStore.add, one add per day × segment value × shard with the
 * summed counters. Then the results route is called over HTTP for both campaigns.
 *
 * Reads are measured two ways. DynamoDB Local does return ConsumedCapacity, and the ResultsStore the API
 * uses sums it (`consumedReadUnits`). Independently, a middleware on the API's document client counts
 * every Query it sends, the items those read, and every other command.
 *
 * What "the same reads" can mean, measured: the same Query calls, reading the same aggregate items
 * (each aggregate spread over AGGREGATE_SHARDS items; B's answers fill every shard, A's 100 leave some
 * empty, so A reads fewer), for 100 and 100,000 answers. Read units, though, are billed by bytes (a
 * consistent read costs one unit per 4 KB of items a Query reads, rounded up), and an aggregate item
 * holding 25,000 answers is larger than one holding 3: every score 0..10 and satisfaction 1..5 has a
 * counter attribute (an aggregate of 3 answers holds only the ones used) and its numbers have more
 * digits (and, with two attributes, the driver sums). Measured with 100,000 answers and 4 shards: the
 * overall call reads 26 items for A (2 units) and 28 for B (3 units); the segment call reads 95 items
 * for A (7 units) and 140 for B (13 units). Equal read units for any two answer counts is therefore not a
 * property DynamoDB billing allows; what is asserted instead: the units are those of the bytes of the
 * aggregates read (DynamoDB Local's sizing can add one unit per query), and at most what those
 * aggregates can ever weigh (every counter of every shard present at DynamoDB's largest number: 7 and
 * 34 units), a bound that does not depend on the number of answers and is far below one read per
 * answer.
 */

const ANSWERS_A = 100;
const ANSWERS_B = Number(process.env.READ_COST_ANSWERS ?? 100_000);
const DAYS = [
  "2026-05-04",
  "2026-05-05",
  "2026-05-06",
  "2026-05-07",
  "2026-05-08",
  "2026-05-09",
  "2026-05-10",
];
const REGIONS = ["north", "south", "east", "west"];
const FROM = DAYS[0] ?? "";
const TO = DAYS.at(-1) ?? "";
/** Two attributes, so the results carry driver analysis and the aggregates its sums. */
const ATTRIBUTES = [
  { key: "delivery", label: "Delivery" },
  { key: "price", label: "Price" },
];
/** BatchWrite calls in flight at once while loading, 25 items each. */
const PARALLEL_BATCHES = 8;
/** A consistent read costs one read unit per 4 KB the Query reads. */
const READ_UNIT_BYTES = 4096;
/** The largest a DynamoDB number can be stored in: 38 significant digits. */
const MAX_NUMBER_BYTES = 21;

type Results = {
  overall: Stats;
  segments?: ({ value: string } & Stats)[];
  trend: ({ period: string } & Stats)[];
  drivers?: { responses: number; r2: number | null };
};
type Aggregate = { dimension: string; day: string; value: string; shard: number; counters: Counters };

/** The token of answer i's invitation, the same for the raw answer and the counts it causes. */
const tokens = new Map<string, string[]>();
const tokenOf = (campaignId: string, i: number): string => {
  const list = tokens.get(campaignId) ?? [];
  tokens.set(campaignId, list);
  list[i] ??= newToken();
  return list[i] as string;
};

/**
 * Answer i: spread over every day × region, with every score, satisfaction and rating in use; three
 * in four rate both attributes (complete: counted in the driver sums), one in four neither.
 */
const answerOf = (i: number) => ({
  day: DAYS[i % DAYS.length] ?? "",
  region: REGIONS[Math.floor(i / DAYS.length) % REGIONS.length] ?? "",
  answer: {
    score: i % 11,
    csat: i % 6 === 5 ? null : 1 + (i % 5),
    attributes: (i % 4 === 3 ? {} : { delivery: 1 + (i % 3), price: 1 + (i % 5) }) as Record<string, number>,
    comment: i % 10 === 0 ? `comment ${i}` : null,
    ...(i % 4 === 3 ? {} : { complete: true }),
  },
});

/**
 * What `count` answers add up to, per aggregate (overall and per region, per day), in the shard of
 * each answer's token; without a campaign, per aggregate with the shards added up.
 */
function expectedAggregates(count: number, campaignId?: string): Map<string, Aggregate> {
  const aggregates = new Map<string, Aggregate>();
  for (let i = 0; i < count; i++) {
    const { day, region, answer } = answerOf(i);
    const shard = campaignId === undefined ? 0 : aggregateShardOf(tokenOf(campaignId, i));
    // Every answer's invitation was sent the same day, so `sent` counts alongside.
    const counters = { ...answerCounters(answer), sent: 1 };
    for (const target of targetsFor(day, { region })) {
      const key = `${target.dimension}#${target.day}#${target.value}#${shard}`;
      const entry = aggregates.get(key) ?? { ...target, shard, counters: emptyCounters() };
      entry.counters = combineCounters(entry.counters, counters);
      aggregates.set(key, entry);
    }
  }
  return aggregates;
}

/** The summed counters of one dimension (and value) over every day. */
function total(aggregates: Map<string, Aggregate>, dimension: string, value?: string): Counters {
  let sum = emptyCounters();
  for (const aggregate of aggregates.values()) {
    if (aggregate.dimension !== dimension || (value !== undefined && aggregate.value !== value)) continue;
    sum = combineCounters(sum, aggregate.counters);
  }
  return sum;
}

/**
 * An item's size as DynamoDB bills it: per attribute, the UTF-8 bytes of its name plus its value's
 * (strings: UTF-8 bytes; numbers: 1 byte per 2 significant digits, plus 1, plus 1 when negative).
 */
function itemBytes(item: Record<string, unknown>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) {
    bytes += Buffer.byteLength(name);
    if (typeof value === "string") bytes += Buffer.byteLength(value);
    else if (typeof value === "number") bytes += numberBytes(value);
    else throw new Error(`unexpected attribute ${name} in an aggregate: ${JSON.stringify(value)}`);
  }
  return bytes;
}

function numberBytes(value: number): number {
  if (!Number.isSafeInteger(value)) throw new Error(`not a counter: ${value}`);
  const digits = String(Math.abs(value)).replace(/^0+/, "").replace(/0+$/, "").length;
  return Math.ceil(digits / 2) + 1 + (value < 0 ? 1 : 0);
}

/**
 * The largest an aggregate item with this key can ever be: every counter the campaign can have
 * (sent, responses, s0..s10, c1..c5, a_<key>_sum and a_<key>_n per attribute, m.<name> per driver
 * sum of the attribute set), each at the largest
 * number DynamoDB stores. A bound that holds whatever the number of answers.
 */
function maxAggregateBytes(item: Record<string, unknown>): number {
  const counters = [
    "sent",
    "responses",
    ...Array.from({ length: 11 }, (_, score) => `s${score}`),
    ...Array.from({ length: 5 }, (_, index) => `c${index + 1}`),
    ...ATTRIBUTES.flatMap(({ key }) => [`a_${key}_sum`, `a_${key}_n`]),
    // Every driver sum of the attribute set (an answer that rates all of them adds to each).
    ...Object.keys(answerMoments(10, Object.fromEntries(ATTRIBUTES.map(({ key }) => [key, 5])))).map(
      (name) => `m.${name}`,
    ),
  ];
  const keys = Object.fromEntries(Object.entries(item).filter(([, value]) => typeof value === "string"));
  return (
    itemBytes(keys) + counters.reduce((sum, name) => sum + Buffer.byteLength(name) + MAX_NUMBER_BYTES, 0)
  );
}

/** Reads of one results call: units reported by DynamoDB, Query calls, items read, other commands. */
type ReadCost = { readUnits: number; queries: number; itemsRead: number; otherCommands: string[] };

describe("results read cost", () => {
  let h: DeliveryHarness;
  let small: Campaign;
  let large: Campaign;
  /** Filled by the middleware while a call is measured. */
  let recording: ReadCost | undefined;
  /** gsi1 items the raw answers of B added (DescribeTable; DynamoDB Local keeps the counts live). */
  let largeListingItems: number;

  /** Raw response items exactly as ResponseStore.record writes a first answer, in parallel batches. */
  async function writeResponses(campaign: Campaign, count: number): Promise<void> {
    const itemOf = (i: number) => {
      const { day, region, answer } = answerOf(i);
      const token = tokenOf(campaign.id, i);
      const at = `${day}T${String(i % 24).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}:00.000Z`;
      return {
        ...responseKey(token),
        ...responseListing(campaign.id, at, token),
        type: "response",
        token,
        campaignId: campaign.id,
        orderId: `order-${i}`,
        kind: "initial",
        email: `customer${i}@example.com`,
        name: null,
        locale: null,
        properties: { region: region.toUpperCase(), n: i },
        ...answer,
        createdAt: at,
        updatedAt: at,
        version: 1,
        countedIn: targetsFor(day, { region }),
      };
    };
    await putInBulk(h.table.db, h.table.tableName, count, itemOf, PARALLEL_BATCHES);
  }

  /** The aggregates those answers cause, through the store's own ADD: one add per day × value × shard. */
  async function addAggregates(campaign: Campaign, count: number): Promise<void> {
    for (const { dimension, day, value, shard, counters } of expectedAggregates(
      count,
      campaign.id,
    ).values()) {
      await h.stores.results.add(campaign.id, { dimension, day, value }, counters, shard);
    }
  }

  async function listingItemCount(): Promise<number> {
    const client = createDynamoClient({ endpoint: h.table.endpoint });
    const { Table } = await client.send(new DescribeTableCommand({ TableName: h.table.tableName }));
    client.destroy();
    const index = Table?.GlobalSecondaryIndexes?.find((i) => i.IndexName === "gsi1");
    if (index?.ItemCount === undefined) throw new Error("DescribeTable reported no gsi1 item count");
    return index.ItemCount;
  }

  /** The stored aggregate items a results call over FROM..TO reads (read outside any measurement). */
  async function aggregatesRead(
    campaign: Campaign,
    dimensions: string[],
  ): Promise<Record<string, unknown>[][]> {
    return await Promise.all(
      dimensions.map(async (dimension) => {
        const range = aggregateRange(dimension, FROM, TO);
        const page = await h.table.db.send(
          new QueryCommand({
            TableName: h.table.tableName,
            KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
            ExpressionAttributeValues: {
              ":pk": resultsPartition(campaign.id),
              ":from": range.from,
              ":to": range.to,
            },
          }),
        );
        if (page.LastEvaluatedKey) throw new Error("aggregates of one range spanned pages");
        return page.Items ?? [];
      }),
    );
  }

  /** One results call over HTTP, with what it read. */
  async function measured(campaign: Campaign, query: string): Promise<{ body: Results; cost: ReadCost }> {
    const before = h.stores.results.consumedReadUnits;
    const cost: ReadCost = { readUnits: 0, queries: 0, itemsRead: 0, otherCommands: [] };
    recording = cost;
    try {
      const response = await h.api<Results>("GET", `/v1/campaigns/${campaign.id}/results?${query}`);
      expect(response.status, response.text).toBe(200);
      cost.readUnits = h.stores.results.consumedReadUnits - before;
      return { body: response.body, cost };
    } finally {
      recording = undefined;
    }
  }

  beforeAll(
    async () => {
      h = await startDeliveryHarness();
      // Every command the stores' document client sends while a call is measured (the API's too).
      h.table.db.middlewareStack.add(
        (next, context) => async (args) => {
          const result = await next(args);
          const cost = recording;
          if (cost) {
            if (context.commandName === "QueryCommand") {
              const output = result.output as { Count?: number; ScannedCount?: number };
              cost.queries++;
              cost.itemsRead += output.ScannedCount ?? output.Count ?? 0;
            } else {
              cost.otherCommands.push(context.commandName ?? "?");
            }
          }
          return result;
        },
        { step: "initialize", name: "readCostRecorder" },
      );
      const settings = { segmentBy: ["region"], attributes: ATTRIBUTES };
      small = await h.createCampaign({ name: `A: ${ANSWERS_A} answers`, ...settings });
      large = await h.createCampaign({ name: `B: ${ANSWERS_B} answers`, ...settings });
      const started = Date.now();
      await writeResponses(small, ANSWERS_A);
      await addAggregates(small, ANSWERS_A);
      const before = await listingItemCount();
      await writeResponses(large, ANSWERS_B);
      largeListingItems = (await listingItemCount()) - before;
      await addAggregates(large, ANSWERS_B);
      console.log(
        `read cost: wrote ${ANSWERS_A} + ${ANSWERS_B} answers in ${Math.round((Date.now() - started) / 1000)} s`,
      );
    },
    // DynamoDB Local writes at least ~800 items/s with the index: 100k answers take 30 s to 2 min.
    60_000 + ANSWERS_B * 3,
  );

  afterAll(async () => h?.close());

  it("holds every raw answer of B in its listing, so a call that read answers would pay for each", async () => {
    expect(largeListingItems).toBe(ANSWERS_B);
    // The listing really is the campaign's: its first page is B's answers.
    const page = await h.table.db.send(
      new QueryCommand({
        TableName: h.table.tableName,
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :partition",
        ExpressionAttributeValues: { ":partition": responsesPartition(large.id) },
        Limit: 50,
      }),
    );
    expect(page.Items).toHaveLength(50);
    expect(page.Items?.every((item) => item.campaignId === large.id && item.type === "response")).toBe(true);
  });

  it.each([
    ["overall", `from=${FROM}&to=${TO}`, [OVERALL]],
    ["per segment", `from=${FROM}&to=${TO}&segment=region`, [OVERALL, "region"]],
    ["per segment, weekly", `from=${FROM}&to=${TO}&segment=region&interval=week`, [OVERALL, "region"]],
  ])(`reads the same for %s with ${ANSWERS_B} answers as with ${ANSWERS_A}`, async (_, query, dimensions) => {
    const a = await measured(small, query);
    const b = await measured(large, query);

    // The figures are right: every answer counted, once, in the right place.
    for (const [body, count] of [
      [a.body, ANSWERS_A],
      [b.body, ANSWERS_B],
    ] as const) {
      const aggregates = expectedAggregates(count);
      const overall = total(aggregates, OVERALL);
      expect(body.overall.responses).toBe(count);
      expect(body.overall.sent).toBe(count);
      expect(body.overall.scores).toEqual(overall.scores);
      expect(body.overall.csat.responses).toBe(overall.csat.reduce((sum, n) => sum + n, 0));
      expect(body.overall.attributes.delivery?.responses).toBe(overall.attributes.delivery?.count);
      expect(body.trend.reduce((sum, period) => sum + period.responses, 0)).toBe(count);
      // Driver analysis is on, over the answers that rated both attributes, from the same aggregates.
      expect(body.drivers?.responses).toBe(count - Math.floor((count + 1) / 4));
      expect(body.drivers?.r2).not.toBeNull();
      if (dimensions.includes("region")) {
        expect(body.segments?.map((s) => s.value).sort()).toEqual([...REGIONS].sort());
        for (const segment of body.segments ?? []) {
          expect(segment.responses).toBe(total(aggregates, "region", segment.value).responses);
          expect(segment.scores).toEqual(total(aggregates, "region", segment.value).scores);
        }
      } else {
        expect(body.segments).toBeUndefined();
      }
    }

    // The same reads: the same Query calls, reading at most the same items, for 1,000 times the answers.
    // Exactly the aggregates in range: one query per dimension, one item per day (and region) and
    // shard; B's answers fill every shard, A's 100 leave some empty (no item, nothing read).
    expect(b.cost.queries).toBe(a.cost.queries);
    expect(b.cost.queries).toBe(dimensions.length);
    const aggregatesInRange = DAYS.length * (dimensions.includes("region") ? 1 + REGIONS.length : 1);
    expect(b.cost.itemsRead).toBe(aggregatesInRange * AGGREGATE_SHARDS);
    expect(a.cost.itemsRead).toBeLessThanOrEqual(b.cost.itemsRead);
    expect(a.cost.itemsRead).toBeGreaterThanOrEqual(aggregatesInRange);
    // Besides the queries, the call reads the API key and the campaign: the same for both.
    expect(b.cost.otherCommands).toEqual(a.cost.otherCommands);

    // Read units are those of the aggregate items' bytes, nothing else...
    const itemsOfA = await aggregatesRead(small, dimensions);
    const itemsOfB = await aggregatesRead(large, dimensions);
    const unitsOf = (
      itemsPerQuery: Record<string, unknown>[][],
      size: (item: Record<string, unknown>) => number,
    ) =>
      itemsPerQuery.reduce(
        (units, items) =>
          units + Math.ceil(items.reduce((bytes, item) => bytes + size(item), 0) / READ_UNIT_BYTES),
        0,
      );
    // DynamoDB Local sizes items a little differently from AWS's documented estimate (itemBytes): with
    // the driver sums, 100,000 answers' segment call measured 13 units against an estimate of 12. So
    // each query's units are the estimate's, or one more.
    const near = (measured: number, items: Record<string, unknown>[][]) => {
      const estimate = unitsOf(items, itemBytes);
      expect(measured).toBeGreaterThanOrEqual(estimate);
      expect(measured).toBeLessThanOrEqual(estimate + items.length);
    };
    expect(a.cost.readUnits).toBeGreaterThan(0);
    near(a.cost.readUnits, itemsOfA);
    near(b.cost.readUnits, itemsOfB);
    // ...bounded by the largest those aggregates can ever be, whatever the number of answers...
    const bound = unitsOf(itemsOfB, maxAggregateBytes);
    expect(unitsOf(itemsOfA, maxAggregateBytes)).toBeLessThanOrEqual(bound);
    expect(b.cost.readUnits).toBeLessThanOrEqual(bound);
    // ...and a tiny fraction of B's answers: a call that touched raw answers would read at least one
    // item per answer, and pay a unit per 4 KB of them. (Meaningful from some thousands of answers on:
    // a quick run with READ_COST_ANSWERS=1000 has fewer answers than 100 × the aggregates.)
    if (ANSWERS_B >= 10_000) {
      expect(b.cost.readUnits).toBeLessThan(ANSWERS_B / 100);
      expect(b.cost.itemsRead).toBeLessThan(ANSWERS_B / 100);
    }
    console.log(
      `read cost (${query}): A ${JSON.stringify(a.cost)}, B ${JSON.stringify(b.cost)}, at most ${bound} units for any number of answers`,
    );
  });
});
