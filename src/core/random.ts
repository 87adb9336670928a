/** A small seeded PRNG (mulberry32): reproducible sequences without Math.random. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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
