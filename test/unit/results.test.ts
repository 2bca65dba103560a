import { describe, expect, it } from "vitest";
import { type Counters, combineCounters, emptyCounters } from "../../functions/domain/counters";
import {
  daysInRange,
  periodOf,
  type ResultRow,
  resolveResultsQuery,
  type Stats,
  segmentsOf,
  statsOf,
  summarize,
} from "../../functions/domain/results";
import { roundHalfAwayFromZero } from "../../functions/domain/rounding";

/** Counters from a score histogram given as { score: count }, plus optional extras. */
function counters(scores: Record<number, number>, extra: Partial<Omit<Counters, "scores">> = {}): Counters {
  const c = emptyCounters();
  for (const [score, count] of Object.entries(scores)) c.scores[Number(score)] = count;
  c.responses = c.scores.reduce((a, b) => a + b, 0);
  return { ...c, ...extra };
}

/** The additive part of Stats, for comparing sums. */
const counts = (s: Stats) => ({
  sent: s.sent,
  responses: s.responses,
  promoters: s.promoters,
  passives: s.passives,
  detractors: s.detractors,
  scores: s.scores,
  csatResponses: s.csat.responses,
  attributes: Object.fromEntries(Object.entries(s.attributes).map(([k, v]) => [k, v.responses])),
});

/** Adds the additive part of one Stats to a running total. */
const addCounts = (acc: ReturnType<typeof counts>, s: Stats): ReturnType<typeof counts> => {
  const next = counts(s);
  const keys = new Set([...Object.keys(acc.attributes), ...Object.keys(next.attributes)]);
  return {
    sent: acc.sent + next.sent,
    responses: acc.responses + next.responses,
    promoters: acc.promoters + next.promoters,
    passives: acc.passives + next.passives,
    detractors: acc.detractors + next.detractors,
    scores: acc.scores.map((n, i) => n + (next.scores[i] ?? 0)),
    csatResponses: acc.csatResponses + next.csatResponses,
    attributes: Object.fromEntries(
      [...keys].map((k) => [k, (acc.attributes[k] ?? 0) + (next.attributes[k] ?? 0)]),
    ),
  };
};

