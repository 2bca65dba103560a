import { describe, expect, it } from "vitest";
import {
  csatMeanDifference,
  type NpsCounts,
  npsDifference,
  twoSidedPValue,
} from "../../functions/domain/significance";

/** Mulberry32: a small seeded PRNG, so every simulation is the same on every run. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const relativeError = (got: number, want: number) => Math.abs(got - want) / Math.abs(want);

describe("twoSidedPValue", () => {
  // 2·(1 − Φ(z)) = erfc(z/√2), reference values from mpmath at 40 digits (erfc(mpf(z)/sqrt(2))),
  // written as the nearest doubles.
  const reference: [number, number][] = [
    [0.5, 0.6170750774519738],
    [1, 0.3173105078629141],
    [1.959963984540054, 0.05000000000000003],
    [2.5, 0.01241933065155227],
    [3, 0.002699796063260189],
    [5, 5.733031437583878e-7],
    [6, 1.973175290075396e-9],
    [10, 1.523970604832105e-23],
    [20, 5.5072482372124675e-89],
    [37, 1.1451142445049154e-299],
  ];

  it("is 1 at z = 0 and 0.05 at the 97.5% quantile", () => {
    expect(twoSidedPValue(0)).toBe(1);
    expect(relativeError(twoSidedPValue(1.959963984540054), 0.05)).toBeLessThan(1e-12);
  });

  it("matches erfc to 1e-12 relative over the whole range, both signs", () => {
    for (const [z, p] of reference) {
      expect(relativeError(twoSidedPValue(z), p)).toBeLessThan(1e-12);
      expect(twoSidedPValue(-z)).toBe(twoSidedPValue(z));
    }
    // The values the issue lists.
    expect(relativeError(twoSidedPValue(3), 0.0026997960632601866)).toBeLessThan(1e-12);
    expect(relativeError(twoSidedPValue(10), 1.523970604832105e-23)).toBeLessThan(1e-9);
  });

  it("decreases with |z| and underflows to exactly 0 far out", () => {
    let previous = 1;
    for (let z = 0.01; z < 40; z += 0.01) {
      const p = twoSidedPValue(z);
      expect(p).toBeLessThanOrEqual(previous);
      previous = p;
    }
    expect(twoSidedPValue(40)).toBe(0);
    expect(twoSidedPValue(Number.POSITIVE_INFINITY)).toBe(0);
  });
});

describe("npsDifference", () => {
  it("a worked example, by hand", () => {
    // a: 50 promoters, 20 detractors of 100 → NPS 30; b: 30 and 30 of 100 → NPS 0.
    // Sample variances of the recode: a ((50 + 20)·100 − 30²) / (100·99) = 6100/9900,
    // b (60·100 − 0²) / 9900 = 6000/9900. Standard error of the difference:
    // √((6100 + 6000) / 9900 / 100) = 11/√9900 = 0.110554; z = 0.30 / 0.110554 = 2.713602;
    // p = erfc(2.713602/√2) = 0.0066556 → 0.0067. (Population variances would give z = 0.3/0.11 = 2.7273,
    // p = 0.0064: this figure tells the two apart.)
    expect(
      npsDifference(
        { promoters: 50, detractors: 20, responses: 100 },
        { promoters: 30, detractors: 30, responses: 100 },
      ),
    ).toEqual({ npsDifference: 30, pValue: 0.0067, significant: true });
    // b minus a: the same test, the sign flipped.
    expect(
      npsDifference(
        { promoters: 30, detractors: 30, responses: 100 },
        { promoters: 50, detractors: 20, responses: 100 },
      ),
    ).toEqual({ npsDifference: -30, pValue: 0.0067, significant: true });
  });

  it("null under 2 answers on either side, and for counts that are not counts", () => {
    const none = { npsDifference: null, pValue: null, significant: null };
    const fine = { promoters: 5, detractors: 2, responses: 10 };
    expect(npsDifference({ promoters: 1, detractors: 0, responses: 1 }, fine)).toEqual(none);
    expect(npsDifference(fine, { promoters: 0, detractors: 0, responses: 0 })).toEqual(none);
    expect(npsDifference(fine, { promoters: 6, detractors: 6, responses: 10 })).toEqual(none);
    expect(npsDifference(fine, { promoters: -1, detractors: 2, responses: 10 })).toEqual(none);
    expect(npsDifference(fine, { promoters: 1.5, detractors: 2, responses: 10 })).toEqual(none);
  });

  it("no spread on either side: certain, p 0, or 1 when there is no difference", () => {
    const allPromoters = { promoters: 20, detractors: 0, responses: 20 };
    const allDetractors = { promoters: 0, detractors: 5, responses: 5 };
    expect(npsDifference(allPromoters, allDetractors)).toEqual({
      npsDifference: 200,
      pValue: 0,
      significant: true,
    });
    expect(npsDifference(allPromoters, { promoters: 3, detractors: 0, responses: 3 })).toEqual({
      npsDifference: 0,
      pValue: 1,
      significant: false,
    });
  });

  /** n answers drawn with probabilities p (promoter) and d (detractor). */
  const draw = (random: () => number, n: number, p: number, d: number): NpsCounts => {
    let promoters = 0;
    let detractors = 0;
    for (let i = 0; i < n; i++) {
      const u = random();
      if (u < p) promoters++;
      else if (u < p + d) detractors++;
    }
    return { promoters, detractors, responses: n };
  };

  it("flags about 5% of differences between groups drawn from the same distribution", () => {
    const random = prng(2024);
    const draws = 2000;
    let flagged = 0;
    for (let i = 0; i < draws; i++) {
      const result = npsDifference(draw(random, 200, 0.45, 0.25), draw(random, 300, 0.45, 0.25));
      if (result.significant) flagged++;
    }
    expect(flagged / draws).toBeGreaterThanOrEqual(0.03);
    expect(flagged / draws).toBeLessThanOrEqual(0.07);
  });

  it("flags a planted difference (NPS 35 against 10, 400 answers each) in at least 95% of draws", () => {
    const random = prng(7);
    const draws = 2000;
    let flagged = 0;
    for (let i = 0; i < draws; i++) {
      const result = npsDifference(draw(random, 400, 0.5, 0.15), draw(random, 400, 0.35, 0.25));
      if (result.significant) flagged++;
    }
    expect(flagged / draws).toBeGreaterThanOrEqual(0.95);
  });
});

