import { roundHalfAwayFromZero as round } from "./rounding";
/**
 * Whether two groups of answers really differ (two segments, two periods): two-sided z-tests on the
 * per-answer scores, from counts only.
 *
 * Variances are sample variances (divided by n − 1), not population ones: they are unbiased, which
 * matters in the small groups a segment can have (at 2 answers the population variance is half the
 * unbiased one and would make differences look significant twice as easily), and they need exactly the
 * "at least 2 answers" that the figures below already require. Each group keeps its own variance
 * (unpooled, Welch-style): segments differ in spread as much as in level.
 *
 * `significant` is read from the p-value as shown, rounded, so a figure never says "p = 0.0500,
 * significant".
 */

/** Below this p-value a difference is called significant. */
export const SIGNIFICANCE_LEVEL = 0.05;

export type Difference = {
  /** NPS of a minus NPS of b, in points, 1 decimal. */
  npsDifference: number | null;
  /** Two-sided p-value of the difference, 4 decimals. */
  pValue: number | null;
  significant: boolean | null;
};

export type MeanDifference = {
  /** Mean satisfaction of a minus that of b, 2 decimals. */
  meanDifference: number | null;
  /** Two-sided p-value of the difference, 4 decimals. */
  pValue: number | null;
  significant: boolean | null;
};

export type NpsCounts = { promoters: number; detractors: number; responses: number };

// W. J. Cody, "Rational Chebyshev approximations for the error function", Mathematics of Computation
// 23 (1969) 631–637, as in Netlib SPECFUN CALERF: relative error below 6e-19 in exact arithmetic, so
// double rounding is what limits it. Abramowitz–Stegun 7.1.26 (error 1.5e-7) would be useless for
// small p-values, which is where a test of many segments needs them. The published 18-digit
// coefficients are written here as the doubles they round to (the same values at run time).
const A = [3.1611237438705655, 113.86415415105016, 377.485237685302, 3209.3775891384694, 0.18577770618460315];
const B = [23.601290952344122, 244.02463793444417, 1282.6165260773723, 2844.236833439171];
const C = [
  0.5641884969886701, 8.883149794388377, 66.11919063714163, 298.6351381974001, 881.952221241769,
  1712.0476126340707, 2051.0783778260716, 1230.3393547979972, 2.1531153547440383e-8,
];
const D = [
  15.744926110709835, 117.6939508913125, 537.1811018620099, 1621.3895745666903, 3290.7992357334597,
  4362.619090143247, 3439.3676741437216, 1230.3393548037495,
];
const P = [
  0.30532663496123236, 0.36034489994980445, 0.12578172611122926, 0.016083785148742275, 0.0006587491615298378,
  0.016315387137302097,
];
const Q = [
  2.568520192289822, 1.8729528499234604, 0.5279051029514285, 0.06051834131244132, 0.0023352049762686918,
];
const ONE_OVER_SQRT_PI = 0.5641895835477563;
/** erfc underflows to 0 beyond this. */
const ERFC_ZERO_BEYOND = 26.543;

const c = (coefficients: readonly number[], index: number): number => coefficients[index] as number;

/**
 * exp(−x²) without the error of squaring x first: x = whole sixteenths + rest, and the cross term is
 * computed apart (Cody's own device), so the relative error stays near rounding even for large x.
 */
function expMinusSquare(x: number): number {
  const head = Math.trunc(16 * x) / 16;
  const rest = (x - head) * (x + head);
  return Math.exp(-head * head) * Math.exp(-rest);
}

/** erfc(x) for x ≥ 0. */
function erfc(x: number): number {
  if (x <= 0.46875) {
    const square = x * x;
    let numerator = c(A, 4) * square;
    let denominator = square;
    for (let i = 0; i < 3; i++) {
      numerator = (numerator + c(A, i)) * square;
      denominator = (denominator + c(B, i)) * square;
    }
    return 1 - (x * (numerator + c(A, 3))) / (denominator + c(B, 3));
  }
  if (x <= 4) {
    let numerator = c(C, 8) * x;
    let denominator = x;
    for (let i = 0; i < 7; i++) {
      numerator = (numerator + c(C, i)) * x;
      denominator = (denominator + c(D, i)) * x;
    }
    return (expMinusSquare(x) * (numerator + c(C, 7))) / (denominator + c(D, 7));
  }
  if (x >= ERFC_ZERO_BEYOND) return 0;
  const inverseSquare = 1 / (x * x);
  let numerator = c(P, 5) * inverseSquare;
  let denominator = inverseSquare;
  for (let i = 0; i < 4; i++) {
    numerator = (numerator + c(P, i)) * inverseSquare;
    denominator = (denominator + c(Q, i)) * inverseSquare;
  }
  const tail = (inverseSquare * (numerator + c(P, 4))) / (denominator + c(Q, 4));
  return (expMinusSquare(x) * (ONE_OVER_SQRT_PI - tail)) / x;
}

