/**
 * A simple defence of the signals moderation relies on: a report (or like) from an account created in the last
 * hour, or one of a burst sent by one account, counts for `discount` of a normal one. Each discount says why,
 * so the queue can show how much of a video's reports it trimmed.
 */
import type { SafetyConfig } from './config.ts';

export type SignalKind = 'report' | 'like';

export interface SignalWeight {
  weight: number;
  /** Why the signal counts for less: `new_account`, `burst`, or nothing. */
  discounted?: 'new_account' | 'burst';
}

export class SignalIntegrity {
  /** Per account and kind, the times of its recent signals (within the burst window). */
  private readonly recent = new Map<string, number[]>();

  constructor(private readonly config: SafetyConfig['integrity']) {}

  weigh(kind: SignalKind, userId: string, accountCreatedAt: number, ts: number): SignalWeight {
    const { newAccountMs, burstWindowMs, burstSize, discount } = this.config;
    const key = `${kind}\u0000${userId}`;
    const times = (this.recent.get(key) ?? []).filter((t) => ts - t < burstWindowMs && t <= ts);
    times.push(ts);
    this.recent.set(key, times);
    if (ts - accountCreatedAt < newAccountMs) return { weight: discount, discounted: 'new_account' };
    if (times.length > burstSize) return { weight: discount, discounted: 'burst' };
    return { weight: 1 };
  }

  forgetUser(userId: string): void {
    for (const kind of ['report', 'like'] as const) this.recent.delete(`${kind}\u0000${userId}`);
  }
}
