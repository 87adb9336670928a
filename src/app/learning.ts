/**
 * The engine's learned state and its upkeep: the online learners (embeddings, co-engagement, affinities,
 * multi-task ranker), the exploration pool, what each person has already seen, and the popular lists; the
 * parts that keep it (the learn queue, the snapshot schedule and format, the seen videos, the model deltas,
 * the popular-list refresh) are in src/app/learning/.
 * It is rebuilt from a snapshot plus the log after it (or from the whole log), learns from each durable event
 * right after the ingest call has answered (see `enqueue`), keeps the vector index and the popular lists up to
 * date on a timer, and writes snapshots periodically and at close.
 */
import { MoteurError } from '../core/errors.ts';
import type { LoggedEvent, Video } from '../core/types.ts';
import { PopularVideos } from '../learn/popular-videos.ts';
import { ExplorationPool } from '../learn/exploration/exploration-pool.ts';
import { OnlineLearners } from '../learn/online/learners.ts';
import { BackgroundGraph } from '../learn/retrained/background-graph.ts';
import type { PersonGraphScores } from '../learn/retrained/person-graph-scores.ts';
import { readRegionalFiles, type RegionalSnapshot } from '../learn/online/regional-snapshot.ts';
import type { Residency } from '../residency/people-directory.ts';
import type { PersonalEventLog } from '../trust/crypto/personal-event-log.ts';
import type { Store } from '../store/store.ts';
import type { MoteurConfig } from './config.ts';
import { droppedUpdates } from '../learn/online/finite.ts';
import { EngineDeltas } from './learning/engine-deltas.ts';
import { decodeEngine, encodeEngine, freezeEngine } from './learning/engine-snapshot.ts';
import { LearnQueue, type QueuedEvent } from './learning/learn-queue.ts';
import { PopularRefresh } from './learning/popular-refresh.ts';
import { LearningPosition } from './learning/position.ts';
import { SeenVideos } from './learning/seen-videos.ts';
import { SnapshotSchedule, type FrozenState } from './learning/snapshot-schedule.ts';
import { loadVectorIndex } from './vector-index-file.ts';
import { PhaseTimes } from '../core/phase-times.ts';
import { warn } from '../core/warnings.ts';

const PAGE = 5000;
/** Changed item vectors put into the HNSW graph per maintenance tick: bounded so a tick never stalls requests for long. */
const INDEX_SYNC_CHUNK = 200;
/**
 * Vectors put into a loaded HNSW graph before the first feed: the rest follow on the maintenance ticks. A start
 * recomputes the content-only item vectors through the projection learned since, so after a long run most have
 * turned away from the graph's copies, and re-inserting them all first took 55 s at 100k videos. Searches
 * meanwhile find a moved vector where it was; they are approximate anyway.
 */
const START_SYNC_LIMIT = 2000;
/**
 * Run by its caller (the simulation), the item graph is retrained on the calling thread once the events since its
 * last training reach this share of those before (and at least so many): each time they double, so a run pays
 * for a handful of trainings.
 */
const GRAPH_GROWTH = 1;
const GRAPH_LEAST_CHANGES = 2000;
/** How often, at most, the content-only item vectors follow a projection moved by other replicas' deltas. */
const CONTENT_REFRESH_MS = 5000;

export interface LearnedAboutPerson {
  follows: string[];
  hiddenCreators: string[];
  hiddenSounds: string[];
  recentPositives: string[];
  /** Every positive kept about the person (Swing's window is the last of them): what the item graph reads. */
  keptPositives: string[];
  affinities: { key: string; value: number }[];
  /** The person's learned embedding; null before they have one. */
  interestVector: number[] | null;
}

export interface LoadHooks {
  /** Each stored video, before the learners see it (the engine indexes it for the feed). */
  onVideo(video: Video): void;
  /** Each replayed event, before the learners see it. */
  onEvent(event: LoggedEvent): void;
  /** Each recorded serving of a video (the safety layer counts each video's reach). */
  onServed?(videoId: string): void;
}

export class EngineLearning {
  private state: OnlineLearners;
  readonly exploration: ExplorationPool;
  readonly popular: PopularVideos;
  /** The item graph, retrained from everyone's recent positives in the background. */
  readonly graph: BackgroundGraph;
  /** Model deltas to and from other replicas. */
  readonly deltas: EngineDeltas;
  private readonly position = new LearningPosition();
  /** Durable events not learned yet, in log order (see `enqueue`). */
  private readonly queue: LearnQueue;
  private readonly seen = new SeenVideos();
  private readonly snapshots: SnapshotSchedule;
  private readonly popularRefresh: PopularRefresh;
  private contentRefreshedAt = -Infinity;
  private maintenanceTimer: NodeJS.Timeout | undefined;
  /** Whether the start took the HNSW graph saved with the snapshot rather than building it. */
  vectorIndexLoaded = false;

