import { describe, expect, it } from "vitest";
import {
  bandPath,
  barsOf,
  countTicks,
  labelIndexes,
  linearScale,
  niceCeiling,
  type Plot,
  runsOf,
  scatterOf,
  spreadLabels,
  trendPoints,
} from "../../functions/domain/chart-scale";
import { consoleResultsMessagesFor } from "../../functions/domain/console-results-messages";
import { emptyCounters } from "../../functions/domain/counters";
import type { DriverResults } from "../../functions/domain/insight";
import { type Results, statsOf } from "../../functions/domain/results";
import {
  clip,
  DistributionChart,
  DriversChart,
  SegmentChart,
  significanceOf,
  TrendChart,
} from "../../functions/http/console-charts";

const PLOT: Plot = { left: 40, top: 10, width: 300, height: 200 };
const BOTTOM = PLOT.top + PLOT.height;
const m = consoleResultsMessagesFor("en");

/** Every number of an SVG path, in order. */
const numbersOf = (path: string): number[] => (path.match(/-?\d+(?:\.\d+)?/g) ?? []).map(Number);

const html = (node: unknown): string => String(node);

describe("scales", () => {
  it("maps a domain linearly onto a range, and a flat domain onto its middle", () => {
    const y = linearScale([-100, 100], [210, 10]);
    expect(y(-100)).toBe(210);
    expect(y(100)).toBe(10);
    expect(y(0)).toBe(110);
    expect(y(50)).toBe(60);
    expect(linearScale([3, 3], [0, 100])(3)).toBe(50);
  });

  it("rounds axis maxima up to 1, 2 or 5 × 10ⁿ and ticks them in whole numbers", () => {
    expect([0, 1, 3, 7, 10, 11, 27, 70, 101, 480].map(niceCeiling)).toEqual([
      1, 1, 5, 10, 10, 20, 50, 100, 200, 500,
    ]);
    expect(countTicks(100)).toEqual([0, 50, 100]);
    expect(countTicks(20)).toEqual([0, 5, 10, 15, 20]);
    expect(countTicks(1)).toEqual([0, 1]);
  });

  it("picks at most N axis labels, the first and last included", () => {
    expect(labelIndexes(3, 5)).toEqual([0, 1, 2]);
    expect(labelIndexes(30, 5)).toEqual([0, 7, 15, 22, 29]);
    expect(labelIndexes(0, 5)).toEqual([]);
  });

  it("spreads labels that would overlap, keeping their order and the ones already apart", () => {
    expect(spreadLabels([100, 50, 102, 200], 14)).toEqual([100, 50, 114, 200]);
    expect(spreadLabels([10, 10, 10], 14)).toEqual([10, 24, 38]);
  });
});

describe("trend geometry", () => {
  const trend = [
    { period: "2026-11-01", nps: 0, npsMarginOfError: 20 },
    { period: "2026-11-02", nps: 100, npsMarginOfError: 10 },
    { period: "2026-11-03", nps: null, npsMarginOfError: null },
    { period: "2026-11-04", nps: -50, npsMarginOfError: null },
    { period: "2026-11-05", nps: -90, npsMarginOfError: 30 },
  ];

  it("puts each period where its NPS is, on a fixed −100…100 axis, evenly across", () => {
    const points = trendPoints(trend, PLOT);
    expect(points.map((p) => p.x)).toEqual([40, 115, 190, 265, 340]);
    expect(points.map((p) => p.y)).toEqual([110, 10, null, 160, 200]);
  });

  it("draws the band over nps ± margin, clamped to the axis, and none without a margin", () => {
    const points = trendPoints(trend, PLOT);
    // 0 ± 20 → y of 20 (90) to y of −20 (130): the band covers the margin exactly.
    expect(points[0]?.band).toEqual({ top: 90, bottom: 130 });
    // 100 ± 10 is clamped at 100 above.
    expect(points[1]?.band).toEqual({ top: 10, bottom: 20 });
    expect(points[3]?.band).toBeNull();
    // −90 ± 30 is clamped at −100 below.
    expect(points[4]?.band).toEqual({ top: 170, bottom: BOTTOM });
  });

  it("breaks the line and band where a period has no answers", () => {
    const runs = runsOf(trendPoints(trend, PLOT));
    expect(runs.map((run) => run.map((p) => p.period))).toEqual([
      ["2026-11-01", "2026-11-02"],
      ["2026-11-04", "2026-11-05"],
    ]);
    // The band path goes along the tops and back along the bottoms.
    expect(numbersOf(bandPath(runs[0] ?? []))).toEqual([40, 90, 115, 10, 115, 20, 40, 130]);
    // A run whose only margin is one point's is a short bar around it.
    expect(numbersOf(bandPath(runs[1] ?? []))).toEqual([336, 170, 344, 210, 336]);
  });

  it("puts a single period in the middle", () => {
    const [only] = trendPoints([{ period: "2026-11-01", nps: 50, npsMarginOfError: null }], PLOT);
    expect(only?.x).toBe(190);
    expect(only?.y).toBe(60);
  });
});

