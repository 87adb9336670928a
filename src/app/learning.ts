/**
 * The engine's learned state and its upkeep: the online learners (embeddings, co-engagement, affinities,
 * multi-task ranker), the exploration pool, what each person has already seen, and the popular lists.
 * It is rebuilt from a snapshot plus the log after it (or from the whole log), learns from each durable event
 * right after the ingest call has answered (see `enqueue`), keeps the vector index and the popular lists up to
 * date on a timer, and writes snapshots periodically and at close.
 */
import { MoteurError } from '../core/errors.ts';
import type { LoggedEvent, Video } from '../core/types.ts';
import { PopularVideos } from '../learn/popular-videos.ts';
import { ExplorationPool } from '../learn/exploration/exploration-pool.ts';
import { ByteReader, ByteWriter } from '../learn/online/bytes.ts';
import { OnlineLearners } from '../learn/online/learners.ts';
import type { OnlineConfig } from '../learn/online/config.ts';
import { BackgroundGraph } from '../learn/retrained/background-graph.ts';
import type { PersonGraphScores } from '../learn/retrained/person-graph-scores.ts';
import type { ModelDelta } from '../learn/online/model-delta.ts';
import type { PersonReader } from '../learn/online/person-bytes.ts';
import { readRegional, readRegionalFiles, RegionalWriter, removeRegionalFiles, writeRegionalFiles, writeRegionalFilesInBackground, type RegionalSnapshot } from '../learn/online/regional-snapshot.ts';
import type { Residency } from '../residency/people-directory.ts';
import type { PersonalEventLog } from '../trust/crypto/personal-event-log.ts';
import type { Store } from '../store/store.ts';
import type { MoteurConfig } from './config.ts';
import { loadVectorIndex, saveVectorIndex } from './vector-index-file.ts';

const MAGIC = 'moteur-engine-snapshot';
const FORMAT = 2;
const PAGE = 5000;
/** Changed item vectors put into the HNSW graph per maintenance tick: bounded so a tick never stalls requests for long. */
const INDEX_SYNC_CHUNK = 200;
/** Queued events learned per turn of the event loop: a turn stays short, so requests are not held up behind learning. */
const LEARN_CHUNK = 1000;
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
  affinities: { key: string; value: number }[];
  /** The person's learned embedding; null before they have one. */
  interestVector: number[] | null;
}

export interface LoadHooks {
  /** Each stored video, before the learners see it (the engine indexes it for the feed). */
  onVideo(video: Video): void;
  /** Each replayed event, before the learners see it. */
  onEvent(event: LoggedEvent): void;
}

