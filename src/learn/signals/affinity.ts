import type { Video } from '../../core/types.ts';
import { DecayedSum } from './decayed.ts';

const MAX_KEYS = 300;

/** The keys a video contributes to a person's affinities: its creator, its sound and its hashtags. */
export function affinityKeys(video: Video): string[] {
  const keys = [`creator:${video.creatorId}`, ...video.hashtags.map((h) => `hashtag:${h}`)];
  if (video.soundId !== '') keys.push(`sound:${video.soundId}`);
  return keys;
}

/**
 * A person's time-decayed taste for creators, hashtags and sounds. Negative values (skips, "not interested")
 * push down everything the rejected video shares with others, not just the video itself.
 */
export class AffinityProfile {
  private readonly values = new Map<string, DecayedSum>();

  constructor(private readonly halfLifeMs: number) {}

  add(video: Video, amount: number, ts: number): void {
    for (const key of affinityKeys(video)) {
      let sum = this.values.get(key);
      if (sum === undefined) {
        sum = new DecayedSum();
        this.values.set(key, sum);
      }
      sum.add(amount, ts, this.halfLifeMs);
    }
    if (this.values.size > MAX_KEYS) this.prune(ts);
  }

  get(key: string, now: number): number {
    return this.values.get(key)?.at(now, this.halfLifeMs) ?? 0;
  }

  /** Every affinity, positive or negative, strongest first. */
  entries(now: number): { key: string; value: number }[] {
    return [...this.values.entries()].map(([key, sum]) => ({ key, value: sum.at(now, this.halfLifeMs) })).sort((a, b) => Math.abs(b.value) - Math.abs(a.value));
  }

  /** The strongest positive affinities, best first. */
  top(now: number, count: number, prefix: string): { key: string; value: number }[] {
    return [...this.values.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, sum]) => ({ key, value: sum.at(now, this.halfLifeMs) }))
      .filter((e) => e.value > 0)
      .sort((a, b) => b.value - a.value)
      .slice(0, count);
  }

  /** Keeps the strongest signals, positive or negative, when the profile grows too large. */
  private prune(now: number): void {
    const weakest = [...this.values.entries()]
      .map(([key, sum]) => ({ key, strength: Math.abs(sum.at(now, this.halfLifeMs)) }))
      .sort((a, b) => a.strength - b.strength)
      .slice(0, this.values.size - MAX_KEYS * 0.8);
    for (const { key } of weakest) this.values.delete(key);
  }
}
