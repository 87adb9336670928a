/**
 * The online learners' state: the catalog and every model part learned over it, the clock and the random
 * generator. Each part owns its own data; the learners' jobs (learning, candidates, rights, deltas, snapshots)
 * work on them through this one holder, so a restore builds a whole new holder instead of reassigning parts.
 */
import type { OnlineConfig } from './config.ts';
import { DurationBaseline } from './duration-baseline.ts';
import { OpenExposures } from './exposures.ts';
import { Factorization } from './factorization.ts';
import type { LearnedState } from './features.ts';
import { NewestByKey } from './newest-by-key.ts';
import { MultiTaskRanker } from './ranker.ts';
import { Rng } from '../../core/random.ts';
import { Swing } from './swing.ts';
import { TasteProfiles } from './taste.ts';
import { VideoCatalog } from './video-catalog.ts';
import { VideoCounters } from './video-counters.ts';
import { VideoVectors } from './video-vectors.ts';

/** The parts a snapshot holds, in the order it holds them (see learner-snapshot.ts). */
export interface SavedParts {
  catalog: VideoCatalog;
  newest: NewestByKey;
  counters: VideoCounters;
  baseline: DurationBaseline;
  factorization: Factorization;
  taste: TasteProfiles;
  swing: Swing;
  exposures: OpenExposures;
}

export class LearnedParts implements LearnedState {
  readonly catalog: VideoCatalog;
  readonly factorization: Factorization;
  readonly taste: TasteProfiles;
  readonly swing: Swing;
  readonly counters: VideoCounters;
  readonly baseline: DurationBaseline;
  readonly newest: NewestByKey;
  readonly exposures: OpenExposures;
  readonly ranker: MultiTaskRanker;
  readonly rng: Rng;
  readonly vectors: VideoVectors;
  /** The learners' clock: the latest event time seen. */
  clock = 0;
  /** Events observed so far (here or, through deltas, by other replicas). */
  events = 0;

  /** Empty parts for `config`, or the parts a snapshot held (`saved`). */
  constructor(
    readonly config: OnlineConfig,
    saved?: SavedParts,
  ) {
    this.rng = new Rng(config.seed);
    this.catalog = saved?.catalog ?? new VideoCatalog(config.contentDim);
    this.factorization = saved?.factorization ?? new Factorization(config, this.catalog);
    this.taste = saved?.taste ?? new TasteProfiles(config.tasteHalfLifeMs, config.tasteKeysPerUser);
    this.swing = saved?.swing ?? new Swing(config.swing);
    this.counters = saved?.counters ?? new VideoCounters(config.statsHalfLifeMs);
    this.baseline = saved?.baseline ?? new DurationBaseline();
    this.newest = saved?.newest ?? new NewestByKey(config.recentVideosPerKey);
    this.exposures = saved?.exposures ?? new OpenExposures(config.exposure.windowMs, config.exposure.openPerUser);
    this.ranker = new MultiTaskRanker(config.ranker.learningRate, config.scoreWeights);
    this.vectors = new VideoVectors(config.dim, { ...config.ann, seed: config.seed });
  }

  /** Puts the video's current item vector into the nearest-neighbour index (or takes it out once removed). */
  refreshVector(slot: number): void {
    const item = this.catalog.get(slot).active ? this.factorization.itemVector(slot) : undefined;
    if (item === undefined) this.vectors.clear(slot);
    else this.vectors.set(slot, item);
  }

  /**
   * Recomputes the item vectors of videos without a row of their own from the content projection, which keeps
   * learning (done at every sweep, and by the engine before it serves, so a restored and a replayed engine agree).
   */
  refreshContentVectors(): void {
    for (let slot = 0; slot < this.catalog.size; slot++) {
      if (this.factorization.videos.row(this.catalog.get(slot).id) === undefined) this.refreshVector(slot);
    }
  }

  /** The person's recent positives (video ids), oldest first. */
  recentPositives(userId: string): string[] {
    return this.swing.recentPositives(userId).map((slot) => this.catalog.get(slot).id);
  }

  /** Every positive kept for the person (video ids, the recent ones last): what the item graph reads of them. */
  keptPositives(userId: string): string[] {
    return this.swing.keptPositives(userId).map((slot) => this.catalog.get(slot).id);
  }

  /** The centroid of the person's recent positives' item vectors, or undefined when none has one. */
  positivesCentroid(userId: string): Float32Array | undefined {
    const positives = this.swing.recentPositives(userId);
    const sum = new Float32Array(this.config.dim);
    let n = 0;
    for (const slot of positives) {
      const item = this.factorization.itemVector(slot);
      if (item === undefined) continue;
      for (let i = 0; i < this.config.dim; i++) sum[i] = sum[i]! + item[i]!;
      n++;
    }
    if (n === 0) return undefined;
    for (let i = 0; i < this.config.dim; i++) sum[i] = sum[i]! / n;
    return sum;
  }
}