/**
 * 2·(1 − Φ(|z|)), the two-sided p-value of a standard normal statistic, as erfc(|z|/√2): computing
 * 1 − Φ directly would cancel to 0 beyond z ≈ 8. Relative error below 1e-12 over the whole range
 * (rounding z/√2 costs about z²·1e-16); 0 beyond |z| ≈ 37.5, where the true value is below 1e-300.
 * NaN gives NaN.
 */
export function twoSidedPValue(z: number): number {
  return erfc(Math.abs(z) / Math.SQRT2);
}

/**
 * The p-value of a difference over its standard error, with the degenerate case handled: no spread on
 * either side means the difference is certain, so p is 0, or 1 when there is no difference at all.
 */
function pValueOf(difference: number, standardError: number): number {
  if (!(standardError > 0)) return difference === 0 ? 1 : 0;
  return twoSidedPValue(difference / standardError);
}

const isCount = (x: number): boolean => Number.isSafeInteger(x) && x >= 0;

/** a·b − c·d on integers, exactly (BigInt: each product may pass 2^53 for groups above ~1e8 answers). */
const exactDifferenceOfProducts = (a: number, b: number, c: number, d: number): number =>
  Number(BigInt(a) * BigInt(b) - BigInt(c) * BigInt(d));

const verdict = (pValue: number) => {
  const shown = round(pValue, 4);
  return { pValue: shown, significant: shown < SIGNIFICANCE_LEVEL };
};

/**
 * NPS of a minus NPS of b, and whether it is significant. NPS is 100 × the mean of the recode (+1
 * promoter, 0 passive, −1 detractor); with counts P, D of n answers its sample variance is
 *   ((P + D)·n − (P − D)²) / (n·(n − 1)),
 * the numerator on integers so it is exact and never negative. Null fields under 2 answers on either
 * side, or for counts that are not counts (negative, fractional, promoters + detractors > responses).
 */
export function npsDifference(a: NpsCounts, b: NpsCounts): Difference {
  const valid = (g: NpsCounts) =>
    isCount(g.promoters) &&
    isCount(g.detractors) &&
    isCount(g.responses) &&
    g.promoters + g.detractors <= g.responses;
  if (!valid(a) || !valid(b) || a.responses < 2 || b.responses < 2) {
    return { npsDifference: null, pValue: null, significant: null };
  }
  const mean = (g: NpsCounts) => (g.promoters - g.detractors) / g.responses;
  const varianceOfMean = (g: NpsCounts) => {
    const n = g.responses;
    const net = g.promoters - g.detractors;
    const spread = exactDifferenceOfProducts(g.promoters + g.detractors, n, net, net);
    return Math.max(0, spread) / (n * (n - 1)) / n;
  };
  const difference = mean(a) - mean(b);
  return {
    npsDifference: round(100 * difference, 1),
    ...verdict(pValueOf(difference, Math.sqrt(varianceOfMean(a) + varianceOfMean(b)))),
  };
}

/**
 * Mean satisfaction of a minus that of b, from the CSAT histograms (`counts[i]` answers rated i + 1,
 * i from 0 to 4), with the same test as npsDifference. Null fields under 2 ratings on either side or for
 * histograms that are not 5 counts.
 */
export function csatMeanDifference(a: readonly number[], b: readonly number[]): MeanDifference {
  const moments = (counts: readonly number[]) => {
    let n = 0;
    let sum = 0;
    let sumOfSquares = 0;
    counts.forEach((count, index) => {
      n += count;
      sum += count * (index + 1);
      sumOfSquares += count * (index + 1) ** 2;
    });
    return { n, sum, sumOfSquares };
  };
  const valid = (counts: readonly number[]) => counts.length === 5 && counts.every(isCount);
  const ma = moments(a);
  const mb = moments(b);
  if (!valid(a) || !valid(b) || ma.n < 2 || mb.n < 2) {
    return { meanDifference: null, pValue: null, significant: null };
  }
  // Sample variance (n·Σx² − (Σx)²) / (n·(n − 1)), numerator on integers; divided by n for the mean.
  const varianceOfMean = (m: { n: number; sum: number; sumOfSquares: number }) =>
    Math.max(0, exactDifferenceOfProducts(m.n, m.sumOfSquares, m.sum, m.sum)) / (m.n * (m.n - 1)) / m.n;
  const difference = ma.sum / ma.n - mb.sum / mb.n;
  return {
    meanDifference: round(difference, 2),
    ...verdict(pValueOf(difference, Math.sqrt(varianceOfMean(ma) + varianceOfMean(mb)))),
  };
}
