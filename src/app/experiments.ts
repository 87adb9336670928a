/**
 * Live A/B experiments: each person is in one variant of each experiment, by a stable hash of their id and the
 * experiment's name (the same on every node and after every restart), and is served with that variant's feed
 * settings laid over the configured ones.
 */
import { bucketOf } from '../core/random.ts';
import type { Experiment, FeedConfig } from './config.ts';

/** Experiment name → the person's variant. */
export type Assignment = Record<string, string>;

export function variantOf(experiment: Experiment, userId: string): Experiment['variants'][number] {
  return experiment.variants[bucketOf(`${experiment.name}\u0000${userId}`, experiment.variants.length)]!;
}

/** The person's variant of every experiment, and the feed settings they make (later experiments win on a shared key). */
export function assign(experiments: readonly Experiment[], base: FeedConfig, userId: string): { assignment: Assignment; feed: FeedConfig } {
  const assignment: Assignment = {};
  let feed = base;
  for (const experiment of experiments) {
    const variant = variantOf(experiment, userId);
    assignment[experiment.name] = variant.name;
    feed = { ...feed, ...variant.feed };
  }
  return { assignment, feed };
}