describe("statsOf: NPS and its margin of error", () => {
  it("all promoters: NPS 100, margin 0", () => {
    const s = statsOf(counters({ 9: 4, 10: 6 }));
    expect(s).toMatchObject({ responses: 10, promoters: 10, passives: 0, detractors: 0 });
    expect(s.nps).toBe(100);
    expect(s.npsMarginOfError).toBe(0);
  });

  it("all detractors: NPS -100, margin 0", () => {
    const s = statsOf(counters({ 0: 3, 6: 2 }));
    expect(s).toMatchObject({ promoters: 0, passives: 0, detractors: 5 });
    expect(s.nps).toBe(-100);
    expect(s.npsMarginOfError).toBe(0);
  });

  it("no answers: every derived figure is null", () => {
    const s = statsOf(emptyCounters());
    expect(s).toEqual({
      sent: 0,
      responses: 0,
      responseRate: null,
      promoters: 0,
      passives: 0,
      detractors: 0,
      nps: null,
      npsMarginOfError: null,
      csat: { responses: 0, mean: null, satisfiedPercent: null },
      scores: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      attributes: {},
    });
  });

  it("one answer: NPS but no margin of error", () => {
    const s = statsOf(counters({ 8: 1 }));
    expect(s.nps).toBe(0);
    expect(s.passives).toBe(1);
    expect(s.npsMarginOfError).toBeNull();
  });

  it("classifies the score boundaries 6/7 and 8/9", () => {
    const s = statsOf(counters({ 6: 1, 7: 1, 8: 1, 9: 1 }));
    expect(s).toMatchObject({ detractors: 1, passives: 2, promoters: 1 });
    expect(s.scores).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0]);
  });

  it("50 promoters, 30 passives, 20 detractors of 100", () => {
    // NPS = 100 × (50 − 20) / 100 = 30.0
    // p = 0.5, d = 0.2: (p + d) − (p − d)² = 0.7 − 0.09 = 0.61; 0.61 / 100 = 0.0061;
    // √0.0061 = 0.0781025; × 1.96 = 0.1530809; × 100 = 15.308 → 15.3
    const s = statsOf(counters({ 10: 30, 9: 20, 8: 15, 7: 15, 5: 10, 0: 10 }));
    expect(s).toMatchObject({ promoters: 50, passives: 30, detractors: 20 });
    expect(s.nps).toBe(30);
    expect(s.npsMarginOfError).toBe(15.3);
  });

  it("a published example: 70% promoters, 10% detractors is NPS 60", () => {
    // 70 promoters, 20 passives, 10 detractors: NPS = 70 − 10 = 60.
    // (0.7 + 0.1) − 0.6² = 0.8 − 0.36 = 0.44; √(0.44 / 100) = 0.0663325; × 196 = 13.0012 → 13.0
    const s = statsOf(counters({ 10: 70, 7: 20, 3: 10 }));
    expect(s.nps).toBe(60);
    expect(s.npsMarginOfError).toBe(13);
  });

  it("a small sample: 3 promoters and 1 detractor", () => {
    // NPS = 100 × 2 / 4 = 50.0; (0.75 + 0.25) − 0.5² = 0.75; √(0.75 / 4) = 0.4330127; × 196 = 84.87 → 84.9
    const s = statsOf(counters({ 10: 3, 1: 1 }));
    expect(s.nps).toBe(50);
    expect(s.npsMarginOfError).toBe(84.9);
  });

  it("rounds NPS half away from zero, both signs", () => {
    // 1 promoter of 16: 100 / 16 = 6.25 → 6.3; 1 detractor of 16: −6.25 → −6.3
    expect(statsOf(counters({ 10: 1, 8: 15 })).nps).toBe(6.3);
    expect(statsOf(counters({ 0: 1, 8: 15 })).nps).toBe(-6.3);
    // 3 promoters, 2 detractors of 8: 100 × 1 / 8 = 12.5 (already one decimal)
    expect(statsOf(counters({ 10: 3, 8: 3, 0: 2 })).nps).toBe(12.5);
    // 1 of 3: 33.333… → 33.3; 2 of 3: 66.666… → 66.7
    expect(statsOf(counters({ 10: 1, 8: 2 })).nps).toBe(33.3);
    expect(statsOf(counters({ 10: 2, 8: 1 })).nps).toBe(66.7);
  });

  it("never reports -0", () => {
    // 1 detractor of 3000: −0.0333… rounds to 0, and must not be -0
    const s = statsOf(counters({ 0: 1, 8: 2999 }));
    expect(Object.is(s.nps, 0)).toBe(true);
    expect(Object.is(roundHalfAwayFromZero(-0.04, 1), 0)).toBe(true);
  });
});

describe("roundHalfAwayFromZero", () => {
  it("rounds decimal halves that binary floating point stores just below the half", () => {
    // 1.005 is stored as 1.00499999999999989…; naive Math.round(x * 100) / 100 gives 1.
    expect(Math.round(1.005 * 100) / 100).toBe(1);
    expect(roundHalfAwayFromZero(1.005, 2)).toBe(1.01);
    expect(roundHalfAwayFromZero(-1.005, 2)).toBe(-1.01);
    expect(roundHalfAwayFromZero(0.15, 1)).toBe(0.2);
    expect(roundHalfAwayFromZero(-0.25, 1)).toBe(-0.3);
    expect(roundHalfAwayFromZero(15.30809, 1)).toBe(15.3);
    expect(roundHalfAwayFromZero(2.449, 1)).toBe(2.4);
  });
});

