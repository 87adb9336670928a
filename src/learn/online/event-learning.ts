/**
 * Learning from events: every logged event updates, within the same call, the user and video embeddings, the
 * co-engagement lists, the person's affinities, the video counters and (once its labels have matured, when its
 * exposure is settled) the multi-task ranker; a periodic sweep evicts stale ids and settles expired exposures.
 */
import type { LoggedEvent, Video } from '../../core/types.ts';
import { TASKS } from './config.ts';
import { COMMENTED, FOLLOWED, LIKED, newFeatures, PLAYED, REJECTED, SHARED, SKIPPED, type Exposure } from './exposures.ts';
import { FEATURES, PersonFeatures } from './features.ts';
import type { LearnedParts } from './learned-parts.ts';
import type { LearnerCatalog } from './learner-catalog.ts';
import type { LearnerDeltas } from './learner-deltas.ts';

/** A play counts as a positive for the factorisation from half its bucket's ordinary watch, for co-engagement from a full one. */
const PLAY_POSITIVE_FROM = 0.5;
const PLAY_ENGAGED_FROM = 1;
/**
 * A video's watch counter sums each exposure's relative watch up to this: a few people replaying a video four
 * times would otherwise outweigh how much of it most people watch (KuaiRec's inner split: docs/evaluation.md).
 */
const VIDEO_WATCH_CAP = 2;

/** The exposure flag and the video counter of each positive action. */
const POSITIVE_ACTIONS = {
  like: { flag: LIKED, counter: 'likes' },
  share: { flag: SHARED, counter: 'shares' },
  comment: { flag: COMMENTED, counter: 'comments' },
  follow: { flag: FOLLOWED, counter: 'follows' },
} as const;

/** Sets `flag` on the exposure; true when it was not set yet (a label counts once per exposure). */
function firstTime(exposure: Exposure, flag: number): boolean {
  const first = (exposure.flags & flag) === 0;
  exposure.flags |= flag;
  return first;
}

export class EventLearning {
  private readonly predictions = new Float64Array(TASKS.length);
  private readonly labels = new Float64Array(TASKS.length);

  constructor(
    private readonly parts: LearnedParts,
    private readonly catalog: LearnerCatalog,
    private readonly deltas: LearnerDeltas,
  ) {}

  /**
   * Learns from one event. `video` is the catalog's record of `event.videoId` (added here when new); an event
   * about a video the learners have never been given is counted for the person's admission and otherwise ignored.
   */
  observe(event: LoggedEvent, video: Video | undefined): void {
    const parts = this.parts;
    if (video !== undefined && parts.catalog.slot(video.id) === undefined) this.catalog.addVideo(video);
    parts.events++;
    parts.clock = Math.max(parts.clock, event.ts);
    const { userId, ts } = event;
    this.deltas.eventLearned(userId);
    const slot = parts.catalog.slot(event.videoId);
    if (slot === undefined) {
      this.touchUser(userId, ts);
    } else {
      for (const closed of parts.exposures.closeExpired(userId, ts)) this.settle(userId, closed);
      const exposure = this.exposure(userId, slot, ts);
      const userRow = this.touchUser(userId, ts);
      parts.factorization.touchVideo(slot, ts, parts.rng);
      this.learn(event, slot, exposure, userRow);
    }
    if (parts.events % parts.config.sweepEveryEvents === 0) this.sweep();
  }

  private touchUser(userId: string, ts: number): number | undefined {
    const { factorization, rng } = this.parts;
    return factorization.users.touchIfAdmitted(userId, ts) ?? factorization.touchUser(userId, ts, rng, () => this.parts.positivesCentroid(userId));
  }

  /** The open exposure of this video to this person, opened now (features frozen as of now) if there is none. */
  private exposure(userId: string, slot: number, ts: number): Exposure {
    const open = this.parts.exposures.find(userId, slot);
    if (open !== undefined) return open;
    const features = new PersonFeatures(this.parts, userId, ts).fill(slot, newFeatures(FEATURES.length));
    const exposure: Exposure = { slot, openedAt: ts, features, relativeWatch: 0, flags: 0 };
    this.parts.counters.add(slot, 'exposures', 1, ts);
    for (const pushedOut of this.parts.exposures.open(userId, exposure)) this.settle(userId, pushedOut);
    return exposure;
  }