describe("bars and scatter", () => {
  it("gives each count a bar from the baseline, as tall as its share of the round maximum", () => {
    const counts = [0, 0, 0, 0, 0, 0, 5, 0, 10, 0, 40];
    const { bars, max } = barsOf(counts, PLOT);
    expect(max).toBe(50);
    expect(bars).toHaveLength(11);
    expect(bars[10]?.height).toBeCloseTo((40 / 50) * 200, 9);
    expect(bars[10]?.y).toBeCloseTo(BOTTOM - 160, 9);
    expect(bars[6]?.height).toBeCloseTo(20, 9);
    expect(bars[0]?.height).toBe(0);
    for (const bar of bars) expect(bar.y + bar.height).toBeCloseTo(BOTTOM, 9);
    // Evenly spaced, centred in their slots.
    const slot = 300 / 11;
    expect((bars[3]?.x ?? 0) + (bars[3]?.width ?? 0) / 2).toBeCloseTo(40 + slot * 3.5, 9);
  });

  it("places attributes by importance and rating, with the quadrant lines at the averages", () => {
    const { points, xMax, quadrantX, quadrantY } = scatterOf(
      [
        { key: "a", importance: 0.7, mean: 3 },
        { key: "b", importance: 0.3, mean: 5 },
        { key: "c", importance: null, mean: 4 },
      ],
      { importance: 0.5, mean: 4 },
      PLOT,
    );
    expect(xMax).toBe(0.7);
    expect(points.map((p) => p.key)).toEqual(["a", "b"]);
    expect(points[0]?.x).toBeCloseTo(340, 9);
    expect(points[0]?.y).toBeCloseTo(BOTTOM - 100, 9);
    expect(points[1]?.y).toBeCloseTo(PLOT.top, 9);
    expect(quadrantX).toBeCloseTo(40 + (0.5 / 0.7) * 300, 9);
    expect(quadrantY).toBeCloseTo(BOTTOM - 150, 9);
  });
});