  constructor(
    private readonly config: MoteurConfig,
    private readonly videoOf: (videoId: string) => Video | undefined,
    /** Which regions' people the state holds and where each lives: a snapshot keeps each region's people in its own part. */
    private readonly residency: Residency,
  ) {
    this.state = this.freshLearners();
    this.exploration = new ExplorationPool({
      guaranteedAudience: config.feed.guaranteedAudience,
      maxAudience: config.feed.exploreMaxAudience,
      completionRatio: config.feed.completionRatio,
      likeWeight: config.feed.exploreLikeWeight,
    });
    this.popular = new PopularVideos(config.feed.trendingKeep);
    const { itemGraph, graphUpkeep } = config.learning;
    // Only the For You pipeline reads the graph: the baseline policies' engines never train it.
    const used = config.feed.policy === 'for-you';
    this.graph = new BackgroundGraph(
      () => this.state.engagementRows(itemGraph.contentMaxVideos, itemGraph.easeMaxVideos),
      itemGraph,
      config.feed.graphWeights,
      graphUpkeep,
      used,
    );
    this.queue = new LearnQueue((event, video) => this.apply(event, video), config.learning.maxPendingEvents);
    this.deltas = new EngineDeltas(
      () => this.learners,
      this.exploration,
      this.seen,
      () => {
        this.position.deltas++;
        this.graph.changed();
      },
    );
    const regionOf = (videoId: string) => this.videoOf(videoId)?.region;
    this.popularRefresh = new PopularRefresh(this.popular, () => this.learners, regionOf, this.position, config.learning.popularRefreshMs);
    this.snapshots = new SnapshotSchedule(
      config.learning.snapshotPath,
      residency.regions,
      this.position,
      () => this.encode(),
      () => this.freeze(),
      () => this.queue.size,
      () => this.state,
    );
  }

  /** The person's scores over the item graph (undefined before its first training). */
  personGraph(userId: string): PersonGraphScores | undefined {
    return this.graph.forPerson(userId, this.learners.positiveSlots(userId));
  }

  private freshLearners(): OnlineLearners {
    const { seed, learningRate, rankerLearningRate } = this.config.learning;
    return new OnlineLearners({
      seed,
      contentDim: this.config.embeddingDim,
      scoreWeights: this.config.feed.scoreWeights,
      factorization: { learningRate },
      ranker: { learningRate: rankerLearningRate },
    });
  }

  /**
   * The online learners, having first learned every event still queued: whoever reads them (a feed, an export,
   * a snapshot, a test) sees the effect of every acknowledged event.
   */
  get learners(): OnlineLearners {
    this.queue.catchUp();
    return this.state;
  }

  get lastAppliedSeq(): number {
    return this.position.seq;
  }

  /** Acknowledged events the learners have not seen yet. */
  get pendingEvents(): number {
    return this.queue.size;
  }

  /**
   * Rebuilds the state: the snapshot if there is one (and `fromSnapshot`), the catalog, the serving record,
   * then the events after the snapshot with each person's refresh applied where it happened in the log
   * (unless `replay` is false: a learner shard reads its own part of the log through its consumer instead).
   */
  async load(
    store: Store,
    log: PersonalEventLog,
    hooks: LoadHooks,
    options: { fromSnapshot: boolean; replay?: boolean },
    phases = new PhaseTimes(),
  ): Promise<void> {
    const path = this.config.learning.snapshotPath;
    const snapshot =
      options.fromSnapshot && path !== undefined ? phases.time('read snapshot', () => readRegionalFiles(path, this.residency.regions)) : undefined;
    if (snapshot !== undefined) {
      phases.time('decode snapshot', () => this.restore(snapshot, path!));
      this.vectorIndexLoaded = await phases.timeAsync('load learned-vector graph', () =>
        loadVectorIndex(this.state, path!, { seq: this.position.seq, bytes: snapshot.shared.length }),
      );
    }
    const replayFrom = this.position.seq;
    this.snapshots.loadedAt(replayFrom);
    for (let after = ''; ; ) {
      const videos = await phases.timeAsync('read videos', () => store.listVideos(after, PAGE));
      phases.time('catalog', () => {
        for (const v of videos) hooks.onVideo(v);
      });
      phases.time('learners: videos', () => {
        for (const v of videos) this.putVideo(v);
      });
      if (videos.length < PAGE) break;
      after = videos[videos.length - 1]!.id;
    }
    for (let after = 0; ; ) {
      const rows = await phases.timeAsync('read served', () => store.listServed(after, PAGE));
      phases.time('served', () => {
        for (const r of rows) {
          this.served(r.userId, r.videoId);
          hooks.onServed?.(r.videoId);
        }
      });
      if (rows.length < PAGE) break;
      after = rows[rows.length - 1]!.rowId;
    }
    if (options.replay === false) return;
    // A refresh recorded at the snapshot's own position may or may not be in it; applying it again is harmless.
    const resets = [...(await store.listResets())].filter(([, seq]) => seq >= replayFrom).sort((a, b) => a[1] - b[1]);
    let nextReset = 0;
    for (let after = replayFrom; ; ) {
      const events = await phases.timeAsync('read log', () => log.readAfter(after, PAGE));
      phases.time('replay log', () => {
        for (const e of events) {
          for (; nextReset < resets.length && resets[nextReset]![1] < e.seq; nextReset++) this.learners.resetUser(resets[nextReset]![0]);
          const video = this.videoOf(e.videoId);
          if (video === undefined) continue;
          hooks.onEvent(e);
          this.observe(e, video);
        }
      });
      if (events.length < PAGE) break;
      after = events[events.length - 1]!.seq;
    }
    for (; nextReset < resets.length; nextReset++) this.learners.resetUser(resets[nextReset]![0]);
  }

