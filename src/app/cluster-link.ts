import type { User, Video } from '../core/types.ts';
import type { ModerationEntry } from '../safety/safety.ts';
import type { Moteur } from './moteur.ts';

/** A change made through one serving node that the other nodes and the learner must follow. */
export type EngineChange =
  | { kind: 'videos'; videos: Video[] }
  | { kind: 'user'; user: User }
  | { kind: 'reset'; userId: string; afterSeq: number }
  | { kind: 'erase'; userId: string };

/**
 * How a serving node takes part in a cluster (src/cluster/). Every node learns from the shared log in log
 * order, its own ingest included, so the node does not learn inside `ingest`: once the engine has rebuilt
 * its state, the link follows the log and the changes made through other nodes, and tells them of its own.
 */
export interface ClusterLink {
  /** False for a serving node that applies learner shards' model deltas instead: it neither replays nor learns the log. */
  readonly learnsFromLog: boolean;
  attach(moteur: Moteur): Promise<void>;
  publish(change: EngineChange): Promise<void>;
  /** Shares a change to moderation made through this node; resolved once it is durable for the other nodes. */
  shareModeration(entry: ModerationEntry): Promise<void>;
  close(): Promise<void>;
}
