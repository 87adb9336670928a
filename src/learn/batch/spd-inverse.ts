/**
 * Inverse of a symmetric positive-definite matrix (n x n, row-major) through its Cholesky factor:
 * A = L Lᵀ, M = L⁻¹, A⁻¹ = Mᵀ M. About n³/2 multiply-adds; every inner loop walks contiguous memory.
 * Returns a new full symmetric matrix; throws when A is not positive definite.
 */
export function invertSymmetricPositiveDefinite(a: Float64Array, n: number, onRow?: (phase: number, row: number) => void): Float64Array {
  const l = choleskyLower(a, n, onRow);
  const mt = lowerInverseTransposed(l, n, onRow);
  l.fill(0);
  const inverse = l; // reuse the factor's memory for the result
  for (let i = 0; i < n; i++) {
    // (Mᵀ M)[i][j] = Σ_k M[k][i] M[k][j] = Σ_{k ≥ i} Mt[i][k] Mt[j][k] for j ≤ i.
    for (let j = 0; j <= i; j++) {
      const value = dot(mt, i * n + i, j * n + i, n - i);
      inverse[i * n + j] = value;
      inverse[j * n + i] = value;
    }
    onRow?.(2, i);
  }
  return inverse;
}

function choleskyLower(a: Float64Array, n: number, onRow?: (phase: number, row: number) => void): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const s = a[i * n + j]! - dot(l, i * n, j * n, j);
      if (i === j) {
        if (!(s > 0)) throw new Error(`matrix is not positive definite (pivot ${i} is ${s})`);
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / l[j * n + j]!;
      }
    }
    onRow?.(0, i);
  }
  return l;
}

/** Mᵀ for M = L⁻¹ (so Mt is upper triangular), computed one row of M at a time by forward substitution. */
function lowerInverseTransposed(l: Float64Array, n: number, onRow?: (phase: number, row: number) => void): Float64Array {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const row = i * n;
    // Row i of M: (e_i - Σ_{k<i} L[i][k] M[k]) / L[i][i]; M[k] is zero past column k.
    for (let k = 0; k < i; k++) {
      const f = l[row + k]!;
      if (f === 0) continue;
      const source = k * n;
      for (let c = 0; c <= k; c++) m[row + c]! -= f * m[source + c]!;
    }
    m[row + i] = 1;
    const d = 1 / l[row + i]!;
    for (let c = 0; c <= i; c++) m[row + c]! *= d;
    onRow?.(1, i);
  }
  // Transpose in place.
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const t = m[i * n + j]!;
      m[i * n + j] = m[j * n + i]!;
      m[j * n + i] = t;
    }
  }
  return m;
}

function dot(x: Float64Array, at: number, bt: number, length: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < length; k += 4) {
    s0 += x[at + k]! * x[bt + k]!;
    s1 += x[at + k + 1]! * x[bt + k + 1]!;
    s2 += x[at + k + 2]! * x[bt + k + 2]!;
    s3 += x[at + k + 3]! * x[bt + k + 3]!;
  }
  for (; k < length; k++) s0 += x[at + k]! * x[bt + k]!;
  return s0 + s1 + s2 + s3;
}
