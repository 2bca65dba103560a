import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type AttributeMoments,
  type Drivers,
  driversOf,
  MIN_DRIVER_RESPONSES,
  relativeWeights,
  rSquared,
  shapleyValues,
} from "../../functions/domain/drivers";
import { jacobiEigen } from "../../functions/domain/linear-algebra";

// ---------------------------------------------------------------------------------------------------
// Independent figures from raw rows: plain loops, written without the code under test.

type Row = { x: number[]; y: number };

/** Mulberry32: a small seeded PRNG, so every generated data set is the same on every run. */
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

/** A standard normal draw (Box–Muller). */
const normal = (random: () => number) =>
  Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

const clamp = (x: number, low: number, high: number) => Math.min(high, Math.max(low, x));
const rating = (x: number) => clamp(Math.round(x), 1, 5);
const recode = (score: number) => (score >= 9 ? 1 : score >= 7 ? 0 : -1);

/**
 * Answers with planted structure: a latent "overall quality" drives the first attributes; the score
 * depends on attributes with weights `effects`, plus noise.
 */
function plantedAnswers(seed: number, count: number, loadings: number[], effects: number[]): Row[] {
  const random = prng(seed);
  return Array.from({ length: count }, () => {
    const quality = normal(random);
    const x = loadings.map((loading) => rating(3 + loading * quality + normal(random) * 0.9));
    const score = clamp(
      Math.round(6.5 + x.reduce((s, v, j) => s + (effects[j] ?? 0) * (v - 3), 0) + normal(random) * 1.6),
      0,
      10,
    );
    return { x, y: recode(score) };
  });
}

/** The moments as the counters store them: integer sums over the rows. */
function momentsOf(keys: string[], rows: readonly Row[]): AttributeMoments {
  const k = keys.length;
  const m = {
    keys,
    n: rows.length,
    sumY: 0,
    sumYY: 0,
    sumX: new Array<number>(k).fill(0),
    sumXY: new Array<number>(k).fill(0),
    sumXX: Array.from({ length: k }, () => new Array<number>(k).fill(0)),
  };
  for (const { x, y } of rows) {
    m.sumY += y;
    m.sumYY += y * y;
    for (let i = 0; i < k; i++) {
      m.sumX[i] = (m.sumX[i] as number) + (x[i] as number);
      m.sumXY[i] = (m.sumXY[i] as number) + (x[i] as number) * y;
      const row = m.sumXX[i] as number[];
      for (let j = 0; j < k; j++) row[j] = (row[j] as number) + (x[i] as number) * (x[j] as number);
    }
  }
  return m;
}

const column = (rows: readonly Row[], j: number) => rows.map((r) => r.x[j] as number);
const mean = (values: readonly number[]) => values.reduce((s, v) => s + v, 0) / values.length;

/** Pearson correlation over centered data. */
function pearson(a: readonly number[], b: readonly number[]): number {
  const ma = mean(a);
  const mb = mean(b);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    const da = (a[i] as number) - ma;
    const db = (b[i] as number) - mb;
    ab += da * db;
    aa += da * da;
    bb += db * db;
  }
  return ab / Math.sqrt(aa * bb);
}

/** Solves A·x = b by Gaussian elimination with partial pivoting. */
function gaussianSolve(a: number[][], b: number[]): number[] {
  const size = b.length;
  const m = a.map((row, i) => [...row, b[i] as number]);
  for (let col = 0; col < size; col++) {
    let pivot = col;
    for (let r = col + 1; r < size; r++) {
      if (Math.abs(m[r]?.[col] as number) > Math.abs(m[pivot]?.[col] as number)) pivot = r;
    }
    [m[col], m[pivot]] = [m[pivot] as number[], m[col] as number[]];
    const top = m[col] as number[];
    for (let r = col + 1; r < size; r++) {
      const row = m[r] as number[];
      const factor = (row[col] as number) / (top[col] as number);
      for (let c = col; c <= size; c++) row[c] = (row[c] as number) - factor * (top[c] as number);
    }
  }
  const x = new Array<number>(size).fill(0);
  for (let r = size - 1; r >= 0; r--) {
    const row = m[r] as number[];
    let sum = row[size] as number;
    for (let c = r + 1; c < size; c++) sum -= (row[c] as number) * (x[c] as number);
    x[r] = sum / (row[r] as number);
  }
  return x;
}

