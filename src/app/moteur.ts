/**
 * The engine as a library: ingest, catalog, users and feeds over a store and an event log.
 * The HTTP server and the CLI are thin layers over this class.
 */
import { join } from 'node:path';
import { MoteurError, notFound } from '../core/errors.ts';
import { hashString, seededRandom } from '../core/random.ts';
import { MAX_EVENT_BATCH, MAX_VIDEO_BATCH } from '../core/schemas.ts';
import type { ItemOutcome, LoggedEvent, User, Video, WatchEvent } from '../core/types.ts';
import { defaultUser, parseEvent, parseUser, parseVideo, type ValidationDefaults } from '../core/validate.ts';
import { Catalog } from '../feed/catalog.ts';
import { defaultPipeline } from '../feed/default-pipeline.ts';
import type { Candidate, FeedPipeline, FeedRequest } from '../feed/pipeline.ts';
import { UserStates } from '../learn/signals/user-state.ts';
import { VideoStats } from '../learn/signals/video-stats.ts';
import type { EventLog } from '../log/event-log.ts';
import { SqliteEventLog } from '../log/sqlite/sqlite-event-log.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import { Ledger } from '../trust/ledger/ledger.ts';
import type { Store } from '../store/store.ts';
import { resolveConfig, type MoteurConfig, type MoteurConfigOverrides } from './config.ts';
import { DeferredWriter } from './deferred-writer.ts';

export interface FeedItem {
  videoId: string;
  creatorId: string;
  soundId: string;
  hashtags: string[];
  durationMs: number;
  source: string;
  score: number;
  reasons: string[];
  signals?: Record<string, number>;
}

export interface UserExport {
  user: User;
  events: LoggedEvent[];
  served: { videoId: string; ts: number }[];
  learned: {
    follows: string[];
    hiddenCreators: string[];
    hiddenSounds: string[];
    recentPositives: string[];
    affinities: { key: string; value: number }[];
    interestVector: number[] | null;
  };
}

export interface FeedOptions {
  n?: number;
  sessionId?: string;
  explain?: boolean;
}

export interface OpenOptions extends MoteurConfigOverrides {
  dataDir: string;
}

const PAGE = 5000;

function batchOf(raw: unknown, max: number, what: string): unknown[] {
  if (!Array.isArray(raw)) throw new MoteurError('invalid_body', `${what} must be a JSON array`, 400, what);
  if (raw.length > max) {
    throw new MoteurError('batch_too_large', `${what} holds ${raw.length} items; the limit is ${max} per request`, 413, what);
  }
  return raw;
}

function rejected(raw: unknown, err: unknown): ItemOutcome {
  if (!(err instanceof MoteurError)) throw err;
  const id = typeof (raw as { id?: unknown })?.id === 'string' ? (raw as { id: string }).id : undefined;
  const outcome: ItemOutcome = { status: 'rejected', code: err.code, message: err.message };
  if (id !== undefined) outcome.id = id;
  if (err.field !== undefined) outcome.field = err.field;
  return outcome;
}

export class Moteur {
  readonly catalog: Catalog;
  readonly stats: VideoStats;
  readonly userStates: UserStates;
  private readonly users = new Map<string, User>();
  private readonly pipeline: FeedPipeline;
  private readonly deferred: DeferredWriter;
  private readonly defaults: ValidationDefaults;

  private constructor(
    readonly store: Store,
    readonly log: EventLog,
    readonly ledger: Ledger,
    readonly config: MoteurConfig,
  ) {
    this.catalog = new Catalog(config.feed.freshUntilServed, config.embeddingDim);
    this.userStates = new UserStates(config.feed.tasteHalfLifeMs);
    this.stats = new VideoStats({ halfLifeMs: config.feed.trendingHalfLifeMs });
    this.pipeline = defaultPipeline(this.catalog, this.stats, config.feed);
    this.deferred = new DeferredWriter(store, ledger, 50);
    this.defaults = { region: config.region, language: config.language, embeddingDim: config.embeddingDim };
  }

