import { BatchWriteCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Campaign } from "../../functions/domain/campaign";
import {
  answerCounters,
  type Counters,
  combineCounters,
  emptyCounters,
} from "../../functions/domain/counters";
import type { Stats } from "../../functions/domain/results";
import { newToken } from "../../functions/domain/tokens";
import { OVERALL, responseKey, responseListing, responsesPartition } from "../../functions/store/keys";
import { targetsFor } from "../../functions/store/results-store";
import { type DeliveryHarness, startDeliveryHarness } from "../support/delivery-harness";

/**
 * The "done when": a results call costs the same number of DynamoDB reads for 100 answers as
 * for 100,000 answers in the same date range (DESIGN.md "Exact aggregates": results read
 * O(days × segment values) aggregates, never the raw responses).
 *
 * Two campaigns with the same segmentBy, answered on the same days in the same regions: A has 100
 * answers, B has READ_COST_ANSWERS (default 100,000). Posting 100k answers through HTTP would take far
 * too long, so the answers are written as the product stores them, only faster: the raw response items
 * (with ResponseStore's keys and fields, in its RESPONSES#<campaign> listing) by BatchWrite, and the
 * aggregate counters they cause through ResultsStore.add, one add per day × segment value with the
 * summed counters. Then the results route is called over HTTP for both, and its reads are measured two
 * ways: the read units DynamoDB Local reports (ReturnConsumedCapacity, summed by the ResultsStore the
 * API uses) and, independently, every Query the API's document client sends with the items it reads.
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
/** BatchWrite calls in flight at once while loading (DynamoDB Local: ~800 items/s with the GSI). */
const PARALLEL_BATCHES = 8;
const BATCH_SIZE = 25;

type Results = {
  overall: Stats;
  segments?: ({ value: string } & Stats)[];
  trend: ({ period: string } & Stats)[];
};

/** Answer i: spread over every day × region, with every score, satisfaction and rating in use. */
const answerOf = (i: number) => ({
  day: DAYS[i % DAYS.length] ?? "",
  region: REGIONS[Math.floor(i / DAYS.length) % REGIONS.length] ?? "",
  answer: {
    score: i % 11,
    csat: i % 6 === 5 ? null : 1 + (i % 5),
    attributes: i % 4 === 3 ? {} : { delivery: 1 + (i % 3) },
    comment: i % 10 === 0 ? `comment ${i}` : null,
  },
});

/** What `count` answers add up to, per aggregate (overall and per region, per day), as recorded. */
function expectedAggregates(
  count: number,
): Map<string, { dimension: string; day: string; value: string; counters: Counters }> {
  const aggregates = new Map<string, { dimension: string; day: string; value: string; counters: Counters }>();
  for (let i = 0; i < count; i++) {
    const { day, region, answer } = answerOf(i);
    // Every answer's invitation was sent the same day, so `sent` counts alongside.
    const counters = { ...answerCounters(answer), sent: 1 };
    for (const target of targetsFor(day, { region })) {
      const key = `${target.dimension}#${target.day}#${target.value}`;
      const entry = aggregates.get(key) ?? { ...target, counters: emptyCounters() };
      entry.counters = combineCounters(entry.counters, counters);
      aggregates.set(key, entry);
    }
  }
  return aggregates;
}

/** Reads of one results call: units reported by DynamoDB, Query calls, items read, other commands. */
type ReadCost = { readUnits: number; queries: number; itemsRead: number; otherCommands: string[] };

