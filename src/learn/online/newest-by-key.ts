/**
 * Inverted indexes from a creator, hashtag or sound to its newest videos (by upload time, bounded per key):
 * what affinity candidates are drawn from.
 */
import type { ByteReader, ByteWriter } from './bytes.ts';
import { ROWS_PER_YIELD, type Encoding } from './encoding.ts';
import { runAll } from '../../core/slices.ts';
import { sharedNames } from '../../core/interned.ts';
import { CopyOnWrite, entriesNow } from './copy-on-write.ts';
import type { VideoFacts } from './video-catalog.ts';

/** The keys a video contributes to: its creator, hashtags and sound, prefixed by kind. */
export function keysOf(video: Pick<VideoFacts, 'creatorId' | 'hashtags' | 'soundId'>): string[] {
  const keys = [sharedNames.of(`creator:${video.creatorId}`)];
  for (const tag of video.hashtags) keys.push(sharedNames.of(`hashtag:${tag}`));
  if (video.soundId !== '') keys.push(sharedNames.of(`sound:${video.soundId}`));
  return keys;
}

export class NewestByKey {
  /** Key → slots, newest first. */
  private readonly lists = new Map<string, number[]>();
  /** While a snapshot is frozen, a list it may share is copied before it changes. */
  private readonly copies = new CopyOnWrite<string>();

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
    if (this.copies.mustCopy(key)) {
      list = list.slice();
      this.lists.set(key, list);
    }
    list.splice(at, 0, slot);
    if (list.length > this.keep) list.pop();
  }

  get(key: string): readonly number[] {
    return this.lists.get(key) ?? [];
  }

  write(w: ByteWriter): void {
    runAll(encodeLists(w, entriesNow(this.lists)));
  }

  /** The lists as they are now, to encode later; until `thaw`, a list is copied before it changes. */
  freeze(): (w: ByteWriter) => Encoding {
    const frozen = this.copies.freeze(this.lists);
    return (w) => encodeLists(w, frozen);
  }

  thaw(): void {
    this.copies.thaw();
  }

  static read(r: ByteReader, keep: number): NewestByKey {
    const index = new NewestByKey(keep);
    const count = r.u32();
    for (let i = 0; i < count; i++) index.lists.set(r.str(), Array.from(r.i32s()));
    return index;
  }
}

function* encodeLists(w: ByteWriter, lists: { keys: string[]; values: (readonly number[])[] }): Encoding {
  w.u32(lists.keys.length);
  for (let i = 0; i < lists.keys.length; i++) {
    w.str(lists.keys[i]!);
    w.array(Int32Array.from(lists.values[i]!));
    if ((i + 1) % ROWS_PER_YIELD === 0) yield;
  }
}