export class EngineLearning {
  private state: OnlineLearners;
  readonly exploration: ExplorationPool;
  /** Per person: videos served to them or that they interacted with (kept apart from learned taste: a refresh keeps it). */
  private seen = new Map<string, Set<string>>();
  readonly popular: PopularVideos;
  /** The item graph, retrained from everyone's recent positives in the background. */
  readonly graph: BackgroundGraph;
  /** The sequence number of the last event applied. */
  private appliedSeq = 0;
  private snapshotSeq = -1;
  /** Deltas applied when the last snapshot was taken. */
  private snapshotDeltas = 0;
  /** When the popular lists were last refreshed: the log position and deltas applied then. */
  private popularAt = { seq: -1, deltas: 0, ms: -Infinity, tookMs: 0 };
  /** Model deltas applied from other replicas (a serving node that applies deltas learns no event itself). */
  private deltasApplied = 0;
  private contentRefreshedAt = -Infinity;
  private timers: NodeJS.Timeout[] = [];
  private snapshotting: Promise<void> | undefined;
  /** Durable events not learned yet, in log order (see `enqueue`). */
  private pending: { event: LoggedEvent; video: Video }[] = [];
  private learnSoon: NodeJS.Immediate | undefined;
  /** Erasures so far: a snapshot encoded before one must not replace the file the erasure deleted. */
  private erasures = 0;
  /** Whether the start took the HNSW graph saved with the snapshot rather than building it. */
  vectorIndexLoaded = false;
  /** Ingest calls waiting for the queue to shrink back under `maxPendingEvents`. */
  private waitingForRoom: (() => void)[] = [];
  /** While recording model deltas: exploration outcomes and each person's newly seen videos since the last delta. */
  private recorded: { outcomes: Map<string, { completions: number; likes: number }>; seen: Map<string, Set<string>> } | undefined;

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
    this.graph = new BackgroundGraph(() => this.state.engagementRows(itemGraph.contentMaxVideos), itemGraph, config.feed.graphWeights, graphUpkeep, used);
  }

  /** The person's scores over the item graph (undefined before its first training). */
  personGraph(userId: string): PersonGraphScores | undefined {
    return this.graph.forPerson(userId, this.learners.positiveSlots(userId));
  }

  private freshLearners(): OnlineLearners {
    const { seed, learningRate, rankerLearningRate } = this.config.learning;
    return new OnlineLearners({ seed, contentDim: this.config.embeddingDim, scoreWeights: this.config.feed.scoreWeights, factorization: { learningRate }, ranker: { learningRate: rankerLearningRate } });
  }

  /**
   * The online learners, having first learned every event still queued: whoever reads them (a feed, an export,
   * a snapshot, a test) sees the effect of every acknowledged event.
   */
  get learners(): OnlineLearners {
    if (this.pending.length > 0) this.catchUp();
    return this.state;
  }

  set learners(learners: OnlineLearners) {
    this.catchUp();
    this.state = learners;
  }

  get lastAppliedSeq(): number {
    return this.appliedSeq;
  }

  /** Acknowledged events the learners have not seen yet. */
  get pendingEvents(): number {
    return this.pending.length;
  }

  /**
   * Rebuilds the state: the snapshot if there is one (and `fromSnapshot`), the catalog, the serving record,
   * then the events after the snapshot with each person's refresh applied where it happened in the log
   * (unless `replay` is false: a learner shard reads its own part of the log through its consumer instead).
   */
  async load(store: Store, log: PersonalEventLog, hooks: LoadHooks, options: { fromSnapshot: boolean; replay?: boolean }): Promise<void> {
    const path = this.config.learning.snapshotPath;
    const snapshot = options.fromSnapshot && path !== undefined ? readRegionalFiles(path, this.residency.regions) : undefined;
    if (snapshot !== undefined) {
      this.restore(snapshot, path!);
      this.vectorIndexLoaded = await loadVectorIndex(this.state, path!, { seq: this.appliedSeq, bytes: snapshot.shared.length });
    }
    const replayFrom = this.appliedSeq;
    this.snapshotSeq = replayFrom;
    for (let after = ''; ; ) {
      const videos = await store.listVideos(after, PAGE);
      for (const v of videos) {
        hooks.onVideo(v);
        this.putVideo(v);
      }
      if (videos.length < PAGE) break;
      after = videos[videos.length - 1]!.id;
    }
    for (let after = 0; ; ) {
      const rows = await store.listServed(after, PAGE);
      for (const r of rows) this.served(r.userId, r.videoId);
      if (rows.length < PAGE) break;
      after = rows[rows.length - 1]!.rowId;
    }
    if (options.replay === false) return;
    // A refresh recorded at the snapshot's own position may or may not be in it; applying it again is harmless.
    const resets = [...(await store.listResets())].filter(([, seq]) => seq >= replayFrom).sort((a, b) => a[1] - b[1]);
    let nextReset = 0;
    for (let after = replayFrom; ; ) {
      const events = await log.readAfter(after, PAGE);
      for (const e of events) {
        for (; nextReset < resets.length && resets[nextReset]![1] < e.seq; nextReset++) this.learners.resetUser(resets[nextReset]![0]);
        const video = this.videoOf(e.videoId);
        if (video === undefined) continue;
        hooks.onEvent(e);
        this.observe(e, video);
      }
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
  enqueue(events: readonly { event: LoggedEvent; video: Video }[]): Promise<void> {
    for (const e of events) this.pending.push(e);
    this.learnSoon ??= setImmediate(() => this.learnChunk());
    if (this.pending.length <= this.config.learning.maxPendingEvents) return Promise.resolve();
    return new Promise((resolve) => this.waitingForRoom.push(resolve));
  }

  private learnChunk(): void {
    this.learnSoon = undefined;
    this.applyPending(LEARN_CHUNK);
    if (this.pending.length > 0) this.learnSoon = setImmediate(() => this.learnChunk());
  }

  /** Resolves once every acknowledged event is learned, including by the models retrained in the background. */
  async settled(): Promise<void> {
    this.catchUp();
    await this.graph.settled();
  }

  /** Learns every queued event now. */
  catchUp(): void {
    this.applyPending(this.pending.length);
  }

  private applyPending(count: number): void {
    const batch = this.pending.length <= count ? this.pending : this.pending.slice(0, count);
    this.pending = batch === this.pending ? [] : this.pending.slice(count);
    for (const { event, video } of batch) this.apply(event, video);
    if (this.pending.length <= this.config.learning.maxPendingEvents && this.waitingForRoom.length > 0) {
      const waiting = this.waitingForRoom;
      this.waitingForRoom = [];
      for (const resolve of waiting) resolve();
    }
  }

  /** Learns from one durable event now (after anything still queued, so the log order is kept). */
  observe(event: LoggedEvent, video: Video): void {
    if (this.pending.length > 0) this.catchUp();
    this.apply(event, video);
  }

  private apply(event: LoggedEvent, video: Video): void {
    this.state.observe(event, video);
    this.exploration.observe(event, video);
    if (event.type !== 'impression') {
      // An impression adds no positive: the item graph's rows are unchanged by it.
      this.graph.changed();
      this.seenSet(event.userId).add(video.id);
      this.recordSeen(event.userId, video.id);
    }
    if (event.seq > this.appliedSeq) this.appliedSeq = event.seq;
  }

  served(userId: string, videoId: string): void {
    this.seenSet(userId).add(videoId);
    this.exploration.served(videoId);
  }

  seenBy(userId: string): ReadonlySet<string> {
    if (this.pending.length > 0) this.catchUp();
    return this.seen.get(userId) ?? new Set();
  }

  private seenSet(userId: string): Set<string> {
    let set = this.seen.get(userId);
    if (set === undefined) {
      set = new Set();
      this.seen.set(userId, set);
    }
    return set;
  }

  // ---- model deltas (src/learn/online/model-delta.ts; src/cluster/model-deltas.ts carries them)

  /** From now on, records what is learned from this replica's own events, for `takeDelta`: call it after `load`. */
  recordDeltas(): void {
    const recorded = { outcomes: new Map<string, { completions: number; likes: number }>(), seen: new Map<string, Set<string>>() };
    this.recorded = recorded;
    this.state.recordDeltas();
    this.exploration.onOutcomes = (videoId, completions, likes) => {
      const o = recorded.outcomes.get(videoId) ?? { completions: 0, likes: 0 };
      o.completions += completions;
      o.likes += likes;
      recorded.outcomes.set(videoId, o);
    };
  }

  private recordSeen(userId: string, videoId: string): void {
    if (this.recorded === undefined) return;
    let seen = this.recorded.seen.get(userId);
    if (seen === undefined) this.recorded.seen.set(userId, (seen = new Set()));
    seen.add(videoId);
  }

  /** People whose state goes into the next delta. */
  get peopleInDelta(): number {
    return this.state.peopleInDelta;
  }

  /** Videos and Swing pairs the next delta holds an entry for. */
  get itemEntriesInDelta(): number {
    return this.state.itemEntriesInDelta;
  }

  /** What was learned from this replica's own events since the last delta, each touched person's state whole. */
  takeDelta(): ModelDelta {
    this.catchUp();
    const recorded = this.recorded;
    if (recorded === undefined) throw new Error('takeDelta without recordDeltas');
    const { item, people } = this.state.takeDelta();
    const delta: ModelDelta = {
      ...item,
      exploration: [...recorded.outcomes].map(([videoId, o]) => ({ videoId, ...o })),
      people: people.map((userId) => {
        const w = new ByteWriter();
        this.state.writePerson(userId, w);
        w.strings([...(recorded.seen.get(userId) ?? [])]);
        return { userId, bytes: w.finish().slice() };
      }),
    };
    recorded.outcomes.clear();
    recorded.seen.clear();
    return delta;
  }

  /**
   * Applies another replica's delta: item-level increments are added, each person in it replaced by their
   * shard's copy (`owner` says whether this replica is that shard, which alone keeps their open exposures).
   */
  applyDelta(delta: ModelDelta, owner: (userId: string) => boolean): void {
    this.catchUp();
    this.deltasApplied++;
    this.graph.changed();
    this.state.applyItemDelta(delta);
    for (const { videoId, completions, likes } of delta.exploration) this.exploration.addOutcomes(videoId, completions, likes);
    for (const { userId, bytes } of delta.people) {
      const r = new ByteReader(bytes);
      this.state.readPerson(userId, r, owner(userId));
      const seen = r.strings();
      if (seen.length > 0) {
        const set = this.seenSet(userId);
        for (const videoId of seen) set.add(videoId);
      }
    }
  }

  /** The log position the state holds every event of this replica's part up to, once its own deltas up to it are applied again. */
  advanceTo(seq: number): void {
    if (seq > this.appliedSeq) this.appliedSeq = seq;
  }

  /** The person has seen everything they may be shown: the catalog starts over. */
  forgetServed(userId: string): void {
    this.seen.delete(userId);
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
    this.seen.delete(userId);
    const path = this.config.learning.snapshotPath;
    if (path !== undefined) removeRegionalFiles(path, this.residency.regions);
    this.snapshotSeq = -1;
    this.erasures++;
  }

  about(userId: string): LearnedAboutPerson {
    const hidden = [...this.learners.hidden(userId)];
    const vector = this.learners.userVector(userId);
    return {
      follows: [...this.learners.follows(userId)],
      hiddenCreators: hidden.filter((k) => k.startsWith('creator:')).map((k) => k.slice('creator:'.length)),
      hiddenSounds: hidden.filter((k) => k.startsWith('sound:')).map((k) => k.slice('sound:'.length)),
      recentPositives: this.learners.recentPositives(userId),
      affinities: this.learners.affinities(userId),
      interestVector: vector === undefined ? null : Array.from(vector),
    };
  }

  private readonly regionOf = (videoId: string) => this.videoOf(videoId)?.region;

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
      this.learners.refreshStaleContentVectors();
    }
    this.learners.syncVectorIndex(INDEX_SYNC_CHUNK);
    if (!paced) this.graph.trainWhenGrown(GRAPH_GROWTH, GRAPH_LEAST_CHANGES);
    // A refresh is a pass over every engaged video: on the timer, it waits ten times as long as it last took.
    const due = Math.max(this.config.learning.popularRefreshMs, paced ? 10 * this.popularAt.tookMs : 0);
    const moved = this.appliedSeq !== this.popularAt.seq || this.deltasApplied !== this.popularAt.deltas;
    if (moved && now - this.popularAt.ms >= due) this.refreshPopular(now);
  }

  private refreshPopular(now = performance.now()): void {
    this.popular.refresh(this.learners, this.regionOf);
    this.popularAt = { seq: this.appliedSeq, deltas: this.deltasApplied, ms: now, tookMs: performance.now() - now };
  }

  /**
   * Readies the state for serving (the whole vector index and the popular lists, now rather than on the first
   * request that needs them) and starts the maintenance and snapshot timers; `beforeSnapshot` lets the engine
   * flush what a snapshot relies on.
   */
  start(beforeSnapshot: () => Promise<void>): void {
    this.learners.refreshContentVectors();
    this.learners.syncVectorIndex();
    this.refreshPopular();
    this.graph.changed(true);
    const { maintenanceEveryMs, snapshotEveryMs, snapshotPath } = this.config.learning;
    this.timers.push(setInterval(() => this.maintain(true), maintenanceEveryMs).unref());
    if (snapshotPath === undefined) return;
    const periodic = () => this.snapshotNow(beforeSnapshot).catch((err: Error) => process.emitWarning(`moteur: snapshot not written: ${err.message}`));
    this.timers.push(setInterval(periodic, snapshotEveryMs).unref());
  }

  /** Stops the timers and writes a last snapshot if anything changed since the previous one. */
  async stop(beforeSnapshot: () => Promise<void>): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    clearImmediate(this.learnSoon);
    await this.graph.close();
    this.catchUp();
    await this.snapshotting;
    await this.snapshotNow(beforeSnapshot);
  }

  private async snapshotNow(beforeSnapshot: () => Promise<void>): Promise<void> {
    const path = this.config.learning.snapshotPath;
    const unchanged = this.pending.length === 0 && this.snapshotSeq === this.appliedSeq && this.snapshotDeltas === this.deltasApplied;
    if (path === undefined || unchanged || this.snapshotting !== undefined) return;
    this.snapshotting = beforeSnapshot()
      .then(() => this.writeSnapshotInBackground(path))
      .finally(() => {
        this.snapshotting = undefined;
      });
    await this.snapshotting;
  }

  /**
   * Writes everything learned, with the last applied log position, to `path` and each region's people to their
   * region's part beside it: encoded now (the state cannot change while it is read), then written, synced and
   * renamed into place while requests go on, then the HNSW graph beside it. An erasure during the write cancels
   * what is not renamed yet (and deletes what was): the bytes name the person.
   */
  private async writeSnapshotInBackground(path: string): Promise<void> {
    const snapshot = this.encode();
    const seq = this.appliedSeq;
    const deltas = this.deltasApplied;
    const erasures = this.erasures;
    if (!(await writeRegionalFilesInBackground(path, snapshot, () => this.erasures === erasures))) return;
    this.snapshotSeq = seq;
    this.snapshotDeltas = deltas;
    await saveVectorIndex(this.state, path, { seq, bytes: snapshot.shared.length });
  }

  /**
   * Writes everything learned, with the last applied log position, to `path` and each region's people to
   * their region's part beside it (see regional-snapshot.ts), blocking; returns the bytes written.
   */
  writeSnapshot(path: string): number {
    const size = writeRegionalFiles(path, this.encode());
    this.snapshotSeq = this.appliedSeq;
    return size;
  }

  /** The state a snapshot holds (`source` names it in errors); one made for other regions, or whose parts do not match, is set aside for the log. */
  restore(snapshot: RegionalSnapshot, source: string): void {
    try {
      readRegional(snapshot, this.residency.regions, MAGIC, FORMAT, 'an engine snapshot', (input) => this.decode(input));
    } catch (error) {
      if (!(error instanceof MoteurError)) throw error;
      if (error.code !== 'snapshot_regions') throw new MoteurError(error.code, `${source}: ${error.message}`, error.status);
      process.emitWarning(`moteur: ${source} not used, the state is rebuilt from the log: ${error.message}`);
    }
  }

  // ---- snapshot format: last applied sequence, learners, exploration outcomes, seen videos; people's rows in their region's part

  encode(): RegionalSnapshot {
    this.catchUp();
    const out = new RegionalWriter(this.residency.regions, (userId) => this.residency.regionOf(userId));
    const w = out.shared;
    w.f64(this.appliedSeq);
    this.learners.write(out);
    this.exploration.write(w);
    // Sorted by person: the bytes do not depend on whether the serving record or the log named them first.
    w.u32(this.seen.size);
    for (const userId of [...this.seen.keys()].sort()) {
      const p = out.of(userId);
      p.str(userId);
      p.strings([...this.seen.get(userId)!]);
    }
    return out.finish(MAGIC, FORMAT);
  }

  /** The learners are checked before they replace the current ones: a snapshot of other dimensions is refused. */
  private decode(input: PersonReader): void {
    const r = input.shared;
    const appliedSeq = r.f64();
    const learners = OnlineLearners.read(input);
    staleSnapshot(learners.config, this.config);
    this.appliedSeq = appliedSeq;
    this.learners = learners;
    // The serving weights are a setting, not something learned: the engine's configuration wins.
    this.learners.setScoreWeights(this.config.feed.scoreWeights);
    this.exploration.read(r);
    for (let users = r.u32(); users > 0; users--) {
      const p = input.next();
      this.seen.set(p.str(), new Set(p.strings()));
    }
  }
}

/**
 * A snapshot learned with another content dimension or other learning rates would not be what the configuration
 * says: the start is refused with what changed and what to do.
 */
function staleSnapshot(learned: OnlineConfig, config: MoteurConfig): void {
  const changes = [
    ['embeddingDim', learned.contentDim, config.embeddingDim],
    ['learningRate', learned.factorization.learningRate, config.learning.learningRate],
    ['rankerLearningRate', learned.ranker.learningRate, config.learning.rankerLearningRate],
  ].filter(([, was, now]) => was !== now);
  if (changes.length === 0) return;
  const what = changes.map(([key, was, now]) => `${key} ${was} -> ${now}`).join(', ');
  const videos = changes.some(([key]) => key === 'embeddingDim') ? `; upload the videos again with embeddings of ${config.embeddingDim} numbers` : '';
  throw new MoteurError(
    'snapshot_stale',
    `the model snapshot is stale: the configuration changed ${what}. Rebuild it with 'moteur train --data DIR --config FILE' (same configuration) before starting${videos}`,
    409,
  );
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
