/** Per-item content vectors (one row per item, row-major), e.g. image or audio embeddings. */
export interface ItemFeatures {
  readonly dimension: number;
  readonly values: Float32Array;
}

/** Each item's feature sets standardised per column, weighted equally per set, joined and scaled to unit length. */
export function unitContentVectors(featureSets: ItemFeatures[], n: number): { vectors: Float64Array; dimension: number } {
  const dimension = featureSets.reduce((sum, f) => sum + f.dimension, 0);
  const vectors = new Float64Array(n * dimension);
  let offset = 0;
  for (const features of featureSets) {
    standardiseInto(features, n, vectors, dimension, offset);
    offset += features.dimension;
  }
  for (let i = 0; i < n; i++) normalise(vectors, i * dimension, dimension);
  return { vectors, dimension };
}

function standardiseInto(features: ItemFeatures, n: number, target: Float64Array, stride: number, offset: number): void {
  const d = features.dimension;
  if (features.values.length !== n * d) throw new Error(`content features hold ${features.values.length / d} rows, expected ${n}`);
  for (let c = 0; c < d; c++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += features.values[i * d + c]!;
    mean /= n;
    let variance = 0;
    for (let i = 0; i < n; i++) variance += (features.values[i * d + c]! - mean) ** 2;
    const scale = 1 / (Math.sqrt(variance / n) || 1);
    // Two feature sets weigh the same however many columns each has.
    const share = 1 / Math.sqrt(d);
    for (let i = 0; i < n; i++) target[i * stride + offset + c] = (features.values[i * d + c]! - mean) * scale * share;
  }
}

function normalise(x: Float64Array, at: number, length: number): void {
  let norm = 0;
  for (let k = 0; k < length; k++) norm += x[at + k]! ** 2;
  if (norm === 0) return;
  const f = 1 / Math.sqrt(norm);
  for (let k = 0; k < length; k++) x[at + k]! *= f;
}
