import {
  choleskySolve,
  type EigenDecomposition,
  jacobiEigen,
  multiply,
  principalSubmatrix,
  type SymmetricMatrix,
  spectralFunction,
} from "./linear-algebra";
import { roundHalfAwayFromZero as round } from "./rounding";

/**
 * Which attribute drives loyalty: the figures of a driver analysis, computed from additive sums over
 * the "complete answers" (those that rated every attribute of the campaign) and never from raw rows, so
 * a results call can add up per-day counters and still get exact correlations.
 *
 * y is the NPS recode in units of 100 (+1 promoter, 0 passive, −1 detractor), so a correlation with y is
 * a correlation with the NPS an answer contributes; x_j is the 1–5 rating of attribute j.
 */

/** Integer sums over the complete answers; `sumX`, `sumXY` and `sumXX` are indexed like `keys`. */
export type AttributeMoments = {
  /** Attribute keys, in campaign order. */
  readonly keys: readonly string[];
  /** Complete answers. */
  readonly n: number;
  /** Σ y. */
  readonly sumY: number;
  /** Σ y² (promoters plus detractors). */
  readonly sumYY: number;
  /** Σ x_j. */
  readonly sumX: readonly number[];
  /** Σ x_j·y. */
  readonly sumXY: readonly number[];
  /** Σ x_i·x_j, symmetric k×k. */
  readonly sumXX: readonly (readonly number[])[];
};

/**
 * Below this many complete answers no correlation is shown: at n = 30 the 95% interval of a correlation
 * near 0 is already ±0.36 wide, and fewer answers would rank attributes on noise.
 */
export const MIN_DRIVER_RESPONSES = 30;

/** Shapley values need R² of all 2^k subsets; campaigns have at most 8 attributes (256 subsets). */
export const MAX_SHAPLEY_ATTRIBUTES = 8;

/**
 * Smallest eigenvalue of the attribute correlation matrix, relative to the largest, under which the
 * matrix counts as singular: the weights would then divide by (almost) zero and be arbitrary.
 */
export const COLLINEARITY_TOLERANCE = 1e-9;

export type AttributeDriver = {
  key: string;
  /** Mean rating 1–5 over the complete answers, 2 decimals; null without any. */
  mean: number | null;
  /** Pearson correlation with the NPS recode, 3 decimals. */
  correlation: number | null;
  /** 95% interval of `correlation` (Fisher z), 3 decimals; null at 3 answers or fewer. */
  correlationInterval: [number, number] | null;
  /** Johnson's relative weight as a share of R² (the shares add up to 1), 4 decimals. */
  importance: number | null;
  /** Shapley value (LMG) in R² units (the values add up to `r2`), 4 decimals. */
  shapley: number | null;
};

export type Drivers = {
  /** Complete answers the figures are computed from. */
  responses: number;
  /** R² of the linear model of the recode on every attribute, 4 decimals. */
  r2: number | null;
  /** Why some figures are null, as a sentence; null when every figure is given. */
  note: string | null;
  /** By importance, highest first; attributes without importance last, in campaign order. */
  attributes: AttributeDriver[];
};

