import type { AttributeMoments } from "./drivers";
import { fnv1a } from "./hash";

/**
 * The sufficient statistics of driver analysis, kept in the counters as named integer sums. Over the
 * answers that rated every attribute of the campaign (all of them, so the sums describe one set of
 * complete rows), with x the 1..5 ratings and y the NPS recode in units of 100 (+1 promoter, 0
 * passive, −1 detractor):
 *   `<set>.N` answers, `<set>.Y` Σy, `<set>.YY` Σy², `<set>.<i>` Σx_i, `<set>.<i>.Y` Σx_i·y and
 *   `<set>.<i>.<j>` Σx_i·x_j for i ≤ j,
 * where i and j are positions in the set's sorted keys (short names: a results call reads every sum
 * of every day, and pays for the bytes of their names). `<set>` names the attribute set (a hash of its
 * sorted keys): a campaign whose attributes change starts new sums instead of mixing rows that rated
 * different attributes. Sums of integers stay exact under ADD and subtraction.
 */

/** The name of an attribute set: 8 hex digits of a hash of its sorted keys. */
export function attributeSetId(keys: readonly string[]): string {
  return fnv1a([...keys].sort().join(","))
    .toString(16)
    .padStart(8, "0");
}

/** The NPS recode of a 0..10 score, in units of 100. */
export const npsRecode = (score: number): number => (score >= 9 ? 1 : score >= 7 ? 0 : -1);

/** What one answer that rated every attribute adds: its ratings' sums, squares and cross-products. */
export function answerMoments(
  score: number,
  ratings: Readonly<Record<string, number>>,
): Record<string, number> {
  const keys = Object.keys(ratings).sort();
  if (keys.length === 0) return {};
  const set = attributeSetId(keys);
  const y = npsRecode(score);
  const moments: Record<string, number> = { [`${set}.N`]: 1, [`${set}.Y`]: y, [`${set}.YY`]: y * y };
  for (const [i, a] of keys.entries()) {
    const x = ratings[a] ?? 0;
    moments[`${set}.${i}`] = x;
    moments[`${set}.${i}.Y`] = x * y;
    for (const [j, b] of keys.entries()) if (j >= i) moments[`${set}.${i}.${j}`] = x * (ratings[b] ?? 0);
  }
  return moments;
}

/** The sums over the answers that rated exactly the attributes `keys` (in that order) as matrices. */
export function attributeMoments(
  moments: Readonly<Record<string, number>>,
  keys: readonly string[],
): AttributeMoments {
  const set = attributeSetId(keys);
  const sorted = [...keys].sort();
  const position = (key: string) => sorted.indexOf(key);
  const sum = (name: string) => moments[`${set}.${name}`] ?? 0;
  const pair = (a: string, b: string) => {
    const [i, j] = [position(a), position(b)].sort((p, q) => p - q);
    return sum(`${i}.${j}`);
  };
  return {
    keys,
    n: sum("N"),
    sumY: sum("Y"),
    sumYY: sum("YY"),
    sumX: keys.map((a) => sum(`${position(a)}`)),
    sumXY: keys.map((a) => sum(`${position(a)}.Y`)),
    sumXX: keys.map((a) => keys.map((b) => pair(a, b))),
  };
}