describe("statsOf: CSAT, attributes, response rate", () => {
  it("CSAT mean and satisfied percent", () => {
    // ratings 1,2,3,4,4,5,5,5: sum 29 / 8 = 3.625 → 3.63; satisfied (4 or 5) 5 of 8 = 62.5%
    const s = statsOf(counters({ 9: 8 }, { csat: [1, 1, 1, 2, 3] }));
    expect(s.csat).toEqual({ responses: 8, mean: 3.63, satisfiedPercent: 62.5 });
  });

  it("CSAT rounding at a decimal half: 199 × 1 and 1 × 2 → mean 201 / 200 = 1.005 → 1.01", () => {
    const s = statsOf(counters({ 9: 200 }, { csat: [199, 1, 0, 0, 0] }));
    expect(s.csat.mean).toBe(1.01);
    expect(s.csat.satisfiedPercent).toBe(0);
  });

  it("satisfied percent rounds half up: 1 of 16 → 6.25 → 6.3; 2 of 3 → 66.7", () => {
    expect(statsOf(counters({ 9: 16 }, { csat: [15, 0, 0, 1, 0] })).csat.satisfiedPercent).toBe(6.3);
    expect(statsOf(counters({ 9: 3 }, { csat: [0, 0, 1, 0, 2] })).csat.satisfiedPercent).toBe(66.7);
  });

  it("CSAT is null when no one answered it even if there are NPS answers", () => {
    const s = statsOf(counters({ 9: 3 }));
    expect(s.csat).toEqual({ responses: 0, mean: null, satisfiedPercent: null });
  });

  it("attribute means, 2 decimals; a key with no ratings left is absent", () => {
    const s = statsOf(
      counters(
        { 9: 3 },
        {
          attributes: {
            speed: { sum: 11, count: 3 }, // 3.666… → 3.67
            price: { sum: 9, count: 2 }, // 4.5 → 4.5
            packaging: { sum: 0, count: 0 },
          },
        },
      ),
    );
    expect(s.attributes).toEqual({
      price: { responses: 2, mean: 4.5 },
      speed: { responses: 3, mean: 3.67 },
    });
  });

  it("response rate is responses / sent, null when nothing was sent", () => {
    expect(statsOf(counters({ 9: 25 }, { sent: 100 })).responseRate).toBe(0.25);
    expect(statsOf(counters({ 9: 1 }, { sent: 3 })).responseRate).toBe(0.3333);
    expect(statsOf(counters({ 9: 2 }, { sent: 3 })).responseRate).toBe(0.6667);
    expect(statsOf(counters({}, { sent: 10 })).responseRate).toBe(0);
    expect(statsOf(counters({ 9: 5 })).responseRate).toBeNull();
  });

  it("response rate is reported as is when responses in range exceed sends in range", () => {
    expect(statsOf(counters({ 9: 3 }, { sent: 2 })).responseRate).toBe(1.5);
  });
});

describe("periods", () => {
  it("day is the day itself", () => {
    expect(periodOf("2026-03-01", "day")).toBe("2026-03-01");
  });

  it("week is the Monday of the ISO week, across month and year boundaries", () => {
    expect(periodOf("2026-01-01", "week")).toBe("2025-12-29"); // Thursday
    expect(periodOf("2026-03-01", "week")).toBe("2026-02-23"); // Sunday
    expect(periodOf("2026-03-02", "week")).toBe("2026-03-02"); // Monday stays
    expect(periodOf("2026-03-08", "week")).toBe("2026-03-02"); // Sunday ends that week
    expect(periodOf("2028-03-01", "week")).toBe("2028-02-28"); // Wednesday after a leap day
  });

  it("month is the first of the month", () => {
    expect(periodOf("2026-01-31", "month")).toBe("2026-01-01");
    expect(periodOf("2026-02-01", "month")).toBe("2026-02-01");
    expect(periodOf("2025-12-31", "month")).toBe("2025-12-01");
  });

  it("refuses a day that is not a calendar date", () => {
    expect(() => periodOf("2026-02-30", "day")).toThrow(RangeError);
    expect(() => periodOf("2026-3-1", "week")).toThrow(RangeError);
  });

  it("daysInRange is inclusive and knows leap days", () => {
    expect(daysInRange("2028-02-28", "2028-03-01")).toEqual(["2028-02-28", "2028-02-29", "2028-03-01"]);
    expect(daysInRange("2026-02-28", "2026-03-01")).toEqual(["2026-02-28", "2026-03-01"]);
    expect(daysInRange("2025-12-31", "2026-01-01")).toEqual(["2025-12-31", "2026-01-01"]);
    expect(daysInRange("2026-05-05", "2026-05-05")).toEqual(["2026-05-05"]);
    expect(daysInRange("2026-05-06", "2026-05-05")).toEqual([]);
    expect(daysInRange("2025-01-01", "2025-12-31")).toHaveLength(365);
  });
});

