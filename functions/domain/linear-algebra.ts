/**
 * Small dense linear algebra for the driver analysis: symmetric matrices of at most a few dozen rows
 * (one row per campaign attribute), so plain O(k³) loops are both the simplest and fast enough.
 */

/** A square symmetric matrix, rows of numbers; only symmetric input gives meaningful results. */
export type SymmetricMatrix = readonly (readonly number[])[];

/**
 * A = V·diag(values)·Vᵀ: `values` in descending order, `vectors[i][k]` the i-th component of the
 * eigenvector of `values[k]` (eigenvectors are the columns, orthonormal).
 */
export type EigenDecomposition = { values: number[]; vectors: number[][] };

const MAX_SWEEPS = 64;

const at = (row: readonly number[] | undefined, index: number): number => row?.[index] ?? 0;

/**
 * Eigen-decomposition of a symmetric matrix by the cyclic Jacobi method. Chosen over QR because it is
 * short, needs no tridiagonal step, and finds even tiny eigenvalues to high relative accuracy, which is
 * what the collinearity check needs. Each rotation zeroes one off-diagonal pair; sweeps stop when what
 * is left off the diagonal is negligible against the whole matrix.
 */
export function jacobiEigen(matrix: SymmetricMatrix): EigenDecomposition {
  const size = matrix.length;
  const a = Array.from({ length: size }, (_, i) => Array.from({ length: size }, (_, j) => at(matrix[i], j)));
  const v = Array.from({ length: size }, (_, i) => Array.from({ length: size }, (_, j) => (i === j ? 1 : 0)));
  const row = (m: number[][], i: number): number[] => m[i] as number[];

  let total = 0;
  for (const r of a) for (const x of r) total += x * x;

  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let off = 0;
    for (let p = 0; p < size; p++) for (let q = p + 1; q < size; q++) off += at(a[p], q) ** 2;
    // 1e-32 of the squared norm: off-diagonal entries about 1e-16 of the largest, i.e. at rounding level.
    if (off === 0 || off <= 1e-32 * total) break;

    for (let p = 0; p < size; p++) {
      for (let q = p + 1; q < size; q++) {
        const apq = at(a[p], q);
        if (apq === 0) continue;
        // The rotation angle that zeroes a[p][q] (the smaller of the two solutions, for stability).
        const theta = (at(a[q], q) - at(a[p], p)) / (2 * apq);
        const t =
          Math.abs(theta) > 1e150
            ? 1 / (2 * theta)
            : Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < size; k++) {
          const rk = row(a, k);
          const akp = rk[p] as number;
          const akq = rk[q] as number;
          rk[p] = c * akp - s * akq;
          rk[q] = s * akp + c * akq;
        }
        const rp = row(a, p);
        const rq = row(a, q);
        for (let k = 0; k < size; k++) {
          const apk = rp[k] as number;
          const aqk = rq[k] as number;
          rp[k] = c * apk - s * aqk;
          rq[k] = s * apk + c * aqk;
        }
        rp[q] = 0;
        rq[p] = 0;
        for (let k = 0; k < size; k++) {
          const vk = row(v, k);
          const vkp = vk[p] as number;
          const vkq = vk[q] as number;
          vk[p] = c * vkp - s * vkq;
          vk[q] = s * vkp + c * vkq;
        }
      }
    }
  }

  const order = Array.from({ length: size }, (_, k) => k).sort((x, y) => at(a[y], y) - at(a[x], x));
  return {
    values: order.map((k) => at(a[k], k)),
    vectors: v.map((r) => order.map((k) => r[k] as number)),
  };
}

/** V·diag(f(λ))·Vᵀ: a function of a symmetric matrix, e.g. its square root or inverse square root. */
export function spectralFunction(eigen: EigenDecomposition, f: (value: number) => number): number[][] {
  const size = eigen.values.length;
  const fv = eigen.values.map(f);
  return Array.from({ length: size }, (_, i) =>
    Array.from({ length: size }, (_, j) => {
      let sum = 0;
      for (let k = 0; k < size; k++)
        sum += at(eigen.vectors[i], k) * (fv[k] as number) * at(eigen.vectors[j], k);
      return sum;
    }),
  );
}

/** matrix · vector. */
export function multiply(matrix: SymmetricMatrix, vector: readonly number[]): number[] {
  return matrix.map((r) => r.reduce((sum, x, j) => sum + x * (vector[j] ?? 0), 0));
}

/** The rows and columns `indices` of a matrix, in that order. */
export function principalSubmatrix(matrix: SymmetricMatrix, indices: readonly number[]): number[][] {
  return indices.map((i) => indices.map((j) => at(matrix[i], j)));
}

/**
 * Solves A·x = b for a symmetric positive-definite A by Cholesky (A = L·Lᵀ), or null when A is not
 * positive definite enough: a pivot at or below `tolerance` times its diagonal entry means a column is
 * (nearly) a combination of the previous ones, and the solution would be noise.
 */
export function choleskySolve(
  matrix: SymmetricMatrix,
  rhs: readonly number[],
  tolerance = 1e-12,
): number[] | null {
  const size = matrix.length;
  const l: number[][] = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  for (let j = 0; j < size; j++) {
    const lj = l[j] as number[];
    const diagonal = at(matrix[j], j);
    let pivot = diagonal;
    for (let k = 0; k < j; k++) pivot -= (lj[k] as number) ** 2;
    if (!(diagonal > 0) || !(pivot > tolerance * diagonal)) return null;
    const root = Math.sqrt(pivot);
    lj[j] = root;
    for (let i = j + 1; i < size; i++) {
      const li = l[i] as number[];
      let sum = at(matrix[i], j);
      for (let k = 0; k < j; k++) sum -= (li[k] as number) * (lj[k] as number);
      li[j] = sum / root;
    }
  }
  // Forward substitution L·z = b, then back substitution Lᵀ·x = z.
  const z = new Array<number>(size).fill(0);
  for (let i = 0; i < size; i++) {
    const li = l[i] as number[];
    let sum = rhs[i] ?? 0;
    for (let k = 0; k < i; k++) sum -= (li[k] as number) * (z[k] as number);
    z[i] = sum / (li[i] as number);
  }
  const x = new Array<number>(size).fill(0);
  for (let i = size - 1; i >= 0; i--) {
    let sum = z[i] as number;
    for (let k = i + 1; k < size; k++) sum -= at(l[k], i) * (x[k] as number);
    x[i] = sum / at(l[i], i);
  }
  return x;
}
