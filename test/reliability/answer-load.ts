import { expect } from "vitest";
import type { Answer } from "../../functions/domain/answer";
import type { Campaign } from "../../functions/domain/campaign";
import {
  answerCounters,
  type Counters,
  combineCounters,
  emptyCounters,
  normalizeSegmentValue,
} from "../../functions/domain/counters";
import {
  type Difference,
  type DriverResults,
  differenceOf,
  driversFor,
} from "../../functions/domain/insight";
import type { Invitation } from "../../functions/domain/invitation";
import type { PurchaseInput } from "../../functions/domain/purchase";
import { type Stats, statsOf } from "../../functions/domain/results";
import { reconcileCampaign } from "../../functions/use-cases/reconcile-campaign";
import type { DeliveryHarness } from "../support/delivery-harness";
import { type ReliabilityRecord, StatusTally } from "../support/reliability-summary";

/**
 * The load run of the reliability suite, in three steps any test can compose (with or without faults
 * injected underneath):
 * 1. `sendInvitations`: a campaign with two segment properties and two attributes, `count` purchases
 *    posted through the API (a tenth of them posted twice, as an order system that retries does), and
 *    delivery run until nothing is due;
 * 2. `answerUnderLoad`: many clients answer at once, with double posts, retries, edits and racing edits,
 *    retrying what they cannot know landed (no response, 5xx, 429) as a browser's user would;
 * 3. `expectExact`: every acknowledged answer is stored and nothing else is, the results equal an
 *    independent recount from the raw answers, segments add up to the overall figure, and reconcile
 *    finds no difference.
 */

const REGIONS = ["North", " north ", "South", "East", "West", "Central"];
const TIERS = ["gold", "silver", "bronze"];
const SEGMENT_BY = ["region", "tier"] as const;

type Plan = "once" | "double" | "edit" | "race" | "retry" | "silent";

/** A deterministic pseudo-random sequence, so a failing run can be replayed. */
export function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

/** What the API's clients saw, across the steps. */
export type LoadClients = {
  readonly statuses: StatusTally;
  readonly random: () => number;
};

export function loadClients(seed: number): LoadClients {
  return { statuses: new StatusTally(), random: random(seed) };
}

/**
 * Sends `request` until it gets an answer a client can act on: no response, a 5xx or a 429 (after its
 * Retry-After, capped at a second) is retried, up to `attempts` times. Every status is tallied.
 */
async function untilAnswered(
  clients: LoadClients,
  request: () => Promise<Response>,
  attempts = 6,
): Promise<{ status: number; text: string }> {
  let last = { status: 599, text: "" };
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const response = await request().catch(() => undefined);
    const text = response ? await response.text().catch(() => "") : "";
    last = { status: clients.statuses.add(response?.status ?? 599), text };
    if (last.status < 500 && last.status !== 429) return last;
    const retryAfter = Number(response?.headers.get("retry-after") ?? 0);
    await new Promise((resolve) => setTimeout(resolve, Math.min(1, retryAfter) * 1000 + 20 * attempt));
  }
  return last;
}

export type SentCampaign = { readonly campaign: Campaign; readonly tokens: string[] };

