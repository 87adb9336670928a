/**
 * Bad actors in the simulation, and the safety figures they are measured by. A share of posted videos is harmful:
 * people who watch one are hurt and report it at a rate (others report ordinary videos now and then, by mistake or
 * malice). Harm is not spread at random, as it is not on a real platform: part of it comes from a few bad creators
 * who post it again and again, the rest from one-off posts by anyone; and harmful videos of one kind look alike
 * (their content vectors share a hidden direction, as a harmful trend's videos share a look). The engine is told
 * none of this: it sees the videos' content vectors, reports and the simulated moderator's decisions. A simulated moderator works through the engine's moderation queue, riskiest first, with a fixed daily
 * capacity: harmful videos are removed, others restored. Some people are minors, and some videos carry a sensitive
 * topic: every feed served to a minor is checked against the 1-in-10 dispersal rule.
 */
import { hashString, seededRandom } from '../../core/random.ts';
import type { Moteur } from '../../app/moteur.ts';
import type { WatchEvent } from '../../core/types.ts';
import type { Watched } from '../../sim/watch-page.ts';
import type { SimUser, SimVideo } from '../../sim/world.ts';
import { REASON_CATEGORY } from '../../safety/vocabulary.ts';
import { DAY_MS } from './population.ts';

export interface SafetyScenario {
  /** Share of videos that are harmful. */
  harmfulShare: number;
  /** Share of creators who are bad actors: `badCreatorHarm` of their videos are harmful (the other creators' harmful videos make up the rest of `harmfulShare`). */
  badCreatorShare: number;
  badCreatorHarm: number;
  /** Weight of a harm kind's hidden direction added to its videos' unit content vectors (0: they look like any video of their topic). */
  harmResemblance: number;
  /** Chance that someone who watches a harmful video reports it. */
  reportRate: number;
  /** Chance that someone reports an ordinary video they watch. */
  falseReportRate: number;
  /** Cases the simulated moderator decides per day (in hourly shifts). */
  moderatorCapacity: number;
  /** Share of people who are minors (half 13-15, half 16-17). */
  minorShare: number;
  /** Share of videos that carry a sensitive topic. */
  sensitiveShare: number;
}

export const DEFAULT_SCENARIO: SafetyScenario = {
  harmfulShare: 0.02,
  badCreatorShare: 0.02,
  badCreatorHarm: 0.5,
  harmResemblance: 0.8,
  reportRate: 0.2,
  falseReportRate: 0.002,
  moderatorCapacity: 100,
  minorShare: 0.2,
  sensitiveShare: 0.1,
};

const SENSITIVE_TOPICS = ['dieting', 'sadness', 'extreme_fitness'];
const HARM_REASONS = ['self_harm', 'dangerous_acts', 'violence'] as const;
const MODERATOR = { principal: 'simulated-moderator', policyVersion: 'simulation' };
const SHIFT_MS = 3_600_000;

const unit = (vector: number[]) => {
  const norm = Math.hypot(...vector) || 1;
  return vector.map((x) => Number((x / norm).toFixed(5)));
};

/** A uniform draw in [0, 1) fixed by the seed and the key. */
const draw = (seed: number, key: string) => seededRandom(hashString(`${seed}/${key}`))();

type HarmKind = (typeof HARM_REASONS)[number];

/** Which videos are harmful or sensitive and which people are minors: fixed by the seed, the same for every policy. */
export class BadActors {
  /** The harm kind of each harmful video uploaded so far. */
  private readonly harmOf = new Map<string, HarmKind>();
  /** Per harm kind, the hidden direction its videos' content leans to (drawn at the first upload, of its dimension). */
  private directions: Map<HarmKind, number[]> | undefined;

  constructor(
    readonly scenario: SafetyScenario,
    private readonly seed: number,
  ) {}

  /** An uploaded video's harm kind, or undefined for an ordinary one. */
  harmOfUploaded(videoId: string): HarmKind | undefined {
    return this.harmOf.get(videoId);
  }

