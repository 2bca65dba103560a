import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Campaign } from "../../functions/domain/campaign";
import type { Results } from "../../functions/domain/results";
import { reconcileCampaign } from "../../functions/use-cases/reconcile-campaign";
import { type DeliveryHarness, manualClock, startDeliveryHarness } from "../support/delivery-harness";

/**
 * The insight figures of GET …/results (significance and drivers) through the real HTTP server, over
 * answers posted to the emailed survey links, with a planted structure: the NPS follows the delivery
 * rating (plus noise) and not the price rating; packaging matters a little. Region `north` is planted
 * as happier than the rest; `channel` is drawn at random, independently of everything, so none of its
 * values may differ for real. Every driver figure is checked against the same figure worked out here
 * from the raw answers with plain loops, so the stored sums, the edit's subtraction and the maths are
 * all on trial together.
 */

const CUSTOMERS = 300;
const FIRST_DAY = "2026-09-07";
const SECOND_DAY = "2026-09-14";

/** A small seeded PRNG (mulberry32), so the draw, and with it every expectation, is the same each run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Answer = { score: number; csat: number; delivery: number; price: number; packaging: number };
type Customer = { name: string; region: string; channel: string; day: string; answer: Answer };

const rand = random(20261129);
const pick = <T>(values: readonly T[]): T => values[Math.floor(rand() * values.length)] as T;
const rating = () => 1 + Math.floor(rand() * 5);

const customers: Customer[] = Array.from({ length: CUSTOMERS }, (_, i) => {
  const region = pick(["north", "south", "east"]);
  const delivery = rating();
  const packaging = rating();
  const price = rating();
  // Delivery moves the score by 2 points per rating step, packaging by 0.5; price not at all.
  const lift = region === "north" ? 2 : 0;
  const raw = 2 * (delivery - 3) + 0.5 * (packaging - 3) + 7 + lift + (rand() - 0.5) * 4;
  const score = Math.max(0, Math.min(10, Math.round(raw)));
  return {
    name: `c${i}`,
    region,
    channel: pick(["web", "store"]),
    day: i < CUSTOMERS / 2 ? FIRST_DAY : SECOND_DAY,
    answer: { score, csat: Math.max(1, Math.min(5, Math.round(score / 2))), delivery, price, packaging },
  };
});

const recode = (score: number) => (score >= 9 ? 100 : score >= 7 ? 0 : -100);

/** Pearson's correlation of two columns, by plain loops over centred values. */
function pearson(xs: number[], ys: number[]): number {
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const [mx, my] = [mean(xs), mean(ys)];
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (const [i, x] of xs.entries()) {
    const y = ys[i] ?? 0;
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
    syy += (y - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** R² of the least-squares fit of y on the columns, solving the normal equations by elimination. */
function rSquared(columns: number[][], ys: number[]): number {
  const n = ys.length;
  const rows = ys.map((_, i) => [1, ...columns.map((column) => column[i] ?? 0)]);
  const k = (rows[0] ?? []).length;
  const a = Array.from({ length: k }, (_, r) =>
    Array.from({ length: k + 1 }, (_, c) =>
      rows.reduce((sum, row, i) => sum + (row[r] ?? 0) * (c < k ? (row[c] ?? 0) : (ys[i] ?? 0)), 0),
    ),
  );
  for (let c = 0; c < k; c++) {
    const pivot = a
      .slice(c)
      .reduce((best, row, i) => (Math.abs(row[c] ?? 0) > Math.abs(a[best]?.[c] ?? 0) ? c + i : best), c);
    [a[c], a[pivot]] = [a[pivot] as number[], a[c] as number[]];
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const factor = (a[r]?.[c] ?? 0) / (a[c]?.[c] ?? 1);
      for (let j = c; j <= k; j++) (a[r] as number[])[j] = (a[r]?.[j] ?? 0) - factor * (a[c]?.[j] ?? 0);
    }
  }
  const beta = a.map((row, r) => (row[k] ?? 0) / (row[r] ?? 1));
  const fitted = rows.map((row) => row.reduce((sum, x, j) => sum + x * (beta[j] ?? 0), 0));
  const mean = ys.reduce((s, y) => s + y, 0) / n;
  const total = ys.reduce((s, y) => s + (y - mean) ** 2, 0);
  const residual = ys.reduce((s, y, i) => s + (y - (fitted[i] ?? 0)) ** 2, 0);
  return 1 - residual / total;
}

const round = (x: number, decimals: number) => Math.round(x * 10 ** decimals) / 10 ** decimals;

describe("results insight: drivers and significance from stored sums", () => {
  const clock = manualClock(`${FIRST_DAY}T08:00:00.000Z`);
  let h: DeliveryHarness;
  let campaign: Campaign;
  const links = new Map<string, string>();

  const results = async (query: string): Promise<Results> => {
    const response = await h.api<Results>("GET", `/v1/campaigns/${campaign.id}/results?${query}`);
    expect(response.status, response.text).toBe(200);
    return response.body;
  };

  const post = async (customer: Customer, answer: Answer) => {
    const response = await fetch(links.get(customer.name) ?? "", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams({
        score: String(answer.score),
        csat: String(answer.csat),
        "attr.delivery": String(answer.delivery),
        "attr.price": String(answer.price),
        "attr.packaging": String(answer.packaging),
      }),
    });
    expect(response.status, await response.text()).toBe(200);
  };

  beforeAll(async () => {
    h = await startDeliveryHarness({ clock: clock.now });
    campaign = await h.createCampaign({
      delayDays: 0,
      segmentBy: ["region", "channel"],
      attributes: [
        { key: "delivery", label: "Delivery" },
        { key: "price", label: "Price" },
        { key: "packaging", label: "Packaging" },
      ],
    });
    for (const day of [FIRST_DAY, SECOND_DAY]) {
      clock.set(`${day}T08:00:00.000Z`);
      const wave = customers.filter((c) => c.day === day);
      await h.postPurchases(
        campaign.id,
        wave.map((c) => ({
          orderId: `order-${c.name}`,
          email: `${c.name}@example.com`,
          properties: { region: c.region, channel: c.channel },
        })),
      );
      await h.deliver();
      for (const c of wave) {
        const [email] = await h.inbox({ to: `${c.name}@example.com` });
        if (!email) throw new Error(`no email for ${c.name}`);
        links.set(c.name, h.linksIn(email).survey);
      }
      clock.set(`${day}T12:00:00.000Z`);
      for (let i = 0; i < wave.length; i += 10) {
        await Promise.all(wave.slice(i, i + 10).map((c) => post(c, c.answer)));
      }
    }
    // One edit: the first customer's delivery rating and score move, so the sums must subtract exactly.
    const first = customers[0] as Customer;
    first.answer = {
      ...first.answer,
      delivery: first.answer.delivery === 1 ? 5 : 1,
      score: first.answer.delivery === 1 ? 10 : 0,
    };
    first.answer.csat = Math.max(1, Math.round(first.answer.score / 2));
    clock.set(`${SECOND_DAY}T13:00:00.000Z`);
    await post(first, first.answer);
  }, 240_000);

  afterAll(async () => h?.close());

  it("ranks delivery first with a significant correlation, price near zero, every figure as the raw answers give it", async () => {
    const body = await results(`from=${FIRST_DAY}&to=${SECOND_DAY}`);
    const drivers = body.drivers;
    expect(drivers).toBeDefined();
    if (!drivers) return;
    expect(drivers.responses).toBe(CUSTOMERS);
    expect(drivers.note).toBeNull();
    expect(drivers.attributes.map((a) => a.key)).toEqual(["delivery", "packaging", "price"]);

    const ys = customers.map((c) => recode(c.answer.score));
    const column = (key: "delivery" | "price" | "packaging") => customers.map((c) => c.answer[key]);
    for (const attribute of drivers.attributes) {
      const xs = column(attribute.key as "delivery" | "price" | "packaging");
      expect(attribute.mean).toBe(round(xs.reduce((a, b) => a + b, 0) / xs.length, 2));
      expect(attribute.correlation).toBeCloseTo(pearson(xs, ys), 3);
    }
    const [delivery, packaging, price] = drivers.attributes;
    // Delivery: strong, its 95% interval well clear of 0; price: near 0, its interval across 0.
    expect(delivery?.correlation).toBeGreaterThan(0.5);
    expect(delivery?.correlationInterval?.[0]).toBeGreaterThan(0.4);
    expect(Math.abs(price?.correlation ?? 1)).toBeLessThan(0.15);
    expect(price?.correlationInterval?.[0]).toBeLessThan(0);
    expect(price?.correlationInterval?.[1]).toBeGreaterThan(0);
    expect(delivery?.importance).toBeGreaterThan(0.8);
    expect(price?.importance).toBeLessThan(0.05);
    expect((packaging?.importance ?? 0) > (price?.importance ?? 1)).toBe(true);
    // The model's R², by least squares on the raw rows, and the shares adding up.
    expect(drivers.r2).toBeCloseTo(
      rSquared([column("delivery"), column("price"), column("packaging")], ys),
      3,
    );
    const importances = drivers.attributes.map((a) => a.importance ?? 0);
    expect(importances.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
    const shapley = drivers.attributes.map((a) => a.shapley ?? 0);
    expect(shapley.reduce((a, b) => a + b, 0)).toBeCloseTo(drivers.r2 ?? 0, 3);
    expect(delivery?.quadrant).toMatch(/^(concentrate|keep-up)$/);
    expect(price?.quadrant).toMatch(/^(low-priority|overkill)$/);
    expect(delivery?.label).toBe("Delivery");
  });

  it("flags the planted region and no value of the random channel", async () => {
    const byRegion = await results(`from=${FIRST_DAY}&to=${SECOND_DAY}&segment=region`);
    const north = byRegion.segments?.find((s) => s.value === "north");
    expect(north?.vsRest.significant).toBe(true);
    expect(north?.vsRest.npsDifference).toBeGreaterThan(20);
    expect(north?.vsRest.pValue).toBeLessThan(0.05);
    // The difference is this value's NPS against the NPS of every other answer, worked out by hand.
    const nps = (list: Customer[]) =>
      (100 * list.reduce((s, c) => s + recode(c.answer.score) / 100, 0)) / list.length;
    const inNorth = customers.filter((c) => c.region === "north");
    const rest = customers.filter((c) => c.region !== "north");
    expect(north?.vsRest.npsDifference).toBe(round(nps(inNorth) - nps(rest), 1));
    expect(north?.vsRest.csat.significant).toBe(true);

    const byChannel = await results(`from=${FIRST_DAY}&to=${SECOND_DAY}&segment=channel`);
    expect(byChannel.segments?.map((s) => s.value).sort()).toEqual(["store", "web"]);
    for (const segment of byChannel.segments ?? []) {
      expect(segment.vsRest.significant, JSON.stringify(segment.vsRest)).toBe(false);
      expect(segment.vsRest.pValue).toBeGreaterThan(0.05);
    }
  });

  it("compares a range with the one before it", async () => {
    // The previous range is the same length just before: what a call for it reads as overall.
    const week = await results(`from=${SECOND_DAY}&to=${addDay(SECOND_DAY, 6)}&compare=previous`);
    const before = await results(`from=${FIRST_DAY}&to=${addDay(FIRST_DAY, 6)}`);
    expect(week.previous).toEqual(before.overall);
    // The second wave's week against the first's, which holds every first-wave answer.
    expect(week.previous?.responses).toBe(CUSTOMERS / 2);
    expect(week.overall.responses).toBe(CUSTOMERS / 2);
    const nps = (list: Customer[]) =>
      (100 * list.reduce((s, c) => s + recode(c.answer.score) / 100, 0)) / list.length;
    const [first, second] = [FIRST_DAY, SECOND_DAY].map((day) => customers.filter((c) => c.day === day));
    expect(week.change?.npsDifference).toBe(round(nps(second ?? []) - nps(first ?? []), 1));
    expect(typeof week.change?.significant).toBe("boolean");
    // Without compare, neither field.
    expect(before.previous).toBeUndefined();
    expect(before.change).toBeUndefined();
  });

  it("recounts the driver sums exactly from the stored answers", async () => {
    const report = await reconcileCampaign(h.stores, campaign.id);
    expect(report.differences).toEqual([]);
  });

  it("gives clear nulls under 30 complete answers", async () => {
    const few = customers.slice(0, 20);
    expect(few.length).toBeLessThan(30);
    const small = await h.createCampaign({
      delayDays: 0,
      attributes: [
        { key: "delivery", label: "Delivery" },
        { key: "price", label: "Price" },
      ],
    });
    const response = await h.api<Results>("GET", `/v1/campaigns/${small.id}/results`);
    expect(response.status).toBe(200);
    expect(response.body.drivers).toMatchObject({ responses: 0, r2: null });
    expect(response.body.drivers?.note).toMatch(/30/);
    expect(
      response.body.drivers?.attributes.every((a) => a.importance === null && a.correlation === null),
    ).toBe(true);
  });
});

function addDay(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
