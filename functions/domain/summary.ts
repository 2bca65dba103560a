import type { Counters } from "./counters";
import { combineCounters, emptyCounters } from "./counters";
import type { Stats } from "./results";
import { roundHalfAwayFromZero } from "./rounding";

/*
 * The figures of a set of counters and their sum over days and periods, without zod (results.ts builds
 * the API's schemas of the same figures): the dispatcher's daily digests compute NPS with it, and its
 * cold start loads no schema library.
 */

/**
 * numerator / denominator rounded half away from zero to `decimals` places, exactly: counts are
 * integers, so the rounding is done on an integer quotient and remainder, with no floating-point
 * doubt about halves. Falls back to roundHalfAwayFromZero beyond safe integers.
 */
export function roundRatio(numerator: number, denominator: number, decimals: number): number {
  const scaled = numerator * 10 ** decimals;
  if (!Number.isSafeInteger(scaled) || !Number.isSafeInteger(denominator) || denominator <= 0) {
    return roundHalfAwayFromZero(numerator / denominator, decimals);
  }
  const magnitude = Math.abs(scaled);
  const remainder = magnitude % denominator;
  const quotient = (magnitude - remainder) / denominator + (2 * remainder >= denominator ? 1 : 0);
  const result = quotient / 10 ** decimals;
  return scaled < 0 && result !== 0 ? -result : result;
}

const sum = (values: readonly number[]): number => values.reduce((total, n) => total + n, 0);

/** Every figure of Stats from one set of counters. */
export function statsOf(counters: Counters): Stats {
  const scores = Array.from({ length: 11 }, (_, score) => counters.scores[score] ?? 0);
  const detractors = sum(scores.slice(0, 7));
  const passives = sum(scores.slice(7, 9));
  const promoters = sum(scores.slice(9, 11));
  // n is the histogram total, so p + passives + d = n holds by construction even if a stored
  // `responses` counter ever drifted from it; an answer always adds to both, so they agree.
  const n = promoters + passives + detractors;

  const csat = Array.from({ length: 5 }, (_, index) => counters.csat[index] ?? 0);
  const csatResponses = sum(csat);
  const csatSum = sum(csat.map((count, index) => count * (index + 1)));
  const satisfied = (csat[3] ?? 0) + (csat[4] ?? 0);

  const attributes: Stats["attributes"] = {};
  for (const key of Object.keys(counters.attributes).sort()) {
    const attribute = counters.attributes[key] ?? { sum: 0, count: 0 };
    // A key whose ratings were all edited away (or repaired away) is absent, as if never rated.
    if (attribute.count === 0 && attribute.sum === 0) continue;
    attributes[key] = {
      responses: attribute.count,
      mean: attribute.count > 0 ? roundRatio(attribute.sum, attribute.count, 2) : null,
    };
  }

  return {
    sent: counters.sent,
    responses: counters.responses,
    responseRate: counters.sent > 0 ? roundRatio(counters.responses, counters.sent, 4) : null,
    promoters,
    passives,
    detractors,
    nps: n > 0 ? roundRatio(100 * (promoters - detractors), n, 1) : null,
    npsMarginOfError: n >= 2 ? roundHalfAwayFromZero(npsMarginOfError(promoters, detractors, n), 1) : null,
    csat: {
      responses: csatResponses,
      mean: csatResponses > 0 ? roundRatio(csatSum, csatResponses, 2) : null,
      satisfiedPercent: csatResponses > 0 ? roundRatio(100 * satisfied, csatResponses, 1) : null,
    },
    scores,
    attributes,
  };
}

/**
 * The 95% half-width of NPS, unrounded. NPS is 100 × the mean of answers scored +1 (promoter), 0
 * (passive) and −1 (detractor); with p and d the promoter and detractor proportions, that variable has
 * variance (p + d) − (p − d)² (the population form), so the half-width is
 *   1.96 × √(((p + d) − (p − d)²) / n) × 100.
 * It is computed here as 196 × √(((P + D)·n − (P − D)²) / n³) with the counts P, D: the same value,
 * but the subtraction is done on integers, so it is exact and never slightly negative (all promoters
 * gives exactly 0).
 */
function npsMarginOfError(promoters: number, detractors: number, n: number): number {
  const spread = (promoters + detractors) * n - (promoters - detractors) ** 2;
  return 196 * Math.sqrt(Math.max(0, spread) / n ** 3);
}

