/**
 * Runs simulated people against the engine, in process, on a simulated clock: over the days people
 * arrive, open the app a few times a day, scroll a session of feed pages (each page's events are
 * ingested before the next page is asked for, so the engine learns as they watch), and leave for good
 * when a session bores them. Creators keep posting, and some join during the run.
 *
 * A run serves people from one or more arms (engine configurations), each its own engine on its own
 * scratch data directory. Every arm ingests every event, as serving configurations of one platform
 * share one event log; each person is served by one arm only.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG, type MoteurConfigOverrides } from '../../app/config.ts';
import { Moteur } from '../../app/moteur.ts';
import type { ItemOutcome, WatchEvent } from '../../core/types.ts';
import type { StageProgress } from '../progress.ts';
import { watchPage, type PageViewer } from '../../sim/watch-page.ts';
import { generateWorld, postVideos, SIM_REGIONS, videoForApi, type SimUser, type SimVideo, type World } from '../../sim/world.ts';
import { BadActors, SafetyTally, SimulatedModerator, type SafetyFigures, type SafetyScenario } from './bad-actors.ts';
import { meanPairwiseDistance, recordWatched, type SessionRecord } from './metrics.ts';
import { DAY_MS, Population } from './population.ts';
import { Timeline } from './timeline.ts';

export interface Arm {
  name: string;
  overrides: MoteurConfigOverrides;
  /** The people it serves have `settings.personalized` set to this. */
  personalized: boolean;
}

export interface SimulationOptions {
  days: number;
  users: number;
  videos: number;
  seed: number;
  /** Called as each simulated day ends. */
  progress?: StageProgress;
  /** Sees each engine once it is open, before any traffic. */
  onEngine?: (arm: Arm, moteur: Moteur) => void;
  /**
   * Harmful videos, reports, a moderator, minors and sensitive topics (bad-actors.ts); a simulated moderator works
   * the queue of every arm whose safety layer is on.
   */
  badActors?: SafetyScenario;
}

export interface DayFacts {
  day: number;
  arrivals: number;
  catalogVideos: number;
  /** Share of the catalog by creators who joined recently, at the end of the day: what a feed blind to audience size would give them. */
  newCreatorCatalogShare: number;
}

export interface SimulationRun {
  /** Sessions of the people each arm served, in the order they ended. */
  sessions: SessionRecord[][];
  days: DayFacts[];
  /** Per arm, with bad actors: harmful views, removals, dispersal violations in minors' feeds. */
  safety?: SafetyFigures[];
}

/** Day 0 starts here, whenever the run happens, so a seed gives the same figures. */
export const SIMULATION_START = Date.UTC(2026, 0, 5);
/**
 * The engine's upkeep (vector index, popular lists, item graph) runs on wall-clock timers; a simulation runs days in seconds,
 * so it turns the timers off and runs the upkeep itself every `UPKEEP_EVERY_MS` of simulated time, which also keeps
 * a run deterministic. No snapshot is written: the scratch directory is deleted at the end.
 */
const SIMULATED_UPKEEP = {
  maintenanceEveryMs: 2 ** 31 - 1,
  popularRefreshMs: 0,
  snapshotPath: undefined,
  graphUpkeep: { ...DEFAULT_CONFIG.learning.graphUpkeep, automatic: false },
};
const UPKEEP_EVERY_MS = 5 * 60_000;
/**
 * Where each engine's data directory goes: memory when the system has a memory file system, since the run's data
 * is thrown away at the end and its disk syncs (one per page of events) would otherwise take most of the run.
 */
const SCRATCH_ROOT = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
/** A video counts as new for this long after it is posted. */
const NEW_VIDEO_MS = 86_400_000;
/** A creator counts as new for this long after joining. */
export const NEW_CREATOR_MS = 2 * DAY_MS;
const PAGE_SIZE = 10;
/** A session whose mean watch ratio is below this bores the person... */
const BORED_BELOW = 0.5;
/** ...and they leave for good with a probability up to this, rising as the session gets worse. */
const MAX_LEAVE_CHANCE = 0.5;

