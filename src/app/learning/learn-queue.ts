/**
 * Durable events waiting to be learned, in log order: learned right after the ingest call answers, in chunks
 * between other work, with back-pressure (an ingest call waits while too many are queued).
 */
import type { LoggedEvent, Video } from '../../core/types.ts';

/** Queued events learned per turn of the event loop: a turn stays short, so requests are not held up behind learning. */
const LEARN_CHUNK = 1000;

export interface QueuedEvent {
  event: LoggedEvent;
  video: Video;
}

export class LearnQueue {
  private pending: QueuedEvent[] = [];
  private learnSoon: NodeJS.Immediate | undefined;
  /** Ingest calls waiting for the queue to shrink back under `maxPending`. */
  private waitingForRoom: (() => void)[] = [];

  constructor(
    /** Learns one event. */
    private readonly learn: (event: LoggedEvent, video: Video) => void,
    private readonly maxPending: number,
  ) {}

  /** Acknowledged events not learned yet. */
  get size(): number {
    return this.pending.length;
  }

  /**
   * Queues durable events (in log order). Resolves at once, or, when more than `maxPending` are queued, once
   * the queue is back under that bound: the lag a feed may have to make up is bounded.
   */
  enqueue(events: readonly QueuedEvent[]): Promise<void> {
    for (const e of events) this.pending.push(e);
    this.learnSoon ??= setImmediate(() => this.learnChunk());
    if (this.pending.length <= this.maxPending) return Promise.resolve();
    return new Promise((resolve) => this.waitingForRoom.push(resolve));
  }

  private learnChunk(): void {
    this.learnSoon = undefined;
    this.applyPending(LEARN_CHUNK);
    if (this.pending.length > 0) this.learnSoon = setImmediate(() => this.learnChunk());
  }

  /** Learns every queued event now. */
  catchUp(): void {
    if (this.pending.length > 0) this.applyPending(this.pending.length);
  }

  /** No more chunks on the event loop (what is queued stays, for `catchUp`). */
  stop(): void {
    clearImmediate(this.learnSoon);
  }

  private applyPending(count: number): void {
    const batch = this.pending.length <= count ? this.pending : this.pending.slice(0, count);
    this.pending = batch === this.pending ? [] : this.pending.slice(count);
    for (const { event, video } of batch) this.learn(event, video);
    if (this.pending.length <= this.maxPending && this.waitingForRoom.length > 0) {
      const waiting = this.waitingForRoom;
      this.waitingForRoom = [];
      for (const resolve of waiting) resolve();
    }
  }
}
