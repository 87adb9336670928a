/**
 * A simple defence of the signals moderation relies on: a report (or like) from an account created in the last
 * hour, or one of a burst sent by one account, counts for `discount` of a normal one. Each discount says why,
 * so the queue can show how much of a video's reports it trimmed.
 *
 * A signal is judged at the time it counts as sent (`signalTime`): its own timestamp, unless that is older than
 * its arrival by more than `lateMs` and the sender may not import history; then the engine's clock bounds it, so
 * an old timestamp buys an account neither age nor a spread-out burst (docs/safety.md, Signal integrity).
 */
import type { SafetyConfig } from './config.ts';

export type SignalKind = 'report' | 'like';

export interface SignalWeight {
  weight: number;
  /** Why the signal counts for less: `new_account`, `burst`, or nothing. */
  discounted?: 'new_account' | 'burst';
}

/** When a signal counts as sent, for the integrity rules. */
export interface SignalTime {
  at: number;
  /** Imported history: the account may be older than its creation in the engine, so a signal from before it is an established account's. */
  history: boolean;
}

/**
 * When an event sent at `arrival` (the engine's clock) counts as sent. `mayImportHistory` is asked only about an
 * event more than `lateMs` older than its arrival; undefined stands for the operator's own programs (`moteur
 * import`, the evaluations), whose timestamps are believed as they are.
 */
export function signalTime(ts: number, arrival: number, lateMs: number, mayImportHistory: (() => boolean) | undefined): SignalTime {
  if (mayImportHistory === undefined) return { at: ts, history: true };
  if (ts > arrival) return { at: arrival, history: false };
  if (ts >= arrival - lateMs) return { at: ts, history: false };
  return mayImportHistory() ? { at: ts, history: true } : { at: arrival - lateMs, history: false };
}

export class SignalIntegrity {
  /** Per account and kind, the times of its recent signals (within the burst window). */
  private readonly recent = new Map<string, number[]>();

  constructor(private readonly config: SafetyConfig['integrity']) {}

  weigh(kind: SignalKind, userId: string, accountCreatedAt: number, { at, history }: SignalTime): SignalWeight {
    const { newAccountMs, burstWindowMs, burstSize, discount } = this.config;
    const key = `${kind}\u0000${userId}`;
    const times = (this.recent.get(key) ?? []).filter((t) => at - t < burstWindowMs && t <= at);
    times.push(at);
    this.recent.set(key, times);
    const age = at - accountCreatedAt;
    if (age < newAccountMs && !(history && age < 0)) return { weight: discount, discounted: 'new_account' };
    if (times.length > burstSize) return { weight: discount, discounted: 'burst' };
    return { weight: 1 };
  }

  forgetUser(userId: string): void {
    for (const kind of ['report', 'like'] as const) this.recent.delete(`${kind}\u0000${userId}`);
  }
}