/** Step 1: `count` purchases (a tenth posted twice) become sent invitations. */
export async function sendInvitations(
  h: DeliveryHarness,
  clients: LoadClients,
  count: number,
): Promise<SentCampaign> {
  const campaign = await h.createCampaign({
    delayDays: 0,
    throttleDays: 0,
    segmentBy: [...SEGMENT_BY],
    attributes: [
      { key: "price", label: "Price" },
      { key: "delivery", label: "Delivery" },
    ],
  });
  const pick = <T>(items: readonly T[]): T => items[Math.floor(clients.random() * items.length)] as T;
  const purchases = Array.from(
    { length: count },
    (_, i): PurchaseInput => ({
      orderId: `x-${i}`,
      email: `customer-${i}@example.com`,
      properties: i % 17 === 0 ? { tier: pick(TIERS) } : { region: pick(REGIONS), tier: pick(TIERS) },
    }),
  );
  const post = (batch: PurchaseInput[]) =>
    untilAnswered(clients, () =>
      fetch(`${h.baseUrl}/v1/campaigns/${campaign.id}/purchases`, {
        method: "POST",
        headers: { authorization: `Bearer ${h.apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ purchases: batch }),
      }),
    );
  for (let start = 0; start < purchases.length; start += 500) {
    const batch = purchases.slice(start, start + 500);
    const first = await post(batch);
    expect(first.status).toBe(202);
    const statuses = (JSON.parse(first.text) as { results: { status: string }[] }).results.map(
      (r) => r.status,
    );
    expect(statuses).toEqual(batch.map(() => "scheduled"));
    // The order system did not hear back and posts a tenth of the batch again: each is a duplicate.
    const again = await post(batch.filter((_, i) => i % 10 === 0));
    expect(again.status).toBe(202);
    const repeated = (JSON.parse(again.text) as { results: { status: string }[] }).results;
    expect(repeated.map((r) => r.status)).toEqual(repeated.map(() => "duplicate"));
    expect(repeated).toHaveLength(Math.ceil(batch.length / 10));
  }
  // One dispatch run queues at most 2,000 invitations (DEFAULT_DISPATCH.maxPerRun): run until none is due.
  while ((await h.stores.invitations.findDue(h.clock(), 1)).length > 0) await h.deliver();
  const tokens = await h.stores.purchases.tokensOf(campaign.id);
  expect(tokens).toHaveLength(count);
  // The due index can be empty while a send whose record failed waits for its retry: deliver until
  // every invitation reads sent (or accepted by SES), so that no answer meets a link not yet valid.
  // One still unsent after that is named with where it stood.
  let unsent: Invitation[] = [];
  for (let round = 0; round < 20; round++) {
    unsent = (await h.stores.invitations.getMany(tokens)).filter(
      (i) => i.sentAt === null && i.acceptedAt === null,
    );
    if (unsent.length === 0) break;
    await h.deliver();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(unsent).toEqual([]);
  return { campaign, tokens };
}

/** What the clients may believe is stored, per token: the answers it could end with. */
export type Acknowledged = Map<string, Answer[]>;

/** Step 2: `concurrency` clients answer the invitations, each token by a plan drawn at random. */
export async function answerUnderLoad(
  h: DeliveryHarness,
  clients: LoadClients,
  tokens: readonly string[],
  concurrency: number,
): Promise<{ attempted: number; acknowledged: Acknowledged }> {
  const next = clients.random;
  const randomAnswer = (): Answer => ({
    score: Math.floor(next() * 11),
    csat: next() < 0.8 ? 1 + Math.floor(next() * 5) : null,
    attributes:
      next() < 0.6 ? { price: 1 + Math.floor(next() * 5), delivery: 1 + Math.floor(next() * 5) } : {},
    comment: next() < 0.3 ? `comment ${Math.floor(next() * 1000)}, with "quotes" and 中文` : null,
  });
  const plans = tokens.map((token) => {
    const roll = next();
    const plan: Plan =
      roll < 0.45
        ? "once"
        : roll < 0.6
          ? "double"
          : roll < 0.75
            ? "edit"
            : roll < 0.8
              ? "race"
              : roll < 0.9
                ? "retry"
                : "silent";
    return { token, plan, answers: [randomAnswer(), randomAnswer()] as const };
  });

  let attempted = 0;
  const post = async (token: string, answer: Answer): Promise<number> => {
    attempted++;
    const form = new URLSearchParams({ score: String(answer.score) });
    if (answer.csat !== null) form.set("csat", String(answer.csat));
    for (const [key, rating] of Object.entries(answer.attributes)) form.set(`attr.${key}`, String(rating));
    if (answer.comment !== null) form.set("comment", answer.comment);
    const { status } = await untilAnswered(clients, () =>
      fetch(`${h.baseUrl}/s/${token}`, { method: "POST", body: form }),
    );
    return status;
  };

  const acknowledged: Acknowledged = new Map();
  let cursor = 0;
  const client = async () => {
    while (cursor < plans.length) {
      const { token, plan, answers } = plans[cursor++] as (typeof plans)[number];
      const [first, second] = answers;
      // A refused answer says where its invitation stood, so a rare failure can be told from the log.
      const ok = async (status: number) => {
        if (status === 200) return;
        const invitation = await h.stores.invitations.get(token);
        expect({ status, token, invitation }).toEqual({ status: 200, token, invitation });
      };
      switch (plan) {
        case "silent":
          break;
        case "once":
          await ok(await post(token, first));
          acknowledged.set(token, [first]);
          break;
        case "double":
          for (const status of await Promise.all([post(token, first), post(token, first)])) await ok(status);
          acknowledged.set(token, [first]);
          break;
        case "retry":
          await ok(await post(token, first));
          await ok(await post(token, first));
          acknowledged.set(token, [first]);
          break;
        case "edit":
          await ok(await post(token, first));
          await ok(await post(token, second));
          acknowledged.set(token, [second]);
          break;
        case "race":
          for (const status of await Promise.all([post(token, first), post(token, second)])) await ok(status);
          acknowledged.set(token, [first, second]);
          break;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  return { attempted, acknowledged };
}

export type ExactnessReport = {
  readonly stored: number;
  /** Responses the results API counts overall. */
  readonly counted: number;
  /** Invitations marked sent, and the sent count of the results. */
  readonly sentMarked: number;
  readonly sentCounted: number;
  readonly aggregatesChecked: number;
  readonly differences: number;
};

/** Step 3: stored = acknowledged, results = an independent recount, segments add up, reconcile is clean. */
export async function expectExact(
  h: DeliveryHarness,
  { campaign, tokens }: SentCampaign,
  acknowledged: Acknowledged,
): Promise<ExactnessReport> {
  // Nothing lost, nothing that was never sent.
  const stored = await h.stores.responses.allOf(campaign.id);
  expect(stored.length).toBe(acknowledged.size);
  const invitations = new Map((await h.stores.invitations.getMany(tokens)).map((inv) => [inv.token, inv]));
  for (const response of stored) {
    const candidates = acknowledged.get(response.token);
    expect(candidates, `a response nobody acknowledged: ${response.token}`).toBeDefined();
    const { score, csat, attributes, comment } = response;
    expect(candidates).toContainEqual({ score, csat, attributes, comment });
  }

  // A recount from the raw answers and the purchases' own properties (with the product's counter
  // arithmetic, so the headline figures are checked by hand below too).
  const recount = new Map<string, Counters>();
  const countIn = (key: string, counters: Counters) =>
    recount.set(key, combineCounters(recount.get(key) ?? emptyCounters(), counters));
  for (const invitation of invitations.values()) {
    const sent = { ...emptyCounters(), sent: 1 };
    countIn("*", sent);
    for (const property of SEGMENT_BY)
      countIn(`${property}=${normalizeSegmentValue(invitation.properties[property])}`, sent);
  }
  for (const response of stored) {
    const properties = invitations.get(response.token)?.properties ?? {};
    const counters = answerCounters(response);
    countIn("*", counters);
    for (const property of SEGMENT_BY)
      countIn(`${property}=${normalizeSegmentValue(properties[property])}`, counters);
  }

  const results = async (segment?: string) => {
    const response = await h.api<{
      overall: Stats;
      segments?: ({ value: string; vsRest: Difference } & Stats)[];
      drivers?: DriverResults;
    }>("GET", `/v1/campaigns/${campaign.id}/results${segment ? `?segment=${segment}` : ""}`);
    expect(response.status).toBe(200);
    return response.body;
  };
  const whole = await results();
  const overall = whole.overall;
  const everything = recount.get("*") ?? emptyCounters();
  expect(overall).toEqual(statsOf(everything));
  // Driver analysis from the recounted sums (edits subtracted, doubles not added) equals the product's.
  expect(whole.drivers).toEqual(driversFor(everything, campaign));
  expect(whole.drivers?.responses).toBe(
    stored.filter((r) => r.attributes.price !== undefined && r.attributes.delivery !== undefined).length,
  );
  expect(overall.sent).toBe(tokens.length);
  expect(overall.responses).toBe(acknowledged.size);
  // The headline figures once more by hand, without the product's counters or NPS maths.
  const scores = new Array<number>(11).fill(0);
  for (const response of stored) scores[response.score] = (scores[response.score] ?? 0) + 1;
  expect(overall.scores).toEqual(scores);
  const promoters = stored.filter((r) => r.score >= 9).length;
  const detractors = stored.filter((r) => r.score <= 6).length;
  expect(overall).toMatchObject({ promoters, detractors, passives: stored.length - promoters - detractors });
  // NPS to one decimal, halves rounded away from zero.
  const tenths = (1000 * (promoters - detractors)) / stored.length;
  expect(overall.nps).toBe(
    stored.length === 0 ? null : (Math.sign(tenths) * Math.round(Math.abs(tenths))) / 10,
  );
  for (const property of SEGMENT_BY) {
    const segments = (await results(property)).segments ?? [];
    for (const segment of segments) {
      const counted = recount.get(`${property}=${segment.value}`) ?? emptyCounters();
      expect(segment).toEqual({
        value: segment.value,
        ...statsOf(counted),
        vsRest: differenceOf(counted, combineCounters(everything, counted, -1)),
      });
    }
    const sum = (field: "sent" | "responses" | "promoters" | "passives" | "detractors") =>
      segments.reduce((total, s) => total + s[field], 0);
    for (const field of ["sent", "responses", "promoters", "passives", "detractors"] as const) {
      expect(sum(field), `${property}: sum of ${field}`).toBe(overall[field]);
    }
    expect(
      segments.reduce((total, s) => total.map((n, i) => n + (s.scores[i] ?? 0)), new Array(11).fill(0)),
    ).toEqual(overall.scores);
    if (property === "region") {
      // " north " and "North" are one segment; purchases without a region count as "(none)".
      expect(segments.map((s) => s.value).sort()).toEqual([
        "(none)",
        "central",
        "east",
        "north",
        "south",
        "west",
      ]);
    }
  }

  const report = await reconcileCampaign(h.stores, campaign.id);
  expect(report.differences).toEqual([]);
  expect(report.responses).toBe(acknowledged.size);
  return {
    stored: stored.length,
    counted: overall.responses,
    sentMarked: [...invitations.values()].filter((inv) => inv.sentAt !== null).length,
    sentCounted: overall.sent,
    aggregatesChecked: report.aggregatesChecked,
    differences: report.differences.length,
  };
}

/** The summary record of a load run (see test/support/reliability-summary.ts). */
export async function loadRunRecord(
  h: DeliveryHarness,
  run: {
    readonly name: string;
    readonly clients: LoadClients;
    readonly sent: SentCampaign;
    readonly answered: { readonly attempted: number; readonly acknowledged: Acknowledged };
    readonly report: ExactnessReport;
    readonly faults?: Readonly<Record<string, number>>;
  },
): Promise<ReliabilityRecord> {
  const { report } = run;
  return {
    name: run.name,
    answers: {
      attempted: run.answered.attempted,
      acknowledged: run.answered.acknowledged.size,
      stored: report.stored,
      counted: report.counted,
    },
    delivery: {
      invitations: run.sent.tokens.length,
      sent: report.sentMarked,
      counted: report.sentCounted,
      rejected: 0,
      emails: (await h.inbox()).length,
    },
    reconciled: { aggregates: report.aggregatesChecked, differences: report.differences },
    ...(run.faults ? { faults: run.faults } : {}),
    statuses: run.clients.statuses.toJSON(),
  };
}
