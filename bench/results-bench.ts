import type { Answer } from "../functions/domain/answer";
import type { Campaign } from "../functions/domain/campaign";
import {
  type AggregateTarget,
  answerCounters,
  type Counters,
  combineCounters,
  emptyCounters,
  targetsFor,
} from "../functions/domain/counters";
import { newToken } from "../functions/domain/tokens";
import { aggregateShardOf, responseKey, responseListing } from "../functions/store/keys";
import { putInBulk } from "../test/support/bulk-write";
import { REGIONS } from "./delivery-bench";
import { answerOf } from "./ingestion-bench";
import type { LocalStack } from "./local-stack";
import { percentile } from "./stats";
import type { UsageMeter } from "./usage-meter";

/**
 * Item 2, results read cost: two campaigns answered on the same 7 days in the same 4 regions, one with
 * `small` answers and one with `large`. Their answers are stored as the product stores them, only
 * faster than through HTTP: the raw response items (ResponseStore's keys and fields) by parallel
 * BatchWrite, and the aggregates they cause through ResultsStore.add, one add per day × segment value
 * with the summed counters. Then `GET /v1/campaigns/{id}/results?from&to&segment=region` is called
 * alternately for both over HTTP, and its reads counted: read units and items read by the usage meter
 * (every read of the call: API key, campaign, aggregate queries) and by ResultsStore.consumedReadUnits
 * (the aggregate queries alone), with the call's latency. The ratio must be ~1: reads do not grow with answers.
 * Both campaigns ask three attributes, every answer rates them all, so each call computes driver
 * analysis; a third campaign with the large one's answers and one attribute is the call without it.
 */
export type ResultsSide = {
  readonly answers: number;
  readonly loadSeconds: number;
  readonly calls: number;
  readonly readUnitsPerCall: number;
  readonly aggregateReadUnitsPerCall: number;
  readonly itemsReadPerCall: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly responses: number;
};
export type ResultsResult = {
  readonly query: string;
  readonly small: ResultsSide;
  readonly large: ResultsSide;
  /** The large campaign's answers again, in a campaign with one attribute: no driver analysis. */
  readonly withoutDrivers: ResultsSide;
};

/** Three attributes: results carry driver analysis, aggregates its sums. */
const ATTRIBUTES = [
  { key: "delivery", label: "Delivery" },
  { key: "price", label: "Price" },
  { key: "packaging", label: "Packaging" },
];

/** Answer i rating every attribute, spread by a multiplicative hash so the ratings are not collinear. */
const answerWithDriversOf = (i: number): Answer => {
  const spread = (salt: number) => 1 + ((Math.imul(i + salt, 2654435761) >>> 0) % 5);
  return {
    ...answerOf(i),
    attributes: { delivery: spread(1), price: spread(2), packaging: spread(3) },
    complete: true,
  };
};

const DAYS = [
  "2026-05-04",
  "2026-05-05",
  "2026-05-06",
  "2026-05-07",
  "2026-05-08",
  "2026-05-09",
  "2026-05-10",
];
const QUERY = `from=${DAYS[0]}&to=${DAYS.at(-1)}&segment=region`;
/** BatchWrite calls in flight while loading (DynamoDB Local: ~800 items/s with the GSI). */
const PARALLEL_BATCHES = 8;

const placeOf = (i: number) => ({
  day: DAYS[i % DAYS.length] ?? "",
  region: REGIONS[Math.floor(i / DAYS.length) % REGIONS.length] ?? "",
});

