/**
 * mulberry32, a small seeded PRNG: reproducible sequences without Math.random. Its state is exposed because the
 * learners' random draws (negative sampling, row initialisation) must resume exactly after a snapshot is restored.
 */
export class Rng {
  constructor(public state: number) {
    this.state = state >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A roughly normal draw (sum of four uniforms), enough for initial weights. */
  normal(): number {
    return (this.next() + this.next() + this.next() + this.next() - 2) * Math.sqrt(3);
  }
}

/** The same generator as a function, for callers that only draw. */
export function seededRandom(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
}

/** FNV-1a: a stable 32-bit hash of a string, for seeds and shard keys. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * One of `buckets` for a key, stable across runs and machines (A/B assignment). The hash seeds a generator whose
 * first draw decides, because FNV-1a's low bits follow the characters' parity too closely.
 */
export function bucketOf(key: string, buckets: number): number {
  return Math.min(buckets - 1, Math.floor(seededRandom(hashString(key))() * buckets));
}