  /** The video's harm kind, or undefined for an ordinary video: bad creators post harm at their rate, the others at the rest of the share. */
  harmKindOf(video: { id: string; creatorId: string }): HarmKind | undefined {
    const { harmfulShare, badCreatorShare, badCreatorHarm } = this.scenario;
    const bad = draw(this.seed, `bad-creator/${video.creatorId}`) < badCreatorShare;
    const oneOffRate = Math.max(0, (harmfulShare - badCreatorShare * badCreatorHarm) / (1 - badCreatorShare));
    const u = draw(this.seed, `harmful/${video.id}`);
    const rate = bad ? badCreatorHarm : oneOffRate;
    return u < rate ? HARM_REASONS[Math.floor((u / rate) * HARM_REASONS.length)] : undefined;
  }

  sensitiveTopicOf(videoId: string): string | undefined {
    const u = draw(this.seed, `sensitive/${videoId}`);
    return u < this.scenario.sensitiveShare ? SENSITIVE_TOPICS[Math.floor((u / this.scenario.sensitiveShare) * SENSITIVE_TOPICS.length)] : undefined;
  }

  /** A minor's birth date (13 to 17 years before `at`), or undefined for an adult. */
  birthDateOf(user: SimUser, at: number): string | undefined {
    const u = draw(this.seed, `minor/${user.id}`);
    if (u >= this.scenario.minorShare) return undefined;
    const years = 13.1 + 4.8 * (u / this.scenario.minorShare);
    return new Date(at - years * 365.25 * DAY_MS).toISOString().slice(0, 10);
  }

  /** The catalog entry an uploader sends: a harmful video's content leaning to its kind's look, a sensitive topic if it has one. */
  upload<T extends { id: string; creatorId: string; embedding: number[] }>(video: T): T & { sensitiveTopics?: string[] } {
    const kind = this.harmKindOf(video);
    let sent: T & { sensitiveTopics?: string[] } = video;
    if (kind !== undefined) {
      this.harmOf.set(video.id, kind);
      const direction = this.directionOf(kind, video.embedding.length);
      sent = { ...video, embedding: unit(video.embedding.map((x, i) => x + this.scenario.harmResemblance * direction[i]!)) };
    }
    const topic = this.sensitiveTopicOf(video.id);
    return topic === undefined ? sent : { ...sent, sensitiveTopics: [topic] };
  }

  private directionOf(kind: HarmKind, dim: number): number[] {
    this.directions ??= new Map(
      HARM_REASONS.map((k) => {
        const random = seededRandom(hashString(`${this.seed}/harm-look/${k}`));
        return [k, unit(Array.from({ length: dim }, () => random() - 0.5))];
      }),
    );
    return this.directions.get(kind)!;
  }

  /** The reports the person sends about what they watched on a page. */
  reports(watched: readonly Watched[], user: SimUser, random: () => number, nextId: () => string): WatchEvent[] {
    const events: WatchEvent[] = [];
    for (const w of watched) {
      const kind = this.harmOf.get(w.video.id);
      if (random() >= (kind !== undefined ? this.scenario.reportRate : this.scenario.falseReportRate)) continue;
      const reason = kind ?? 'other';
      events.push({ id: nextId(), userId: user.id, videoId: w.video.id, type: 'report', reason, ts: w.ts + w.reaction.watchMs });
    }
    return events;
  }
}

/** Works the engine's moderation queue in hourly shifts, `capacity / 24` cases each, riskiest first. */
export class SimulatedModerator {
  private nextShift: number;
  private carried = 0;

  constructor(
    private readonly actors: BadActors,
    start: number,
  ) {
    this.nextShift = start + SHIFT_MS;
  }