describe("resolveResultsQuery", () => {
  const now = new Date("2026-03-15T23:59:59.999Z");
  /** The query when valid, else its issues. */
  const resolve = (query: unknown, at: Date) => {
    const checked = resolveResultsQuery(query, at);
    return checked.ok ? checked.value : checked.issues;
  };

  it("defaults to the last 30 days, today included, by day", () => {
    expect(resolve({}, now)).toEqual({
      from: "2026-02-14",
      to: "2026-03-15",
      segment: null,
      interval: "day",
      compare: null,
    });
    expect(daysInRange("2026-02-14", "2026-03-15")).toHaveLength(30);
  });

  it("takes compare=previous and refuses any other comparison", () => {
    expect(resolve({ compare: "previous" }, now)).toMatchObject({ compare: "previous" });
    expect(resolve({ compare: "next" }, now)).toEqual([expect.objectContaining({ field: "compare" })]);
  });

  it("defaults from to 29 days before a given to", () => {
    expect(resolve({ to: "2026-01-10" }, now)).toMatchObject({
      from: "2025-12-12",
      to: "2026-01-10",
    });
  });

  it("defaults to to today when only from is given", () => {
    expect(resolve({ from: "2026-03-01" }, now)).toMatchObject({
      from: "2026-03-01",
      to: "2026-03-15",
    });
  });

  it("keeps what the caller set", () => {
    expect(
      resolve({ from: "2025-03-15", to: "2026-03-15", segment: "region.code_2-x", interval: "month" }, now),
    ).toEqual({
      from: "2025-03-15",
      to: "2026-03-15",
      segment: "region.code_2-x",
      interval: "month",
      compare: null,
    });
  });

  it("allows a range of exactly 366 days, and one day", () => {
    expect(resolve({ from: "2028-01-01", to: "2028-12-31" }, now)).toMatchObject({
      from: "2028-01-01",
    });
    expect(resolve({ from: "2026-03-15", to: "2026-03-15" }, now)).toMatchObject({
      from: "2026-03-15",
    });
  });

  const invalid: [string, Record<string, unknown>, string, RegExp][] = [
    ["a malformed date", { from: "2026-3-1" }, "from", /calendar date/],
    ["a date that is not in the calendar", { to: "2026-02-30" }, "to", /calendar date/],
    ["Feb 29 outside a leap year", { from: "2026-02-29" }, "from", /calendar date/],
    ["an empty date", { from: "" }, "from", /calendar date/],
    ["a timestamp instead of a date", { to: "2026-03-01T00:00:00Z" }, "to", /calendar date/],
    ["from after to", { from: "2026-03-02", to: "2026-03-01" }, "from", /not be after to/],
    ["from after the default to (today)", { from: "2026-03-16" }, "from", /not be after to/],
    ["a range of 367 days", { from: "2025-03-14", to: "2026-03-15" }, "from", /at most 366 days/],
    ["an unknown interval", { interval: "year" }, "interval", /day|week|month/],
    ["an empty segment", { segment: "" }, "segment", /1-64/],
    ["a segment with a space", { segment: "my region" }, "segment", /1-64/],
    ["a segment with #", { segment: "a#b" }, "segment", /1-64/],
    ["a segment over 64 characters", { segment: "a".repeat(65) }, "segment", /1-64/],
    ["an unknown parameter", { limit: "10" }, "limit", /not a known field/],
  ];
  for (const [name, query, field, message] of invalid) {
    it(`refuses ${name}, naming the field`, () => {
      const result = resolve(query, now);
      expect(result).toEqual([{ field, message: expect.stringMatching(message) }]);
    });
  }

  it("names every malformed parameter at once", () => {
    const result = resolve({ from: "x", interval: "year", limit: "10" }, now);
    expect(Array.isArray(result) ? result.map((d) => d.field).sort() : result).toEqual([
      "from",
      "interval",
      "limit",
    ]);
  });

  it("accepts a segment of exactly 64 characters", () => {
    expect(resolve({ segment: "a".repeat(64) }, now)).toMatchObject({ segment: "a".repeat(64) });
  });
});

