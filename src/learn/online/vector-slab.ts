/**
 * Small float32 vectors carved from shared chunks. A typed array of its own costs an ArrayBuffer, a backing store
 * and the collector's bookkeeping, about 200 bytes beside the 100 of a ranker's features, and every person holds
 * up to 16 open exposures, each with its features. A chunk is freed once none of its vectors is referenced.
 */
export class VectorSlab {
  private chunk = new Float32Array(0);
  private used = 0;

  constructor(private readonly chunkLength: number) {}

  /** A zeroed vector of `length` floats, a view into the current chunk. */
  take(length: number): Float32Array {
    if (this.used + length > this.chunk.length) {
      this.chunk = new Float32Array(Math.max(this.chunkLength, length));
      this.used = 0;
    }
    const vector = this.chunk.subarray(this.used, this.used + length);
    this.used += length;
    return vector;
  }
}