  /** Opens (or creates) an embedded engine in `dataDir` and rebuilds its state from what is stored there. */
  static async open(options: OpenOptions): Promise<Moteur> {
    const { dataDir, ...overrides } = options;
    return Moteur.over(
      SqliteStore.open(join(dataDir, 'store.db')),
      SqliteEventLog.open(join(dataDir, 'events.db')),
      Ledger.open(join(dataDir, 'ledger')),
      overrides,
    );
  }

  /** Builds the engine over any store, event log and ledger, and rebuilds its state from them. */
  static async over(store: Store, log: EventLog, ledger: Ledger, overrides: MoteurConfigOverrides = {}): Promise<Moteur> {
    const moteur = new Moteur(store, log, ledger, resolveConfig(overrides));
    await moteur.restore();
    return moteur;
  }

  private async restore(): Promise<void> {
    for (let after = ''; ; ) {
      const videos = await this.store.listVideos(after, PAGE);
      for (const v of videos) this.catalog.put(v);
      if (videos.length < PAGE) break;
      after = videos[videos.length - 1]!.id;
    }
    for (let after = ''; ; ) {
      const users = await this.store.listUsers(after, PAGE);
      for (const u of users) this.users.set(u.id, u);
      if (users.length < PAGE) break;
      after = users[users.length - 1]!.id;
    }
    for (let after = 0; ; ) {
      const rows = await this.store.listServed(after, PAGE);
      for (const r of rows) this.markServed(r.userId, r.videoId, r.ts);
      if (rows.length < PAGE) break;
      after = rows[rows.length - 1]!.rowId;
    }
    // Refreshes are replayed where they happened in the log, so the state after them is rebuilt exactly.
    const resets = [...(await this.store.listResets())].sort((a, b) => a[1] - b[1]);
    let nextReset = 0;
    for (let after = 0; ; ) {
      const events = await this.log.readAfter(after, PAGE);
      for (const e of events) {
        for (; nextReset < resets.length && resets[nextReset]![1] < e.seq; nextReset++) this.userStates.reset(resets[nextReset]![0]);
        const video = this.catalog.get(e.videoId);
        if (video !== undefined) this.observe(e, video);
      }
      if (events.length < PAGE) break;
      after = events[events.length - 1]!.seq;
    }
    for (; nextReset < resets.length; nextReset++) this.userStates.reset(resets[nextReset]![0]);
    // Index the content embeddings now rather than on the first feed request that needs them.
    this.catalog.embeddings.prepare();
  }

  // ---- audit

  /**
   * Records an access to personal data (or an administrative action) in the audit ledger. The person is
   * named only by a keyed commitment. No access policy is enforced yet: the decision is always `allow`
   * under policy version `none`, and the principal is the unauthenticated API caller.
   */
  private audit(action: string, purpose: string, userId?: string): void {
    this.deferred.addAudit({
      time: new Date().toISOString(),
      principal: 'api',
      purpose,
      action,
      resource: userId === undefined ? 'catalog' : `user:${this.ledger.commitment(userId)}`,
      decision: 'allow',
      policyVersion: 'none',
    });
  }

  /** Records an administrative action (such as a data import) in the audit ledger. */
  recordAdminAction(action: string, purpose: string): void {
    this.audit(action, purpose);
  }

  // ---- catalog

  async upsertVideos(raw: unknown): Promise<ItemOutcome[]> {
    const items = batchOf(raw, MAX_VIDEO_BATCH, 'videos');
    const valid: Video[] = [];
    const outcomes = items.map((item): ItemOutcome => {
      try {
        const video = parseVideo(item, this.defaults);
        valid.push(video);
        return { id: video.id, status: 'stored' };
      } catch (err) {
        return rejected(item, err);
      }
    });
    await this.store.upsertVideos(valid);
    for (const v of valid) this.catalog.put(v, this.stats.get(v.id)?.served ?? 0);
    return outcomes;
  }