describe("summarize and segmentsOf", () => {
  const north = (day: string, c: Counters): ResultRow => ({ day, value: "north", counters: c });
  const south = (day: string, c: Counters): ResultRow => ({ day, value: "south", counters: c });
  const rows: ResultRow[] = [
    north("2025-12-30", counters({ 10: 2, 3: 1 }, { sent: 5, csat: [0, 0, 1, 1, 1] })),
    south("2025-12-31", counters({ 9: 1 }, { sent: 2, attributes: { speed: { sum: 4, count: 1 } } })),
    north("2026-01-01", counters({ 8: 1, 0: 2 }, { sent: 1 })),
    south("2026-01-05", counters({ 10: 4 }, { sent: 6, csat: [1, 0, 0, 0, 3] })),
    north("2026-01-05", counters({ 7: 1 }, { attributes: { speed: { sum: 2, count: 1 } } })),
    south("2026-01-20", counters({ 5: 1, 9: 1 }, { sent: 3 })),
  ];
  const total = rows.reduce((acc, row) => combineCounters(acc, row.counters), emptyCounters());

  for (const interval of ["day", "week", "month"] as const) {
    it(`overall equals the sum of the trend periods (${interval})`, () => {
      const { overall, trend } = summarize(rows, interval, { from: "2025-12-29", to: "2026-01-31" });
      expect(overall).toEqual(statsOf(total));
      const summed = trend.reduce(addCounts, counts(statsOf(emptyCounters())));
      expect(summed).toEqual(counts(overall));
      const periods = trend.map((t) => t.period);
      expect(periods).toEqual([...periods].sort());
    });
  }

  it("has every period of the range, zeros included, named by its first day", () => {
    const weeks = summarize(rows, "week", { from: "2025-12-29", to: "2026-01-31" }).trend;
    expect(weeks.map((w) => w.period)).toEqual([
      "2025-12-29",
      "2026-01-05",
      "2026-01-12",
      "2026-01-19",
      "2026-01-26",
    ]);
    expect(weeks[0]).toMatchObject({ sent: 8, responses: 7, promoters: 3, detractors: 3, nps: 0 });
    expect(weeks[1]).toMatchObject({ responses: 5, promoters: 4, passives: 1, nps: 80 });
    expect(weeks[2]).toMatchObject({ sent: 0, responses: 0, nps: null, responseRate: null });

    const months = summarize(rows, "month", { from: "2025-12-15", to: "2026-02-02" }).trend;
    expect(months.map((m) => m.period)).toEqual(["2025-12-01", "2026-01-01", "2026-02-01"]);
    expect(months[0]?.responses).toBe(4);
    expect(months[2]?.responses).toBe(0);

    const days = summarize(rows, "day", { from: "2025-12-29", to: "2026-01-31" }).trend;
    expect(days).toHaveLength(34);
  });

  it("ignores rows outside the range, and without a range lists only periods with rows", () => {
    const inRange = summarize(rows, "day", { from: "2026-01-01", to: "2026-01-05" });
    expect(inRange.overall.responses).toBe(3 + 4 + 1);
    expect(inRange.trend).toHaveLength(5);
    const bare = summarize(rows, "day");
    expect(bare.trend.map((t) => t.period)).toEqual([
      "2025-12-30",
      "2025-12-31",
      "2026-01-01",
      "2026-01-05",
      "2026-01-20",
    ]);
    expect(bare.overall).toEqual(statsOf(total));
  });

  it("the sum over segment values equals overall", () => {
    const segments = segmentsOf(rows);
    const { overall } = summarize(rows, "week", { from: "2025-12-29", to: "2026-01-31" });
    const summed = segments.reduce(addCounts, counts(statsOf(emptyCounters())));
    expect(summed).toEqual(counts(overall));
  });

  it("segments are sorted by responses, most first, then by value; empty values are left out", () => {
    // north: 3 + 3 + 1 = 7 responses; south: 1 + 4 + 2 = 7 responses; east: 9; west: 7 then undone.
    const more: ResultRow[] = [
      ...rows,
      { day: "2026-01-02", value: "east", counters: counters({ 9: 9 }) },
      { day: "2026-01-02", value: "west", counters: counters({ 9: 7 }) },
      {
        day: "2026-01-03",
        value: "west",
        counters: combineCounters(emptyCounters(), counters({ 9: 7 }), -1),
      },
    ];
    const segments = segmentsOf(more);
    expect(segments.map((s) => [s.value, s.responses])).toEqual([
      ["east", 9],
      ["north", 7],
      ["south", 7],
    ]);
    expect(segments[1]).toMatchObject({ value: "north", sent: 6, promoters: 2, passives: 2, detractors: 3 });
    // north NPS: 100 × (2 − 3) / 7 = −14.2857… → −14.3
    expect(segments[1]?.nps).toBe(-14.3);
  });
});