describe("charts as SVG with their numbers", () => {
  const stats = (scores: number[]) => {
    const counters = emptyCounters();
    scores.forEach((count, score) => {
      counters.scores[score] = count;
    });
    counters.responses = scores.reduce((a, b) => a + b, 0);
    return statsOf(counters);
  };

  it("says there are no answers instead of drawing an empty trend or histogram", () => {
    const empty = stats([]);
    const trend = html(
      TrendChart({ trend: [{ period: "2026-11-01", ...empty }], interval: "day", locale: "en", m }),
    );
    expect(trend).not.toContain("<svg");
    expect(trend).toContain(m.trendNoAnswers);
    const histogram = html(DistributionChart({ stats: empty, locale: "en", m }));
    expect(histogram).not.toContain("<svg");
    expect(histogram).toContain(m.emptyRange);
  });

  it("draws the trend as a labelled image, followed by a table of every period", () => {
    const answered = stats([1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 2]);
    const svg = html(
      TrendChart({
        trend: [
          { period: "2026-11-02", ...answered },
          { period: "2026-11-09", ...stats([]) },
        ],
        interval: "week",
        locale: "en",
        m,
      }),
    );
    expect(svg).toContain('role="img"');
    expect(svg).toContain('aria-labelledby="trend-title trend-desc"');
    expect(svg).toMatch(/<title id="trend-title">NPS by week, with its margin of error<\/title>/);
    expect(svg).toMatch(/<desc id="trend-desc">NPS trend over 2 periods[^<]*lowest 25, highest 25/);
    expect(svg).toContain('viewBox="0 0 400 220"');
    expect(svg).toContain('width="100%"');
    const rows = [...svg.matchAll(/<tr><th scope="row">(.*?)<\/tr>/g)].map((row) =>
      (row[1] ?? "").replace(/<[^>]+>/g, "|"),
    );
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain(`|${answered.nps}|`);
    expect(rows[0]).toContain(`|${answered.npsMarginOfError}|`);
    expect(rows[1]).toContain("|–|");
  });

  it("draws the histogram with the groups labelled and patterned, and the exact counts in a table", () => {
    const svg = html(
      DistributionChart({ stats: stats([1, 0, 0, 0, 0, 0, 2, 3, 0, 4, 1234]), locale: "en", m }),
    );
    expect(svg).toContain("url(#dist-detractor)");
    expect(svg).toContain("url(#dist-passive)");
    for (const label of ["Detractor", "Passive", "Promoter"]) expect(svg).toContain(`>${label}<`);
    expect(svg).toContain('<td class="num">1,234</td>');
    expect(svg).toMatch(/3 detractors \(0–6\), 3 passives \(7–8\), 1,238 promoters/);
  });

  it("escapes segment values and marks the real differences in words, not only colour", () => {
    const hostile = `<img src=x onerror="alert(1)">`;
    const segment = (value: string, significant: boolean | null, npsDifference: number | null) =>
      ({
        value,
        ...stats([0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 3]),
        vsRest: {
          npsDifference,
          pValue: null,
          significant,
          csat: { meanDifference: null, pValue: null, significant: null },
        },
      }) as NonNullable<Results["segments"]>[number];
    const out = html(
      SegmentChart({
        property: "region",
        segments: [
          segment(hostile, true, 30),
          segment("台北門市", true, -12.5),
          segment("(none)", false, 1),
          segment("x", null, null),
        ],
        overallNps: 10,
        locale: "en",
        m,
      }),
    );
    expect(out).not.toContain("<img");
    expect(out).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(out).toContain("台北門市");
    expect(out).toContain(m.significantHigher);
    expect(out).toContain(m.significantLower);
    expect(out).toContain(m.notSignificant);
    expect(out).toContain(m.tooFewToTell);
    expect(out).toContain(">(none)<");
    expect(out).toContain("+30");
    expect(out).toContain("-12.5");
    expect(significanceOf({ significant: true, npsDifference: -1 })).toBe("lower");
  });

  it("draws drivers as importance × rating with quadrant lines, or says why it cannot", () => {
    const drivers: DriverResults = {
      responses: 40,
      r2: 0.5,
      note: null,
      attributes: [
        {
          key: "d",
          label: "Delivery",
          mean: 3.2,
          correlation: 0.6,
          correlationInterval: [0.4, 0.7],
          importance: 0.8,
          shapley: 0.4,
          quadrant: "concentrate",
        },
        {
          key: "p",
          label: "價格",
          mean: 4.1,
          correlation: 0.1,
          correlationInterval: [-0.2, 0.3],
          importance: 0.2,
          shapley: 0.1,
          quadrant: "overkill",
        },
      ],
    };
    const out = html(DriversChart({ drivers, locale: "en", m }));
    expect(out).toContain('role="img"');
    expect((out.match(/class="quadrant"/g) ?? []).length).toBe(2);
    expect(out).toContain("Important but rated below average: Delivery.");
    expect(out).toContain("80%");
    expect(out).toContain("3.2");
    const tooFew = html(
      DriversChart({
        drivers: {
          ...drivers,
          attributes: drivers.attributes.map((a) => ({ ...a, importance: null, quadrant: null })),
        },
        locale: "en",
        m,
      }),
    );
    expect(tooFew).not.toContain("<svg");
    expect(tooFew).toContain(m.driversTooFew);
    expect(tooFew).toContain("4.1");
  });

  it("clips long labels by width, a full-width character counting twice", () => {
    expect(clip("north", 16)).toBe("north");
    expect(clip("abcdefghijklmnopqrstuvwxyz", 10)).toBe("abcdefghi…");
    expect(clip("台北市信義區忠孝東路五段", 10)).toBe("台北市信…");
  });
});