  getVideo(id: string): Video {
    const video = this.catalog.get(id);
    if (video === undefined) throw notFound('video', id);
    return video;
  }

  /** Marks a video removed: it stays in the catalog for history but is never served again. */
  async removeVideo(id: string): Promise<Video> {
    const removed: Video = { ...this.getVideo(id), status: 'removed' };
    this.audit('removeVideo', 'moderation');
    await this.store.upsertVideos([removed]);
    this.catalog.put(removed);
    return removed;
  }

  // ---- users

  getUser(id: string): User {
    const user = this.findUser(id);
    this.audit('readUser', 'account', id);
    return user;
  }

  private findUser(id: string): User {
    const user = this.users.get(id);
    if (user === undefined) throw notFound('user', id);
    return user;
  }

  async putUser(id: string, raw: unknown): Promise<User> {
    const previous = this.users.get(id);
    const user = parseUser(id, raw, this.defaults, previous);
    const consentChanged = previous !== undefined && previous.settings.personalized !== user.settings.personalized;
    this.audit(consentChanged ? 'changeConsent' : 'writeUser', 'account', id);
    await this.store.putUser(user);
    this.users.set(id, user);
    return user;
  }

  /**
   * A user first seen in an event or a feed request is created with the defaults, dated by that first
   * sighting. The row is written in the background: replaying the log recreates it after a crash.
   */
  private ensureUser(id: string, ts: number): User {
    let user = this.users.get(id);
    if (user === undefined) {
      user = defaultUser(id, this.defaults, ts);
      this.users.set(id, user);
      this.deferred.addUsers([user]);
    }
    return user;
  }

  // ---- a person's rights over their data

  /** Starts learning about the person over, as if they had just signed up; follows and settings stay. */
  async refreshUser(userId: string): Promise<void> {
    this.findUser(userId);
    this.audit('refreshUser', 'user request', userId);
    await this.store.recordReset(userId, await this.log.lastSeq());
    this.userStates.reset(userId);
    this.pipeline.forgetUser(userId);
  }

  /** Everything stored or learned about one person. */
  async exportUser(userId: string): Promise<UserExport> {
    const user = this.findUser(userId);
    this.audit('exportUser', 'user request', userId);
    await this.deferred.flush();
    const state = this.userStates.peek(userId);
    const now = Date.now();
    return {
      user,
      events: await this.log.readByUser(userId),
      served: await this.store.servedTo(userId),
      learned: {
        follows: [...(state?.follows ?? [])],
        hiddenCreators: [...(state?.hiddenCreators ?? [])],
        hiddenSounds: [...(state?.hiddenSounds ?? [])],
        recentPositives: [...(state?.recentPositives ?? [])],
        affinities: state?.affinities.entries(now) ?? [],
        interestVector: state?.interest.direction() === undefined ? null : Array.from(state.interest.direction()!),
      },
    };
  }

  /**
   * Erases the person: their events, profile, serving history and every piece of per-person model state.
   * Videos keep their aggregate counters (plays, likes), which name no one.
   */
  async eraseUser(userId: string): Promise<{ userId: string; eventsErased: number }> {
    this.findUser(userId);
    this.deferred.discardUser(userId);
    this.audit('eraseUser', 'user request', userId);
    await this.deferred.flush();
    const eventsErased = await this.log.eraseUser(userId);
    await this.store.eraseUser(userId);
    this.users.delete(userId);
    this.userStates.delete(userId);
    this.pipeline.forgetUser(userId);
    return { userId, eventsErased };
  }

  // ---- events