  // ---- catalog and events

  putVideo(video: Video): void {
    this.learners.addVideo(video);
    this.exploration.put(video);
  }

  /**
   * Queues durable events (in log order) to be learned right after the ingest call answers, in chunks between
   * other work, rather than before the answer. Anything that reads the learned state first learns what is
   * queued (`learners`, `catchUp`), so a person's next feed always shows their acknowledged events. Resolves
   * at once, or, when more than `maxPendingEvents` are queued, once the queue is back under that bound: the
   * lag a feed may have to make up is bounded.
   */
  enqueue(events: readonly QueuedEvent[]): Promise<void> {
    return this.queue.enqueue(events);
  }

  /** Resolves once every acknowledged event is learned, including by the models retrained in the background. */
  async settled(): Promise<void> {
    this.catchUp();
    await this.graph.settled();
  }

  /** Learns every queued event now. */
  catchUp(): void {
    this.queue.catchUp();
  }

  /** Learns from one durable event now (after anything still queued, so the log order is kept). */
  observe(event: LoggedEvent, video: Video): void {
    this.queue.catchUp();
    this.apply(event, video);
  }

  private apply(event: LoggedEvent, video: Video): void {
    this.state.observe(event, video);
    this.exploration.observe(event, video);
    // An impression adds no positive: the item graph's rows are unchanged by it.
    if (event.type !== 'impression') this.graph.changed();
    // A follow is about the creator, not the video it was made on: that video stays unwatched, so the followed
    // source can bring it (an impression is neither; what was served is kept by `served`).
    if (event.type !== 'impression' && event.type !== 'follow') {
      this.seen.add(event.userId, video.id);
      this.deltas.seenBy(event.userId, video.id);
    }
    this.position.advanceTo(event.seq);
  }

  served(userId: string, videoId: string): void {
    this.seen.add(userId, videoId);
    this.exploration.served(videoId);
  }

  seenBy(userId: string): ReadonlySet<string> {
    this.queue.catchUp();
    return this.seen.by(userId);
  }

  /** The log position the state holds every event of this replica's part up to, once its own deltas up to it are applied again. */
  advanceTo(seq: number): void {
    this.position.advanceTo(seq);
  }

  /** The person has seen everything they may be shown: the catalog starts over. */
  forgetServed(userId: string): void {
    this.seen.forget(userId);
  }

  // ---- a person's rights

  /** Refresh: learned taste goes; follows, hidden creators and sounds, and what was already served stay. */
  resetUser(userId: string): void {
    this.learners.resetUser(userId);
    this.graph.changed(true);
  }

  /**
   * Erasure: every per-person structure forgets them, and the snapshot on disk (whose region part holds them)
   * is deleted; the next one is written without them.
   */
  forgetUser(userId: string): void {
    this.learners.forgetUser(userId);
    this.graph.changed(true);
    this.seen.forget(userId);
    this.snapshots.erased();
  }

  about(userId: string): LearnedAboutPerson {
    const hidden = [...this.learners.hidden(userId)];
    const vector = this.learners.userVector(userId);
    return {
      follows: [...this.learners.follows(userId)],
      hiddenCreators: hidden.filter((k) => k.startsWith('creator:')).map((k) => k.slice('creator:'.length)),
      hiddenSounds: hidden.filter((k) => k.startsWith('sound:')).map((k) => k.slice('sound:'.length)),
      recentPositives: this.learners.recentPositives(userId),
      keptPositives: this.learners.keptPositives(userId),
      affinities: this.learners.affinities(userId),
      interestVector: vector === undefined ? null : Array.from(vector),
    };
  }

  // ---- upkeep

