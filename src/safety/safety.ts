/**
 * The engine's safety layer: what reports, moderators and minors' rules change about what is served. The engine
 * tells it what was ingested and served; the feed's filters and re-ranker read it (one lookup per candidate).
 */
import type { LoggedEvent, User } from '../core/types.ts';
import { effectiveBand, isUnder18 } from './age.ts';
import type { SafetyConfig } from './config.ts';
import { TopicDispersal } from './dispersal.ts';
import { Moderation, type Restriction } from './moderation.ts';
import { SafetyStore, type Decision } from './safety-store.ts';
import { ScreenTime } from './screen-time.ts';
import { SignalIntegrity } from './signal-integrity.ts';

export class Safety {
  readonly moderation: Moderation;
  readonly dispersal: TopicDispersal;
  private readonly integrity: SignalIntegrity;
  private readonly screenTime = new ScreenTime();

  constructor(
    readonly config: SafetyConfig,
    /** How reporters are named: the ledger's keyed commitment, never the id. */
    private readonly commitment: (userId: string) => string,
  ) {
    this.moderation = new Moderation(new SafetyStore(config.storePath), config);
    this.integrity = new SignalIntegrity(config.integrity);
    this.dispersal = new TopicDispersal(config.dispersal, (id) => this.moderation.topicsOf(id));
  }

  /**
   * A durable event: a report goes to moderation (returning the reach freeze it triggered), a like from a new
   * account or a burst is noted in the video's case, a play counts as screen time.
   */
  observe(event: LoggedEvent, author: User): Decision | undefined {
    if (event.type === 'play') this.screenTime.watched(event.userId, event.ts, event.watchMs ?? 0);
    if (event.type === 'like') {
      if (this.integrity.weigh('like', event.userId, author.createdAt, event.ts).discounted !== undefined) this.moderation.likeDiscounted(event.videoId);
    }
    if (event.type !== 'report' || event.reason === undefined) return undefined;
    const { weight, discounted } = this.integrity.weigh('report', event.userId, author.createdAt, event.ts);
    return this.moderation.report({
      eventId: event.id,
      videoId: event.videoId,
      reason: event.reason,
      ts: event.ts,
      weight,
      discounted: discounted ?? null,
      reporter: this.commitment(event.userId),
    });
  }

  restrictionOf(videoId: string): Restriction | undefined {
    return this.moderation.restrictionOf(videoId);
  }

  isMinor(user: User): boolean {
    return isUnder18(user.settings.ageBand, this.config);
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
