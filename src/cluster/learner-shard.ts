import { MoteurError } from '../core/errors.ts';
import type { LogSubjects } from '../log/nats/subjects.ts';

/** Which part of the log a learner learns from: partition `index` of `count` (`--shard i/N`), or all of it (0/1). */
export interface LearnerShard {
  index: number;
  count: number;
}

export const WHOLE_LOG: LearnerShard = { index: 0, count: 1 };

export const shardLabel = (shard: LearnerShard) => `${shard.index}/${shard.count}`;

/** `--shard i/N`: 0 ≤ i < N. */
export function parseLearnerShard(text: string): LearnerShard {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || count < 1 || index >= count) {
    throw new MoteurError('invalid_option', `--shard ${text}: expected i/N with 0 <= i < N (e.g. 0/2)`, 400, 'shard');
  }
  return { index, count };
}

/**
 * The subject filter of a learner shard. A shard is one partition of the log, so N must equal the log's
 * partition count (`shards=` in its URL): NATS 2.9 filters one subject per consumer, and a learner taking
 * several partitions would need 2.10's multi-subject filters.
 */
export function shardFilter(shard: LearnerShard, subjects: LogSubjects): string {
  if (shard.count === 1) return subjects.allEvents;
  if (shard.count !== subjects.shards) {
    throw new MoteurError('invalid_option', `--shard ${shardLabel(shard)}: the log ${subjects.stream} has ${subjects.shards} partitions, so learner shards are i/${subjects.shards} (or one learner for the whole log)`, 400, 'shard');
  }
  return subjects.shardEvents(shard.index);
}
