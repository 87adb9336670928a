import { unitContentVectors, type ItemFeatures } from '../learn/batch/content-similarity.ts';
import { usersOf, type ImplicitInteractions } from '../learn/batch/interactions.ts';

/**
 * Item-item similarity in [0, 1] for intra-list diversity: cosine of content vectors when there are any (opposite
 * vectors count as unrelated, not as more than unrelated), else cosine of audiences.
 */
export function itemSimilarity(data: ImplicitInteractions, features: ItemFeatures[]): (a: number, b: number) => number {
  if (features.length > 0) {
    const { vectors, dimension } = unitContentVectors(features, data.itemCount);
    return (a, b) => {
      let s = 0;
      for (let d = 0; d < dimension; d++) s += vectors[a * dimension + d]! * vectors[b * dimension + d]!;
      return Math.max(0, s);
    };
  }
  return (a, b) => {
    const x = usersOf(data, a);
    const y = usersOf(data, b);
    if (x.length === 0 || y.length === 0) return 0;
    let shared = 0;
    for (let i = 0, j = 0; i < x.length && j < y.length; ) {
      if (x[i] === y[j]) {
        shared++;
        i++;
        j++;
      } else if (x[i]! < y[j]!) i++;
      else j++;
    }
    return shared / Math.sqrt(x.length * y.length);
  };
}
