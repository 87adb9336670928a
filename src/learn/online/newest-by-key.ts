/**
 * Inverted indexes from a creator, hashtag or sound to its newest videos (by upload time, bounded per key):
 * what affinity candidates are drawn from.
 */
import type { ByteReader, ByteWriter } from './bytes.ts';
import type { VideoFacts } from './video-catalog.ts';

/** The keys a video contributes to: its creator, hashtags and sound, prefixed by kind. */
export function keysOf(video: Pick<VideoFacts, 'creatorId' | 'hashtags' | 'soundId'>): string[] {
  const keys = [`creator:${video.creatorId}`];
  for (const tag of video.hashtags) keys.push(`hashtag:${tag}`);
  if (video.soundId !== '') keys.push(`sound:${video.soundId}`);
  return keys;
}

export class NewestByKey {
  /** Key → slots, newest first. */
  private readonly lists = new Map<string, number[]>();

  constructor(private readonly keep: number) {}

  add(key: string, slot: number, createdAt: (slot: number) => number): void {
    let list = this.lists.get(key);
    if (list === undefined) {
      list = [];
      this.lists.set(key, list);
    }
    if (list.includes(slot)) return;
    const t = createdAt(slot);
    let at = list.findIndex((s) => createdAt(s) < t);
    if (at < 0) at = list.length;
    if (at >= this.keep) return;
    list.splice(at, 0, slot);
    if (list.length > this.keep) list.pop();
  }

  get(key: string): readonly number[] {
    return this.lists.get(key) ?? [];
  }

  write(w: ByteWriter): void {
    w.u32(this.lists.size);
    for (const [key, list] of this.lists) {
      w.str(key);
      w.array(Int32Array.from(list));
    }
  }

  static read(r: ByteReader, keep: number): NewestByKey {
    const index = new NewestByKey(keep);
    const count = r.u32();
    for (let i = 0; i < count; i++) index.lists.set(r.str(), Array.from(r.i32s()));
    return index;
  }
}