class SimulatedClock {
  constructor(private time: number) {}
  readonly now = (): number => this.time;
  /** Happenings are handled in time order, so the clock only moves forward. */
  advanceTo(ts: number): void {
    this.time = Math.max(this.time, ts);
  }
}

/** A session in progress: the page the person is watching and what the session has yielded so far. */
interface LiveSession {
  user: SimUser;
  engine: Moteur;
  arm: number;
  record: SessionRecord;
  viewer: PageViewer;
  patience: number;
  /** Events of the page being watched, sent when the person swipes past its last video. */
  pending: WatchEvent[];
  embeddings: number[][];
  watchRatioSum: number;
  /** Whether the bad actors' reports come from this person. */
  reports: () => number;
}

/** What the timeline holds: a video being posted, a person opening the app, or a person reaching the end of a page. */
type Happening = { kind: 'post' } | { kind: 'open'; user: SimUser; day: number } | { kind: 'page'; session: LiveSession };

function ensureAllStored(outcomes: ItemOutcome[], what: string): void {
  const bad = outcomes.find((o) => o.status === 'rejected');
  if (bad !== undefined) throw new Error(`the engine rejected ${what}: ${JSON.stringify(bad)}`);
}

export async function simulate(options: SimulationOptions, arms: readonly Arm[], armOf: (userId: string) => number): Promise<SimulationRun> {
  const world = generateWorld({ videos: options.videos, users: options.users, seed: options.seed, now: SIMULATION_START });
  const population = new Population(world, options.videos, { days: options.days, seed: options.seed, start: SIMULATION_START });
  const clock = new SimulatedClock(SIMULATION_START);
  const dirs = arms.map(() => mkdtempSync(join(SCRATCH_ROOT, 'moteur-eval-sim-')));
  const engines: Moteur[] = [];
  try {
    for (const [i, arm] of arms.entries()) {
      const learning = { ...arm.overrides.learning, ...SIMULATED_UPKEEP };
      // Simulated people live in several regions: the engine serves them all.
      engines.push(await Moteur.open({ dataDir: dirs[i]!, regions: SIM_REGIONS, ...arm.overrides, learning }));
      options.onEngine?.(arm, engines[i]!);
    }
    return await new Simulation(world, population, clock, arms, engines, armOf, options).run();
  } finally {
    for (const engine of engines) await engine.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

class Simulation {
  private readonly videos = new Map<string, SimVideo>();
  private readonly follows = new Map<string, Set<string>>();
  private readonly sessionsSoFar = new Map<string, number>();
  private readonly impressionsSoFar = new Map<string, number>();
  private readonly gone = new Set<string>();
  /** People with a session running. */
  private readonly inSession = new Set<string>();
  private readonly timeline = new Timeline<Happening>();
  private readonly records: SessionRecord[][];
  private eventCounter = 0;
  private readonly actors: BadActors | undefined;
  private readonly tallies: SafetyTally[];
  /** Per arm: the moderator working its queue, if its safety layer is on. */
  private readonly moderators: (SimulatedModerator | undefined)[];
  private readonly minors = new Set<string>();

  constructor(
    private readonly world: World,
    private readonly population: Population,
    private readonly clock: SimulatedClock,
    private readonly arms: readonly Arm[],
    private readonly engines: readonly Moteur[],
    private readonly armOf: (userId: string) => number,
    private readonly options: SimulationOptions,
  ) {
    this.records = arms.map(() => []);
    const scenario = options.badActors;
    this.actors = scenario === undefined ? undefined : new BadActors(scenario, options.seed);
    const actors = this.actors;
    this.tallies = actors === undefined ? [] : arms.map(() => new SafetyTally(actors));
    this.moderators = arms.map((arm) =>
      actors === undefined || arm.overrides.safety?.enabled === false ? undefined : new SimulatedModerator(actors, SIMULATION_START),
    );
  }

  async run(): Promise<SimulationRun> {
    // The catalog before day 0: every video but those of creators who have not joined yet.
    await this.publish(this.world.videos.filter((v) => this.population.hasJoined(v.creatorId, SIMULATION_START)));
    const days: DayFacts[] = [];
    for (let day = 0; day < this.options.days; day++) {
      for (const at of this.population.postsOn(day)) this.timeline.schedule(at, { kind: 'post' });
      for (const user of this.world.users) for (const at of this.population.sessionsOn(user.id, day)) this.timeline.schedule(at, { kind: 'open', user, day });
      // Sessions still running at midnight carry on into the next day.
      const arrivals = await this.runUntil(SIMULATION_START + (day + 1) * DAY_MS);
      days.push({ day, arrivals, catalogVideos: this.videos.size, newCreatorCatalogShare: this.newCreatorCatalogShare() });
      this.options.progress?.(`${this.arms.map((a) => a.name).join(' vs ')}: simulated days`, day + 1, this.options.days);
    }
    // The sessions still running when the last day ends are played to their end.
    await this.runUntil(Infinity);
    const run: SimulationRun = { sessions: this.records, days };
    if (this.actors !== undefined) run.safety = this.tallies.map((t) => t.figures());
    return run;
  }

  /** Handles every happening due before `end`, in time order; returns how many people arrived. */
  private async runUntil(end: number): Promise<number> {
    let arrivals = 0;
    while (this.timeline.nextAt < end) {
      const { at, item } = this.timeline.next()!;
      this.upkeepUntil(at);
      await this.moderateUntil(at);
      this.clock.advanceTo(at);
      if (item.kind === 'post') {
        // Video numbers stay in step with the world even when the creator has not joined yet and nothing is published.
        const [video] = postVideos(this.world, 1, at);
        if (this.population.hasJoined(video!.creatorId, at)) await this.publish([video!]);
      } else if (item.kind === 'page') {
        await this.continueSession(item.session);
      } else if (!this.gone.has(item.user.id) && !this.inSession.has(item.user.id)) {
        // Opening the app while a session is still running is that same session.
        if (!this.sessionsSoFar.has(item.user.id)) {
          await this.arrive(item.user, at);
          arrivals++;
        }
        await this.continueSession(this.openSession(item.user, item.day));
      }
    }
    if (end !== Infinity) this.clock.advanceTo(end);
    return arrivals;
  }

  private nextUpkeep = SIMULATION_START;

  private upkeepUntil(ts: number): void {
    for (; this.nextUpkeep <= ts; this.nextUpkeep += UPKEEP_EVERY_MS) for (const engine of this.engines) engine.learning.maintain();
  }

  private async moderateUntil(ts: number): Promise<void> {
    for (const [arm, moderator] of this.moderators.entries()) {
      await moderator?.workUntil(this.engines[arm]!, ts, (videoId, at) => this.tallies[arm]!.removed(videoId, at));
    }
  }

  private async publish(videos: SimVideo[]): Promise<void> {
    for (let i = 0; i < videos.length; i += 1000) {
      const batch = videos.slice(i, i + 1000).map((v) => this.actors?.upload(videoForApi(v)) ?? videoForApi(v));
      for (const engine of this.engines) ensureAllStored(await engine.upsertVideos(batch, this.clock.now()), 'a video');
    }
    for (const v of videos) {
      this.videos.set(v.id, v);
      for (const tally of this.tallies) tally.published(v);
    }
  }

  private async arrive(user: SimUser, at: number): Promise<void> {
    const birthDate = this.actors?.birthDateOf(user, at);
    if (birthDate !== undefined) this.minors.add(user.id);
    for (const [i, engine] of this.engines.entries()) {
      const profile = { region: user.region, language: user.language, createdAt: at, settings: { personalized: this.arms[i]!.personalized } };
      await engine.putUser(user.id, birthDate === undefined ? profile : { ...profile, birthDate });
    }
    this.sessionsSoFar.set(user.id, 0);
    this.impressionsSoFar.set(user.id, 0);
    this.follows.set(user.id, new Set());
  }

  private openSession(user: SimUser, day: number): LiveSession {
    const sessionNumber = this.sessionsSoFar.get(user.id)! + 1;
    this.sessionsSoFar.set(user.id, sessionNumber);
    this.inSession.add(user.id);
    const arm = this.armOf(user.id);
    const record: SessionRecord = {
      userId: user.id,
      day,
      sessionNumber,
      impressionsBefore: this.impressionsSoFar.get(user.id)!,
      impressions: 0,
      watchMs: 0,
      likes: 0,
      affinities: [],
      newCreatorImpressions: 0,
      newVideoImpressions: 0,
      diversity: undefined,
      left: false,
    };
    const viewer: PageViewer = {
      world: this.world,
      user,
      follows: this.follows.get(user.id)!,
      sessionId: `${user.id}-s${sessionNumber}`,
      random: this.population.stream('react', user.id, sessionNumber),
      nextEventId: () => `sim-${++this.eventCounter}`,
      timeAt: (elapsedMs) => this.clock.now() + elapsedMs,
    };
    const reports = this.population.stream('report', user.id, sessionNumber);
    return { user, engine: this.engines[arm]!, arm, record, viewer, patience: user.patience, pending: [], embeddings: [], watchRatioSum: 0, reports };
  }

  /**
   * The person has watched the page before (its events are sent now, as an app sends them when the person
   * swipes on) and, if patience is left, is served the next page, whose end is scheduled on the timeline.
   */
  private async continueSession(session: LiveSession): Promise<void> {
    const outcomes = await Promise.all(this.engines.map((e) => e.ingest(session.pending)));
    for (const o of outcomes) ensureAllStored(o, 'an event');
    session.pending = [];
    if (session.patience > 0) {
      const page = await session.engine.feed(session.user.id, { n: PAGE_SIZE, sessionId: session.viewer.sessionId, at: this.clock.now() });
      this.tallies[session.arm]?.served(
        session.user.id,
        this.minors.has(session.user.id),
        page.items.map((item) => item.videoId),
      );
      const watching = watchPage(
        session.viewer,
        page.items.map((item) => this.videos.get(item.videoId)),
        session.patience,
      );
      if (watching.watched.length > 0) {
        session.patience = watching.patience;
        session.pending = watching.events;
        if (this.actors !== undefined)
          session.pending.push(...this.actors.reports(watching.watched, session.user, session.reports, session.viewer.nextEventId));
        this.tallies[session.arm]?.viewed(
          watching.watched.map((w) => w.video),
          this.clock.now(),
        );
        recordWatched(
          session.record,
          watching.watched,
          (w) => this.population.joinedRecently(w.video.creatorId, w.ts, NEW_CREATOR_MS),
          (w) => w.ts - w.video.createdAt < NEW_VIDEO_MS,
        );
        for (const w of watching.watched) {
          session.embeddings.push(w.video.embedding);
          session.watchRatioSum += Math.min(2, w.reaction.watchRatio);
        }
        this.timeline.schedule(this.clock.now() + watching.elapsedMs, { kind: 'page', session });
        return;
      }
    }
    this.endSession(session);
  }

  private endSession({ user, arm, record, embeddings, watchRatioSum }: LiveSession): void {
    record.diversity = meanPairwiseDistance(embeddings);
    const meanWatchRatio = record.impressions === 0 ? 0 : watchRatioSum / record.impressions;
    const leaveChance = MAX_LEAVE_CHANCE * Math.max(0, (BORED_BELOW - meanWatchRatio) / BORED_BELOW);
    record.left = this.population.stream('leave', user.id, record.sessionNumber)() < leaveChance;
    if (record.left) this.gone.add(user.id);
    this.inSession.delete(user.id);
    this.impressionsSoFar.set(user.id, record.impressionsBefore + record.impressions);
    this.records[arm]!.push(record);
  }

  private newCreatorCatalogShare(): number {
    let fromNew = 0;
    for (const v of this.videos.values()) if (this.population.joinedRecently(v.creatorId, this.clock.now(), NEW_CREATOR_MS)) fromNew++;
    return this.videos.size === 0 ? 0 : fromNew / this.videos.size;
  }
}