/** R² of the ordinary least squares fit of y on the attributes `subset` plus an intercept. */
function olsR2(rows: readonly Row[], subset: readonly number[]): number {
  const design = rows.map((r) => [1, ...subset.map((j) => r.x[j] as number)]);
  const y = rows.map((r) => r.y);
  const p = subset.length + 1;
  const xtx = Array.from({ length: p }, (_, i) =>
    Array.from({ length: p }, (_, j) => design.reduce((s, d) => s + (d[i] as number) * (d[j] as number), 0)),
  );
  const xty = Array.from({ length: p }, (_, i) =>
    design.reduce((s, d, t) => s + (d[i] as number) * (y[t] as number), 0),
  );
  const beta = gaussianSolve(xtx, xty);
  const my = mean(y);
  let sse = 0;
  let sst = 0;
  design.forEach((d, t) => {
    const fitted = d.reduce((s, v, i) => s + v * (beta[i] as number), 0);
    sse += ((y[t] as number) - fitted) ** 2;
    sst += ((y[t] as number) - my) ** 2;
  });
  return 1 - sse / sst;
}

function permutations(items: number[]): number[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((first, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [first, ...rest]),
  );
}

/** Shapley values by brute force: the average R² gain of each attribute over every joining order. */
function shapleyByOrderings(rows: readonly Row[], k: number): number[] {
  const orders = permutations(Array.from({ length: k }, (_, j) => j));
  const totals = new Array<number>(k).fill(0);
  for (const order of orders) {
    let before = 0;
    order.forEach((j, position) => {
      const after = olsR2(rows, order.slice(0, position + 1));
      totals[j] = (totals[j] as number) + after - before;
      before = after;
    });
  }
  return totals.map((t) => t / orders.length);
}

/** Correlation matrix of the attributes and their correlations with y, by plain loops. */
function correlations(rows: readonly Row[], k: number) {
  const columns = Array.from({ length: k }, (_, j) => column(rows, j));
  const y = rows.map((r) => r.y);
  return {
    rxx: columns.map((a) => columns.map((b) => pearson(a, b))),
    rxy: columns.map((a) => pearson(a, y)),
  };
}

/** Every number anywhere in a value is finite (no NaN, no Infinity). */
function allFinite(value: unknown): boolean {
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(allFinite);
  if (value !== null && typeof value === "object") return Object.values(value).every(allFinite);
  return true;
}

/** `got` is `exact` rounded to `decimals` places: within half a unit of the last place. */
function expectRounded(got: number | null | undefined, exact: number, decimals: number): void {
  expect(got).not.toBeNull();
  expect(Math.abs((got as number) - exact)).toBeLessThanOrEqual(0.5 * 10 ** -decimals + 1e-12);
}

const byKey = (drivers: Drivers, key: string) => {
  const found = drivers.attributes.find((a) => a.key === key);
  if (!found) throw new Error(`no attribute ${key}`);
  return found;
};

// ---------------------------------------------------------------------------------------------------

