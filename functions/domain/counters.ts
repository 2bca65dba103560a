import type { Answer } from "./answer";
import { answerMoments } from "./moments";

/**
 * The additive counts behind every result figure. One aggregate item (campaign × segment value × UTC
 * day) holds one Counters; results add them up and derive NPS, CSAT and the rest (results.ts). Every
 * field is a sum, so concurrent writers can use DynamoDB ADD and edits can subtract.
 */
export type Counters = {
  sent: number;
  responses: number;
  /** scores[n]: answers with NPS score n, 0..10. */
  scores: number[];
  /** csat[n - 1]: answers with satisfaction n, 1..5. */
  csat: number[];
  /** Per attribute key: the sum of its 1..5 ratings and how many answers rated it. */
  attributes: Record<string, { sum: number; count: number }>;
  /**
   * Sums over the answers that rated every attribute (moments.ts): named sums such as
   * `<set>.N`, `<set>.price.Y`, from which driver analysis comes without reading a response.
   */
  moments: Record<string, number>;
};

export const emptyCounters = (): Counters => ({
  sent: 0,
  responses: 0,
  scores: new Array(11).fill(0),
  csat: new Array(5).fill(0),
  attributes: {},
  moments: {},
});

/** What one answer adds. */
export function answerCounters(answer: Answer): Counters {
  const counters = emptyCounters();
  counters.responses = 1;
  counters.scores[answer.score] = 1;
  if (answer.csat !== null) counters.csat[answer.csat - 1] = 1;
  for (const [key, rating] of Object.entries(answer.attributes))
    counters.attributes[key] = { sum: rating, count: 1 };
  if (answer.complete) counters.moments = answerMoments(answer.score, answer.attributes);
  return counters;
}

/** a + sign × b, field by field. */
export function combineCounters(a: Counters, b: Counters, sign: 1 | -1 = 1): Counters {
  const attributes: Counters["attributes"] = { ...a.attributes };
  for (const [key, value] of Object.entries(b.attributes)) {
    const base = attributes[key] ?? { sum: 0, count: 0 };
    attributes[key] = { sum: base.sum + sign * value.sum, count: base.count + sign * value.count };
  }
  const moments = { ...a.moments };
  for (const [name, value] of Object.entries(b.moments)) moments[name] = (moments[name] ?? 0) + sign * value;
  return {
    sent: a.sent + sign * b.sent,
    responses: a.responses + sign * b.responses,
    scores: a.scores.map((n, i) => n + sign * (b.scores[i] ?? 0)),
    csat: a.csat.map((n, i) => n + sign * (b.csat[i] ?? 0)),
    attributes,
    moments,
  };
}

export function isZero(counters: Counters): boolean {
  return (
    counters.sent === 0 &&
    counters.responses === 0 &&
    counters.scores.every((n) => n === 0) &&
    counters.csat.every((n) => n === 0) &&
    Object.values(counters.attributes).every((a) => a.sum === 0 && a.count === 0) &&
    Object.values(counters.moments).every((n) => n === 0)
  );
}

/** The dimension of the campaign-wide counts; "*" is not a valid property name, so it cannot clash. */
export const OVERALL = "*";

/**
 * An answer as recorded: with the aggregates it is counted in (so an edit subtracts exactly what was
 * added, even if the campaign's segments changed meanwhile) and the version an edit must find.
 */
export type RecordedAnswer = Answer & {
  countedIn: AggregateTarget[];
  token: string;
  createdAt: string;
  updatedAt: string;
  version: number;
  /** Set once its person's data was erased (the score and counts stay; the comment is gone). */
  erasedAt?: string;
};

/** One set of counters: the campaign × dimension (a segmentBy property, or OVERALL) × UTC day × value. */
export type AggregateTarget = { dimension: string; day: string; value: string };
export type AggregateRow = AggregateTarget & { counters: Counters };

/** One string per target, to collect counts per target in a Map. */
export const targetId = (target: AggregateTarget): string =>
  JSON.stringify([target.dimension, target.day, target.value]);

/** The counters one event moves: the campaign overall, and each segment property's value. */
export function targetsFor(day: string, segments: Record<string, string>): AggregateTarget[] {
  return [
    { dimension: OVERALL, day, value: OVERALL },
    ...Object.entries(segments).map(([dimension, value]) => ({ dimension, day, value })),
  ];
}

/** Segment values are normalized so a key cannot be abused: trimmed, case-folded, bounded. */
export const MAX_SEGMENT_VALUE_LENGTH = 100;
/** Per campaign and property, values beyond this many distinct ones are counted as OTHER_SEGMENT. */
export const MAX_SEGMENT_VALUES = 200;
export const OTHER_SEGMENT = "(other)";
export const NO_SEGMENT = "(none)";

export function normalizeSegmentValue(value: string | number | boolean | undefined): string {
  if (value === undefined) return NO_SEGMENT;
  const text = String(value).normalize("NFC").trim().replace(/\s+/g, " ").toLowerCase();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, "");
  return clean === "" ? NO_SEGMENT : [...clean].slice(0, MAX_SEGMENT_VALUE_LENGTH).join("");
}
