/**
 * The engine as a library: ingest, catalog, users and feeds over a store and an event log.
 * The HTTP server and the CLI are thin layers over this class.
 */
import { join } from 'node:path';
import { invalid, MoteurError, notFound } from '../core/errors.ts';
import { PhaseTimes } from '../core/phase-times.ts';
import { hashString, seededRandom } from '../core/random.ts';
import { MAX_EVENT_BATCH, MAX_VIDEO_BATCH } from '../core/schemas.ts';
import type { ItemOutcome, LoggedEvent, User, Video, WatchEvent } from '../core/types.ts';
import { defaultUser, parseEvent, parseUser, parseVideo, type ValidationDefaults } from '../core/validate.ts';
import { Catalog } from '../feed/catalog.ts';
import type { RequestFilters } from '../feed/filters/request-filters.ts';
import type { Candidate, Explanation, FeedRequest } from '../feed/pipeline.ts';
import type { PipelineReport } from '../feed/pipeline-report.ts';
import { PartialAppendError, type PartialOutcome } from '../log/partial-append-error.ts';
import { openRegions } from '../residency/open-regions.ts';
import { wrongRegion, type Residency, type ResidencyOptions } from '../residency/people-directory.ts';
import type { PersonalEventLog } from '../trust/crypto/personal-event-log.ts';
import { actionEntry, Ledger, type LedgerEntry } from '../trust/ledger/ledger.ts';
import type { Store } from '../store/store.ts';
import type { ClusterLink, EngineChange } from './cluster-link.ts';
import { loadContentIndex, saveContentIndex } from './content-index-file.ts';
import { DEFAULT_CONFIG, resolveConfig, type MoteurConfig, type MoteurConfigOverrides } from './config.ts';
import { lockDataDir, unwritable, type DataDirLock } from './data-dir.ts';
import { DeferredWriter } from './deferred-writer.ts';
import { assign, type Assignment } from './experiments.ts';
import { FeedPipelines } from './feed-pipelines.ts';
import { EngineLearning, type LearnedAboutPerson } from './learning.ts';
import { rankCandidates, rankedItem, type Ranking } from './rank.ts';
import { newestVideos, popularVideos, similarVideos, type ListedVideo, type ListRules, type VideoListOptions } from './video-lists.ts';
import type { ModelDelta } from '../learn/online/model-delta.ts';
import { ageBandOf } from '../safety/age.ts';
import { creatorCopyOf, statementOf, type Statement } from '../safety/dsa-statement.ts';
import { AUTOMATED_MODERATOR, restricts, type DecisionInput, type QueueItem } from '../safety/moderation.ts';
import { Safety, type ModerationEntry } from '../safety/safety.ts';
import { signalTime, type SignalTime } from '../safety/signal-integrity.ts';
import type { Appeal, Decision } from '../safety/safety-store.ts';
import { messageOf } from '../core/thrown.ts';

export interface FeedItem {
  videoId: string;
  creatorId: string;
  soundId: string;
  hashtags: string[];
  durationMs: number;
  source: string;
  score: number;
  reasons: string[];
  /** A moderator's label (such as `unverified`), to show with the video. */
  label?: string;
  /**
   * With `explain=1`: the source's own figures, the ranker's predictions, the weights combining them, the top signals,
   * when the sensitive-topic dispersal held a video back for this slot, and the person's experiment variants.
   */
  explain?: { source: string; sourceSignals: Record<string, number>; dispersal?: string; experiments?: Assignment } & Partial<Explanation>;
}

export interface FeedAnswer {
  userId: string;
  items: FeedItem[];
  /** For a minor who has watched past the day's limit (`safety.minors.screenTimeReminderMs`): time to suggest a break. */
  screenTimeReminder?: true;
  /** The person's variant of each live experiment. */
  experiments?: Assignment;
  /** With `explain=1`: the pipeline that built the page, and what each of its stages added, removed and took. */
  pipeline?: PipelineReport;
}

export interface UserExport {
  user: User;
  events: LoggedEvent[];
  served: { videoId: string; ts: number }[];
  learned: LearnedAboutPerson;
}

export interface FeedOptions {
  n?: number;
  sessionId?: string;
  explain?: boolean;
  /** Narrows this page only (a topic tab, one creator, videos the client already has). */
  filters?: RequestFilters;
  /** When the page is served (default now): a simulation passes its own clock. */
  at?: number;
}