describe("driversOf against plain loops over raw answers", () => {
  const cases = [
    { seed: 7, keys: ["product", "delivery", "price"], loadings: [1, 0.6, 0], effects: [1.4, 0.4, 0.7] },
    {
      seed: 11,
      keys: ["product", "delivery", "price", "support"],
      loadings: [1, 0.8, 0.2, 0.5],
      effects: [1.2, 0.3, 0.8, 0],
    },
    {
      seed: 23,
      keys: ["a", "b", "c", "d", "e"],
      loadings: [0.9, 0.9, 0.3, 0, 0.6],
      effects: [0.9, 0.5, 0.2, 0.6, 0.1],
    },
  ];

  for (const { seed, keys, loadings, effects } of cases) {
    it(`${keys.length} attributes (seed ${seed}): means, correlations, intervals, R² and Shapley values`, () => {
      const rows = plantedAnswers(seed, 400, loadings, effects);
      const k = keys.length;
      const drivers = driversOf(momentsOf(keys, rows));
      expect(drivers.responses).toBe(400);
      expect(drivers.note).toBeNull();
      expect(allFinite(drivers)).toBe(true);

      const expectedR2 = olsR2(
        rows,
        keys.map((_, j) => j),
      );
      const expectedShapley = shapleyByOrderings(rows, k);
      expectRounded(drivers.r2, expectedR2, 4);

      keys.forEach((key, j) => {
        const got = byKey(drivers, key);
        const r = pearson(
          column(rows, j),
          rows.map((row) => row.y),
        );
        expectRounded(got.mean, mean(column(rows, j)), 2);
        expectRounded(got.correlation, r, 3);
        const half = 1.96 / Math.sqrt(400 - 3);
        expectRounded(got.correlationInterval?.[0], Math.tanh(Math.atanh(r) - half), 3);
        expectRounded(got.correlationInterval?.[1], Math.tanh(Math.atanh(r) + half), 3);
        expectRounded(got.shapley, expectedShapley[j] as number, 4);
      });

      // Shares of R² add up to 1, Shapley values to R² (up to the rounding of each figure).
      const importance = drivers.attributes.map((a) => a.importance as number);
      expect(Math.abs(importance.reduce((s, v) => s + v, 0) - 1)).toBeLessThanOrEqual(k * 0.00005 + 1e-12);
      const shapleySum = drivers.attributes.reduce((s, a) => s + (a.shapley as number), 0);
      expect(Math.abs(shapleySum - (drivers.r2 as number))).toBeLessThanOrEqual((k + 1) * 0.00005 + 1e-12);

      // Sorted by importance, highest first.
      expect(importance).toEqual([...importance].sort((a, b) => b - a));
    });

    it(`${keys.length} attributes (seed ${seed}): the unrounded maths from correlations`, () => {
      const rows = plantedAnswers(seed, 400, loadings, effects);
      const { rxx, rxy } = correlations(rows, keys.length);
      const all = keys.map((_, j) => j);
      const weights = relativeWeights(rxx, rxy);
      expect(weights?.r2).toBeCloseTo(olsR2(rows, all), 10);
      expect(rSquared(rxx, rxy)).toBeCloseTo(olsR2(rows, all), 10);
      const shapley = shapleyValues(rxx, rxy);
      shapleyByOrderings(rows, keys.length).forEach((value, j) => {
        expect(shapley?.[j]).toBeCloseTo(value, 10);
      });
    });
  }

  it("on a well-separated example, relative weights rank the attributes as Shapley values do", () => {
    const keys = ["product", "delivery", "price", "support"];
    const rows = plantedAnswers(3, 600, [0.3, 0.3, 0.3, 0.3], [1.6, 0.9, 0.4, 0]);
    const drivers = driversOf(momentsOf(keys, rows));
    const shapleyOrder = [...drivers.attributes]
      .sort((a, b) => (b.shapley as number) - (a.shapley as number))
      .map((a) => a.key);
    expect(drivers.attributes.map((a) => a.key)).toEqual(shapleyOrder);
    // The planted order.
    expect(shapleyOrder).toEqual(["product", "delivery", "price", "support"]);
    // Shares of R² and Shapley values over R² agree closely when predictors are nearly independent.
    for (const a of drivers.attributes) {
      expect(
        Math.abs((a.importance as number) - (a.shapley as number) / (drivers.r2 as number)),
      ).toBeLessThan(0.02);
    }
  });

  it("a Jacobi decomposition rebuilds its matrix: A·v = λ·v, V orthonormal", () => {
    const { rxx } = correlations(plantedAnswers(5, 200, [1, 0.9, 0.2, 0.5, 0], [1, 1, 1, 1, 1]), 5);
    const { values, vectors } = jacobiEigen(rxx);
    for (let k = 0; k < 5; k++) {
      for (let i = 0; i < 5; i++) {
        const av = (rxx[i] as number[]).reduce((s, a, j) => s + a * (vectors[j]?.[k] as number), 0);
        expect(av).toBeCloseTo((values[k] as number) * (vectors[i]?.[k] as number), 12);
      }
      for (let l = 0; l < 5; l++) {
        const dot = vectors.reduce((s, row) => s + (row[k] as number) * (row[l] as number), 0);
        expect(dot).toBeCloseTo(k === l ? 1 : 0, 12);
      }
    }
    expect(values).toEqual([...values].sort((a, b) => b - a));
  });
});

