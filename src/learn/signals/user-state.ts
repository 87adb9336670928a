import type { Video, WatchEvent } from '../../core/types.ts';
import { AffinityProfile } from './affinity.ts';
import { preferenceValue } from './engagement.ts';
import { InterestVector } from './interest-vector.ts';

const RECENT_POSITIVES = 50;

/** What the engine keeps about one person's interactions, derived from the log and the serving record. */
export class UserState {
  /** Videos already served or engaged with: never served again until the catalog runs out. */
  readonly seen = new Set<string>();
  readonly follows = new Set<string>();
  readonly hiddenCreators = new Set<string>();
  readonly hiddenSounds = new Set<string>();
  /** Most recent last: videos this person watched well, liked or shared. */
  readonly recentPositives: string[] = [];
  readonly affinities: AffinityProfile;
  readonly interest: InterestVector;
  lastEventTs = 0;

  constructor(tasteHalfLifeMs: number) {
    this.affinities = new AffinityProfile(tasteHalfLifeMs);
    this.interest = new InterestVector(tasteHalfLifeMs);
  }

  observe(event: WatchEvent, video: Video): void {
    this.lastEventTs = Math.max(this.lastEventTs, event.ts);
    const preference = preferenceValue(event, video);
    if (preference !== 0) {
      this.affinities.add(video, preference, event.ts);
      if (video.embedding !== undefined) this.interest.add(video.embedding, preference, event.ts);
    }
    if (event.type !== 'impression') this.seen.add(video.id);
    switch (event.type) {
      case 'follow':
        this.follows.add(video.creatorId);
        break;
      case 'not_interested':
      case 'report':
        this.hiddenCreators.add(video.creatorId);
        if (video.soundId !== '') this.hiddenSounds.add(video.soundId);
        break;
      case 'like':
      case 'share':
        this.addPositive(video.id);
        break;
      case 'play':
        if ((event.watchMs ?? 0) >= 0.8 * video.durationMs) this.addPositive(video.id);
        break;
      default:
        break;
    }
  }

  private addPositive(videoId: string): void {
    const at = this.recentPositives.indexOf(videoId);
    if (at >= 0) this.recentPositives.splice(at, 1);
    this.recentPositives.push(videoId);
    if (this.recentPositives.length > RECENT_POSITIVES) this.recentPositives.shift();
  }
}

/** Every user's state, created on first touch. */
export class UserStates {
  private readonly byId = new Map<string, UserState>();

  constructor(private readonly tasteHalfLifeMs: number) {}

  get(userId: string): UserState {
    let s = this.byId.get(userId);
    if (s === undefined) {
      s = new UserState(this.tasteHalfLifeMs);
      this.byId.set(userId, s);
    }
    return s;
  }

  peek(userId: string): UserState | undefined {
    return this.byId.get(userId);
  }

  /** Forgets what was learned about the person, as if they had just signed up, keeping follows and serving history. */
  reset(userId: string): void {
    const old = this.byId.get(userId);
    const fresh = new UserState(this.tasteHalfLifeMs);
    for (const creator of old?.follows ?? []) fresh.follows.add(creator);
    for (const video of old?.seen ?? []) fresh.seen.add(video);
    this.byId.set(userId, fresh);
  }

  delete(userId: string): void {
    this.byId.delete(userId);
  }

  get size(): number {
    return this.byId.size;
  }
}
