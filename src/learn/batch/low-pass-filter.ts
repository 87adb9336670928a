import { seededRandom } from '../../core/random.ts';
import { itemPopularity, itemsOf, type ImplicitInteractions } from './interactions.ts';
import type { UserItemScorer } from './scorer.ts';
import { symmetricEigen } from './symmetric-eigen.ts';

export interface LowPassFilterOptions {
  /** How many of the item graph's smoothest directions (top singular vectors) are kept. */
  rank: number;
  /** Extra directions carried through the iteration so that the kept ones converge faster. */
  oversampling?: number;
  /** Power-iteration steps. */
  iterations?: number;
  seed?: number;
  onProgress?: (fraction: number) => void;
}

/**
 * The ideal low-pass graph filter of GF-CF (Shen et al., CIKM 2021): with R̃ = D_u^-½ R D_i^-½ the degree-normalised
 * interactions and V its top `rank` right singular vectors, a person's scores are r_u D_i^-½ V Vᵀ D_i^½. It keeps
 * only the smoothest signals of the co-engagement graph, so it reaches items several hops away that a short random
 * walk misses. V comes from randomised subspace iteration on R̃ᵀR̃ with a Rayleigh–Ritz step (no dense item-item
 * matrix): a few seconds for thousands of items and a few hundred directions.
 */
export function trainLowPassFilter(data: ImplicitInteractions, options: LowPassFilterOptions): UserItemScorer {
  const n = data.itemCount;
  const { rank, left, right } = lowPassFactors(data, options);
  const profile = new Float64Array(rank);
  return {
    scoreUser(user, out) {
      profile.fill(0);
      for (const item of user < data.userCount ? itemsOf(data, user) : []) for (let c = 0; c < rank; c++) profile[c]! += left[item * rank + c]!;
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let c = 0; c < rank; c++) s += right[i * rank + c]! * profile[c]!;
        out[i] = s;
      }
    },
  };
}

/**
 * The filter's two factors, item-major: left[i] = d_i^-½ V[i, :] and right[i] = d_i^½ V[i, :], so a person's
 * score for item j is right[j] · Σ over their items i of left[i].
 */
export function lowPassFactors(data: ImplicitInteractions, options: LowPassFilterOptions): { rank: number; left: Float64Array; right: Float64Array } {
  const n = data.itemCount;
  const rank = Math.min(options.rank, n);
  const width = Math.min(n, rank + (options.oversampling ?? 32));
  const basis = topRightSingularVectors(data, rank, width, options.iterations ?? 8, options.seed ?? 1, options.onProgress);
  const degree = itemPopularity(data);
  const left = new Float64Array(n * rank);
  const right = new Float64Array(n * rank);
  for (let i = 0; i < n; i++) {
    const d = Math.max(degree[i]!, 1);
    for (let c = 0; c < rank; c++) {
      const x = basis[c]![i]!;
      left[i * rank + c] = x / Math.sqrt(d);
      right[i * rank + c] = x * Math.sqrt(d);
    }
  }
  return { rank, left, right };
}

/** R̃'s top `rank` right singular vectors (each of length itemCount), in decreasing singular value; `width` ≥ rank are iterated. */
function topRightSingularVectors(
  data: ImplicitInteractions,
  rank: number,
  width: number,
  iterations: number,
  seed: number,
  onProgress?: (fraction: number) => void,
): Float64Array[] {
  const { userCount: m, itemCount: n } = data;
  const popularity = itemPopularity(data);
  const itemScale = Float64Array.from(popularity, (p) => (p > 0 ? 1 / Math.sqrt(p) : 0));
  const userScale = new Float64Array(m);
  for (let u = 0; u < m; u++) {
    const d = data.userStart[u + 1]! - data.userStart[u]!;
    userScale[u] = d > 0 ? 1 / Math.sqrt(d) : 0;
  }
  const times = (x: Float64Array, z: Float64Array) => {
    // z = R̃ x (one entry per person)
    for (let u = 0; u < m; u++) {
      let s = 0;
      for (let k = data.userStart[u]!; k < data.userStart[u + 1]!; k++) s += itemScale[data.itemsOfUser[k]!]! * x[data.itemsOfUser[k]!]!;
      z[u] = s * userScale[u]!;
    }
  };
  const timesTransposed = (z: Float64Array, y: Float64Array) => {
    // y = R̃ᵀ z (one entry per item)
    y.fill(0);
    for (let u = 0; u < m; u++) {
      const w = z[u]! * userScale[u]!;
      if (w === 0) continue;
      for (let k = data.userStart[u]!; k < data.userStart[u + 1]!; k++) y[data.itemsOfUser[k]!]! += w * itemScale[data.itemsOfUser[k]!]!;
    }
  };
  const random = seededRandom(seed);
  let q = Array.from({ length: width }, () => Float64Array.from({ length: n }, () => random() - 0.5));
  const z = new Float64Array(m);
  for (let step = 0; step <= iterations; step++) {
    // Between steps one pass keeps the directions apart (the next step re-orthonormalises); the last basis gets two.
    orthonormalise(q, random, step === iterations ? 2 : 1);
    if (step === iterations) break;
    const next = q.map((x) => {
      const y = new Float64Array(n);
      times(x, z);
      timesTransposed(z, y);
      return y;
    });
    q = next;
    onProgress?.((step + 1) / (iterations + 1));
  }
  // Rayleigh–Ritz: T = Qᵀ R̃ᵀR̃ Q = (R̃Q)ᵀ(R̃Q), whose eigenvectors rotate Q onto the singular vectors.
  const projected = q.map((x) => {
    const out = new Float64Array(m);
    times(x, out);
    return out;
  });
  const t = new Float64Array(width * width);
  for (let a = 0; a < width; a++) for (let b = a; b < width; b++) t[a * width + b] = t[b * width + a] = dot(projected[a]!, projected[b]!);
  const { vectors } = symmetricEigen(t, width);
  const result = Array.from({ length: rank }, (_, c) => {
    const column = new Float64Array(n);
    for (let a = 0; a < width; a++) {
      const w = vectors[a * width + c]!;
      if (w !== 0) for (let i = 0; i < n; i++) column[i]! += w * q[a]![i]!;
    }
    return column;
  });
  onProgress?.(1);
  return result;
}

/** Modified Gram–Schmidt, `passes` times over; a column that vanishes (rank below width) is replaced by a random one. */
function orthonormalise(columns: Float64Array[], random: () => number, passes: number): void {
  for (let c = 0; c < columns.length; c++) {
    const x = columns[c]!;
    for (let attempt = 0; ; attempt++) {
      const before = Math.sqrt(dot(x, x));
      for (let pass = 0; pass < passes; pass++) for (let p = 0; p < c; p++) axpy(-dot(columns[p]!, x), columns[p]!, x);
      const norm = Math.sqrt(dot(x, x));
      if (norm > 1e-10 * before && norm > 0) {
        for (let i = 0; i < x.length; i++) x[i]! /= norm;
        break;
      }
      if (attempt > 5) throw new Error('cannot orthonormalise: more directions asked for than items');
      for (let i = 0; i < x.length; i++) x[i] = random() - 0.5;
    }
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function axpy(alpha: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i]! += alpha * x[i]!;
}
