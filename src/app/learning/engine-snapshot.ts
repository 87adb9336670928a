/**
 * The engine snapshot's format: the last applied sequence, the learners, the exploration outcomes and the seen
 * videos; each person's rows in their region's part (see src/learn/online/regional-snapshot.ts).
 */
import { MoteurError } from '../../core/errors.ts';
import type { ExplorationPool } from '../../learn/exploration/exploration-pool.ts';
import type { OnlineConfig } from '../../learn/online/config.ts';
import { OnlineLearners } from '../../learn/online/learners.ts';
import type { MoteurConfig } from '../config.ts';
import { readRegional, RegionalWriter, type RegionalSnapshot } from '../../learn/online/regional-snapshot.ts';
import type { Residency } from '../../residency/people-directory.ts';
import type { SeenVideos } from './seen-videos.ts';
import type { Encoding } from '../../learn/online/encoding.ts';

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
 * The state as it is now, frozen in one turn, to encode in slices into the bytes `encodeEngine` writes while
 * learning goes on (see encoding.ts); `thaw` once the encoding is done or given up.
 */
export function freezeEngine(state: EngineState, residency: Residency): { encoding: Encoding<RegionalSnapshot>; thaw: () => void } {
  const { appliedSeq } = state;
  const learners = state.learners.freeze();
  const exploration = state.exploration.freeze();
  const seen = state.seen.freeze();
  function* encoding(): Encoding<RegionalSnapshot> {
    const out = new RegionalWriter(residency.regions, (userId) => residency.regionOf(userId));
    out.shared.f64(appliedSeq);
    yield* learners(out);
    yield* exploration(out.shared);
    yield* seen(out);
    return yield* out.finishing(MAGIC, FORMAT);
  }
  return {
    encoding: encoding(),
    thaw: () => {
      state.learners.thaw();
      state.exploration.thaw();
      state.seen.thaw();
    },
  };
}

/**
 * Reads a snapshot into the exploration pool and the seen videos; returns the applied sequence and the learners,
 * checked before they replace the current ones (a snapshot of other content dimensions is refused).
 */
export function decodeEngine(
  snapshot: RegionalSnapshot,
  residency: Residency,
  into: { config: MoteurConfig; exploration: ExplorationPool; seen: SeenVideos },
): { appliedSeq: number; learners: OnlineLearners } {
  return readRegional(snapshot, residency.regions, MAGIC, FORMAT, 'an engine snapshot', (input) => {
    const r = input.shared;
    const appliedSeq = r.f64();
    const learners = OnlineLearners.read(input);
    staleSnapshot(learners.config, into.config);
    into.exploration.read(r);
    into.seen.read(input);
    return { appliedSeq, learners };
  });
}

/**
 * A snapshot learned with another content dimension or other learning rates would not be what the configuration
 * says: the start is refused with what changed and what to do.
 */
function staleSnapshot(learned: OnlineConfig, config: MoteurConfig): void {
  const changes = [
    ['embeddingDim', learned.contentDim, config.embeddingDim],
    ['learningRate', learned.factorization.learningRate, config.learning.learningRate],
    ['rankerLearningRate', learned.ranker.learningRate, config.learning.rankerLearningRate],
  ].filter(([, was, now]) => was !== now);
  if (changes.length === 0) return;
  const what = changes.map(([key, was, now]) => `${key} ${was} -> ${now}`).join(', ');
  const videos = changes.some(([key]) => key === 'embeddingDim') ? `; upload the videos again with embeddings of ${config.embeddingDim} numbers` : '';
  throw new MoteurError(
    'snapshot_stale',
    `the model snapshot is stale: the configuration changed ${what}. Rebuild it with 'moteur train --data DIR --config FILE' (same configuration) before starting${videos}`,
  );
}
