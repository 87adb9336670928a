import type { ItemFeatures } from './content-similarity.ts';
import { itemsOf, type ImplicitInteractions } from './interactions.ts';
import type { UserItemScorer } from './scorer.ts';

export interface ContentNeighboursOptions {
  /** Neighbours kept per item and per feature set (image, audio, ...). */
  neighbours: number;
}

/**
 * A frozen content graph in the manner of LATTICE/FREEDOM: every item links to its `neighbours` most similar items
 * by cosine of the fused content vectors (each modality centred and scaled to unit length, then joined; negative
 * similarities dropped), normalised as D^-½ S D^-½. A person's score for an item is the summed weight of the links
 * from their items to it, so videos nobody has engaged with yet are reachable through the ones they resemble.
 * Fusing the modalities before linking keeps the neighbours both agree on (on TikTok a graph per modality, summed,
 * ranked worse: the audio neighbours are noisier). Building it costs one pass over all item pairs.
 */
export function trainContentNeighbours(data: ImplicitInteractions, featureSets: ItemFeatures[], options: ContentNeighboursOptions): UserItemScorer {
  const n = data.itemCount;
  const k = Math.min(options.neighbours, n - 1);
  const { vectors, dimension } = fusedContentVectors(featureSets, n);
  const { targets, weights } = neighbourGraph(vectors, dimension, n, k);
  return {
    scoreUser(user, out) {
      out.fill(0);
      const items = user < data.userCount ? itemsOf(data, user) : [];
      for (const item of items) for (let j = item * k; j < (item + 1) * k; j++) if (targets[j]! >= 0) out[targets[j]!]! += weights[j]!;
    },
  };
}

/** Each item's k most similar items (-1 where fewer are similar at all) with their normalised link weights. */
export function neighbourGraph(vectors: ArrayLike<number>, dimension: number, n: number, k: number): { targets: Int32Array; weights: Float64Array } {
  const targets = new Int32Array(n * k).fill(-1);
  const weights = new Float64Array(n * k);
  // Each item's list is kept sorted by decreasing similarity (k is tens, n thousands); each pair is computed once.
  const offer = (i: number, j: number, s: number) => {
    const last = i * k + k - 1;
    if (targets[last]! >= 0 && s <= weights[last]!) return;
    let at = last;
    while (at > i * k && (targets[at - 1]! < 0 || weights[at - 1]! < s)) {
      weights[at] = weights[at - 1]!;
      targets[at] = targets[at - 1]!;
      at--;
    }
    weights[at] = s;
    targets[at] = j;
  };
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let d = 0; d < dimension; d++) s += vectors[i * dimension + d]! * vectors[j * dimension + d]!;
      if (s > 0) {
        offer(i, j, s);
        offer(j, i, s);
      }
    }
  }
  // D^-½ S D^-½ with D the out-weight of each item: links within dense regions of the content space count less.
  const degree = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = i * k; j < (i + 1) * k; j++) degree[i]! += weights[j]!;
  for (let i = 0; i < n; i++) {
    for (let j = i * k; j < (i + 1) * k; j++) {
      const t = targets[j]!;
      if (t >= 0) weights[j] = weights[j]! / Math.sqrt(degree[i]! * Math.max(degree[t]!, 1e-12));
    }
  }
  return { targets, weights };
}

/** Each modality's rows centred on the column means and scaled to length 1/√modalities, joined: a dot product is a cosine. */
function fusedContentVectors(featureSets: ItemFeatures[], n: number): { vectors: Float64Array; dimension: number } {
  const dimension = featureSets.reduce((sum, f) => sum + f.dimension, 0);
  const vectors = new Float64Array(n * dimension);
  const share = 1 / Math.sqrt(featureSets.length);
  let offset = 0;
  for (const features of featureSets) {
    const d = features.dimension;
    if (features.values.length !== n * d) throw new Error(`content features hold ${features.values.length / d} rows, expected ${n}`);
    const mean = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) mean[c]! += features.values[i * d + c]! / n;
    for (let i = 0; i < n; i++) {
      let norm = 0;
      for (let c = 0; c < d; c++) norm += (features.values[i * d + c]! - mean[c]!) ** 2;
      const scale = norm > 0 ? share / Math.sqrt(norm) : 0;
      for (let c = 0; c < d; c++) vectors[i * dimension + offset + c] = (features.values[i * d + c]! - mean[c]!) * scale;
    }
    offset += d;
  }
  return { vectors, dimension };
}
