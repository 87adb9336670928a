/**
 * What cluster nodes tell each other over core NATS (the events themselves travel through the JetStream
 * log): a serving node announces the changes made through it (catalog, profiles, refreshes, erasures) on
 * `<stream>.cluster.changes`, for the other serving nodes and the learner.
 */
import type { EngineChange } from '../app/cluster-link.ts';

export interface ChangeMessage {
  /** The node it came from, which has applied it already. */
  origin: string;
  change: EngineChange;
  /** For an erasure: the erasure epoch it opened (see Checkpoints). */
  epoch?: number;
}

export const changesSubject = (stream: string) => `${stream}.cluster.changes`;
