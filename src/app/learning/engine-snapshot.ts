/**
 * The engine snapshot's format: the last applied sequence, the learners, the exploration outcomes and the seen
 * videos; each person's rows in their region's part (see src/learn/online/regional-snapshot.ts).
 */
import { MoteurError } from '../../core/errors.ts';
import type { ExplorationPool } from '../../learn/exploration/exploration-pool.ts';
import { OnlineLearners } from '../../learn/online/learners.ts';
import { readRegional, RegionalWriter, type RegionalSnapshot } from '../../learn/online/regional-snapshot.ts';
import type { Residency } from '../../residency/people-directory.ts';
import type { SeenVideos } from './seen-videos.ts';

const MAGIC = 'moteur-engine-snapshot';
const FORMAT = 2;

export interface EngineState {
  appliedSeq: number;
  learners: OnlineLearners;
  exploration: ExplorationPool;
  seen: SeenVideos;
}

export function encodeEngine(state: EngineState, residency: Residency): RegionalSnapshot {
  const out = new RegionalWriter(residency.regions, (userId) => residency.regionOf(userId));
  out.shared.f64(state.appliedSeq);
  state.learners.write(out);
  state.exploration.write(out.shared);
  state.seen.write(out);
  return out.finish(MAGIC, FORMAT);
}

/**
 * Reads a snapshot into the exploration pool and the seen videos; returns the applied sequence and the learners,
 * checked before they replace the current ones (a snapshot of other content dimensions is refused).
 */
export function decodeEngine(
  snapshot: RegionalSnapshot,
  residency: Residency,
  into: { contentDim: number; exploration: ExplorationPool; seen: SeenVideos },
): { appliedSeq: number; learners: OnlineLearners } {
  return readRegional(snapshot, residency.regions, MAGIC, FORMAT, 'an engine snapshot', (input) => {
    const r = input.shared;
    const appliedSeq = r.f64();
    const learners = OnlineLearners.read(input);
    if (learners.config.contentDim !== into.contentDim) {
      throw new MoteurError('snapshot_stale', `the snapshot was made for content embeddings of ${learners.config.contentDim} dimensions, the engine is set to ${into.contentDim}: delete it or run 'moteur train'`, 500);
    }
    into.exploration.read(r);
    into.seen.read(input);
    return { appliedSeq, learners };
  });
}
