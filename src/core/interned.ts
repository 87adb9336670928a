/**
 * One copy of each string it is given. The same creator, hashtag, sound or affinity key recurs on thousands of
 * videos, and each copy read from a row or joined anew is another string on the heap for the collector to
 * trace: at 100k videos such copies were over a third of the heap's 2.9 million strings.
 */
export class Interned {
  private readonly pool = new Map<string, string>();

  of(text: string): string {
    const held = this.pool.get(text);
    if (held !== undefined) return held;
    this.pool.set(text, text);
    return text;
  }
}

/** Names many videos share (creators, hashtags, sounds, affinity keys): far fewer than videos, so kept for the process. */
export const sharedNames = new Interned();
