/**
 * Drives a running moteur server over HTTP with simulated people: each session asks for feed pages,
 * watches every video as the behaviour model says, and sends the events back, until the person loses patience.
 */
import { answer, createMoteurClient, keepAliveFetch, sendEvents, type MoteurClient } from '../client/index.ts';
import { seededRandom } from '../core/random.ts';
import { SimulationStats, type SimulationReport } from './stats.ts';
import { watchPage, type PageViewer } from './watch-page.ts';
import { postVideos, videoForApi, type SimUser, type SimVideo, type World } from './world.ts';

export interface DriveOptions {
  url: string;
  /** An API key with the `app` role, sent with every request. */
  apiKey?: string;
  world: World;
  seed: number;
  concurrency: number;
  /** Stop after this long... */
  durationMs?: number;
  /** ...or after this many sessions, whichever comes first. */
  sessions?: number;
  /**
   * Creators keep posting while people watch, as in a real app: this many new videos per round of one
   * impression per person (default 8; 0 keeps the catalog fixed). Without it, people soon run out of
   * unseen videos on their topics and the feeds get worse however well the engine learns.
   */
  newVideosPerRound?: number;
  /** Width of the windows the watch ratio is followed over (default 5 s). */
  windowMs?: number;
  /** Set to stop early (Ctrl-C). */
  signal?: AbortSignal;
  /** Receives the rolling figures every `reportEveryMs` (default 1 s) while running; `stats.report()` gives the final ones. */
  onReport?: (report: SimulationReport) => void;
  reportEveryMs?: number;
}

interface FeedPage {
  items: { videoId: string }[];
}

/** The typed client the simulator drives a server with, on keep-alive connections (it sends many small requests). */
export function simulatorClient(url: string, apiKey: string | undefined): MoteurClient {
  return createMoteurClient({ baseUrl: url, apiKey, fetch: keepAliveFetch });
}

/** Uploads videos in batches of the API's maximum size. */
async function postVideosTo(client: MoteurClient, videos: SimVideo[]): Promise<void> {
  for (let i = 0; i < videos.length; i += 1000) {
    const reply = await answer(client.POST('/v1/videos', { body: { videos: videos.slice(i, i + 1000).map(videoForApi) } }));
    if (reply.rejected > 0)
      throw new Error(`the server rejected ${reply.rejected} videos: ${JSON.stringify(reply.results.find((r) => r.status === 'rejected'))}`);
  }
}

/** Uploads the catalog and the people (their public profile only) to the server. */
export async function uploadWorld(url: string, world: World, onProgress?: (done: number, total: number) => void, apiKey?: string): Promise<void> {
  const client = simulatorClient(url, apiKey);
  const total = world.videos.length + world.users.length;
  for (let i = 0; i < world.videos.length; i += 1000) {
    await postVideosTo(client, world.videos.slice(i, i + 1000));
    onProgress?.(Math.min(i + 1000, world.videos.length), total);
  }
  for (let i = 0; i < world.users.length; i += 50) {
    await Promise.all(
      world.users
        .slice(i, i + 50)
        .map((u) => answer(client.PUT('/v1/users/{id}', { params: { path: { id: u.id } }, body: { region: u.region, language: u.language } }))),
    );
    onProgress?.(world.videos.length + Math.min(i + 50, world.users.length), total);
  }
}

export class SimulationDriver {
  readonly stats: SimulationStats;
  private readonly videos: Map<string, SimVideo>;
  private readonly follows = new Map<string, Set<string>>();
  private readonly random: () => number;
  private readonly runId: string;
  private readonly client: MoteurClient;
  private eventCounter = 0;
  private startedSessions = 0;

  constructor(private readonly options: DriveOptions) {
    this.stats = new SimulationStats(options.windowMs ?? 5000);
    this.videos = new Map(options.world.videos.map((v) => [v.id, v]));
    this.random = seededRandom(options.seed);
    this.client = simulatorClient(options.url, options.apiKey);
    // Event ids must not collide with an earlier run against the same data directory.
    this.runId = `sim${options.seed}-${Date.now().toString(36)}`;
  }

  async run(): Promise<void> {
    const deadline = performance.now() + (this.options.durationMs ?? Number.POSITIVE_INFINITY);
    const more = () =>
      !this.options.signal?.aborted && performance.now() < deadline && this.startedSessions < (this.options.sessions ?? Number.POSITIVE_INFINITY);
    const { onReport } = this.options;
    const timer = onReport && setInterval(() => onReport(this.stats.report()), this.options.reportEveryMs ?? 1000);
    try {
      const watchers = Array.from({ length: this.options.concurrency }, async () => {
        while (more()) {
          this.startedSessions++;
          const users = this.options.world.users;
          await this.session(users[Math.floor(this.random() * users.length)]!, more).catch((err) => this.stats.recordError(err));
        }
      });
      await Promise.all([...watchers, this.keepPosting(more)]);
    } finally {
      clearInterval(timer);
    }
  }

  /** Posts the new videos due for the impressions so far, twice a second, until the run ends. */
  private async keepPosting(more: () => boolean): Promise<void> {
    const perRound = this.options.newVideosPerRound ?? 8;
    const audience = this.options.world.users.length;
    while (perRound > 0 && more()) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const due = Math.floor((this.stats.impressions / audience) * perRound) - this.stats.videosPosted;
      if (due <= 0) continue;
      const posted = postVideos(this.options.world, due, Date.now());
      try {
        await postVideosTo(this.client, posted);
        for (const v of posted) this.videos.set(v.id, v);
      } catch (err) {
        this.stats.recordError(err);
      }
      this.stats.videosPosted += due;
    }
  }

  private async session(user: SimUser, more: () => boolean): Promise<void> {
    const sessionId = `${this.runId}-s${this.startedSessions}`;
    const follows = this.follows.get(user.id) ?? new Set<string>();
    this.follows.set(user.id, follows);
    const viewer: PageViewer = {
      world: this.options.world,
      user,
      follows,
      sessionId,
      random: this.random,
      nextEventId: () => this.nextId(),
      timeAt: () => Date.now(),
    };
    let patience = user.patience;
    this.stats.sessions++;
    while (patience > 0 && more()) {
      const started = performance.now();
      const page = (await answer(this.client.GET('/v1/users/{id}/feed', { params: { path: { id: user.id }, query: { n: 10, sessionId } } }))) as FeedPage;
      const latency = performance.now() - started;
      if (page.items.length === 0) return;
      const watching = watchPage(
        viewer,
        page.items.map((item) => this.videos.get(item.videoId)),
        patience,
      );
      patience = watching.patience;
      this.stats.likes += watching.watched.filter((w) => w.reaction.actions.includes('like')).length;
      this.stats.impressions += watching.watched.length;
      this.stats.recordFeed(
        latency,
        watching.watched.map((w) => w.reaction.watchRatio),
        watching.watched.map((w) => w.reaction.affinity),
      );
      const reply = await sendEvents(this.client, watching.events);
      if (reply.rejected > 0) throw new Error(`the server rejected ${reply.rejected} events`);
      this.stats.eventsSent += watching.events.length;
    }
  }

  private nextId(): string {
    return `${this.runId}-${++this.eventCounter}`;
  }
}
