import type { LoggedEvent } from '../core/types.ts';

export interface LogTarget {
  apply(event: LoggedEvent): Promise<void> | void;
  reset(userId: string): void;
  forget(userId: string): void;
}

/**
 * Feeds a node's models the log's events in log order, each once (a redelivered or replayed event at or
 * below the applied position is dropped), applies each refresh exactly where it happened in the log, and
 * drops the events of an erased person that were already on their way when the erasure came.
 */
export class LogOrder {
  private readonly pendingResets = new Map<string, number>();
  private readonly erasedUpTo = new Map<string, number>();

  constructor(
    /** The last log position applied. */
    public appliedSeq: number,
    private readonly target: LogTarget,
  ) {}

  async event(event: LoggedEvent): Promise<void> {
    if (event.seq <= this.appliedSeq) return;
    this.appliedSeq = event.seq;
    const erasedUpTo = this.erasedUpTo.get(event.userId);
    if (erasedUpTo !== undefined) {
      if (event.seq <= erasedUpTo) return;
      this.erasedUpTo.delete(event.userId);
    }
    const resetAfter = this.pendingResets.get(event.userId);
    if (resetAfter !== undefined && resetAfter < event.seq) {
      this.pendingResets.delete(event.userId);
      this.target.reset(event.userId);
    }
    await this.target.apply(event);
  }

  /** A refresh recorded at log position `afterSeq`: now if this node is there already, else before the person's next later event. */
  reset(userId: string, afterSeq: number): void {
    if (afterSeq <= this.appliedSeq) this.target.reset(userId);
    else this.pendingResets.set(userId, afterSeq);
  }

  /** An erasure, when the log's newest position was `logSeqThen`: the person's events up to there are gone from the log. */
  erase(userId: string, logSeqThen: number): void {
    this.pendingResets.delete(userId);
    if (logSeqThen > this.appliedSeq) this.erasedUpTo.set(userId, logSeqThen);
    this.target.forget(userId);
  }
}
