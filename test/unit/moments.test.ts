import { describe, expect, it } from "vitest";
import { answerCounters, combineCounters, emptyCounters } from "../../functions/domain/counters";
import { answerMoments, attributeMoments, attributeSetId, npsRecode } from "../../functions/domain/moments";

/** The driver sums as the counters keep them, against the same sums taken over raw answers by loops. */

const KEYS = ["speed", "delivery", "price"];

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

describe("driver sums", () => {
  it("add up to the raw sums, squares and cross-products, in the order the campaign lists its attributes", () => {
    const next = random(3);
    const answers = Array.from({ length: 200 }, () => ({
      score: Math.floor(next() * 11),
      csat: null,
      attributes: Object.fromEntries(KEYS.map((key) => [key, 1 + Math.floor(next() * 5)])),
      comment: null,
      complete: true,
    }));
    let counters = emptyCounters();
    for (const answer of answers) counters = combineCounters(counters, answerCounters(answer));
    const moments = attributeMoments(counters.moments, KEYS);
    const x = (key: string) => answers.map((a) => a.attributes[key] ?? 0);
    const y = answers.map((a) => npsRecode(a.score));
    const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * (b[i] ?? 0), 0);
    expect(moments.n).toBe(200);
    expect(moments.sumY).toBe(y.reduce((s, v) => s + v, 0));
    expect(moments.sumYY).toBe(dot(y, y));
    expect(moments.sumX).toEqual(KEYS.map((key) => x(key).reduce((s, v) => s + v, 0)));
    expect(moments.sumXY).toEqual(KEYS.map((key) => dot(x(key), y)));
    expect(moments.sumXX).toEqual(KEYS.map((a) => KEYS.map((b) => dot(x(a), x(b)))));
  });

  it("are only kept for an answer that rated every attribute, and an edit subtracts them to zero", () => {
    const partial = { score: 9, csat: null, attributes: { speed: 4 }, comment: null };
    expect(answerCounters(partial).moments).toEqual({});
    const complete = { ...partial, attributes: { speed: 4, price: 2 }, complete: true };
    const added = answerCounters(complete);
    expect(Object.keys(added.moments)).toHaveLength(3 + 2 + 2 + 3);
    const undone = combineCounters(added, answerCounters(complete), -1);
    expect(Object.values(undone.moments).every((n) => n === 0)).toBe(true);
  });

  it("name the attribute set by its keys whatever their order, and another set by another name", () => {
    expect(attributeSetId(["price", "speed"])).toBe(attributeSetId(["speed", "price"]));
    expect(attributeSetId(["price", "speed"])).not.toBe(attributeSetId(["price", "speed", "delivery"]));
    const sums = answerMoments(10, { price: 2, speed: 4 });
    expect(attributeMoments(sums, ["speed", "price", "delivery"]).n).toBe(0);
    expect(attributeMoments(sums, ["speed", "price"])).toMatchObject({ n: 1, sumX: [4, 2], sumXY: [4, 2] });
  });
});