// ---------------------------------------------------------------------------------------------------
// Published examples. The functions take correlations, so they are checked on the published data
// directly (our own moments are integer sums and cannot hold these data sets).

/**
 * mtcars (Henderson & Velleman 1981, "Building multiple regression models interactively", Biometrics
 * 37: 391–411; R's `datasets::mtcars`): mpg, cyl, disp, hp, gear of the 32 cars.
 */
const MTCARS: readonly (readonly number[])[] = [
  [21, 6, 160, 110, 4],
  [21, 6, 160, 110, 4],
  [22.8, 4, 108, 93, 4],
  [21.4, 6, 258, 110, 3],
  [18.7, 8, 360, 175, 3],
  [18.1, 6, 225, 105, 3],
  [14.3, 8, 360, 245, 3],
  [24.4, 4, 146.7, 62, 4],
  [22.8, 4, 140.8, 95, 4],
  [19.2, 6, 167.6, 123, 4],
  [17.8, 6, 167.6, 123, 4],
  [16.4, 8, 275.8, 180, 3],
  [17.3, 8, 275.8, 180, 3],
  [15.2, 8, 275.8, 180, 3],
  [10.4, 8, 472, 205, 3],
  [10.4, 8, 460, 215, 3],
  [14.7, 8, 440, 230, 3],
  [32.4, 4, 78.7, 66, 4],
  [30.4, 4, 75.7, 52, 4],
  [33.9, 4, 71.1, 65, 4],
  [21.5, 4, 120.1, 97, 3],
  [15.5, 8, 318, 150, 3],
  [15.2, 8, 304, 150, 3],
  [13.3, 8, 350, 245, 3],
  [19.2, 8, 400, 175, 3],
  [27.3, 4, 79, 66, 4],
  [26, 4, 120.3, 91, 5],
  [30.4, 4, 95.1, 113, 5],
  [15.8, 8, 351, 264, 5],
  [19.7, 6, 145, 175, 5],
  [15, 8, 301, 335, 5],
  [21.4, 4, 121, 109, 4],
];

/**
 * attitude (Chatterjee & Price 1977, "Regression Analysis by Example"; R's `datasets::attitude`):
 * rating, complaints, privileges, learning, raises, critical, advance of 30 departments.
 */
const ATTITUDE: readonly (readonly number[])[] = [
  [43, 51, 30, 39, 61, 92, 45],
  [63, 64, 51, 54, 63, 73, 47],
  [71, 70, 68, 69, 76, 86, 48],
  [61, 63, 45, 47, 54, 84, 35],
  [81, 78, 56, 66, 71, 83, 47],
  [43, 55, 49, 44, 54, 49, 34],
  [58, 67, 42, 56, 66, 68, 35],
  [71, 75, 50, 55, 70, 66, 41],
  [72, 82, 72, 67, 71, 83, 31],
  [67, 61, 45, 47, 62, 80, 41],
  [64, 53, 53, 58, 58, 67, 34],
  [67, 60, 47, 39, 59, 74, 41],
  [69, 62, 57, 42, 55, 63, 25],
  [68, 83, 83, 45, 59, 77, 35],
  [77, 77, 54, 72, 79, 77, 46],
  [81, 90, 50, 72, 60, 54, 36],
  [74, 85, 64, 69, 79, 79, 63],
  [65, 60, 65, 75, 55, 80, 60],
  [65, 70, 46, 57, 75, 85, 46],
  [50, 58, 68, 54, 64, 78, 52],
  [50, 40, 33, 34, 43, 64, 33],
  [64, 61, 52, 62, 66, 80, 41],
  [53, 66, 52, 50, 63, 80, 37],
  [40, 37, 42, 58, 50, 57, 49],
  [63, 54, 42, 48, 66, 75, 33],
  [66, 77, 66, 63, 88, 76, 72],
  [78, 75, 58, 74, 80, 78, 49],
  [48, 57, 44, 45, 51, 83, 38],
  [85, 85, 71, 71, 77, 74, 55],
  [82, 82, 39, 59, 64, 78, 39],
];