  async workUntil(engine: Moteur, ts: number, onRemoved: (videoId: string, at: number) => void): Promise<void> {
    for (; this.nextShift <= ts; this.nextShift += SHIFT_MS) {
      this.carried += this.actors.scenario.moderatorCapacity / 24;
      const cases = Math.floor(this.carried);
      this.carried -= cases;
      for (const item of engine.moderationQueue(cases)) {
        const kind = this.actors.harmOfUploaded(item.videoId);
        const harmful = kind !== undefined;
        const input = harmful
          ? {
              videoId: item.videoId,
              action: 'remove' as const,
              category: REASON_CATEGORY[kind],
              ground: 'incompatible' as const,
              explanation: 'Harmful content.',
            }
          : {
              videoId: item.videoId,
              action: 'restore' as const,
              category: 'other_violation_tc' as const,
              ground: 'incompatible' as const,
              explanation: 'No violation found.',
            };
        await engine.decide(input, MODERATOR, this.nextShift);
        if (harmful) onRemoved(item.videoId, this.nextShift);
      }
    }
  }
}

export interface SafetyFigures {
  harmfulVideos: number;
  /** Impressions of harmful videos (all before their removal: a removed video is never served). */
  harmfulViews: number;
  harmfulViewsPer1000Impressions: number;
  harmfulRemoved: number;
  /** Hours from a harmful video's first view to its removal, over those removed. */
  medianHoursToRemoval: number | null;
  /** Feeds of people under 18: items served, and items that repeated a sensitive topic within 10 items. */
  minorImpressions: number;
  dispersalViolationsUnder18: number;
}

/** What one policy's run did about harm: views, removals and the minors' dispersal check. */
export class SafetyTally {
  private harmfulViews = 0;
  private impressions = 0;
  private minorImpressions = 0;
  private violations = 0;
  /** Harmful videos published, with the time of their first view once they have one. */
  private readonly harmful = new Map<string, number | undefined>();
  private readonly removedAt = new Map<string, number>();
  /** Each minor's last 9 sensitive topics served (undefined for an item without one). */
  private readonly recent = new Map<string, (string | undefined)[]>();

  constructor(private readonly actors: BadActors) {}

  published(video: SimVideo): void {
    if (this.actors.harmKindOf(video) !== undefined) this.harmful.set(video.id, undefined);
  }

  removed(videoId: string, at: number): void {
    this.removedAt.set(videoId, at);
  }

  /** Videos the person watched, at `ts`. */
  viewed(videos: readonly { id: string }[], ts: number): void {
    this.impressions += videos.length;
    for (const v of videos) {
      if (!this.harmful.has(v.id)) continue;
      this.harmfulViews++;
      if (this.harmful.get(v.id) === undefined) this.harmful.set(v.id, ts);
    }
  }

  /** A page served to the person, in order: a minor's is checked against the dispersal rule. */
  served(userId: string, minor: boolean, videoIds: readonly string[]): void {
    if (!minor) return;
    const recent = this.recent.get(userId) ?? [];
    for (const id of videoIds) {
      const topic = this.actors.sensitiveTopicOf(id);
      if (topic !== undefined && recent.includes(topic)) this.violations++;
      recent.push(topic);
      if (recent.length > 9) recent.shift();
      this.minorImpressions++;
    }
    this.recent.set(userId, recent);
  }

  figures(): SafetyFigures {
    const hours = [...this.removedAt].map(([id, at]) => (at - (this.harmful.get(id) ?? at)) / 3_600_000).sort((a, b) => a - b);
    const mid = hours.length >> 1;
    return {
      harmfulVideos: this.harmful.size,
      harmfulViews: this.harmfulViews,
      harmfulViewsPer1000Impressions: this.impressions === 0 ? 0 : (1000 * this.harmfulViews) / this.impressions,
      harmfulRemoved: this.removedAt.size,
      medianHoursToRemoval: hours.length === 0 ? null : hours.length % 2 === 1 ? hours[mid]! : (hours[mid - 1]! + hours[mid]!) / 2,
      minorImpressions: this.minorImpressions,
      dispersalViolationsUnder18: this.violations,
    };
  }
}