export interface IngestOptions {
  /** May refuse an event for its person (it throws the MoteurError to answer that item with). */
  admit?: (userId: string) => void;
  /**
   * Whether the sender may import history, asked once a batch holds an event older than its arrival by more than
   * `safety.integrity.lateMs` (src/safety/signal-integrity.ts). Left out by the operator's own programs (`moteur
   * import`, the evaluations), whose timestamps are believed as they are.
   */
  mayImportHistory?: () => boolean;
}

/** A list about no one (src/app/video-lists.ts), for `userId` when the request names a person. */
export interface PublicListOptions extends VideoListOptions {
  userId?: string | undefined;
}

/** Whom the engine records an action of its own for: a principal and the policy version that allowed it. */
export interface Actor {
  principal: string;
  policyVersion: string;
}

/** Code calling the library directly (such as the CLI on a data directory): the operator, outside any policy. */
export const LOCAL_OPERATOR: Actor = { principal: 'local-operator', policyVersion: 'none' };
/** Who the safety layer's own decisions (freezes, holds) are recorded under. */
const AUTOMATED_ACTOR: Actor = { principal: AUTOMATED_MODERATOR, policyVersion: 'automated' };

export interface OpenOptions extends MoteurConfigOverrides {
  dataDir: string;
  /**
   * The regions whose people this engine serves, home region first (default: the configured region and
   * every region the data directory holds). Each region's personal data has its own files (src/residency/).
   */
  regions?: readonly string[];
}

const PAGE = 5000;

function batchOf(raw: unknown, max: number, what: string): unknown[] {
  if (!Array.isArray(raw)) throw new MoteurError('invalid_body', `${what} must be a JSON array`, { field: what });
  if (raw.length > max) {
    throw new MoteurError('batch_too_large', `${what} holds ${raw.length} items; the limit is ${max} per request`, { field: what });
  }
  return raw;
}

/** The outcome of each event of a batch the log took only in part; any other failure fails the whole call. */
function eachEventsOutcome(err: unknown): PartialOutcome[] {
  if (err instanceof PartialAppendError) return err.outcomes;
  throw err;
}

