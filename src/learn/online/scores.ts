/**
 * Scores over the learned state: the ranker's score of a video for a person (and why), and a video's popularity.
 */
import { TASKS, type Task } from './config.ts';
import { FEATURES, PersonFeatures } from './features.ts';
import type { LearnedParts } from './learned-parts.ts';
import type { Contribution } from './ranker.ts';
import type { Counter } from './video-counters.ts';

export interface Explanation {
  videoId: string;
  score: number;
  predictions: Record<Task, number>;
  weights: Record<Task, number>;
  /** The signals that moved the score most, strongest first. */
  signals: Contribution[];
}

/** What the feed's ranking reads. */
export interface LearnedScores {
  score(userId: string | undefined, videoIds: readonly string[], weights?: Record<Task, number>): (number | undefined)[];
  explain(userId: string | undefined, videoId: string, topSignals?: number, weights?: Record<Task, number>): Explanation | undefined;
}

/** What the popular lists are computed from. */
export interface LearnedPopularity {
  /** The learners' clock: the latest event time seen. */
  readonly now: number;
  engagedVideos(): Iterable<string>;
  popularity(videoId: string, now?: number): number;
}

export class Scores implements LearnedScores {
  private readonly x = new Float32Array(FEATURES.length);
  private readonly predictions = new Float64Array(TASKS.length);

  constructor(private readonly parts: LearnedParts) {}

  /**
   * The ranker's score of each video for the person, in input order; undefined for videos never added.
   * Without a person (`undefined`) no personal feature is read: the score of an anonymous visitor.
   */
  score(userId: string | undefined, videoIds: readonly string[], weights: Record<Task, number> = this.parts.config.scoreWeights): (number | undefined)[] {
    const { catalog, ranker } = this.parts;
    const person = new PersonFeatures(this.parts, userId, this.parts.clock);
    const vector = TASKS.map((t) => weights[t]);
    return videoIds.map((id) => {
      const slot = catalog.slot(id);
      if (slot === undefined) return undefined;
      return ranker.score(ranker.predict(person.fill(slot, this.x), this.predictions), vector);
    });
  }

  /** Every prediction behind a score, the weights that combine them (the configured ones unless given: a live experiment's), and the signals that mattered most. */
  explain(
    userId: string | undefined,
    videoId: string,
    topSignals = 5,
    weights: Record<Task, number> = this.parts.config.scoreWeights,
  ): Explanation | undefined {
    const { catalog, ranker } = this.parts;
    const slot = catalog.slot(videoId);
    if (slot === undefined) return undefined;
    const x = new PersonFeatures(this.parts, userId, this.parts.clock).fill(slot, new Float32Array(FEATURES.length));
    const predictions = ranker.predict(x, new Float64Array(TASKS.length));
    const vector = TASKS.map((t) => weights[t]);
    return {
      videoId,
      score: ranker.score(predictions, vector),
      predictions: Object.fromEntries(TASKS.map((t, i) => [t, predictions[i]!])) as Record<Task, number>,
      weights: { ...weights },
      signals: ranker.contributions(x, predictions, vector).slice(0, topSignals),
    };
  }

  /**
   * Popularity of a video as of `now`: decayed engagement per decayed exposure, smoothed towards a small prior
   * so two plays do not outrank two thousand, times the log of its recent audience. 0 for a video with no events.
   */
  popularity(videoId: string, now = this.parts.clock): number {
    const { catalog, counters } = this.parts;
    const slot = catalog.slot(videoId);
    if (slot === undefined) return 0;
    const f = counters.decayFactor(slot, now);
    const c = (name: Counter) => f * counters.get(slot, name);
    const exposures = c('exposures');
    if (exposures === 0) return 0;
    const engagement = c('relativeWatch') + c('likes') + 2 * c('shares') + 0.5 * c('comments') + 2 * c('follows') - 0.5 * c('skips') - 2 * c('rejections');
    return ((Math.max(engagement, 0) + 1) / (exposures + 3)) * Math.log2(2 + exposures);
  }

  /** Ids of the videos that have had any event (the only ones that can be popular). */
  *engagedVideos(): Iterable<string> {
    const { catalog, counters } = this.parts;
    const touched = Math.min(counters.touched, catalog.size);
    for (let slot = 0; slot < touched; slot++) {
      const facts = catalog.get(slot);
      if (facts.active && counters.get(slot, 'exposures') > 0) yield facts.id;
    }
  }
}