describe("results read cost", () => {
  let h: DeliveryHarness;
  let small: Campaign;
  let large: Campaign;
  /** Filled by the middleware while `recording` is set. */
  let recording: ReadCost | undefined;

  /** Raw response items exactly as ResponseStore.record writes a first answer, in parallel batches. */
  async function writeResponses(campaign: Campaign, count: number): Promise<void> {
    const itemOf = (i: number) => {
      const { day, region, answer } = answerOf(i);
      const token = newToken();
      const at = `${day}T${String(i % 24).padStart(2, "0")}:00:00.000Z`;
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
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const start = next;
        next = Math.min(count, next + BATCH_SIZE);
        let requests: NonNullable<
          ConstructorParameters<typeof BatchWriteCommand>[0]["RequestItems"]
        >[string] = [];
        for (let i = start; i < next; i++) requests.push({ PutRequest: { Item: itemOf(i) } });
        for (let attempt = 0; requests.length > 0; attempt++) {
          if (attempt > 20) throw new Error("BatchWrite kept leaving items unprocessed");
          const result = await h.table.db.send(
            new BatchWriteCommand({ RequestItems: { [h.table.tableName]: requests } }),
          );
          requests = result.UnprocessedItems?.[h.table.tableName] ?? [];
          if (requests.length > 0) await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
        }
      }
    };
    await Promise.all(Array.from({ length: PARALLEL_BATCHES }, worker));
  }

  /** The aggregates those answers cause, through the store's own ADD: one add per day × value. */
  async function addAggregates(campaign: Campaign, count: number): Promise<void> {
    for (const { dimension, day, value, counters } of expectedAggregates(count).values()) {
      await h.stores.results.add(campaign.id, { dimension, day, value }, counters);
    }
  }

  /** How many raw responses the campaign's listing holds (a COUNT query, outside any measurement). */
  async function countResponses(campaign: Campaign): Promise<number> {
    let total = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await h.table.db.send(
        new QueryCommand({
          TableName: h.table.tableName,
          IndexName: "gsi1",
          KeyConditionExpression: "gsi1pk = :partition",
          ExpressionAttributeValues: { ":partition": responsesPartition(campaign.id) },
          Select: "COUNT",
          ExclusiveStartKey: startKey,
        }),
      );
      total += page.Count ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return total;
  }

  /** One results call over HTTP, with what it read. */
  async function measured(campaign: Campaign, query: string): Promise<{ body: Results; cost: ReadCost }> {
    const before = h.stores.results.consumedReadUnits;
    recording = { readUnits: 0, queries: 0, itemsRead: 0, otherCommands: [] };
    const cost = recording;
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
      // Every command the API sends through the stores' document client, while a call is measured.
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
      small = await h.createCampaign({
        name: "A: 100 answers",
        segmentBy: ["region"],
        attributes: [{ key: "delivery", label: "Delivery" }],
      });
      large = await h.createCampaign({
        name: "B: many answers",
        segmentBy: ["region"],
        attributes: [{ key: "delivery", label: "Delivery" }],
      });
      const started = Date.now();
      await writeResponses(small, ANSWERS_A);
      await addAggregates(small, ANSWERS_A);
      await writeResponses(large, ANSWERS_B);
      await addAggregates(large, ANSWERS_B);
      console.log(
        `read cost: wrote ${ANSWERS_A} + ${ANSWERS_B} answers in ${Math.round((Date.now() - started) / 1000)} s`,
      );
    },
    60_000 + ANSWERS_B * 10,
  );

  afterAll(async () => h?.close());

  it("stores the raw answers of both campaigns, so a results call that read them would pay for each", async () => {
    expect(await countResponses(small)).toBe(ANSWERS_A);
    expect(await countResponses(large)).toBe(ANSWERS_B);
  }, 120_000);

  it.each([
    ["overall", `from=${FROM}&to=${TO}`],
    ["per segment", `from=${FROM}&to=${TO}&segment=region`],
    ["per segment, weekly", `from=${FROM}&to=${TO}&segment=region&interval=week`],
  ])("costs the same reads for %s with 100 answers as with many", async (_, query) => {
    const a = await measured(small, query);
    const b = await measured(large, query);
    console.log(`read cost (${query}): A ${JSON.stringify(a.cost)}, B ${JSON.stringify(b.cost)}`);

    // The figures are right: every answer counted, once.
    expect(a.body.overall.responses).toBe(ANSWERS_A);
    expect(b.body.overall.responses).toBe(ANSWERS_B);
    expect(a.body.overall.sent).toBe(ANSWERS_A);
    expect(b.body.overall.sent).toBe(ANSWERS_B);
    for (const [body, count] of [
      [a.body, ANSWERS_A],
      [b.body, ANSWERS_B],
    ] as const) {
      const expected = combineAll(expectedAggregates(count), OVERALL);
      expect(body.overall.scores).toEqual(expected.scores);
      expect(body.overall.csat.responses).toBe(expected.csat.reduce((s, n) => s + n, 0));
      expect(body.overall.attributes.delivery?.responses).toBe(expected.attributes.delivery?.count);
      expect(body.trend.reduce((s, p) => s + p.responses, 0)).toBe(count);
      if (body.segments) {
        expect(body.segments.map((s) => s.value).sort()).toEqual([...REGIONS].sort());
        expect(body.segments.reduce((s, v) => s + v.responses, 0)).toBe(count);
        for (const segment of body.segments) {
          expect(segment.responses).toBe(
            combineAll(expectedAggregates(count), "region", segment.value).responses,
          );
        }
      }
    }

    // DynamoDB Local reports consumed capacity for these queries: the measurement is real.
    expect(a.cost.readUnits).toBeGreaterThan(0);
    // The same reads for a thousand times the answers.
    expect(b.cost.readUnits).toBe(a.cost.readUnits);
    expect(b.cost.queries).toBe(a.cost.queries);
    expect(b.cost.itemsRead).toBe(a.cost.itemsRead);
    // Only the aggregates: one per day for the campaign, one per day and region for the segment.
    const segmented = query.includes("segment=");
    expect(b.cost.itemsRead).toBe(DAYS.length * (1 + (segmented ? REGIONS.length : 0)));
    expect(b.cost.queries).toBe(segmented ? 2 : 1);
    // A results call that touched the raw answers would read at least one item (and far more than a
    // unit) per answer: these reads are a tiny fraction of B's answers.
    expect(b.cost.readUnits).toBeLessThan(ANSWERS_B / 100);
    expect(b.cost.itemsRead).toBeLessThan(ANSWERS_B / 100);
    // Besides the queries, the call reads the API key and the campaign: the same for both.
    expect(b.cost.otherCommands).toEqual(a.cost.otherCommands);
  });
});

/** The summed counters of one dimension (and value) over every day. */
function combineAll(
  aggregates: Map<string, { dimension: string; value: string; counters: Counters }>,
  dimension: string,
  value?: string,
): Counters {
  let total = emptyCounters();
  for (const aggregate of aggregates.values()) {
    if (aggregate.dimension !== dimension || (value !== undefined && aggregate.value !== value)) continue;
    total = combineCounters(total, aggregate.counters);
  }
  return total;
}
