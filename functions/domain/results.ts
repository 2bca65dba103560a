import { PROPERTY_NAME } from "./campaign";
import { caseStatsSchema } from "./case";
import { type Counters, combineCounters, emptyCounters, isZero } from "./counters";
import { differenceOf, differenceSchema, driversSchema } from "./insight";
import {
  addDays,
  daySpan,
  INTERVALS,
  type Interval,
  isCalendarDate,
  type ResultRow,
  statsOf,
} from "./summary";
import { type Checked, check, invalidWith, valid } from "./validation";
import * as z from "./zod";

// The figures' arithmetic needs no schema: it lives in summary.ts, and is this module's API too.
export {
  addDays,
  daysInRange,
  INTERVALS,
  type Interval,
  isCalendarDate,
  periodOf,
  type ResultRow,
  roundRatio,
  statsOf,
  summarize,
} from "./summary";

/**
 * The figures of a results call, derived from additive Counters only: a results call sums
 * per-day aggregates and never reads raw responses, so its cost does not grow with the answers.
 */

const count = (description: string) => z.int().check(z.gte(0), z.describe(description));
const mean = (description: string) =>
  z.nullable(z.number().check(z.gte(1), z.lte(5))).check(z.describe(description));

/** The fields of Stats, shared with the per-segment and per-period figures, which add one each. */
const statsShape = {
  sent: count("Surveys sent, counted on the day each email went out."),
  responses: count(
    "Surveys answered, counted on the day of the first answer (an edit does not count again); `scores` sums to this.",
  ),
  responseRate: z
    .nullable(z.number().check(z.gte(0)))
    .check(
      z.describe(
        "responses / sent, 4 decimals; null when nothing was sent. Never clamped: answers count on their day and " +
          "sends on theirs, so at the edges of a range it can exceed 1.",
      ),
    ),
  promoters: count("Answers scoring 9 or 10."),
  passives: count("Answers scoring 7 or 8."),
  detractors: count("Answers scoring 0 to 6."),
  nps: z
    .nullable(z.number().check(z.gte(-100), z.lte(100)))
    .check(
      z.describe(
        "Net Promoter Score, 100 × (promoters − detractors) / responses: −100 to 100, 1 decimal; null without " +
          "responses.",
      ),
    ),
  npsMarginOfError: z
    .nullable(z.number().check(z.gte(0)))
    .check(
      z.describe(
        "Half-width of the 95% confidence interval of nps, in points, 1 decimal; null under 2 responses.",
      ),
    ),
  csat: z
    .object({
      responses: count("Answers that rated satisfaction."),
      mean: mean("Mean satisfaction, 1–5, 2 decimals; null when no one rated it."),
      satisfiedPercent: z
        .nullable(z.number().check(z.gte(0), z.lte(100)))
        .check(
          z.describe(
            "Share of satisfaction ratings that are 4 or 5, in percent, 1 decimal; null when no one rated it.",
          ),
        ),
    })
    .check(z.describe("The satisfaction question (CSAT, 1–5), for campaigns that ask it.")),
  scores: z
    .array(z.int().check(z.gte(0)))
    .check(
      z.length(11),
      z.describe("The score histogram: `scores[n]` counts the answers scoring n, for n from 0 to 10."),
    ),
  attributes: z
    .record(
      z.string(),
      z.object({
        responses: count("Answers that rated this attribute."),
        mean: mean("Mean rating of this attribute, 1–5, 2 decimals; null when no one rated it."),
      }),
    )
    .check(z.describe("The ratings of each attribute, by attribute key; a key no one rated is absent.")),
};

/** One block of result figures: the `Stats` of the OpenAPI document. */
export const statsSchema = z
  .object(statsShape)
  .check(z.describe("NPS, satisfaction and attribute figures of a set of answers."));
export type Stats = z.infer<typeof statsSchema>;

// ---------------------------------------------------------------------------------------------------
// The query of GET /v1/campaigns/{campaignId}/results

/** The default range: the last 30 days, today (UTC) included. */
export const DEFAULT_RANGE_DAYS = 30;
/**
 * The longest range one call may read. A results call reads one aggregate per day (and per segment
 * value), so its cost is O(days): bounding the range bounds the cost and the latency of every call,
 * whatever a caller asks. 366 days covers any full year, leap years included.
 */
export const MAX_RANGE_DAYS = 366;

// The format is only what the document shows: the refinement is what checks a date.
const dateParam = z
  .string()
  .check(
    z.refine(isCalendarDate, "must be a calendar date YYYY-MM-DD (UTC), e.g. 2026-03-31"),
    z.meta({ format: "date" }),
  );

/**
 * The query string, every value a string. `segment` is only checked for shape here: whether it is one
 * of the campaign's segmentBy properties needs the campaign, so the handler checks that (400 on
 * `segment` otherwise).
 */
export const resultsQuerySchema = z.strictObject({
  from: z
    .optional(dateParam)
    .check(
      z.describe(
        `First UTC day of the range (YYYY-MM-DD, inclusive); default ${DEFAULT_RANGE_DAYS - 1} days before \`to\`, ` +
          `${DEFAULT_RANGE_DAYS} days in all.`,
      ),
    ),
  to: z
    .optional(dateParam)
    .check(
      z.describe(
        `Last UTC day of the range (YYYY-MM-DD, inclusive), not before \`from\`; default today (UTC). A range ` +
          `spans at most ${MAX_RANGE_DAYS} days.`,
      ),
    ),
  segment: z
    .optional(z.string().check(z.regex(PROPERTY_NAME, "must be 1-64 letters, digits, '_', '.' or '-'")))
    .check(
      z.describe(
        "One of the campaign's `segmentBy` properties: the answer then adds `segments`, the figures per value of " +
          "that property.",
      ),
    ),
  compare: z
    .optional(z.enum(["previous"]))
    .check(
      z.describe(
        "`previous` adds `previous`, the figures of the range of the same length just before, and `change`, how " +
          "this range differs from it and whether that is significant.",
      ),
    ),
  interval: z
    ._default(z.enum(INTERVALS), "day")
    .check(
      z.describe(
        "The length of each period of the trend: `day`, `week` (starting on Monday) or `month`; default `day`.",
      ),
    ),
});
export type ResultsQueryInput = z.input<typeof resultsQuerySchema>;