export async function runResultsBench(
  stack: LocalStack,
  meter: UsageMeter,
  options: { small: number; large: number; calls: number },
  progress: (line: string) => void,
): Promise<ResultsResult> {
  const create = (name: string, attributes: typeof ATTRIBUTES) =>
    stack.api<Campaign>(
      "POST",
      "/v1/campaigns",
      { name, brandName: "Acme", segmentBy: ["region"], attributes },
      201,
    );
  const small = await create(`Benchmark: ${options.small} answers`, ATTRIBUTES);
  const large = await create(`Benchmark: ${options.large} answers`, ATTRIBUTES);
  const plain = await create(`Benchmark: ${options.large} answers, no drivers`, ATTRIBUTES.slice(0, 1));
  const loadSmall = await load(stack, small, options.small, answerWithDriversOf);
  progress(`item 2: ${options.small} answers stored in ${loadSmall.toFixed(1)} s`);
  const loadLarge = await load(stack, large, options.large, answerWithDriversOf);
  progress(`item 2: ${options.large} answers stored in ${loadLarge.toFixed(1)} s`);
  const loadPlain = await load(stack, plain, options.large, answerOf);
  progress(`item 2: ${options.large} answers without drivers stored in ${loadPlain.toFixed(1)} s`);

  const call = async (campaign: Campaign) => {
    const started = performance.now();
    const body = await stack.api<{ overall: { responses: number }; drivers?: { responses: number } }>(
      "GET",
      `/v1/campaigns/${campaign.id}/results?${QUERY}`,
      undefined,
      200,
    );
    if (campaign !== plain && body.drivers?.responses !== body.overall.responses) {
      throw new Error(`drivers counted ${body.drivers?.responses} answers of ${body.overall.responses}`);
    }
    return { ms: performance.now() - started, responses: body.overall.responses };
  };
  // Warm up outside the measurement.
  const phaseOf = (campaign: Campaign) =>
    campaign === small ? "results-small" : campaign === large ? "results-large" : "results-plain";
  for (let i = 0; i < 3; i++) {
    await call(small);
    await call(large);
    await call(plain);
  }
  const sides = new Map<Campaign, { latencies: number[]; aggregateUnits: number; responses: number }>([
    [small, { latencies: [], aggregateUnits: 0, responses: 0 }],
    [large, { latencies: [], aggregateUnits: 0, responses: 0 }],
    [plain, { latencies: [], aggregateUnits: 0, responses: 0 }],
  ]);
  for (let i = 0; i < options.calls; i++) {
    for (const campaign of [small, large, plain]) {
      const side = sides.get(campaign);
      if (!side) continue;
      const before = stack.stores.results.consumedReadUnits;
      const { ms, responses } = await meter.measure(phaseOf(campaign), () => call(campaign));
      side.aggregateUnits += stack.stores.results.consumedReadUnits - before;
      side.latencies.push(ms);
      side.responses = responses;
    }
  }
  const sideOf = (campaign: Campaign, answers: number, loadSeconds: number): ResultsSide => {
    const side = sides.get(campaign) ?? { latencies: [], aggregateUnits: 0, responses: 0 };
    const usage = meter.usage(phaseOf(campaign));
    return {
      answers,
      loadSeconds,
      calls: options.calls,
      readUnitsPerCall: usage.readUnits / options.calls,
      aggregateReadUnitsPerCall: side.aggregateUnits / options.calls,
      itemsReadPerCall: usage.itemsRead / options.calls,
      p50Ms: percentile(side.latencies, 50),
      p99Ms: percentile(side.latencies, 99),
      responses: side.responses,
    };
  };
  const result = {
    query: QUERY,
    small: sideOf(small, options.small, loadSmall),
    large: sideOf(large, options.large, loadLarge),
    withoutDrivers: sideOf(plain, options.large, loadPlain),
  };
  for (const side of [result.small, result.large, result.withoutDrivers]) {
    if (side.responses !== side.answers) {
      throw new Error(`results counted ${side.responses} answers of ${side.answers}`);
    }
  }
  return result;
}

/** Stores `count` answers for `campaign`; returns the seconds it took. */
async function load(
  stack: LocalStack,
  campaign: Campaign,
  count: number,
  answerOf: (i: number) => Answer,
): Promise<number> {
  const started = performance.now();
  const tokens = Array.from({ length: count }, () => newToken());
  const itemOf = (i: number) => {
    const { day, region } = placeOf(i);
    const token = tokens[i] ?? "";
    const at = `${day}T${String(i % 24).padStart(2, "0")}:00:00.000Z`;
    return {
      ...responseKey(token),
      ...responseListing(campaign.id, at, token),
      type: "response",
      token,
      campaignId: campaign.id,
      orderId: `order-${i}`,
      kind: "initial",
      email: `customer-${i}@example.com`,
      name: `Customer ${i}`,
      locale: null,
      properties: { region, tier: i % 3 === 0 ? "high" : "mid" },
      ...answerOf(i),
      createdAt: at,
      updatedAt: at,
      version: 1,
      countedIn: targetsFor(day, { region }),
    };
  };
  await putInBulk(stack.db, stack.tableName, count, itemOf, PARALLEL_BATCHES);

  // The aggregates those answers add up to (each answer's invitation was sent the same day), in the
  // shard of each answer's token, as the product counts them.
  const aggregates = new Map<string, { target: AggregateTarget; shard: number; counters: Counters }>();
  for (let i = 0; i < count; i++) {
    const { day, region } = placeOf(i);
    const shard = aggregateShardOf(tokens[i] ?? "");
    const counters = { ...answerCounters(answerOf(i)), sent: 1 };
    for (const target of targetsFor(day, { region })) {
      const key = `${target.dimension}#${target.day}#${target.value}#${shard}`;
      const entry = aggregates.get(key) ?? { target, shard, counters: emptyCounters() };
      entry.counters = combineCounters(entry.counters, counters);
      aggregates.set(key, entry);
    }
  }
  for (const { target, shard, counters } of aggregates.values()) {
    await stack.stores.results.add(campaign.id, target, counters, shard);
  }
  return (performance.now() - started) / 1000;
}