/** Outcome in the first column, predictors after it, as Row values for the plain-loop helpers. */
const asRows = (table: readonly (readonly number[])[]): Row[] =>
  table.map((values) => ({ y: values[0] as number, x: values.slice(1) }));

describe("published examples", () => {
  it("relative weights: Chan, rwa README (mtcars, outcome mpg, predictors cyl, disp, hp, gear)", () => {
    // Martin Chan (2026), "rwa: Perform a Relative Weights Analysis", R package (CRAN 0.1.1), README.md,
    // section "Basic example" (https://github.com/martinctc/rwa): rwa(mtcars, outcome = "mpg",
    // predictors = c("cyl", "disp", "hp", "gear")) prints $rsquare 0.7791896 and, per predictor,
    //   Raw.RelWeight       0.2284797  0.2221469  0.2321744  0.0963886
    //   Rescaled.RelWeight  29.32274   28.50999   29.79691   12.37037
    const { rxx, rxy } = correlations(asRows(MTCARS), 4);
    const result = relativeWeights(rxx, rxy);
    expect(result?.r2).toBeCloseTo(0.7791896, 7);
    const raw = [0.2284797, 0.2221469, 0.2321744, 0.0963886];
    const rescaled = [29.32274, 28.50999, 29.79691, 12.37037];
    raw.forEach((printed, j) => {
      expect(result?.weights[j]).toBeCloseTo(printed, 7);
      expect((100 * (result?.weights[j] as number)) / (result?.r2 as number)).toBeCloseTo(
        rescaled[j] as number,
        5,
      );
    });
  });

  it("Shapley values (general dominance): Bustos Navarrete & Coutinho Soares, dominanceanalysis README (attitude)", () => {
    // Claudio Bustos Navarrete and Filipa Coutinho Soares, "dominanceanalysis: Dominance Analysis", R
    // package (CRAN 2.1.x, 2024–2025), README.md, section "Linear regression"
    // (https://github.com/clbustos/dominanceAnalysis): dominanceAnalysis(lm(rating ~ ., attitude)) prints
    // the "Average contribution" (general dominance, which is the LMG/Shapley value of R²)
    //   complaints 0.371, learning 0.156, raises 0.120, privileges 0.051, advance 0.028, critical 0.007
    // and, in summary(), the R² of every submodel, e.g. complaints+learning 0.708,
    // learning+raises+advance 0.552, privileges 0.182, and the full model 0.733.
    const { rxx, rxy } = correlations(asRows(ATTITUDE), 6);
    const shapley = shapleyValues(rxx, rxy);
    const printed = [0.371, 0.051, 0.156, 0.12, 0.007, 0.028]; // complaints, privileges, learning, raises, critical, advance
    printed.forEach((value, j) => {
      expect(shapley?.[j]).toBeCloseTo(value, 3);
    });
    expect(rSquared(rxx, rxy)).toBeCloseTo(0.733, 3);
    const submodel = (indices: number[]) =>
      rSquared(
        indices.map((i) => indices.map((j) => rxx[i]?.[j] as number)),
        indices.map((j) => rxy[j] as number),
      );
    expect(submodel([0, 2])).toBeCloseTo(0.708, 3);
    expect(submodel([2, 3, 5])).toBeCloseTo(0.552, 3);
    expect(submodel([1])).toBeCloseTo(0.182, 3);
    // The relative weights of the same model add up to the same R².
    expect(relativeWeights(rxx, rxy)?.r2).toBeCloseTo(0.733, 3);
  });
});