  /**
   * One maintenance step: a chunk of the vector index, and the popular lists when due and events arrived.
   * `paced` (the timer) also spaces refreshes by ten times their cost, which depends on the machine; a caller
   * that runs the upkeep itself (the simulation) leaves it off, so its runs stay deterministic.
   */
  maintain(paced = false): void {
    const now = performance.now();
    // A pass over the catalog: deltas move the projection a little, often, so it is spaced out.
    if (now - this.contentRefreshedAt >= CONTENT_REFRESH_MS) {
      this.contentRefreshedAt = now;
      this.learners.deltas.refreshStaleContentVectors();
    }
    this.learners.syncVectorIndex(INDEX_SYNC_CHUNK);
    if (!paced) this.graph.trainWhenGrown(GRAPH_GROWTH, GRAPH_LEAST_CHANGES);
    this.popularRefresh.whenDue(now, paced);
  }

  /**
   * Readies the state for serving (the vector index, whole when built here and its first moved vectors when
   * loaded, and the popular lists, now rather than on the first request that needs them) and starts the
   * maintenance and snapshot timers; `beforeSnapshot` lets the engine flush what a snapshot relies on.
   */
  start(beforeSnapshot: () => Promise<void>, phases = new PhaseTimes()): void {
    phases.time('learners: content vectors', () => this.learners.refreshContentVectors());
    // A graph loaded from its file is caught up gradually; one built here is built whole before serving.
    phases.time('learned-vector graph sync', () => this.learners.syncVectorIndex(this.vectorIndexLoaded ? START_SYNC_LIMIT : Infinity));
    phases.time('popular lists', () => this.popularRefresh.refresh());
    this.graph.changed(true);
    const { maintenanceEveryMs, snapshotEveryMs } = this.config.learning;
    this.maintenanceTimer = setInterval(() => this.maintain(true), maintenanceEveryMs).unref();
    this.snapshots.start(snapshotEveryMs, beforeSnapshot);
  }

  /** Stops the timers and writes a last snapshot if anything changed since the previous one. */
  async stop(beforeSnapshot: () => Promise<void>): Promise<void> {
    clearInterval(this.maintenanceTimer);
    this.queue.stop();
    await this.popularRefresh.settled();
    await this.graph.close();
    this.catchUp();
    await this.snapshots.stop(beforeSnapshot);
  }

  /** Writes a snapshot now, while requests go on, if anything changed since the last one. */
  snapshot(beforeSnapshot: () => Promise<void>): Promise<void> {
    return this.snapshots.snapshotNow(beforeSnapshot);
  }

  /**
   * Writes everything learned, with the last applied log position, to `path` and each region's people to
   * their region's part beside it (see regional-snapshot.ts), blocking; returns the bytes written.
   */
  writeSnapshot(path: string): number {
    return this.snapshots.writeNow(path);
  }

  /** The state a snapshot holds (`source` names it in errors); one made for other regions, or whose parts do not match, is set aside for the log. */
  restore(snapshot: RegionalSnapshot, source: string): void {
    try {
      const { appliedSeq, learners } = decodeEngine(snapshot, this.residency, { config: this.config, exploration: this.exploration, seen: this.seen });
      this.catchUp();
      this.position.seq = appliedSeq;
      this.state = learners;
      // The serving weights are a setting, not something learned: the engine's configuration wins.
      learners.setScoreWeights(this.config.feed.scoreWeights);
    } catch (error) {
      if (!(error instanceof MoteurError)) throw error;
      if (error.code === 'snapshot_not_finite') droppedUpdates.drop('snapshot', `${source} (not used: the state is rebuilt from the log)`);
      else if (error.code !== 'snapshot_regions') throw new MoteurError(error.code, `${source}: ${error.message}`, { status: error.status });
      else warn('snapshot_not_used', `${source} not used, the state is rebuilt from the log`, error);
    }
  }

  /** Everything learned, every queued event first, in the snapshot format (engine-snapshot.ts). */
  encode(): RegionalSnapshot {
    this.catchUp();
    return encodeEngine(this.engineState(), this.residency);
  }

  /** Everything learned, every queued event first, frozen to encode in slices while learning goes on (engine-snapshot.ts). */
  freeze(): FrozenState {
    this.catchUp();
    return freezeEngine(this.engineState(), this.residency);
  }

  private engineState() {
    return { appliedSeq: this.position.seq, learners: this.state, exploration: this.exploration, seen: this.seen };
  }
}

/**
 * Rebuilds every model from the whole log (any snapshot ignored), deterministically for `config.learning.seed`:
 * what `moteur train` runs before writing a snapshot.
 */
export async function rebuildFromLog(store: Store, log: PersonalEventLog, config: MoteurConfig, residency: Residency): Promise<EngineLearning> {
  const videos = new Map<string, Video>();
  const learning = new EngineLearning(config, (id) => videos.get(id), residency);
  await learning.load(store, log, { onVideo: (v) => videos.set(v.id, v), onEvent: () => {} }, { fromSnapshot: false });
  return learning;
}
