/**
 * The geometry of the console's charts, apart from their drawing so it can be checked with numbers:
 * linear scales, round axis maxima and ticks, and where each point, bar and band lands. Coordinates
 * are SVG user units (y grows downwards).
 */

/** Maps [d0, d1] linearly onto [r0, r1]; a flat domain maps everything to the middle of the range. */
export function linearScale(
  [d0, d1]: readonly [number, number],
  [r0, r1]: readonly [number, number],
): (value: number) => number {
  if (d0 === d1) return () => (r0 + r1) / 2;
  return (value) => r0 + ((value - d0) / (d1 - d0)) * (r1 - r0);
}

/** The smallest "round" number (1, 2 or 5 × 10ⁿ) at or above `value`; 1 for nothing to show. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) {
    if (step * power >= value) return step * power;
  }
  return 10 * power;
}

/** Whole-number ticks from 0 to `max` (a niceCeiling), at most `count` + 1 of them, evenly spaced. */
export function countTicks(max: number, count = 4): number[] {
  const step = Math.max(1, niceCeiling(max / count));
  const ticks: number[] = [];
  for (let tick = 0; tick <= max; tick += step) ticks.push(tick);
  return ticks;
}

/** The drawing area inside a chart's viewBox: the box minus the margins for the axes' labels. */
export type Plot = {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
};

/** NPS runs from −100 to 100: the trend's y axis is always that, so periods are comparable at a glance. */
export const NPS_DOMAIN = [-100, 100] as const;

export type TrendPoint = {
  readonly period: string;
  readonly x: number;
  /** The NPS's y; null for a period without answers (the line breaks there). */
  readonly y: number | null;
  /** The margin of error's band at this period, as y of nps + margin (top) and nps − margin (bottom), clamped to ±100. */
  readonly band: { readonly top: number; readonly bottom: number } | null;
};

/**
 * Where each period of the trend lands: periods evenly spaced across the plot (a single one in the
 * middle), NPS on a fixed −100…100 axis, the band spanning nps ± its margin of error.
 */
export function trendPoints(
  trend: readonly { period: string; nps: number | null; npsMarginOfError: number | null }[],
  plot: Plot,
): TrendPoint[] {
  const x = linearScale([0, Math.max(1, trend.length - 1)], [plot.left, plot.left + plot.width]);
  const y = linearScale(NPS_DOMAIN, [plot.top + plot.height, plot.top]);
  const clamp = (v: number) => Math.max(NPS_DOMAIN[0], Math.min(NPS_DOMAIN[1], v));
  return trend.map((period, index) => ({
    period: period.period,
    x: trend.length === 1 ? plot.left + plot.width / 2 : x(index),
    y: period.nps === null ? null : y(period.nps),
    band:
      period.nps === null || period.npsMarginOfError === null
        ? null
        : {
            top: y(clamp(period.nps + period.npsMarginOfError)),
            bottom: y(clamp(period.nps - period.npsMarginOfError)),
          },
  }));
}

/** The runs of consecutive points that have a value: one line (and one band) per run. */
export function runsOf(points: readonly TrendPoint[]): TrendPoint[][] {
  const runs: TrendPoint[][] = [];
  let run: TrendPoint[] = [];
  for (const point of points) {
    if (point.y === null) {
      if (run.length > 0) runs.push(run);
      run = [];
    } else run.push(point);
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

const n = (value: number): string => String(Math.round(value * 100) / 100);

/** An SVG path through the points of a run. */
export const linePath = (run: readonly TrendPoint[]): string =>
  run.map((p, i) => `${i === 0 ? "M" : "L"}${n(p.x)} ${n(p.y ?? 0)}`).join(" ");

/**
 * The band of a run as a closed SVG path: along the tops, back along the bottoms. A run of one point
 * (or a point without a margin) gets a short bar so it is still visible.
 */
export function bandPath(run: readonly TrendPoint[], halfWidth = 4): string {
  const withBand = run.filter((p) => p.band !== null);
  if (withBand.length === 0) return "";
  if (withBand.length === 1) {
    const p = withBand[0] as TrendPoint;
    const band = p.band as { top: number; bottom: number };
    return `M${n(p.x - halfWidth)} ${n(band.top)} H${n(p.x + halfWidth)} V${n(band.bottom)} H${n(p.x - halfWidth)} Z`;
  }
  const tops = withBand.map((p, i) => `${i === 0 ? "M" : "L"}${n(p.x)} ${n(p.band?.top ?? 0)}`);
  const bottoms = [...withBand].reverse().map((p) => `L${n(p.x)} ${n(p.band?.bottom ?? 0)}`);
  return `${tops.join(" ")} ${bottoms.join(" ")} Z`;
}

export type Bar = {
  readonly index: number;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
};

/**
 * Vertical bars of counts, evenly spaced across the plot from a zero baseline, against an axis from 0
 * to `max` (a round number at or above the largest count).
 */
export function barsOf(counts: readonly number[], plot: Plot, gap = 0.2): { bars: Bar[]; max: number } {
  const max = niceCeiling(Math.max(0, ...counts));
  const y = linearScale([0, max], [plot.top + plot.height, plot.top]);
  const slot = plot.width / Math.max(1, counts.length);
  const width = slot * (1 - gap);
  const bars = counts.map((count, index) => ({
    index,
    x: plot.left + slot * index + (slot - width) / 2,
    y: y(count),
    width,
    height: plot.top + plot.height - y(count),
  }));
  return { bars, max };
}

export type ScatterPoint = { readonly key: string; readonly x: number; readonly y: number };

/**
 * The importance × performance chart: importance (0 to a round maximum of at least the largest share)
 * across, mean rating (1–5) up, and the quadrant lines at the attributes' average importance and
 * average rating. Points without both figures are left out.
 */
export function scatterOf(
  points: readonly { key: string; importance: number | null; mean: number | null }[],
  averages: { importance: number; mean: number },
  plot: Plot,
): { points: ScatterPoint[]; xMax: number; quadrantX: number; quadrantY: number } {
  const known = points.filter(
    (p): p is { key: string; importance: number; mean: number } => p.importance !== null && p.mean !== null,
  );
  const largest = Math.max(averages.importance, ...known.map((p) => p.importance));
  const xMax = Math.min(1, Math.ceil(largest * 10) / 10 || 0.1);
  const x = linearScale([0, xMax], [plot.left, plot.left + plot.width]);
  const y = linearScale([1, 5], [plot.top + plot.height, plot.top]);
  return {
    points: known.map((p) => ({ key: p.key, x: x(p.importance), y: y(p.mean) })),
    xMax,
    quadrantX: x(averages.importance),
    quadrantY: y(averages.mean),
  };
}

/** Which labels of an axis of `count` evenly spaced entries to print: at most `most`, first and last included. */
export function labelIndexes(count: number, most: number): number[] {
  if (count <= most) return Array.from({ length: count }, (_, i) => i);
  const step = (count - 1) / (most - 1);
  return [...new Set(Array.from({ length: most }, (_, i) => Math.round(i * step)))];
}

/**
 * Label positions that do not overlap: each label as near its wanted y as can be, labels at least
 * `gap` apart, in the order of their wanted y (the input order is kept in the output).
 */
export function spreadLabels(wanted: readonly number[], gap: number): number[] {
  const order = wanted.map((y, index) => ({ y, index })).sort((a, b) => a.y - b.y || a.index - b.index);
  const placed = new Array<number>(wanted.length);
  let previous = Number.NEGATIVE_INFINITY;
  for (const { y, index } of order) {
    const at = Math.max(y, previous + gap);
    placed[index] = at;
    previous = at;
  }
  return placed;
}