// ---------------------------------------------------------------------------------------------------

describe("driversOf: what cannot be measured is null, with a reason", () => {
  const keys = ["product", "delivery", "price"];

  it("under the minimum: means only, and the count in the note", () => {
    const rows = plantedAnswers(1, 12, [1, 0.5, 0], [1, 1, 1]);
    const drivers = driversOf(momentsOf(keys, rows));
    expect(MIN_DRIVER_RESPONSES).toBe(30);
    expect(drivers).toMatchObject({
      responses: 12,
      r2: null,
      note: "fewer than 30 answers rated every attribute (12)",
    });
    expect(drivers.attributes.map((a) => a.key)).toEqual(keys);
    keys.forEach((key, j) => {
      expect(byKey(drivers, key)).toEqual({
        key,
        mean: Math.round(mean(column(rows, j)) * 100) / 100,
        correlation: null,
        correlationInterval: null,
        importance: null,
        shapley: null,
      });
    });
  });

  it("no answers at all: no means either", () => {
    const drivers = driversOf(momentsOf(keys, []));
    expect(drivers.note).toBe("fewer than 30 answers rated every attribute (0)");
    expect(drivers.attributes.every((a) => a.mean === null)).toBe(true);
  });

  it("an attribute everyone rates 5: no importance for anyone, correlations of the others kept", () => {
    const rows = plantedAnswers(2, 200, [1, 0.5, 0], [1, 1, 0]).map((r) => ({
      ...r,
      x: [r.x[0], r.x[1], 5] as number[],
    }));
    const drivers = driversOf(momentsOf(keys, rows));
    expect(allFinite(drivers)).toBe(true);
    expect(drivers.note).toBe("everyone rated price the same, so its importance cannot be measured");
    expect(drivers.r2).toBeNull();
    expect(byKey(drivers, "price")).toMatchObject({ mean: 5, correlation: null, correlationInterval: null });
    expect(byKey(drivers, "product").correlation).toBeCloseTo(
      pearson(
        column(rows, 0),
        rows.map((r) => r.y),
      ),
      3,
    );
    expect(drivers.attributes.every((a) => a.importance === null && a.shapley === null)).toBe(true);
    // Campaign order when nothing can be ranked.
    expect(drivers.attributes.map((a) => a.key)).toEqual(keys);
  });

  it("two identical attributes: collinear, named in the note", () => {
    const rows = plantedAnswers(4, 200, [1, 0.5, 0], [1, 1, 1]).map((r) => ({
      ...r,
      x: [r.x[0], r.x[1], r.x[1]] as number[],
    }));
    const drivers = driversOf(momentsOf(["product", "delivery", "speed"], rows));
    expect(allFinite(drivers)).toBe(true);
    expect(drivers.note).toBe(
      "delivery and speed move together (their ratings are collinear), so their weights cannot be told apart",
    );
    expect(drivers.r2).toBeNull();
    expect(drivers.attributes.every((a) => a.importance === null && a.shapley === null)).toBe(true);
    expect(byKey(drivers, "speed").correlation).toBe(byKey(drivers, "delivery").correlation);
  });

  it("three attributes tied by a linear relation: all three named", () => {
    const random = prng(9);
    const rows = Array.from({ length: 120 }, () => {
      const a = 1 + Math.floor(random() * 3);
      const b = 1 + Math.floor(random() * 3);
      const other = 1 + Math.floor(random() * 5);
      return { x: [a, other, b, a + b - 1], y: recode(Math.floor(random() * 11)) };
    });
    const drivers = driversOf(momentsOf(["speed", "price", "care", "overall"], rows));
    expect(drivers.note).toBe(
      "speed, care and overall move together (their ratings are collinear), so their weights cannot be told apart",
    );
  });

  it("all promoters: every correlation null, means kept", () => {
    const rows = plantedAnswers(6, 100, [1, 0.5, 0], [1, 1, 1]).map((r) => ({ ...r, y: 1 }));
    const drivers = driversOf(momentsOf(keys, rows));
    expect(allFinite(drivers)).toBe(true);
    expect(drivers.note).toBe(
      "everyone gave the same recommendation group (all promoters), so no attribute can explain it",
    );
    expect(drivers.r2).toBeNull();
    for (const a of drivers.attributes) {
      expect(a).toMatchObject({
        correlation: null,
        correlationInterval: null,
        importance: null,
        shapley: null,
      });
      expect(a.mean).not.toBeNull();
    }
  });

  it("ratings exactly uncorrelated with the recommendation: R² 0, no shares to give", () => {
    // Each rating 1–5 once with a promoter and once with a detractor: Σx·y = 0 = Σx·Σy.
    const rows = Array.from({ length: 40 }, (_, i) => ({
      x: [1 + (Math.floor(i / 2) % 5)],
      y: i % 2 === 0 ? 1 : -1,
    }));
    const drivers = driversOf(momentsOf(["price"], rows));
    expect(drivers.r2).toBe(0);
    expect(drivers.attributes[0]).toMatchObject({ correlation: 0, importance: null, shapley: 0 });
    expect(drivers.note).toBe(
      "the ratings explain none of the recommendation (R² is 0), so there is no importance to share out",
    );
  });

  it("one attribute: importance 1, Shapley value and R² both r²", () => {
    const rows = plantedAnswers(8, 300, [1], [1.2]);
    const drivers = driversOf(momentsOf(["product"], rows));
    const r = pearson(
      column(rows, 0),
      rows.map((row) => row.y),
    );
    expect(drivers.note).toBeNull();
    expect(drivers.r2).toBeCloseTo(r * r, 4);
    expect(drivers.attributes[0]).toMatchObject({ importance: 1 });
    expect(drivers.attributes[0]?.shapley).toBeCloseTo(r * r, 4);
    expect(drivers.attributes[0]?.correlation).toBeCloseTo(r, 3);
  });

  it("very large n (1e8, and 1e9 with an attribute nearly everyone rates the same): finite, same figures", () => {
    const rows = plantedAnswers(10, 400, [1, 0.5, 0], [1.2, 0.4, 0.6]);
    const base = momentsOf(keys, rows);
    const times = 250_000; // 400 × 250,000 = 1e8 answers, the same distribution
    const scaled: AttributeMoments = {
      keys,
      n: base.n * times,
      sumY: base.sumY * times,
      sumYY: base.sumYY * times,
      sumX: base.sumX.map((v) => v * times),
      sumXY: base.sumXY.map((v) => v * times),
      sumXX: base.sumXX.map((row) => row.map((v) => v * times)),
    };
    const small = driversOf(base);
    const large = driversOf(scaled);
    expect(allFinite(large)).toBe(true);
    expect(large.responses).toBe(1e8);
    expect(large.r2).toBe(small.r2);
    large.attributes.forEach((a, i) => {
      const s = small.attributes[i];
      expect(a).toMatchObject({
        key: s?.key,
        mean: s?.mean,
        correlation: s?.correlation,
        importance: s?.importance,
      });
      expect(a.shapley).toBe(s?.shapley);
      // The interval narrows with n: it is now about ±0.0002 around the correlation.
      expect(
        (a.correlationInterval?.[1] as number) - (a.correlationInterval?.[0] as number),
      ).toBeLessThanOrEqual(0.001);
    });

    // n = 1e9: every answer rates "rare" 5 except one detractor who rates it 4; half are promoters.
    // n·Σx² − (Σx)² = n − 1 exactly, but each product is about 2.5e19, far past 2^53.
    const n = 1e9;
    const promoters = n / 2;
    const detractors = n / 2;
    const nearlyConstant: AttributeMoments = {
      keys: ["rare"],
      n,
      sumY: promoters - detractors,
      sumYY: promoters + detractors,
      sumX: [5 * n - 1],
      sumXY: [5 * promoters - (5 * (detractors - 1) + 4)],
      sumXX: [[25 * n - 9]],
    };
    const drivers = driversOf(nearlyConstant);
    expect(allFinite(drivers)).toBe(true);
    // r = (n·Σxy − Σx·Σy) / √((n−1)·n²) = n / √((n − 1)·n²) ≈ 1/√n, far below a displayable 0.0005.
    expect(drivers.attributes[0]).toMatchObject({ mean: 5, correlation: 0, importance: 1 });
    expect(drivers.r2).toBe(0);
  });

  it("more than 8 attributes: importance still given, Shapley values not", () => {
    const nine = Array.from({ length: 9 }, (_, j) => `a${j}`);
    const rows = plantedAnswers(
      12,
      300,
      [1, 0.2, 0.4, 0, 0.7, 0.1, 0.3, 0.5, 0.9],
      [1, 0.3, 0, 0.5, 0.2, 0, 0.4, 0.1, 0.6],
    );
    const drivers = driversOf(momentsOf(nine, rows));
    expect(drivers.note).toBe("Shapley values are computed for up to 8 attributes (this campaign has 9)");
    expect(drivers.attributes.every((a) => a.importance !== null && a.shapley === null)).toBe(true);
    expect(drivers.r2).toBeCloseTo(
      olsR2(
        rows,
        nine.map((_, j) => j),
      ),
      4,
    );
  });

  it("sums that are not whole numbers: nothing, and says so", () => {
    const drivers = driversOf({
      keys: ["a"],
      n: 40,
      sumY: 1.5,
      sumYY: 3,
      sumX: [100],
      sumXY: [2],
      sumXX: [[300]],
    });
    expect(drivers.note).toBe(
      "the stored sums are incomplete or not whole numbers, so no driver can be computed",
    );
    expect(drivers.attributes[0]).toMatchObject({ mean: null, correlation: null });
  });

  it("never throws, never NaN or Infinity, for any consistent answers (property)", () => {
    const answer = (k: number) =>
      fc.record({
        x: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: k, maxLength: k }),
        y: fc.constantFrom(-1, 0, 1),
      });
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 5 })
          .chain((k) =>
            fc.tuple(fc.constant(k), fc.array(answer(k), { maxLength: 60 }), fc.integer({ min: 0, max: 40 })),
          ),
        ([k, rows, minimum]) => {
          const names = Array.from({ length: k }, (_, j) => `k${j}`);
          const drivers = driversOf(momentsOf(names, rows), minimum);
          expect(allFinite(drivers)).toBe(true);
          expect(drivers.responses).toBe(rows.length);
          for (const a of drivers.attributes) {
            if (a.correlation !== null) expect(Math.abs(a.correlation)).toBeLessThanOrEqual(1);
            if (a.correlationInterval !== null && a.correlation !== null) {
              expect(a.correlationInterval[0]).toBeLessThanOrEqual(a.correlation + 0.001);
              expect(a.correlationInterval[1]).toBeGreaterThanOrEqual(a.correlation - 0.001);
            }
          }
          if (drivers.r2 !== null) {
            expect(drivers.r2).toBeGreaterThanOrEqual(0);
            expect(drivers.r2).toBeLessThanOrEqual(1);
            const shapley = drivers.attributes.reduce((s, a) => s + (a.shapley ?? 0), 0);
            expect(Math.abs(shapley - drivers.r2)).toBeLessThanOrEqual((k + 1) * 0.00005 + 1e-12);
            if (drivers.attributes.every((a) => a.importance !== null)) {
              const total = drivers.attributes.reduce((s, a) => s + (a.importance as number), 0);
              expect(Math.abs(total - 1)).toBeLessThanOrEqual(k * 0.00005 + 1e-12);
            }
          }
          if (drivers.note === null) expect(drivers.r2).not.toBeNull();
        },
      ),
      { numRuns: 400, seed: 42 },
    );
  });
});