describe("segmentsOf: each value against the rest", () => {
  /** A seeded PRNG (mulberry32): the same draws every run. */
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
  /** Rows of `n` answers per value, each score drawn with `promoterShare` promoters, 20% detractors. */
  function draw(next: () => number, values: Record<string, { n: number; promoterShare: number }>) {
    return Object.entries(values).flatMap(([value, { n, promoterShare }]) => {
      let counters = emptyCounters();
      for (let i = 0; i < n; i++) {
        const roll = next();
        const score = roll < promoterShare ? 10 : roll < promoterShare + 0.2 ? 3 : 8;
        counters = combineCounters(counters, { ...emptyCounters(), responses: 1, scores: scoresWith(score) });
      }
      return [{ day: "2026-05-04", value, counters }];
    });
  }
  const scoresWith = (score: number) => Array.from({ length: 11 }, (_, s) => (s === score ? 1 : 0));

  it("flags about 5% of values that do not differ, and a planted difference almost always", () => {
    const next = random(7);
    const draws = 1000;
    let falseAlarms = 0;
    let found = 0;
    for (let i = 0; i < draws; i++) {
      const same = segmentsOf(
        draw(next, { a: { n: 150, promoterShare: 0.45 }, b: { n: 250, promoterShare: 0.45 } }),
      );
      if (same.find((s) => s.value === "a")?.vsRest.significant) falseAlarms++;
      const planted = segmentsOf(
        draw(next, { a: { n: 500, promoterShare: 0.6 }, b: { n: 500, promoterShare: 0.4 } }),
      );
      if (planted.find((s) => s.value === "a")?.vsRest.significant) found++;
    }
    // 5% of 1,000 has a standard deviation of about 7 draws: 30..70 holds the true rate with room. The
    // planted gap (NPS 40 against 20, 500 answers each) is z ≈ 4.1 standard errors: found 98% of the time.
    expect(falseAlarms).toBeGreaterThanOrEqual(30);
    expect(falseAlarms).toBeLessThanOrEqual(70);
    expect(found / draws).toBeGreaterThan(0.95);
  });

  it("compares with the rest, not with the whole: two values mirror each other", () => {
    const [north, south] = segmentsOf(
      draw(random(11), { north: { n: 100, promoterShare: 0.6 }, south: { n: 100, promoterShare: 0.3 } }),
    );
    expect(north?.vsRest.npsDifference).toBe(-(south?.vsRest.npsDifference ?? 0));
    expect(north?.vsRest.pValue).toBe(south?.vsRest.pValue);
    expect(north?.vsRest.npsDifference).toBe(roundHalfAwayFromZero((north?.nps ?? 0) - (south?.nps ?? 0), 1));
  });
});
