import type { Store } from '../store/store.ts';

/**
 * Batches "served" records and writes them a moment later in one transaction, so a feed request
 * does not wait for a disk sync. A crash loses at most the last `flushMs` of serving history, never an event.
 */
export class ServedWriter {
  private pending = new Map<string, { videoIds: string[]; ts: number }>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly flushMs: number,
  ) {}

  add(userId: string, videoIds: readonly string[], ts: number): void {
    const entry = this.pending.get(userId);
    if (entry) {
      entry.videoIds.push(...videoIds);
      entry.ts = ts;
    } else {
      this.pending.set(userId, { videoIds: [...videoIds], ts });
    }
    this.timer ??= setTimeout(() => void this.flush(), this.flushMs);
  }

  /** Drops what is pending for the user: used when their serving history is reset. */
  discard(userId: string): void {
    this.pending.delete(userId);
  }

  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = new Map();
    this.flushing = this.flushing.then(async () => {
      for (const [userId, { videoIds, ts }] of batch) await this.store.recordServed(userId, videoIds, ts);
    });
    await this.flushing;
  }
}