  private learn(event: LoggedEvent, slot: number, exposure: Exposure, userRow: number | undefined): void {
    const { config, catalog, baseline, counters, taste, swing } = this.parts;
    const { eventWeights, tasteDeltas } = config;
    const facts = catalog.get(slot);
    const { userId, ts } = event;
    const keys = facts.keys;
    switch (event.type) {
      case 'impression':
        return;
      case 'play': {
        const ratio = Math.min((event.watchMs ?? 0) / Math.max(facts.durationMs, 1), 4);
        baseline.observe(facts.durationMs, ratio);
        const relative = baseline.relative(facts.durationMs, ratio);
        if (firstTime(exposure, PLAYED)) counters.add(slot, 'plays', 1, ts);
        if (relative > exposure.relativeWatch) {
          const counted = Math.min(relative, VIDEO_WATCH_CAP) - Math.min(exposure.relativeWatch, VIDEO_WATCH_CAP);
          if (counted > 0) counters.add(slot, 'relativeWatch', counted, ts);
          exposure.relativeWatch = relative;
        }
        if (relative >= PLAY_POSITIVE_FROM) this.positive(userRow, slot, eventWeights.play * Math.min(ratio, 1.5));
        taste.add(userId, keys, tasteDeltas.play * (Math.min(relative, 2) - 1), ts);
        if (relative >= PLAY_ENGAGED_FROM) swing.addPositive(userId, slot);
        return;
      }
      case 'like':
      case 'share':
      case 'comment':
      case 'follow': {
        const { flag, counter } = POSITIVE_ACTIONS[event.type];
        // A like from a new account or a burst counts for its stored weight, and links no videos as co-engaged.
        const weight = event.signalWeight ?? 1;
        if (firstTime(exposure, flag)) counters.add(slot, counter, weight, ts);
        this.positive(userRow, slot, eventWeights[event.type] * weight);
        taste.add(userId, keys, tasteDeltas[event.type] * weight, ts);
        if (event.type === 'follow') taste.follow(userId, facts.creatorId, ts);
        if (event.type !== 'comment' && weight === 1) swing.addPositive(userId, slot);
        return;
      }
      case 'skip':
      case 'not_interested':
      case 'report': {
        const skip = event.type === 'skip';
        if (firstTime(exposure, skip ? SKIPPED : REJECTED)) counters.add(slot, skip ? 'skips' : 'rejections', 1, ts);
        if (userRow !== undefined) this.train(userRow, slot, 0, eventWeights[event.type]);
        taste.add(userId, keys, tasteDeltas[event.type], ts);
        if (!skip)
          taste.hide(
            userId,
            keys.filter((k) => !k.startsWith('hashtag:')),
            ts,
          );
        return;
      }
    }
  }

  /** A positive example, followed by the configured number of uniformly sampled catalog negatives. */
  private positive(userRow: number | undefined, slot: number, weight: number): void {
    if (userRow === undefined) return;
    this.train(userRow, slot, 1, weight);
    const { config, catalog, rng } = this.parts;
    const { randomNegatives, randomNegativeWeight } = config.factorization;
    for (let i = 0; i < randomNegatives; i++) {
      const other = Math.floor(rng.next() * catalog.size);
      if (other !== slot && catalog.get(other).active) this.train(userRow, other, 0, randomNegativeWeight);
    }
  }

  private train(userRow: number, slot: number, label: number, weight: number): void {
    const { factorization, catalog, vectors } = this.parts;
    const videoRow = factorization.train(userRow, slot, label, weight);
    if (videoRow !== undefined && catalog.get(slot).active) vectors.set(slot, factorization.videos.vector(videoRow));
  }

  /** An exposure's labels are final: train the ranker, and treat an unplayed, ignored impression as a negative. */
  private settle(userId: string, exposure: Exposure): void {
    const f = exposure.flags;
    const labels = this.labels;
    labels[0] = exposure.relativeWatch;
    labels[1] = f & LIKED ? 1 : 0;
    labels[2] = f & SHARED ? 1 : 0;
    labels[3] = f & COMMENTED ? 1 : 0;
    labels[4] = f & FOLLOWED ? 1 : 0;
    labels[5] = f & (SKIPPED | REJECTED) ? 1 : 0;
    const { ranker, config, factorization, catalog, rng } = this.parts;
    ranker.train(exposure.features, labels, this.predictions);
    if (f !== 0) return;
    const { unplayedImpressionRate, unplayedImpressionWeight } = config.factorization;
    const userRow = factorization.users.row(userId);
    if (userRow !== undefined && catalog.get(exposure.slot).active && rng.next() < unplayedImpressionRate) {
      this.train(userRow, exposure.slot, 0, unplayedImpressionWeight);
    }
  }

  /** Periodic upkeep: evict stale ids, settle exposures past their window, refresh content-derived vectors. */
  private sweep(): void {
    const { clock: now, factorization, swing, exposures, taste, config } = this.parts;
    for (const userId of factorization.users.evict(now)) {
      swing.forgetUser(userId);
      exposures.forget(userId);
    }
    taste.evict(now - config.users.ttlMs);
    factorization.videos.evict(now);
    for (const { userId, exposure } of exposures.closeAllExpired(now)) this.settle(userId, exposure);
    this.parts.refreshContentVectors();
  }
}