/** "a", "a and b", "a, b and c". */
function listOf(names: readonly string[]): string {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/**
 * n·Σab − Σa·Σb, which is n² times the covariance: on integers, in BigInt, because at n near 1e9 each
 * product is near 2.5e19, beyond the 2^53 up to which a double is exact, and the difference of two such
 * products can be small (an attribute almost everyone rates the same). Only the exact result is rounded.
 */
function centered(n: number, sumAB: number, sumA: number, sumB: number): number {
  return Number(BigInt(n) * BigInt(sumAB) - BigInt(sumA) * BigInt(sumB));
}

const safeInteger = (x: unknown): x is number => Number.isSafeInteger(x);

/** Pearson correlation from centered sums, clamped to [−1, 1] against rounding. */
const correlationOf = (sab: number, saa: number, sbb: number): number =>
  Math.max(-1, Math.min(1, sab / (Math.sqrt(saa) * Math.sqrt(sbb))));

/** 95% interval by Fisher's z: atanh(r) is close to normal with standard error 1/√(n−3). */
function fisherInterval(r: number, n: number): [number, number] | null {
  if (n <= 3) return null;
  // atanh(±1) is infinite: a perfect correlation gets the (degenerate) interval at its end instead.
  const clamped = Math.max(-1 + Number.EPSILON, Math.min(1 - Number.EPSILON, r));
  const z = Math.atanh(clamped);
  const half = 1.96 / Math.sqrt(n - 3);
  return [round(Math.tanh(z - half), 3), round(Math.tanh(z + half), 3)];
}

const isSingular = (eigen: EigenDecomposition): boolean => {
  const largest = eigen.values[0] ?? 0;
  const smallest = eigen.values[eigen.values.length - 1] ?? 0;
  return !(largest > 0) || !(smallest > COLLINEARITY_TOLERANCE * largest);
};

/**
 * R² of the linear model of y on the predictors, from correlations: r_xyᵀ·Rxx⁻¹·r_xy. Null when Rxx is
 * (nearly) singular.
 */
export function rSquared(rxx: SymmetricMatrix, rxy: readonly number[]): number | null {
  if (rxy.length === 0) return 0;
  const solution = choleskySolve(rxx, rxy, COLLINEARITY_TOLERANCE);
  return solution === null ? null : solution.reduce((sum, b, j) => sum + b * (rxy[j] ?? 0), 0);
}

/**
 * Johnson's relative weights (Johnson 2000, "A heuristic method for estimating the relative weight of
 * predictor variables in multiple regression"): the raw weights ε_j, in R² units, adding up to R².
 * The predictors are replaced by their closest orthogonal counterparts Z = X·Rxx^{−1/2}; y is regressed
 * on Z (β = Rxx^{−1/2}·r_xy) and each Z_k is split back onto the X_j by Λ = Rxx^{1/2}, whose squared
 * entries add up to 1 per column: ε_j = Σ_k Λ[j][k]²·β_k². Null when Rxx is (nearly) singular.
 */
export function relativeWeights(
  rxx: SymmetricMatrix,
  rxy: readonly number[],
): { weights: number[]; r2: number } | null {
  const eigen = jacobiEigen(rxx);
  if (isSingular(eigen)) return null;
  const lambda = spectralFunction(eigen, Math.sqrt);
  const beta = multiply(
    spectralFunction(eigen, (value) => 1 / Math.sqrt(value)),
    rxy,
  );
  const weights = lambda.map((row) => row.reduce((sum, l, k) => sum + l * l * (beta[k] ?? 0) ** 2, 0));
  return { weights, r2: weights.reduce((sum, w) => sum + w, 0) };
}

/**
 * Shapley values of R² (the LMG measure of Lindeman, Merenda and Gold 1980; general dominance in
 * dominance analysis): each predictor's gain in R² when it joins, averaged over every order in which
 * the predictors can join. Exact over all 2^k subsets:
 *   φ_j = Σ over S ⊆ others of |S|!·(k−|S|−1)!/k! · (R²(S ∪ {j}) − R²(S)).
 * They add up to R² of the full model. Null when Rxx is (nearly) singular or k > MAX_SHAPLEY_ATTRIBUTES.
 */
export function shapleyValues(rxx: SymmetricMatrix, rxy: readonly number[]): number[] | null {
  const k = rxy.length;
  if (k > MAX_SHAPLEY_ATTRIBUTES) return null;
  const subsets = 1 << k;
  const r2 = new Array<number>(subsets).fill(0);
  for (let mask = 1; mask < subsets; mask++) {
    const members = Array.from({ length: k }, (_, j) => j).filter((j) => mask & (1 << j));
    const value = rSquared(
      principalSubmatrix(rxx, members),
      members.map((j) => rxy[j] ?? 0),
    );
    if (value === null) return null;
    r2[mask] = value;
  }
  const factorial = [1];
  for (let i = 1; i <= k; i++) factorial.push((factorial[i - 1] as number) * i);
  const weightOf = (size: number) =>
    ((factorial[size] as number) * (factorial[k - size - 1] as number)) / (factorial[k] as number);

  const values = new Array<number>(k).fill(0);
  for (let mask = 0; mask < subsets; mask++) {
    let size = 0;
    for (let j = 0; j < k; j++) if (mask & (1 << j)) size++;
    for (let j = 0; j < k; j++) {
      if (mask & (1 << j)) continue;
      values[j] =
        (values[j] as number) + weightOf(size) * ((r2[mask | (1 << j)] as number) - (r2[mask] as number));
    }
  }
  return values;
}

/**
 * The attributes a (near-)dependency ties together: those that load on an eigenvector of a (nearly)
 * zero eigenvalue. For two identical attributes that vector is (1/√2, −1/√2, 0, …).
 */
function collinearIndices(eigen: EigenDecomposition): number[] {
  const largest = eigen.values[0] ?? 0;
  const involved = new Set<number>();
  eigen.values.forEach((value, k) => {
    if (value > COLLINEARITY_TOLERANCE * largest) return;
    const column = eigen.vectors.map((row) => Math.abs(row[k] ?? 0));
    const top = Math.max(...column);
    column.forEach((loading, j) => {
      if (loading >= 0.1 * top) involved.add(j);
    });
  });
  return [...involved].sort((a, b) => a - b);
}

const RECODE_GROUP: Record<string, string> = {
  "1": "all promoters",
  "0": "all passives",
  "-1": "all detractors",
};

/**
 * The driver analysis of one set of complete answers. Never throws and never returns NaN or Infinity:
 * whatever cannot be measured is null, and `note` says why (the first reason that applies).
 * Under `minResponses` answers only the means are given.
 */
export function driversOf(moments: AttributeMoments, minResponses = MIN_DRIVER_RESPONSES): Drivers {
  const { keys, n, sumY, sumYY } = moments;
  const k = keys.length;
  const sumX = keys.map((_, j) => moments.sumX[j]);
  const sumXY = keys.map((_, j) => moments.sumXY[j]);
  const sumXX = keys.map((_, i) => keys.map((_, j) => moments.sumXX[i]?.[j]));

  const bare = (note: string, withMeans: boolean): Drivers => ({
    responses: safeInteger(n) && n > 0 ? n : 0,
    r2: null,
    note,
    attributes: keys.map((key, j) => ({
      key,
      mean: withMeans && n > 0 ? round((sumX[j] as number) / n, 2) : null,
      correlation: null,
      correlationInterval: null,
      importance: null,
      shapley: null,
    })),
  });

  const sums = [n, sumY, sumYY, ...sumX, ...sumXY, ...sumXX.flat()];
  if (!sums.every(safeInteger) || n < 0) {
    return bare("the stored sums are incomplete or not whole numbers, so no driver can be computed", false);
  }
  if (k === 0) return bare("the campaign has no attributes to rate", true);
  if (n === 0 && minResponses <= 0) return bare("no answer rated every attribute", true);
  if (n < minResponses || n === 0) {
    return bare(`fewer than ${minResponses} answers rated every attribute (${n})`, true);
  }

  // Centered sums of squares and cross-products (n² times the covariances); a negative value could only
  // come from inconsistent sums, and counts as no spread.
  const syy = Math.max(0, centered(n, sumYY, sumY, sumY));
  const sxx = keys.map((_, i) =>
    keys.map((_, j) => centered(n, sumXX[i]?.[j] as number, sumX[i] as number, sumX[j] as number)),
  );
  const spread = keys.map((_, j) => Math.max(0, sxx[j]?.[j] ?? 0));
  const sxy = keys.map((_, j) => centered(n, sumXY[j] as number, sumX[j] as number, sumY));
  const varies = spread.map((s) => s > 0);

  const rxy = keys.map((_, j) =>
    varies[j] && syy > 0 ? correlationOf(sxy[j] as number, spread[j] as number, syy) : null,
  );
  const attributes = (importance: (number | null)[], shapley: (number | null)[]): AttributeDriver[] =>
    keys.map((key, j) => {
      const r = rxy[j] ?? null;
      return {
        key,
        mean: round((sumX[j] as number) / n, 2),
        correlation: r === null ? null : round(r, 3),
        correlationInterval: r === null ? null : fisherInterval(r, n),
        importance: importance[j] ?? null,
        shapley: shapley[j] ?? null,
      };
    });
  const none = keys.map(() => null);
  const result = (r2: number | null, note: string | null, list: AttributeDriver[]): Drivers => ({
    responses: n,
    r2,
    note,
    attributes: sortByImportance(list),
  });

  if (!(syy > 0)) {
    const group = RECODE_GROUP[String(sumY / n)];
    const detail = group === undefined ? "" : ` (${group})`;
    return result(
      null,
      `everyone gave the same recommendation group${detail}, so no attribute can explain it`,
      attributes(none, none),
    );
  }
  const constant = keys.filter((_, j) => !varies[j]);
  if (constant.length > 0) {
    const note =
      constant.length === 1
        ? `everyone rated ${constant[0]} the same, so its importance cannot be measured`
        : `each of ${listOf(constant)} got the same rating from everyone, so their importance cannot be measured`;
    return result(null, note, attributes(none, none));
  }

  const rxx = keys.map((_, i) =>
    keys.map((_, j) =>
      i === j ? 1 : correlationOf(sxx[i]?.[j] as number, spread[i] as number, spread[j] as number),
    ),
  );
  const r = rxy.map((value) => value ?? 0);
  const eigen = jacobiEigen(rxx);
  const weights = isSingular(eigen) ? null : relativeWeights(rxx, r);
  if (weights === null) {
    const tied = collinearIndices(eigen).map((j) => keys[j] as string);
    const note =
      tied.length >= 2
        ? `${listOf(tied)} move together (their ratings are collinear), so their weights cannot be told apart`
        : "some attributes move together (their ratings are collinear), so their weights cannot be told apart";
    return result(null, note, attributes(none, none));
  }

  const r2 = rSquared(rxx, r) ?? weights.r2;
  const shapley = shapleyValues(rxx, r);
  const shapleyFigures = shapley === null ? none : shapley.map((value) => round(value, 4));
  let note: string | null =
    shapley === null
      ? `Shapley values are computed for up to ${MAX_SHAPLEY_ATTRIBUTES} attributes (this campaign has ${k})`
      : null;
  let importance: (number | null)[];
  if (weights.r2 > 0 && Number.isFinite(weights.r2)) {
    importance = weights.weights.map((w) => round(w / weights.r2, 4));
  } else {
    // Every correlation is exactly 0: there is no explained variance to share out.
    importance = none;
    note = "the ratings explain none of the recommendation (R² is 0), so there is no importance to share out";
  }
  return result(round(r2, 4), note, attributes(importance, shapleyFigures));
}

/** Highest importance first; a stable sort keeps campaign order among ties and nulls, which go last. */
function sortByImportance(list: AttributeDriver[]): AttributeDriver[] {
  return [...list].sort((a, b) => {
    if (a.importance === null || b.importance === null) {
      return (a.importance === null ? 1 : 0) - (b.importance === null ? 1 : 0);
    }
    return b.importance - a.importance;
  });
}