/** A results query with every default applied and every rule checked. */
export type ResultsQuery = {
  from: string;
  to: string;
  segment: string | null;
  interval: Interval;
  compare: "previous" | null;
};

const day = (description: string) => z.iso.date().check(z.describe(description));

/** The figures of one value of the segment property. */
export const segmentStatsSchema = z
  .object({
    value: z
      .string()
      .check(
        z.describe(
          "The property's value, trimmed and lower-cased; `(none)` for purchases without it, `(other)` for " +
            "values beyond the first 200 of the campaign.",
        ),
      ),
    ...statsShape,
    vsRest: differenceSchema.clone(),
  })
  .check(z.describe("The figures of the answers whose purchase had one value of the segment property."));

/** The figures of one period of the trend. */
export const periodStatsSchema = z
  .object({
    period: day(
      "The period's first day (UTC): the day itself, the Monday of its week or the first of its month.",
    ),
    ...statsShape,
  })
  .check(z.describe("The figures of one period of the trend (only its days within the range)."));

// A clone keeps a link to its original, so the document refers to Stats here instead of copying it.
const overallStats = statsSchema.clone();
z.globalRegistry.add(overallStats, {
  description: "The figures of the whole range, every answer counted once.",
});

/** The answer of GET …/results. */
export const resultsSchema = z
  .object({
    campaignId: z.string().check(z.describe("The campaign's id.")),
    from: day("First UTC day of the range, inclusive: the `from` asked for, or its default."),
    to: day("Last UTC day of the range, inclusive: the `to` asked for, or today."),
    interval: z.enum(INTERVALS).check(z.describe("The length of each period of the trend.")),
    segment: z
      .optional(z.string())
      .check(
        z.describe("The property the figures are broken down by; present only when `segment` was asked."),
      ),
    overall: overallStats,
    segments: z
      .optional(z.array(segmentStatsSchema))
      .check(
        z.describe(
          "With `segment` only: one entry per value seen, most responses first; their counts add up to `overall`.",
        ),
      ),
    trend: z
      .array(periodStatsSchema)
      .check(
        z.describe("Every period of the range in order, zeros included; their counts add up to `overall`."),
      ),
    cases: z
      .optional(caseStatsSchema)
      .check(
        z.describe(
          "While the campaign has alert rules (`followUp`) only: its cases opened in the range, how many are " +
            "resolved, and how soon customers heard back.",
        ),
      ),
    previous: z
      .optional(statsSchema)
      .check(
        z.describe(
          "With `compare=previous` only: the figures of the range of the same length just before `from`.",
        ),
      ),
    change: z
      .optional(differenceSchema)
      .check(z.describe("With `compare=previous` only: this range against the previous one.")),
    drivers: z.optional(driversSchema),
  })
  .check(
    z.describe(
      "NPS, satisfaction and attribute figures of a date range: overall, per segment value, and over time.",
    ),
  );
export type Results = z.infer<typeof resultsSchema>;

/**
 * Validates a results query (as the query-string record) and fills its defaults: `to` is today (UTC),
 * `from` is 29 days before `to` (the last 30 days, both ends included). Invalid: every unknown
 * parameter and malformed value; once those are fine, `from` after `to` or a range longer than
 * MAX_RANGE_DAYS (reported on `from`).
 */
export function resolveResultsQuery(query: unknown, now: Date): Checked<ResultsQuery> {
  const parsed = check(resultsQuerySchema, query);
  if (!parsed.ok) return parsed;
  const to = parsed.value.to ?? now.toISOString().slice(0, 10);
  const from = parsed.value.from ?? addDays(to, -(DEFAULT_RANGE_DAYS - 1));
  if (from > to) return invalidWith({ field: "from", message: `must not be after to (${to})` });
  const days = daySpan(from, to);
  if (days > MAX_RANGE_DAYS) {
    return invalidWith({
      field: "from",
      message: `the range from..to must span at most ${MAX_RANGE_DAYS} days (this one spans ${days})`,
    });
  }
  return valid({
    from,
    to,
    segment: parsed.value.segment ?? null,
    interval: parsed.value.interval,
    compare: parsed.value.compare ?? null,
  });
}

// ---------------------------------------------------------------------------------------------------
// Folding per-day aggregates into results

/**
 * The figures per segment value, one entry per value with any counts in the rows (values whose counts
 * were all undone by edits are left out), sorted by responses, most first, then by value. The sum over
 * the values equals the overall figure of the same rows, so each value's `vsRest` compares it with
 * that sum less its own counts: the rest of the campaign in the range.
 */
export function segmentsOf(rows: readonly ResultRow[]): Results["segments"] & object {
  const byValue = new Map<string, Counters>();
  let total = emptyCounters();
  for (const row of rows) {
    byValue.set(row.value, combineCounters(byValue.get(row.value) ?? emptyCounters(), row.counters));
    total = combineCounters(total, row.counters);
  }
  return [...byValue.entries()]
    .filter(([, counters]) => !isZero(counters))
    .map(([value, counters]) => ({
      value,
      ...statsOf(counters),
      vsRest: differenceOf(counters, combineCounters(total, counters, -1)),
    }))
    .sort((a, b) => b.responses - a.responses || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}
