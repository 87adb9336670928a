/**
 * Per person, the videos served to them or that they watched or acted on, follows aside (kept apart from learned taste: a
 * refresh keeps it); each person's list goes to their region's part of a snapshot.
 */
import type { PersonReader, PersonWriter } from '../../learn/online/person-bytes.ts';
import { ROWS_PER_YIELD, type Encoding } from '../../learn/online/encoding.ts';
import { runAll } from '../../core/slices.ts';
import { CopyOnWrite, entriesNow } from '../../learn/online/copy-on-write.ts';

export class SeenVideos {
  private readonly seen = new Map<string, Set<string>>();
  /** While a snapshot is frozen, a list it may share is copied before it changes. */
  private readonly copies = new CopyOnWrite<string>();

  add(userId: string, videoId: string): void {
    this.of(userId).add(videoId);
  }

  addAll(userId: string, videoIds: readonly string[]): void {
    if (videoIds.length === 0) return;
    const set = this.of(userId);
    for (const videoId of videoIds) set.add(videoId);
  }

  by(userId: string): ReadonlySet<string> {
    return this.seen.get(userId) ?? new Set();
  }

  forget(userId: string): void {
    this.seen.delete(userId);
  }

  private of(userId: string): Set<string> {
    let set = this.seen.get(userId);
    if (set === undefined || this.copies.mustCopy(userId)) {
      set = new Set(set);
      this.seen.set(userId, set);
    }
    return set;
  }

  /** The count into the shared bytes, each person's list into their part. */
  write(out: PersonWriter): void {
    runAll(encodeSeen(entriesNow(this.seen), out));
  }

  /** The lists as they are now, to encode later; until `thaw`, a list is copied before it changes. */
  freeze(): (out: PersonWriter) => Encoding {
    const frozen = this.copies.freeze(this.seen);
    return (out) => encodeSeen(frozen, out);
  }

  thaw(): void {
    this.copies.thaw();
  }

  /** Takes each person's list `write` left. */
  read(input: PersonReader): void {
    for (let users = input.shared.u32(); users > 0; users--) {
      const p = input.next();
      this.seen.set(p.str(), new Set(p.strings()));
    }
  }
}

function* encodeSeen(seen: { keys: string[]; values: ReadonlySet<string>[] }, out: PersonWriter): Encoding {
  // Sorted by person: the bytes do not depend on whether the serving record or the log named them first.
  const order = seen.keys.map((_, i) => i).sort((a, b) => (seen.keys[a]! < seen.keys[b]! ? -1 : 1));
  yield;
  out.shared.u32(order.length);
  // A person's list can be long: the yields are spaced by videos written, not people.
  let videos = 0;
  for (let n = 0; n < order.length; n++) {
    const userId = seen.keys[order[n]!]!;
    const list = seen.values[order[n]!]!;
    const p = out.of(userId);
    p.str(userId);
    p.strings([...list]);
    videos += list.size + 1;
    if (videos >= ROWS_PER_YIELD * 16) {
      videos = 0;
      yield;
    }
  }
}
