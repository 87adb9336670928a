/**
 * Per person, the videos served to them or that they watched or acted on, follows aside (kept apart from learned taste: a
 * refresh keeps it); each person's list goes to their region's part of a snapshot.
 */
import type { PersonReader, PersonWriter } from '../../learn/online/person-bytes.ts';

export class SeenVideos {
  private readonly seen = new Map<string, Set<string>>();

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
    if (set === undefined) {
      set = new Set();
      this.seen.set(userId, set);
    }
    return set;
  }

  /** The count into the shared bytes, each person's list into their part. */
  write(out: PersonWriter): void {
    // Sorted by person: the bytes do not depend on whether the serving record or the log named them first.
    out.shared.u32(this.seen.size);
    for (const userId of [...this.seen.keys()].sort()) {
      const p = out.of(userId);
      p.str(userId);
      p.strings([...this.seen.get(userId)!]);
    }
  }

  /** Takes each person's list `write` left. */
  read(input: PersonReader): void {
    for (let users = input.shared.u32(); users > 0; users--) {
      const p = input.next();
      this.seen.set(p.str(), new Set(p.strings()));
    }
  }
}