  /** Validates a batch, stores the valid events durably, then lets every learner see them. */
  async ingest(raw: unknown): Promise<ItemOutcome[]> {
    const items = batchOf(raw, MAX_EVENT_BATCH, 'events');
    const valid: { event: WatchEvent; video: Video; index: number }[] = [];
    const outcomes: ItemOutcome[] = items.map((item, index) => {
      try {
        const event = parseEvent(item);
        const video = this.catalog.get(event.videoId);
        if (video === undefined) {
          throw new MoteurError('unknown_video', `videoId: video '${event.videoId}' does not exist`, 404, 'videoId');
        }
        valid.push({ event, video, index });
        return { id: event.id, status: 'stored' };
      } catch (err) {
        return rejected(item, err);
      }
    });
    const appended = await this.log.append(valid.map((v) => v.event));
    appended.forEach((result, i) => {
      const { event, video, index } = valid[i]!;
      if (result.status === 'duplicate') outcomes[index] = { id: event.id, status: 'duplicate' };
      else this.observe(event, video);
    });
    return outcomes;
  }

  private observe(event: WatchEvent, video: Video): void {
    this.ensureUser(event.userId, event.ts);
    this.stats.observe(event, video);
    this.userStates.get(event.userId).observe(event, video);
  }

  // ---- feed

  async feed(userId: string, options: FeedOptions = {}): Promise<{ userId: string; items: FeedItem[] }> {
    const n = options.n ?? this.config.feed.defaultPageSize;
    if (!Number.isInteger(n) || n < 1 || n > this.config.feed.maxPageSize) {
      throw new MoteurError('invalid_field', `n: must be an integer from 1 to ${this.config.feed.maxPageSize}`, 400, 'n');
    }
    const now = Date.now();
    const user = this.ensureUser(userId, now);
    const state = this.userStates.get(userId);
    this.audit(user.settings.personalized ? 'readFeed' : 'readFeedNonPersonalized', 'feed', userId);
    const request: FeedRequest = {
      user,
      state: user.settings.personalized ? state : undefined,
      seen: state.seen,
      n,
      now,
      random: seededRandom(hashString(`${userId}\u0000${options.sessionId ?? ''}\u0000${state.seen.size}`)),
    };
    let { page, exhausted } = this.pipeline.run(request);
    if (exhausted && state.seen.size > 0) {
      // The person has seen everything they may be shown: start the catalog over.
      await this.forgetServed(userId);
      page = this.pipeline.run(request).page;
      for (const c of page) c.reasons.push('you have seen every video: starting over');
    }
    for (const c of page) this.markServed(userId, c.video.id, now);
    this.deferred.addServed(userId, page.map((c) => c.video.id), now);
    return { userId, items: page.map((c) => toItem(c, options.explain === true)) };
  }

  private markServed(userId: string, videoId: string, ts: number): void {
    this.userStates.get(userId).seen.add(videoId);
    this.stats.recordServed(videoId, ts);
    this.catalog.served(videoId, this.stats.get(videoId)!.served);
  }

  private async forgetServed(userId: string): Promise<void> {
    this.userStates.get(userId).seen.clear();
    this.deferred.discardServed(userId);
    await this.store.clearServed(userId);
  }

  // ---- lifecycle

  async counts(): Promise<{ videos: number; users: number; events: number; served: number; bytes: number }> {
    await this.deferred.flush();
    const store = await this.store.counts();
    return { videos: store.videos, users: store.users, served: store.served, events: await this.log.count(), bytes: store.bytes ?? 0 };
  }

  async close(): Promise<void> {
    await this.deferred.flush();
    await this.log.close();
    await this.store.close();
    this.ledger.close();
  }
}

function toItem(c: Candidate, explain: boolean): FeedItem {
  const item: FeedItem = {
    videoId: c.video.id,
    creatorId: c.video.creatorId,
    soundId: c.video.soundId,
    hashtags: c.video.hashtags,
    durationMs: c.video.durationMs,
    source: c.source,
    score: Number(c.score.toFixed(6)),
    reasons: c.reasons,
  };
  if (explain) item.signals = c.signals;
  return item;
}
