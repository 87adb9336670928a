/**
 * The engine's safety layer: what reports, moderators and minors' rules change about what is served. The engine
 * tells it what was ingested and served; the feed's filters and re-ranker read it (one lookup per candidate).
 */
import type { LoggedEvent, User, Video, WatchEvent } from '../core/types.ts';
import { effectiveBand, isUnder18 } from './age.ts';
import type { SafetyConfig } from './config.ts';
import { TopicDispersal } from './dispersal.ts';
import { Moderation, type Restriction } from './moderation.ts';
import { PriorRisk, unitVector } from './prior-risk.ts';
import { reachAllowed } from './reach.ts';
import { SafetyStore, type Appeal, type Decision, type StoredReport } from './safety-store.ts';
import { ScreenTime } from './screen-time.ts';
import { SignalIntegrity, type SignalTime } from './signal-integrity.ts';

/** What the safety layer reads of the catalog: a video, and the videos whose content is nearest a unit vector. */
export interface CatalogLookup {
  get(videoId: string): Video | undefined;
  nearest(unit: Float32Array, k: number): { id: string }[];
}

/** A change to moderation made through one serving node of a cluster, that the others adopt. */
export type ModerationEntry =
  | { kind: 'report'; report: StoredReport }
  | { kind: 'decision'; decision: Decision; sensitiveTopics?: string[] }
  | { kind: 'appeal'; appeal: Appeal };

/** How many of a removed video's nearest videos in the catalog are assessed for a hold. */
const LOOKALIKES_ASSESSED = 50;

export class Safety {
  readonly moderation: Moderation;
  private readonly prior: PriorRisk;
  readonly dispersal: TopicDispersal;
  private readonly integrity: SignalIntegrity;
  private readonly screenTime = new ScreenTime();

  constructor(
    readonly config: SafetyConfig,
    /** How reporters are named: the ledger's keyed commitment, never the id. */
    private readonly commitment: (userId: string) => string,
    private readonly catalog: CatalogLookup,
  ) {
    this.moderation = new Moderation(new SafetyStore(config.storePath), config);
    this.prior = new PriorRisk(config.prior);
    this.integrity = new SignalIntegrity(config.integrity);
    this.dispersal = new TopicDispersal(config.dispersal, (id) => this.moderation.topicsOf(id));
  }

  /**
   * A like about to be logged, sent at `sent`: one from a new account or a burst gets the weight the learners give
   * it (`signalWeight`), stored with the event so that every rebuild of the learners weighs it the same.
   */
  weighLike(event: WatchEvent, author: User, sent: SignalTime): void {
    if (event.type !== 'like' || !this.config.enabled) return;
    const { weight, discounted } = this.integrity.weigh('like', event.userId, author.createdAt, sent);
    if (discounted !== undefined) event.signalWeight = weight;
  }

  /** A durable event (in a cluster, as each node follows the log): a play counts as screen time, a discounted like is noted in the video's case. */
  observe(event: LoggedEvent): void {
    if (event.type === 'play') this.screenTime.watched(event.userId, event.ts, event.watchMs ?? 0);
    if (event.type === 'like' && event.signalWeight !== undefined) this.moderation.likeDiscounted(event.videoId);
  }

  /**
   * A durable report, sent at `sent` (by default its own time): weighed, added to the video's case, and judged
   * against the freeze threshold. Returns what was stored and the reach freeze it triggered, or undefined for
   * another event or a report known already.
   */
  report(event: LoggedEvent, author: User, sent: SignalTime = { at: event.ts, history: false }): { report: StoredReport; freeze?: Decision } | undefined {
    if (event.type !== 'report' || event.reason === undefined) return undefined;
    const { weight, discounted } = this.integrity.weigh('report', event.userId, author.createdAt, sent);
    const report: StoredReport = {
      eventId: event.id,
      videoId: event.videoId,
      reason: event.reason,
      ts: event.ts,
      weight,
      discounted: discounted ?? null,
      reporter: this.commitment(event.userId),
    };
    const judged = this.moderation.report(report);
    if (judged === false) return undefined;
    return judged === undefined ? { report } : { report, freeze: judged };
  }

