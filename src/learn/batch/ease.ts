import { itemPopularity, itemsOf, valuesOf, type ImplicitInteractions } from './interactions.ts';
import type { UserItemScorer } from './scorer.ts';
import { invertSymmetricPositiveDefinite } from './spd-inverse.ts';

export interface EaseOptions {
  /** L2 penalty on the item-item weights. */
  lambda: number;
  /** Items seen by fewer users are left out of the (cubic-cost) inverse and cannot be ranked. */
  minSupport?: number;
  onProgress?: (fraction: number) => void;
}

/**
 * EASE's item-item weights B (row-major over the `kept` items, `slot` giving each item's row or -1): items seen by
 * fewer than `minSupport` people are left out.
 */
export function easeWeights(data: ImplicitInteractions, options: EaseOptions): { kept: number[]; slot: Int32Array; weights: Float64Array } {
  const popularity = itemPopularity(data);
  const minSupport = options.minSupport ?? 1;
  const kept: number[] = [];
  const slot = new Int32Array(data.itemCount).fill(-1);
  for (let i = 0; i < data.itemCount; i++) if (popularity[i]! >= minSupport) slot[i] = kept.push(i) - 1;
  const n = kept.length;

  const gram = new Float64Array(n * n);
  for (let u = 0; u < data.userCount; u++) {
    const items = itemsOf(data, u);
    const values = valuesOf(data, u);
    for (let x = 0; x < items.length; x++) {
      const a = slot[items[x]!]!;
      if (a < 0) continue;
      for (let y = 0; y < items.length; y++) {
        const b = slot[items[y]!]!;
        if (b >= 0) gram[a * n + b]! += values[x]! * values[y]!;
      }
    }
  }
  for (let a = 0; a < n; a++) gram[a * n + a]! += options.lambda;

  const report = options.onProgress;
  const weights = invertSymmetricPositiveDefinite(gram, n, report && ((phase, row) => row % 64 === 0 && report((phase + (row + 1) / n) / 3)));
  // B[a][b] = -P[a][b] / P[b][b]; rows are read per engaged item when scoring.
  const diagonal = Float64Array.from({ length: n }, (_, b) => weights[b * n + b]!);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) weights[a * n + b] = a === b ? 0 : -weights[a * n + b]! / diagonal[b]!;
  }
  return { kept, slot, weights };
}

/**
 * EASE (Steck, 2019): item-item weights B = I - P diag(1/diag P) with P = (XᵀX + λI)⁻¹, diagonal forced to zero.
 * A user's scores are the sum of the weight rows of the items they engaged with, each times its strength when the
 * data has strengths (X is then real-valued, e.g. clipped watch ratios).
 */
export function trainEase(data: ImplicitInteractions, options: EaseOptions): UserItemScorer {
  const { kept, slot, weights } = easeWeights(data, options);
  const n = kept.length;
  return {
    scoreUser(user, out) {
      out.fill(-Infinity);
      for (const item of kept) out[item] = 0;
      const items = itemsOf(data, user);
      const values = valuesOf(data, user);
      for (let x = 0; x < items.length; x++) {
        const row = slot[items[x]!]!;
        if (row < 0) continue;
        const offset = row * n;
        const value = values[x]!;
        for (let b = 0; b < n; b++) out[kept[b]!]! += value * weights[offset + b]!;
      }
    },
  };
}
