/**
 * When things happen in a simulated run, fixed by the seed and the same for every policy compared:
 * when each person first opens the app and when they would open it again each day, when creators
 * join, and when new videos are posted. Only leaving (churn) depends on the feeds a policy serves.
 */
import { hashString, seededRandom } from '../../core/random.ts';
import type { World } from '../../sim/world.ts';

export const DAY_MS = 86_400_000;

export interface PopulationOptions {
  days: number;
  seed: number;
  /** Start of simulated day 0. */
  start: number;
}

/** Share of people already there on day 0; the others arrive evenly over the following days. */
const FIRST_DAY_SHARE = 0.5;
/** Share of creators who join during the run, so their first videos appear while people watch. */
const JOINING_CREATOR_SHARE = 0.25;
/** New videos per day, as a share of the initial catalog. */
const DAILY_POSTS_SHARE = 0.15;

export class Population {
  readonly start: number;
  readonly days: number;
  private readonly seed: number;
  /** When each person first opens the app. */
  readonly arrivalAt = new Map<string, number>();
  /** How often each person comes back: sessions per day on average. */
  private readonly sessionRate = new Map<string, number>();
  /** Creators who join during the run, with the time they join; the others were there before day 0. */
  readonly creatorJoinsAt = new Map<string, number>();
  readonly postsPerDay: number;

  constructor(world: World, initialVideos: number, options: PopulationOptions) {
    this.start = options.start;
    this.days = options.days;
    this.seed = options.seed;
    const random = seededRandom(hashString(`${options.seed}/population`));
    for (const user of world.users) {
      const firstDay = random() < FIRST_DAY_SHARE || options.days === 1 ? 0 : 1 + Math.floor(random() * (options.days - 1));
      this.arrivalAt.set(user.id, this.start + firstDay * DAY_MS + Math.floor(random() * DAY_MS));
      this.sessionRate.set(user.id, 0.7 + 1.8 * random());
    }
    for (const creator of world.creators.keys()) {
      if (random() < JOINING_CREATOR_SHARE) this.creatorJoinsAt.set(creator, this.start + Math.floor(random() * options.days * DAY_MS));
    }
    this.postsPerDay = Math.round(initialVideos * DAILY_POSTS_SHARE);
  }

  /** Whether the creator is on the platform at `ts`. */
  hasJoined(creatorId: string, ts: number): boolean {
    return (this.creatorJoinsAt.get(creatorId) ?? -Infinity) <= ts;
  }

  /** Whether the creator joined during the run, at most `withinMs` before `ts`. */
  joinedRecently(creatorId: string, ts: number, withinMs: number): boolean {
    const joined = this.creatorJoinsAt.get(creatorId);
    return joined !== undefined && joined <= ts && ts - joined <= withinMs;
  }

  /** Start times of the person's sessions on `day` (their first session is at their arrival), in order. */
  sessionsOn(userId: string, day: number): number[] {
    const arrival = this.arrivalAt.get(userId)!;
    const dayStart = this.start + day * DAY_MS;
    if (arrival >= dayStart + DAY_MS) return [];
    const random = seededRandom(hashString(`${this.seed}/sessions/${userId}/${day}`));
    const rate = this.sessionRate.get(userId)!;
    const count = Math.floor(rate + random());
    const from = Math.max(arrival, dayStart);
    const times = Array.from({ length: count }, () => from + Math.floor(random() * (dayStart + DAY_MS - from)));
    if (arrival >= dayStart) times.push(arrival);
    return times.sort((a, b) => a - b);
  }

  /** Times at which a new video is posted on `day`, in order. */
  postsOn(day: number): number[] {
    const random = seededRandom(hashString(`${this.seed}/posts/${day}`));
    const dayStart = this.start + day * DAY_MS;
    return Array.from({ length: this.postsPerDay }, () => dayStart + Math.floor(random() * DAY_MS)).sort((a, b) => a - b);
  }

  /** A stream of draws for one purpose, identical across policies (common random numbers). */
  stream(...key: (string | number)[]): () => number {
    return seededRandom(hashString(`${this.seed}/${key.join('/')}`));
  }
}