  /**
   * What another serving node of a cluster took in or decided, as it did it: a report it judged, a decision
   * (with the sensitive topics it set, and its lessons for prior detection), an appeal. Known entries are skipped.
   */
  adopt(entry: ModerationEntry): void {
    if (entry.kind === 'report') this.moderation.adoptReport(entry.report);
    else if (entry.kind === 'appeal') this.moderation.adoptAppeal(entry.appeal);
    else if (this.moderation.adoptDecision(entry.decision)) {
      const { decision, sensitiveTopics } = entry;
      if (sensitiveTopics !== undefined) this.moderation.setTopics(decision.videoId, sensitiveTopics);
      const video = this.catalog.get(decision.videoId);
      if (video !== undefined) this.teachPrior(decision, video);
    }
  }

  /** What a decision teaches the prior detection: a removal is evidence, a restore takes a removal's back (nothing, for a video not removed). */
  private teachPrior(decision: Decision, video: Video): void {
    if (decision.action === 'remove') this.prior.removed(video, decision.category);
    if (decision.action === 'restore') this.prior.restored(video);
  }

  /** A video in the catalog (uploaded, or read back at a start): the prior detection indexes it by creator. */
  catalogued(video: Video): void {
    this.prior.catalogued(video);
  }

  /** Once the catalog is read back at a start: the removals in force teach the prior detection again. */
  relearnRemovals(): void {
    for (const { videoId, category } of this.moderation.removalsInForce()) {
      const video = this.catalog.get(videoId);
      if (video !== undefined) this.prior.removed(video, category);
    }
  }

  /** A video no moderator has seen, held for review (the hold returned, to record) when earlier removals point at it. */
  holdIfSuspect(video: Video, ts: number): Decision | undefined {
    const signal = this.prior.assess(video);
    return signal === undefined ? undefined : this.moderation.hold(video.id, signal, ts);
  }

  /**
   * A moderator's decision about `video`: a removal teaches the prior detection and holds the creator's other
   * videos and the removed video's lookalikes that no moderator has seen; a removal undone unteaches it.
   * Returns the holds, to record.
   */
  afterDecision(decision: Decision, video: Video): Decision[] {
    this.teachPrior(decision, video);
    if (decision.action !== 'remove') return [];
    const suspects = new Set(this.prior.videosBy(video.creatorId));
    const unit = video.embedding === undefined ? undefined : unitVector(video.embedding);
    if (unit !== undefined) for (const { id } of this.catalog.nearest(unit, LOOKALIKES_ASSESSED)) suspects.add(id);
    const holds: Decision[] = [];
    for (const id of suspects) {
      const suspect = this.catalog.get(id);
      if (suspect === undefined || suspect.status !== 'active') continue;
      const hold = this.holdIfSuspect(suspect, decision.ts);
      if (hold !== undefined) holds.push(hold);
    }
    return holds;
  }

  restrictionOf(videoId: string): Restriction | undefined {
    return this.moderation.restrictionOf(videoId);
  }

  isMinor(user: User): boolean {
    return isUnder18(user.settings.ageBand, this.config);
  }

  /**
   * What a list about no one (trending, newest, similar) may show: it amplifies to anyone, so nothing frozen, held,
   * not-for-you or labelled, and nothing age-restricted unless it is for a named person of 18 or more (no one
   * named counts as someone of unknown age).
   */
  listable(user: User | undefined): (video: Video) => boolean {
    if (!this.config.enabled) return () => true;
    const minor = isUnder18(user?.settings.ageBand, this.config);
    return (video) => reachAllowed(this.restrictionOf(video.id), minor, 'amplified');
  }

  /** People under 16 (or of unknown age, when that is the strictest band) get a non-personalised feed unless they chose one. */
  forcesNonPersonalised(user: User): boolean {
    return this.config.minors.nonPersonalisedUnder16 && user.settings.ageBand === undefined && effectiveBand(undefined, this.config) === '13-15';
  }

  /** Whether a minor has watched past the day's reminder threshold. */
  screenTimeReminder(user: User, now: number): boolean {
    return this.isMinor(user) && this.screenTime.watchedOn(user.id, now) >= this.config.minors.screenTimeReminderMs;
  }

  served(userId: string, now: number, videoIds: readonly string[]): void {
    for (const id of videoIds) this.moderation.served(id);
    this.dispersal.served(userId, now, videoIds);
  }

  forgetUser(userId: string): void {
    this.integrity.forgetUser(userId);
    this.screenTime.forgetUser(userId);
    this.dispersal.forgetUser(userId);
  }

  close(): void {
    this.moderation.close();
  }
}