describe("csatMeanDifference", () => {
  it("a worked example, by hand", () => {
    // a [2, 3, 5, 6, 4]: n 20, Σx 67, Σx² 255, mean 3.35, sample variance (20·255 − 67²)/(20·19) = 611/380.
    // b [4, 5, 6, 3, 2]: n 20, Σx 54, Σx² 176, mean 2.70, sample variance (20·176 − 54²)/380 = 604/380.
    // Standard error √((611 + 604)/380/20) = 0.399835; z = 0.65/0.399835 = 1.625669; p = 0.104020.
    // (Population variances: z = 1.6679, p = 0.0953.)
    expect(csatMeanDifference([2, 3, 5, 6, 4], [4, 5, 6, 3, 2])).toEqual({
      meanDifference: 0.65,
      pValue: 0.104,
      significant: false,
    });
  });

  it("null under 2 ratings on either side or for a histogram that is not 5 counts", () => {
    const none = { meanDifference: null, pValue: null, significant: null };
    expect(csatMeanDifference([0, 0, 1, 0, 0], [1, 2, 3, 4, 5])).toEqual(none);
    expect(csatMeanDifference([1, 2, 3, 4], [1, 2, 3, 4, 5])).toEqual(none);
    expect(csatMeanDifference([1, 2, 3, 4, -5], [1, 2, 3, 4, 5])).toEqual(none);
  });

  it("no spread on either side", () => {
    expect(csatMeanDifference([0, 0, 0, 0, 9], [0, 0, 4, 0, 0])).toEqual({
      meanDifference: 2,
      pValue: 0,
      significant: true,
    });
    expect(csatMeanDifference([0, 3, 0, 0, 0], [0, 7, 0, 0, 0])).toEqual({
      meanDifference: 0,
      pValue: 1,
      significant: false,
    });
  });

  it("flags about 5% of differences between groups drawn from the same distribution", () => {
    const random = prng(99);
    const shares = [0.05, 0.1, 0.2, 0.35, 0.3];
    const histogram = (n: number) => {
      const counts = [0, 0, 0, 0, 0];
      for (let i = 0; i < n; i++) {
        let u = random();
        let rating = 0;
        while (rating < 4 && u >= (shares[rating] as number)) u -= shares[rating++] as number;
        counts[rating] = (counts[rating] as number) + 1;
      }
      return counts;
    };
    const draws = 2000;
    let flagged = 0;
    for (let i = 0; i < draws; i++)
      if (csatMeanDifference(histogram(200), histogram(300)).significant) flagged++;
    expect(flagged / draws).toBeGreaterThanOrEqual(0.03);
    expect(flagged / draws).toBeLessThanOrEqual(0.07);
  });
});