// ---------------------------------------------------------------------------------------------------
// Days and periods (UTC calendar dates, YYYY-MM-DD)

export const INTERVALS = ["day", "week", "month"] as const;
export type Interval = (typeof INTERVALS)[number];

const DAY_MS = 86_400_000;
const DATE_SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Milliseconds of a real calendar date's UTC midnight, or undefined (wrong shape, or e.g. 2026-02-30). */
function parseDay(day: string): number | undefined {
  const match = DATE_SHAPE.exec(day);
  if (!match) return undefined;
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const value = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0..99 to 1900..1999.
  value.setUTCFullYear(year, month - 1, date);
  const valid =
    value.getUTCFullYear() === year && value.getUTCMonth() === month - 1 && value.getUTCDate() === date;
  return valid ? value.getTime() : undefined;
}

function mustParseDay(day: string): number {
  const ms = parseDay(day);
  if (ms === undefined) throw new RangeError(`not a calendar date YYYY-MM-DD: ${JSON.stringify(day)}`);
  return ms;
}

const formatDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export const isCalendarDate = (day: string): boolean => parseDay(day) !== undefined;

/** `day` plus `days` (may be negative). */
export const addDays = (day: string, days: number): string => formatDay(mustParseDay(day) + days * DAY_MS);

/**
 * The period a day belongs to, named by its first day: the day itself; the Monday that starts its ISO
 * week (weeks cross month and year boundaries: 2026-01-01, a Thursday, is in the week of 2025-12-29);
 * or the first of its month.
 */
export function periodOf(day: string, interval: Interval): string {
  const ms = mustParseDay(day);
  switch (interval) {
    case "day":
      return formatDay(ms);
    case "week": {
      const sinceMonday = (new Date(ms).getUTCDay() + 6) % 7;
      return formatDay(ms - sinceMonday * DAY_MS);
    }
    case "month":
      return `${day.slice(0, 7)}-01`;
  }
}

/** How many days from `from` to `to`, both included (0 or less when from is after to). */
export const daySpan = (from: string, to: string): number =>
  (mustParseDay(to) - mustParseDay(from)) / DAY_MS + 1;

/** Every day from `from` to `to`, both included; empty when from is after to. */
export function daysInRange(from: string, to: string): string[] {
  const end = mustParseDay(to);
  const days: string[] = [];
  for (let ms = mustParseDay(from); ms <= end; ms += DAY_MS) days.push(formatDay(ms));
  return days;
}

// ---------------------------------------------------------------------------------------------------
// Folding per-day aggregates into figures

/** One aggregate: the counters of one UTC day and one segment value (the store's AggregateRow fits). */
export type ResultRow = { day: string; value: string; counters: Counters };

/**
 * Folds the per-day rows of one dimension into the overall figures and the trend. Rows must be one
 * partition of the answers: either the campaign-wide aggregates or every value of one segment property,
 * never both, or answers would be counted twice.
 *
 * With `range`, the trend has every period that overlaps from..to, in order, periods without any
 * counts included as zeros, so a chart has no gaps; rows outside the range are ignored. Without it, the
 * trend has only the periods that have rows. A period is named by its first day, which for a week or a
 * month may fall before `from`; its figures still count only the days inside the range.
 *
 * Counts are exact: overall equals the sum of the trend periods.
 */
export function summarize(
  rows: readonly ResultRow[],
  interval: Interval,
  range?: { from: string; to: string },
): { overall: Stats; trend: ({ period: string } & Stats)[]; counters: Counters } {
  const byPeriod = new Map<string, Counters>();
  if (range) {
    for (const day of daysInRange(range.from, range.to)) {
      const period = periodOf(day, interval);
      if (!byPeriod.has(period)) byPeriod.set(period, emptyCounters());
    }
  }
  let overall = emptyCounters();
  for (const row of rows) {
    if (range && (row.day < range.from || row.day > range.to)) continue;
    const period = periodOf(row.day, interval);
    byPeriod.set(period, combineCounters(byPeriod.get(period) ?? emptyCounters(), row.counters));
    overall = combineCounters(overall, row.counters);
  }
  const trend = [...byPeriod.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([period, counters]) => ({ period, ...statsOf(counters) }));
  return { overall: statsOf(overall), trend, counters: overall };
}
