import { MoteurError } from '../core/errors.ts';
import type { LogSubjects } from '../log/nats/subjects.ts';

/** Which part of the log a learner learns from: partition `index` of `count` (`--shard i/N`), or all of it (0/1). */
export interface LearnerShard {
  index: number;
  count: number;
}

export const WHOLE_LOG: LearnerShard = { index: 0, count: 1 };

export const shardLabel = (shard: LearnerShard) => `${shard.index}/${shard.count}`;

/** The durable JetStream consumer a learner of the shard reads its part of the log through; its pending count is the shard's lag. */
export const learnerConsumerName = (stream: string, shard: LearnerShard) => `${stream}_learner_${shard.index}_of_${shard.count}`;

/** The shard a consumer name stands for, if it is a learner's. */
export function shardOfConsumer(stream: string, name: string): LearnerShard | undefined {
  const match = new RegExp(`^${stream}_learner_(\\d+)_of_(\\d+)$`).exec(name);
  return match === null ? undefined : { index: Number(match[1]), count: Number(match[2]) };
}

/** `--shard i/N`: 0 ≤ i < N. */
export function parseLearnerShard(text: string): LearnerShard {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || count < 1 || index >= count) {
    throw new MoteurError('invalid_option', `--shard ${text}: expected i/N with 0 <= i < N (e.g. 0/2)`, { field: 'shard' });
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
    throw new MoteurError(
      'invalid_option',
      `--shard ${shardLabel(shard)}: the log ${subjects.stream} has ${subjects.shards} partitions, so learner shards are i/${subjects.shards} (or one learner for the whole log)`,
      { field: 'shard' },
    );
  }
  return subjects.shardEvents(shard.index);
}