function notAppended(id: string, err: unknown): ItemOutcome {
  const reason = messageOf(err);
  return {
    id,
    status: 'failed',
    code: 'log_unavailable',
    message: `the event log could not store this event (${reason}); send it again: if it was stored after all, it is reported a duplicate`,
  };
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
  readonly learning: EngineLearning;
  /** Which regions this engine serves, and where each person's data lives. */
  readonly residency: Residency;
  /** Reports, moderation, reach limits, minors' rules and dispersal (src/safety/). */
  readonly safety: Safety;
  /** Whether the start read the content embeddings' graph from its file rather than building it. */
  contentIndexLoaded = false;
  /** How long each phase of the start took (logged by the server as it starts). */
  readonly startPhases: PhaseTimes;
  /** The data directory's lock, when the engine opened one (`open`), released when it closes. */
  private dataDirLock: DataDirLock | undefined;
  private readonly users = new Map<string, User>();
  private readonly pipelines: FeedPipelines;
  private readonly feedReportListeners = new Set<(report: PipelineReport) => void>();
  private readonly deferred: DeferredWriter;
  private readonly defaults: ValidationDefaults;

  private constructor(
    readonly store: Store,
    readonly log: PersonalEventLog,
    readonly ledger: Ledger,
    readonly config: MoteurConfig,
    private readonly link: ClusterLink | undefined,
    residency: ResidencyOptions | undefined,
    phases: PhaseTimes,
  ) {
    this.startPhases = phases;
    // Without a directory of regions, the engine serves its configured region and knows people by their profile.
    const regionOf = residency?.regionOf?.bind(residency) ?? ((id: string) => this.users.get(id)?.region);
    this.residency = { regions: residency?.regions ?? [config.region], regionOf };
    this.catalog = new Catalog(config.embeddingDim);
    this.learning = new EngineLearning(config, (id) => this.catalog.get(id), this.residency);
    this.safety = new Safety(config.safety, (id) => this.personInLedger(id), {
      get: (id) => this.catalog.get(id),
      nearest: (unit, k) => this.catalog.embeddings.nearest(unit, k),
    });
    this.pipelines = new FeedPipelines(this.catalog, this.learning, config, config.safety.enabled ? this.safety : undefined);
    this.deferred = new DeferredWriter(store, ledger, 50);
    this.defaults = { region: config.region, language: config.language, embeddingDim: config.embeddingDim };
  }

  /** Opens (or creates) an embedded engine in `dataDir` and rebuilds its state from what is stored there. */
  static async open(options: OpenOptions): Promise<Moteur> {
    const { dataDir, regions, ...overrides } = options;
    const home = regions?.[0] ?? overrides.region ?? DEFAULT_CONFIG.region;
    // Held until close: a second process on the directory is refused before it writes anything.
    const lock = lockDataDir(dataDir);
    const phases = new PhaseTimes();
    try {
      const { store, log, directory } = await phases.timeAsync('open stores', () => openRegions(dataDir, regions, home));
      const ledger = await phases
        .timeAsync('open ledger', () => Ledger.open(join(dataDir, 'ledger')))
        .catch(async (error: unknown) => {
          await log.close();
          await store.close();
          throw error;
        });
      const config = {
        ...overrides,
        region: home,
        learning: { snapshotPath: learnerSnapshotPath(dataDir), ...overrides.learning },
        safety: { storePath: join(dataDir, 'safety.db'), ...overrides.safety },
      };
      const moteur = await Moteur.over(store, log, ledger, config, undefined, directory, phases);
      moteur.dataDirLock = lock;
      return moteur;
    } catch (error) {
      lock.release();
      throw unwritable(dataDir, error);
    }
  }

  /**
   * Builds the engine over any store, event log and ledger, and rebuilds its state from them; with a cluster
   * link, as one serving node of several (see ClusterLink). The log is wrapped in a `PersonalEventLog`,
   * which seals personal event fields under each person's data key.
   */
  static async over(
    store: Store,
    log: PersonalEventLog,
    ledger: Ledger,
    overrides: MoteurConfigOverrides = {},
    link?: ClusterLink,
    residency?: ResidencyOptions,
    phases = new PhaseTimes(),
  ): Promise<Moteur> {
    const moteur = new Moteur(store, log, ledger, resolveConfig(overrides), link, residency, phases);
    try {
      await moteur.restore();
    } catch (error) {
      // A start that fails (a damaged snapshot, say) leaves no file open and no thread running.
      await moteur.release();
      throw error;
    }
    return moteur;
  }

  private async restore(): Promise<void> {
    const phases = this.startPhases;
    for (let after = ''; ; ) {
      const users = await phases.timeAsync('read people', () => this.store.listUsers(after, PAGE));
      phases.time('people', () => {
        for (const u of users) this.users.set(u.id, u);
      });
      if (users.length < PAGE) break;
      after = users[users.length - 1]!.id;
    }
    const hooks = {
      onVideo: (v: Video) => {
        this.catalog.put(v);
        this.safety.catalogued(v);
        // A cluster node keeps moderation in memory: the topics a video was uploaded with come from the store.
        if (v.sensitiveTopics !== undefined && this.safety.moderation.topicsOf(v.id) === undefined) this.safety.moderation.setTopics(v.id, v.sensitiveTopics);
      },
      onEvent: (e: LoggedEvent) => this.screen(e, this.ensureUser(e.userId, e.ts)),
      onServed: (videoId: string) => this.safety.moderation.served(videoId),
    };
    await this.learning.load(this.store, this.log, hooks, { fromSnapshot: true, replay: this.link?.learnsFromLog !== false }, phases);
    this.safety.relearnRemovals();
    const snapshotPath = this.config.learning.snapshotPath;
    this.contentIndexLoaded = snapshotPath !== undefined && phases.time('load content graph', () => loadContentIndex(this.catalog.embeddings, snapshotPath));
    // Index the content embeddings now (unless the saved graph was loaded) rather than on the first feed request that needs them.
    phases.time('content graph sync', () => this.catalog.embeddings.prepare());
    this.learning.start(() => this.beforeSnapshot(), phases);
    await this.link?.attach(this);
  }

  // ---- audit

  /**
   * Appends an entry to the audit ledger (batched with the served records). Access decisions are recorded
   * by the access layer (`src/app/access.ts`); the engine records what it does on its own authority.
   */
  recordAudit(entry: LedgerEntry): void {
    this.deferred.addAudit(entry);
  }

  /** Throws a 503 while the ledger cannot take entries (see DeferredWriter): no access may go unrecorded. */
  ensureAuditable(): void {
    this.deferred.ensureAuditable();
  }

  /** How the ledger names a person: a keyed commitment, never the id. */
  personInLedger(userId: string): string {
    return `user:${this.ledger.commitment(userId)}`;
  }

  /** A model snapshot is about to be written: it is recorded in the ledger, flushed with what it relies on. */
  private beforeSnapshot(): Promise<void> {
    this.recordAction('modelSnapshot', `learners at log position ${this.learning.lastAppliedSeq}`);
    return this.deferred.flush();
  }

  /**
   * Records an action the engine took for `by` (an erasure carried out, a data import, a model snapshot):
   * these follow a decision already recorded, or come from the operator's own tools.
   */
  recordAction(action: string, purpose: string, resource = 'system', by: Actor = LOCAL_OPERATOR): void {
    this.recordAudit(actionEntry(action, purpose, resource, by));
  }

  // ---- catalog

  /** Stores videos; a new one that earlier removals point at is held for review at `at` (docs/safety.md). */
  async upsertVideos(raw: unknown, at = Date.now()): Promise<ItemOutcome[]> {
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
    const holds: ModerationEntry[] = [];
    for (const v of valid) {
      if (v.sensitiveTopics !== undefined) this.safety.moderation.setTopics(v.id, v.sensitiveTopics);
      const isNew = this.catalog.get(v.id) === undefined;
      this.putVideo(v);
      const hold = isNew ? this.safety.holdIfSuspect(v, at) : undefined;
      if (hold !== undefined) holds.push(this.recordDecision(hold, AUTOMATED_ACTOR));
    }
    await this.share(holds);
    if (valid.length > 0) await this.link?.publish({ kind: 'videos', videos: valid });
    return outcomes;
  }

  getVideo(id: string): Video {
    const video = this.catalog.get(id);
    if (video === undefined) throw notFound('video', id);
    const topics = this.safety.moderation.topicsOf(id);
    return topics === undefined ? video : { ...video, sensitiveTopics: [...topics] };
  }

  /** Marks a video removed: it stays in the catalog for history but is never served again. */
  async removeVideo(id: string): Promise<Video> {
    return this.setVideoStatus(this.getVideo(id), 'removed');
  }

  private putVideo(video: Video): void {
    this.catalog.put(video);
    this.safety.catalogued(video);
    this.learning.putVideo(video);
  }

  // ---- users

  getUser(id: string): User {
    return this.findUser(id);
  }

  /** A page of the people this engine serves, by id after `afterId`; `next` is where the following page starts, if any. */
  async listUsers(afterId: string, limit: number): Promise<{ users: User[]; next: string | undefined }> {
    await this.deferred.flush();
    const page = await this.store.listUsers(afterId, limit);
    const users = page.filter((u) => this.residency.regions.includes(u.region));
    return { users, next: page.length === limit ? page[page.length - 1]!.id : undefined };
  }

  /** The stored person, or undefined: for deciding an access before the person exists. */
  peekUser(id: string): User | undefined {
    return this.users.get(id);
  }

  private findUser(id: string): User {
    const user = this.users.get(id);
    if (user === undefined) throw notFound('user', id);
    return user;
  }

  /**
   * Creates or updates a person. A `birthDate` is turned into an age band at once and discarded (under 13 is
   * refused); someone under 16 gets a non-personalised feed unless the same request asks for one (`safety.minors`).
   */
  async putUser(id: string, raw: unknown): Promise<User> {
    const previous = this.users.get(id);
    const user = parseUser(id, raw, this.defaults, previous);
    const { birthDate, settings } = raw as { birthDate?: string; settings?: { personalized?: boolean } };
    if (birthDate !== undefined) {
      user.settings.ageBand = ageBandOf(birthDate);
      const chosen = settings?.personalized !== undefined;
      if (user.settings.ageBand === '13-15' && this.config.safety.minors.nonPersonalisedUnder16 && !chosen) user.settings.personalized = false;
    }
    await this.store.putUser(user);
    this.users.set(id, user);
    await this.link?.publish({ kind: 'user', user });
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
    const afterSeq = await this.log.lastSeq();
    await this.store.recordReset(userId, afterSeq);
    this.learning.resetUser(userId);
    this.pipelines.forgetUser(userId);
    await this.link?.publish({ kind: 'reset', userId, afterSeq });
  }

  /** Everything stored or learned about one person. */
  async exportUser(userId: string): Promise<UserExport> {
    const user = this.findUser(userId);
    await this.deferred.flush();
    return {
      user,
      events: await this.log.readByUser(userId),
      served: await this.store.servedTo(userId),
      learned: this.learning.about(userId),
    };
  }

  /**
   * Erases the person: their events, profile, serving history and every piece of per-person model state.
   * Videos keep their aggregate counters (plays, likes), which name no one.
   */
  async eraseUser(userId: string, by: Actor = LOCAL_OPERATOR): Promise<{ userId: string; eventsErased: number }> {
    this.findUser(userId);
    this.deferred.discardUser(userId);
    this.recordAction('userErased', 'user request', this.personInLedger(userId), by);
    await this.deferred.flush();
    const eventsErased = await this.log.eraseUser(userId);
    await this.store.eraseUser(userId);
    this.users.delete(userId);
    this.learning.forgetUser(userId);
    this.pipelines.forgetUser(userId);
    this.safety.forgetUser(userId);
    await this.link?.publish({ kind: 'erase', userId });
    return { userId, eventsErased };
  }

  /** Applies a change made through another node of the cluster (stored there already). */
  applyChange(change: EngineChange): void {
    switch (change.kind) {
      case 'videos':
        for (const v of change.videos) {
          this.putVideo(v);
          if (v.sensitiveTopics !== undefined) this.safety.moderation.setTopics(v.id, v.sensitiveTopics);
        }
        break;
      case 'user':
        this.users.set(change.user.id, change.user);
        break;
      case 'reset':
        this.learning.resetUser(change.userId);
        this.pipelines.forgetUser(change.userId);
        break;
      case 'erase':
        this.log.keys.evict(change.userId);
        this.deferred.discardUser(change.userId);
        this.users.delete(change.userId);
        this.learning.forgetUser(change.userId);
        this.pipelines.forgetUser(change.userId);
        this.safety.forgetUser(change.userId);
        break;
    }
  }

  /** Learns from an event of the shared log (a cluster node follows the log with this). */
  applyLogged(event: LoggedEvent): void {
    const video = this.catalog.get(event.videoId);
    if (video !== undefined) this.observe(event, video);
  }

  /** Applies a learner shard's model delta (a serving node that learns from deltas); the people in it become known users. */
  applyDelta(delta: ModelDelta): void {
    for (const { userId } of delta.people) this.ensureUser(userId, delta.clock);
    this.learning.deltas.apply(delta, () => false);
  }

  // ---- events

  /** Validates a batch, stores the valid events durably, then lets every learner see them. */
  async ingest(raw: unknown, { admit, mayImportHistory }: IngestOptions = {}): Promise<ItemOutcome[]> {
    const items = batchOf(raw, MAX_EVENT_BATCH, 'events');
    const arrival = Date.now();
    const valid: { event: WatchEvent; video: Video; index: number; sent: SignalTime }[] = [];
    const outcomes: ItemOutcome[] = items.map((item, index) => {
      try {
        const event = parseEvent(item);
        const video = this.catalog.get(event.videoId);
        if (video === undefined) {
          throw new MoteurError('unknown_video', `videoId: video '${event.videoId}' does not exist`, { field: 'videoId' });
        }
        const region = this.residency.regionOf(event.userId);
        if (region !== undefined && !this.residency.regions.includes(region)) throw wrongRegion(region, this.residency.regions, 'userId');
        admit?.(event.userId);
        const sent = signalTime(event.ts, arrival, this.config.safety.integrity.lateMs, mayImportHistory);
        // Someone new is created when their events count as sent: an old timestamp does not age an account.
        this.safety.weighLike(event, this.ensureUser(event.userId, sent.at), sent);
        valid.push({ event, video, index, sent });
        return { id: event.id, status: 'stored' };
      } catch (err) {
        return rejected(item, err);
      }
    });
    const appended = await this.log.append(valid.map((v) => v.event)).catch(eachEventsOutcome);
    const durable: { event: LoggedEvent; video: Video }[] = [];
    const judged: ModerationEntry[] = [];
    appended.forEach((result, i) => {
      const { event, video, index, sent } = valid[i]!;
      if (result.status === 'duplicate') outcomes[index] = { id: event.id, status: 'duplicate' };
      else if (result.status === 'failed') outcomes[index] = notAppended(event.id, result.error);
      else {
        const logged = { ...event, seq: result.seq };
        const author = this.ensureUser(event.userId, event.ts);
        // A cluster node screens each event as it follows the log, this one's own too; but reports are judged
        // here, where their time of arrival is known, and shared with the other nodes.
        if (this.link === undefined) this.screen(logged, author, sent);
        else if (logged.type === 'report') judged.push(...this.judgeReport(logged, author, sent));
        durable.push({ event: logged, video });
      }
    });
    await this.share(judged);
    // Learned right after the answer; in a cluster, every node (this one too) learns as it follows the log.
    if (this.link === undefined) await this.learning.enqueue(durable);
    return outcomes;
  }

  private observe(event: LoggedEvent, video: Video): void {
    this.screen(event, this.ensureUser(event.userId, event.ts));
    this.learning.observe(event, video);
  }

  /**
   * The safety layer sees each durable event. A cluster node sees the log's reports through the moderation
   * stream instead: the node that took one in judged it (see ingest).
   */
  private screen(event: LoggedEvent, author: User, sent?: SignalTime): void {
    this.safety.observe(event);
    if (this.link === undefined) this.judgeReport(event, author, sent);
  }

  /**
   * A report weighed and added to its video's case; one that freezes the video's reach is an automated decision,
   * recorded. Returns what a cluster's other serving nodes must adopt.
   */
  private judgeReport(event: LoggedEvent, author: User, sent?: SignalTime): ModerationEntry[] {
    const judged = this.safety.report(event, author, sent);
    if (judged === undefined) return [];
    const entries: ModerationEntry[] = [{ kind: 'report', report: judged.report }];
    if (judged.freeze !== undefined) entries.push(this.recordDecision(judged.freeze, AUTOMATED_ACTOR));
    return entries;
  }

  /** Shares changes to moderation with a cluster's other serving nodes, in order; resolved once they are durable. */
  private async share(entries: readonly ModerationEntry[]): Promise<void> {
    for (const entry of entries) await this.link?.shareModeration(entry);
  }

  /** What another serving node of the cluster took in or decided about moderation. */
  adoptModeration(entry: ModerationEntry): void {
    this.safety.adopt(entry);
  }

  // ---- moderation

  /** The open cases, riskiest first. */
  moderationQueue(limit = 100): QueueItem[] {
    return this.safety.moderation.queue(limit);
  }

  /** A moderator's decision about a video, applied at once (a removal through the catalog) and recorded in the ledger. */
  async decide(input: DecisionInput, by: Actor, at = Date.now()): Promise<Decision> {
    const video = this.getVideo(input.videoId);
    if (input.ground === 'illegal' && (input.legalGround ?? '').trim() === '') {
      throw invalid('legalGround', 'is required when the ground is illegal (the law the content breaks)');
    }
    if (input.action === 'restore' && video.status === 'removed') await this.setVideoStatus(video, 'active');
    const decision = this.safety.moderation.decide(input, by.principal, at);
    if (input.sensitiveTopics !== undefined)
      this.safety.moderation.setTopics(
        video.id,
        input.sensitiveTopics.map((t) => t.toLowerCase()),
      );
    if (decision.action === 'remove') await this.setVideoStatus(video, 'removed');
    const topics = input.sensitiveTopics === undefined ? undefined : [...(this.safety.moderation.topicsOf(video.id) ?? [])];
    const recorded = [this.recordDecision(decision, by, topics)];
    for (const hold of this.safety.afterDecision(decision, video)) recorded.push(this.recordDecision(hold, AUTOMATED_ACTOR));
    await this.share(recorded);
    return decision;
  }

  /** A creator's appeal: the case reopens for another moderator; recorded in the ledger. */
  async appeal(decisionId: string, explanation: string, by: Actor, at = Date.now()): Promise<Appeal> {
    const appeal = this.safety.moderation.appeal(decisionId, explanation, at);
    this.recordAction('moderationAppeal', `${appeal.id} of ${decisionId}`, `video:${appeal.videoId}`, by);
    await this.share([{ kind: 'appeal', appeal }]);
    return appeal;
  }

  /** A decision, or a 404. */
  decision(decisionId: string): Decision {
    const decision = this.safety.moderation.decision(decisionId);
    if (decision === undefined) throw notFound('decision', decisionId);
    return decision;
  }

  /** The statement of reasons of a decision that restricts a video (DSA format) and the creator's copy. */
  statement(decisionId: string): { statement: Statement; creatorCopy: ReturnType<typeof creatorCopyOf> } {
    const decision = this.decision(decisionId);
    const statement = statementOf(decision, this.getVideo(decision.videoId));
    if (statement === undefined)
      throw new MoteurError('no_statement', `decision ${decisionId} restores the video: it restricts nothing, so it has no statement of reasons`);
    const appealable = restricts(decision.action) && this.safety.moderation.inForce(decision) && !this.safety.moderation.underAppeal(decision.videoId);
    return { statement, creatorCopy: creatorCopyOf(decision, appealable) };
  }

  /** A decision, recorded in the ledger; returns what a cluster's other serving nodes adopt (with the sensitive topics it set, if it set any). */
  private recordDecision(decision: Decision, by: Actor, sensitiveTopics?: string[]): ModerationEntry {
    this.recordAction(
      'moderationDecision',
      `${decision.id}: ${decision.action} (${decision.category}, ${decision.decidedBy})`,
      `video:${decision.videoId}`,
      by,
    );
    return { kind: 'decision', decision, ...(sensitiveTopics !== undefined && { sensitiveTopics }) };
  }

  private async setVideoStatus(video: Video, status: Video['status']): Promise<Video> {
    const changed: Video = { ...video, status };
    await this.store.upsertVideos([changed]);
    this.putVideo(changed);
    await this.link?.publish({ kind: 'videos', videos: [changed] });
    return changed;
  }

  // ---- feed

  /** The person's variant of each live experiment (undefined when none runs). */
  experimentsOf(userId: string): Assignment | undefined {
    return this.config.experiments.length === 0 ? undefined : assign(this.config.experiments, this.config.feed, userId).assignment;
  }

  async feed(userId: string, options: FeedOptions = {}): Promise<FeedAnswer> {
    const n = options.n ?? this.config.feed.defaultPageSize;
    if (!Number.isInteger(n) || n < 1 || n > this.config.feed.maxPageSize) {
      throw invalid('n', `must be an integer from 1 to ${this.config.feed.maxPageSize}`);
    }
    const now = options.at ?? Date.now();
    const request = { ...this.feedRequest(userId, now, n, options.explain === true, options.sessionId), filters: options.filters };
    const { pipeline, experiments } = this.pipelines.for(userId);
    let { page, exhausted, report } = pipeline.run(request);
    this.reportFeed(report);
    if (exhausted && request.seen.size > 0 && options.filters === undefined) {
      // The person has seen everything they may be shown: start the catalog over (a narrowed page just comes out short).
      await this.forgetServed(userId);
      ({ page, report } = pipeline.run({ ...request, seen: this.learning.seenBy(userId) }));
      this.reportFeed(report);
      for (const c of page) c.reasons.push('you have seen every video: starting over');
    }
    for (const c of page) this.learning.served(userId, c.video.id);
    const ids = page.map((c) => c.video.id);
    this.deferred.addServed(userId, ids, now);
    this.safety.served(userId, now, ids);
    const answer: FeedAnswer = {
      userId,
      items: page.map((c) => toItem(c, options.explain === true, this.safety.restrictionOf(c.video.id)?.label ?? null, experiments)),
    };
    if (this.safety.screenTimeReminder(request.user, now)) answer.screenTimeReminder = true;
    if (experiments !== undefined) answer.experiments = experiments;
    if (options.explain === true) answer.pipeline = report;
    return answer;
  }

  /** Calls `listener` with the report of every pipeline run (the server times each stage with it). */
  onFeedReport(listener: (report: PipelineReport) => void): void {
    this.feedReportListeners.add(listener);
  }

  private reportFeed(report: PipelineReport): void {
    for (const listener of this.feedReportListeners) listener(report);
  }

  /**
   * Orders the caller's own candidates for the person with the scorer the feed serves, less the item graph's
   * score (`FeedRequest.candidatesGiven`), best first (ties keep the order given): no source, filter,
   * re-ranking or exploration, and nothing is recorded as served.
   * Unknown and removed videos are rejected with the reason.
   */
  async rank(userId: string, videoIds: string[]): Promise<Ranking> {
    const { candidates, rejected } = rankCandidates(this.catalog, videoIds);
    const request = { ...this.feedRequest(userId, Date.now(), candidates.length, true, undefined), candidatesGiven: true };
    const { scorer } = this.pipelines.for(userId).pipeline.stages;
    scorer.score(request, candidates);
    candidates.sort((a, b) => b.score - a.score);
    scorer.explain(request, candidates);
    return { userId, items: candidates.map((c) => rankedItem(c, scorer.name)), rejected };
  }

  // ---- lists about no one

  /**
   * The most popular active videos that can be served in `region` (default: the engine's home region). Every list
   * about no one shows only what moderation lets be amplified, to `userId`'s age band when it names a person.
   */
  popularVideos(options: PublicListOptions & { region?: string | undefined }): ListedVideo[] {
    this.learning.catchUp();
    return popularVideos(this.catalog, this.learning, options.region ?? this.residency.regions[0]!, options, this.listRules(options));
  }

  /** The newest active videos, newest first. */
  newestVideos(options: PublicListOptions): ListedVideo[] {
    return newestVideos(this.catalog, options, Date.now(), this.listRules(options));
  }

  /** The active videos most like this one: by content, and by what its audience also enjoyed. */
  similarVideos(videoId: string, options: PublicListOptions): ListedVideo[] {
    const video = this.getVideo(videoId);
    this.learning.catchUp();
    return similarVideos(this.catalog, this.learning, video, options, this.listRules(options));
  }

  /** A person not (yet) known is of unknown age, as someone not named. */
  private listRules({ userId }: PublicListOptions): ListRules {
    return this.safety.listable(userId === undefined ? undefined : this.peekUser(userId));
  }

  /**
   * What the pipeline's stages are asked for the person (created if new): every acknowledged event is learned
   * first, so their last actions count; the draws are seeded by the session and what they have seen.
   */
  private feedRequest(userId: string, now: number, n: number, explain: boolean, sessionId: string | undefined): FeedRequest {
    const user = this.ensureUser(userId, now);
    this.learning.catchUp();
    const seen = this.learning.seenBy(userId);
    return {
      user,
      personalized: user.settings.personalized && !(this.config.safety.enabled && this.safety.forcesNonPersonalised(user)),
      seen,
      n,
      explain,
      random: seededRandom(hashString(`${userId}\u0000${sessionId ?? ''}\u0000${seen.size}`)),
      minor: this.safety.isMinor(user),
      now,
    };
  }

  private async forgetServed(userId: string): Promise<void> {
    this.learning.forgetServed(userId);
    this.deferred.discardServed(userId);
    await this.store.clearServed(userId);
  }

  // ---- lifecycle

  async counts(): Promise<{ videos: number; users: number; events: number; served: number; bytes: number }> {
    await this.deferred.flush();
    const store = await this.store.counts();
    return { videos: store.videos, users: store.users, served: store.served, events: await this.log.count(), bytes: store.bytes ?? 0 };
  }

  /** Writes a model snapshot now (as the periodic one does) if anything was learned since the last one. */
  snapshot(): Promise<void> {
    return this.learning.snapshot(() => this.beforeSnapshot());
  }

  /** Writes what is pending and releases everything; what could not be written is the error it throws. */
  async close(): Promise<void> {
    try {
      await this.link?.close();
      await this.learning.stop(() => this.beforeSnapshot());
      await this.deferred.flush();
      const snapshotPath = this.config.learning.snapshotPath;
      if (snapshotPath !== undefined) saveContentIndex(this.catalog.embeddings, snapshotPath);
    } finally {
      await this.release();
    }
  }

  private async release(): Promise<void> {
    try {
      this.deferred.stop();
      await this.log.close();
      await this.store.close();
      await this.ledger.close();
      this.safety.close();
    } finally {
      this.dataDirLock?.release();
    }
  }
}

function toItem(c: Candidate, explain: boolean, label: string | null, experiments: Assignment | undefined): FeedItem {
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
  if (label !== null) item.label = label;
  if (explain) {
    item.explain = { source: c.source, sourceSignals: c.signals, ...c.explanation, ...(experiments && { experiments }) };
    if (c.dispersal !== undefined) item.explain.dispersal = c.dispersal;
  }
  return item;
}

/** Where the embedded engine keeps its model snapshot. */
export function learnerSnapshotPath(dataDir: string): string {
  return join(dataDir, 'learners.snapshot');
}
