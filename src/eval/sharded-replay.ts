import { resolveConfig } from '../app/config.ts';
import { EngineLearning } from '../app/learning.ts';
import { decodeDelta, encodeDelta } from '../learn/online/model-delta.ts';
import { shardOf } from '../log/nats/subjects.ts';
import { loggedEvents, replayVideos, type TimedInteraction } from './online-replay.ts';

export interface ShardedReplayOptions {
  itemCount: number;
  tagsOf?: (item: number) => string[];
  /** Ratings at or above this send a like after the play. */
  likeFrom: number;
  seed: number;
  /** Learner shards; 1 is one process that learns every event and exchanges nothing. */
  shards: number;
  /** Events of the whole log (plays and likes) between two exchanges of model deltas. */
  deltaEveryEvents: number;
}

export interface ShardedReplay {
  /** One replica per shard, each having applied every other shard's last delta. */
  replicas: EngineLearning[];
  /** Events of the log (plays and likes). */
  events: number;
  deltas: number;
  deltaBytes: number;
  seconds: number;
}

/**
 * Replays interactions through learner shards as a cluster runs them: each replica learns the events of its
 * partition's people (`shardOf` of the user id) and, every `deltaEveryEvents` events of the log, each takes
 * its model delta, which goes through the wire format to every other replica. Between exchanges a shard steps
 * on item state that lacks the other shards' steps: the staleness of asynchronous SGD the cluster has.
 */
export function replayThroughShards(interactions: TimedInteraction[], options: ShardedReplayOptions): ShardedReplay {
  const videos = replayVideos(options);
  const byId = new Map(videos.map((v) => [v.id, v]));
  const config = resolveConfig({ learning: { seed: options.seed } });
  const residency = { regions: ['us'], regionOf: () => 'us' };
  const replicas = Array.from({ length: options.shards }, () => new EngineLearning(config, (id) => byId.get(id), residency));
  for (const replica of replicas) for (const v of videos) replica.putVideo(v);
  const sharded = options.shards > 1;
  if (sharded) for (const replica of replicas) replica.deltas.record();
  const result = { replicas, events: 0, deltas: 0, deltaBytes: 0, seconds: 0 };
  const exchange = () => {
    const sent = replicas.map((replica, shard) =>
      encodeDelta({ shard, shards: options.shards, position: replica.lastAppliedSeq, delta: replica.deltas.take() }),
    );
    sent.forEach((bytes, from) => {
      result.deltas++;
      result.deltaBytes += bytes.length;
      // Another shard's people are never this replica's own: it keeps none of their open exposures.
      replicas.forEach((replica, to) => to !== from && replica.deltas.apply(decodeDelta(bytes).delta, () => false));
    });
  };
  const start = performance.now();
  interactions.forEach((interaction, k) => {
    const logged = loggedEvents(interaction, k, result.events + 1, options.likeFrom);
    const replica = replicas[sharded ? shardOf(logged[0]!.userId, options.shards) : 0]!;
    for (const event of logged) {
      replica.observe(event, byId.get(event.videoId)!);
      if (++result.events % options.deltaEveryEvents === 0 && sharded) exchange();
    }
  });
  if (sharded) exchange();
  result.seconds = (performance.now() - start) / 1000;
  return result;
}
