/**
 * The online learners behind one facade: every logged event updates, within the same call, the user and video
 * embeddings, the co-engagement lists, the person's affinities, the video counters and (once its labels have
 * matured) the multi-task ranker. The feed reads them through cheap candidate generators and batch scoring.
 * Pure in memory and deterministic for a seed: the only I/O is the snapshot (see snapshot-file.ts).
 */
import { MoteurError } from '../../core/errors.ts';
import type { LoggedEvent, Video } from '../../core/types.ts';
import { ByteReader, ByteWriter, readHeader, writeHeader } from './bytes.ts';
import type { ItemDelta } from './model-delta.ts';
import { ModelDeltaRecorder } from './model-delta-recorder.ts';
import { TASKS, resolveOnlineConfig, type OnlineConfig, type OnlineConfigOverrides, type Task } from './config.ts';
import { DurationBaseline } from './duration-baseline.ts';
import { COMMENTED, FOLLOWED, LIKED, OpenExposures, PLAYED, REJECTED, SHARED, SKIPPED, type Exposure } from './exposures.ts';
import { Factorization } from './factorization.ts';
import { FEATURES, PersonFeatures, type LearnedState } from './features.ts';
import { NewestByKey } from './newest-by-key.ts';
import { wholeReader, wholeWriter, type PersonReader, type PersonWriter } from './person-bytes.ts';
import { MultiTaskRanker, type Contribution } from './ranker.ts';
import { Rng } from './rng.ts';
import { Swing } from './swing.ts';
import { TasteProfiles } from './taste.ts';
import { VideoCatalog } from './video-catalog.ts';
import { VideoCounters, type Counter } from './video-counters.ts';
import { VideoVectors } from './video-vectors.ts';

const MAGIC = 'moteur-online-learners';
const FORMAT = 3;
/** A play counts as a positive for the factorisation from half its bucket's ordinary watch, for co-engagement from a full one. */
const PLAY_POSITIVE_FROM = 0.5;
const PLAY_ENGAGED_FROM = 1;
const AFFINITY_GROUPS = [
  { prefix: 'creator:', top: 5 },
  { prefix: 'hashtag:', top: 5 },
  { prefix: 'sound:', top: 3 },
] as const;

const EMPTY: ReadonlySet<string> = new Set();
/** The exposure flag and the video counter of each positive action. */
const POSITIVE_ACTIONS = {
  like: { flag: LIKED, counter: 'likes' },
  share: { flag: SHARED, counter: 'shares' },
  comment: { flag: COMMENTED, counter: 'comments' },
  follow: { flag: FOLLOWED, counter: 'follows' },
} as const;

/** Sets `flag` on the exposure; true when it was not set yet (a label counts once per exposure). */
function firstTime(exposure: Exposure, flag: number): boolean {
  const first = (exposure.flags & flag) === 0;
  exposure.flags |= flag;
  return first;
}

export interface VideoCandidate {
  videoId: string;
  score: number;
  /** Why it was proposed: the recent positive it is co-engaged with, or the affinity key (e.g. "creator:c1"). */
  via?: string;
}

export interface CandidateOptions {
  /** Only videos this accepts are returned (the feed's filters). */
  accept?: (videoId: string) => boolean;
}

export interface Explanation {
  videoId: string;
  score: number;
  predictions: Record<Task, number>;
  weights: Record<Task, number>;
  /** The signals that moved the score most, strongest first. */
  signals: Contribution[];
}

export class OnlineLearners implements LearnedState {
  readonly config: OnlineConfig;
  catalog: VideoCatalog;
  factorization: Factorization;
  taste: TasteProfiles;
  swing: Swing;
  counters: VideoCounters;
  private baseline = new DurationBaseline();
  private newest: NewestByKey;
  private exposures: OpenExposures;
  private readonly ranker: MultiTaskRanker;
  private readonly rng: Rng;
  private vectors: VideoVectors;
  /** The learners' clock: the latest event time seen. */
  private clock = 0;
  private events = 0;
  private readonly x = new Float32Array(FEATURES.length);
  private readonly predictions = new Float64Array(TASKS.length);
  private readonly labels = new Float64Array(TASKS.length);
  /** What this replica learns from its own events, for its next model delta; undefined unless it publishes deltas. */
  private recorder: ModelDeltaRecorder | undefined;
  /** Another replica's delta moved the content projection: the content-only item vectors are due a refresh. */
  private contentVectorsStale = false;

  constructor(overrides: OnlineConfigOverrides = {}) {
    const config = resolveOnlineConfig(overrides);
    this.config = config;
    this.rng = new Rng(config.seed);
    this.catalog = new VideoCatalog(config.contentDim);
    this.factorization = new Factorization(config, this.catalog);
    this.taste = new TasteProfiles(config.tasteHalfLifeMs, config.tasteKeysPerUser);
    this.swing = new Swing(config.swing);
    this.counters = new VideoCounters(config.statsHalfLifeMs);
    this.newest = new NewestByKey(config.recentVideosPerKey);
    this.exposures = new OpenExposures(config.exposure.windowMs, config.exposure.openPerUser);
    this.ranker = new MultiTaskRanker(config.ranker.learningRate, config.scoreWeights);
    this.vectors = new VideoVectors(config.dim, { ...config.ann, seed: config.seed });
  }

  /** Changes how the ranker's predictions are combined into the score (a serving setting: nothing is retrained). */
  setScoreWeights(weights: Record<Task, number>): void {
    this.config.scoreWeights = { ...weights };
    this.ranker.setScoreWeights(this.config.scoreWeights);
  }

  /** Events observed so far. */
  get eventCount(): number {
    return this.events;
  }

  get now(): number {
    return this.clock;
  }

  // ---- catalog ------------------------------------------------------------------------------------------

  /** Adds or updates a video (a removed status removes it from every candidate list). */
  addVideo(video: Video): void {
    const { slot } = this.catalog.put(video);
    if (video.status === 'removed') {
      this.vectors.clear(slot);
      return;
    }
    const createdAt = (s: number) => this.catalog.get(s).createdAt;
    for (const key of this.catalog.get(slot).keys) this.newest.add(key, slot, createdAt);
    this.refreshVector(slot);
  }

  removeVideo(videoId: string): void {
    const slot = this.catalog.deactivate(videoId);
    if (slot !== undefined) this.vectors.clear(slot);
  }

  private refreshVector(slot: number): void {
    const item = this.catalog.get(slot).active ? this.factorization.itemVector(slot) : undefined;
    if (item === undefined) this.vectors.clear(slot);
    else this.vectors.set(slot, item);
  }

  // ---- learning -----------------------------------------------------------------------------------------

  /**
   * Learns from one event. `video` is the catalog's record of `event.videoId` (added here when new); an event
   * about a video the learners have never been given is counted for the person's admission and otherwise ignored.
   */
  observe(event: LoggedEvent, video: Video | undefined): void {
    if (video !== undefined && this.catalog.slot(video.id) === undefined) this.addVideo(video);
    this.events++;
    this.clock = Math.max(this.clock, event.ts);
    const { userId, ts } = event;
    if (this.recorder !== undefined) {
      this.recorder.events++;
      this.recorder.clock = this.clock;
      this.recorder.people.add(userId);
    }
    const slot = this.catalog.slot(event.videoId);
    if (slot === undefined) {
      this.touchUser(userId, ts);
    } else {
      for (const closed of this.exposures.closeExpired(userId, ts)) this.settle(userId, closed);
      const exposure = this.exposure(userId, slot, ts);
      const userRow = this.touchUser(userId, ts);
      this.factorization.touchVideo(slot, ts, this.rng);
      this.learn(event, slot, exposure, userRow);
    }
    if (this.events % this.config.sweepEveryEvents === 0) this.sweep();
  }

  /**
   * Brings the HNSW graph up to date with the item vectors that changed since its last sync, at most `limit`
   * of them (seconds for a large catalog, so it is not done inside `observe`: call it from a timer, in chunks).
   * Below `ann.from` videos the search is exact and there is no graph to keep. Returns how many were synced.
   */
  syncVectorIndex(limit = Infinity): number {
    if (this.catalog.size < this.config.ann.from) return 0;
    const pending = this.vectors.pending;
    this.vectors.sync(limit);
    return pending - this.vectors.pending;
  }

  /** Writes the HNSW graph to `path` (see VideoVectors.saveGraph); the slots marked deleted, or undefined without a graph. */
  saveVectorIndex(path: string): Promise<number[] | undefined> {
    return this.vectors.saveGraph(path);
  }

  /** Takes the HNSW graph from a file `saveVectorIndex` wrote, instead of building it again (see VideoVectors.loadGraph). */
  loadVectorIndex(path: string, deleted: readonly number[]): Promise<void> {
    return this.vectors.loadGraph(path, deleted);
  }

  private touchUser(userId: string, ts: number): number | undefined {
    return this.factorization.users.touchIfAdmitted(userId, ts) ?? this.factorization.touchUser(userId, ts, this.rng, () => this.positivesCentroid(userId));
  }

  /** The open exposure of this video to this person, opened now (features frozen as of now) if there is none. */
  private exposure(userId: string, slot: number, ts: number): Exposure {
    const open = this.exposures.find(userId, slot);
    if (open !== undefined) return open;
    const features = new PersonFeatures(this, userId, ts).fill(slot, new Float32Array(FEATURES.length));
    const exposure: Exposure = { slot, openedAt: ts, features, relativeWatch: 0, flags: 0 };
    this.counters.add(slot, 'exposures', 1, ts);
    for (const pushedOut of this.exposures.open(userId, exposure)) this.settle(userId, pushedOut);
    return exposure;
  }

  private learn(event: LoggedEvent, slot: number, exposure: Exposure, userRow: number | undefined): void {
    const { eventWeights, tasteDeltas } = this.config;
    const facts = this.catalog.get(slot);
    const { userId, ts } = event;
    const keys = facts.keys;
    switch (event.type) {
      case 'impression':
        return;
      case 'play': {
        const ratio = Math.min((event.watchMs ?? 0) / Math.max(facts.durationMs, 1), 4);
        this.baseline.observe(facts.durationMs, ratio);
        const relative = this.baseline.relative(facts.durationMs, ratio);
        if (firstTime(exposure, PLAYED)) this.counters.add(slot, 'plays', 1, ts);
        if (relative > exposure.relativeWatch) {
          this.counters.add(slot, 'relativeWatch', relative - exposure.relativeWatch, ts);
          exposure.relativeWatch = relative;
        }
        if (relative >= PLAY_POSITIVE_FROM) this.positive(userRow, slot, eventWeights.play * Math.min(ratio, 1.5));
        this.taste.add(userId, keys, tasteDeltas.play * (Math.min(relative, 2) - 1), ts);
        if (relative >= PLAY_ENGAGED_FROM) this.swing.addPositive(userId, slot);
        return;
      }
      case 'like':
      case 'share':
      case 'comment':
      case 'follow': {
        const { flag, counter } = POSITIVE_ACTIONS[event.type];
        if (firstTime(exposure, flag)) this.counters.add(slot, counter, 1, ts);
        this.positive(userRow, slot, eventWeights[event.type]);
        this.taste.add(userId, keys, tasteDeltas[event.type], ts);
        if (event.type === 'follow') this.taste.follow(userId, facts.creatorId, ts);
        if (event.type !== 'comment') this.swing.addPositive(userId, slot);
        return;
      }
      case 'skip':
      case 'not_interested':
      case 'report': {
        const skip = event.type === 'skip';
        if (firstTime(exposure, skip ? SKIPPED : REJECTED)) this.counters.add(slot, skip ? 'skips' : 'rejections', 1, ts);
        if (userRow !== undefined) this.train(userRow, slot, 0, eventWeights[event.type]);
        this.taste.add(userId, keys, tasteDeltas[event.type], ts);
        if (!skip) this.taste.hide(userId, keys.filter((k) => !k.startsWith('hashtag:')), ts);
        return;
      }
    }
  }

  /** A positive example, followed by the configured number of uniformly sampled catalog negatives. */
  private positive(userRow: number | undefined, slot: number, weight: number): void {
    if (userRow === undefined) return;
    this.train(userRow, slot, 1, weight);
    const { randomNegatives, randomNegativeWeight } = this.config.factorization;
    for (let i = 0; i < randomNegatives; i++) {
      const other = Math.floor(this.rng.next() * this.catalog.size);
      if (other !== slot && this.catalog.get(other).active) this.train(userRow, other, 0, randomNegativeWeight);
    }
  }

  private train(userRow: number, slot: number, label: number, weight: number): void {
    const videoRow = this.factorization.train(userRow, slot, label, weight);
    if (videoRow !== undefined && this.catalog.get(slot).active) this.vectors.set(slot, this.factorization.videos.vector(videoRow));
  }

  /** An exposure's labels are final: train the ranker, and treat an unplayed, ignored impression as a negative. */
  private settle(userId: string, exposure: Exposure): void {
    const f = exposure.flags;
    const labels = this.labels;
    labels[0] = exposure.relativeWatch;
    labels[1] = f & LIKED ? 1 : 0;
    labels[2] = f & SHARED ? 1 : 0;
    labels[3] = f & COMMENTED ? 1 : 0;
    labels[4] = f & FOLLOWED ? 1 : 0;
    labels[5] = f & (SKIPPED | REJECTED) ? 1 : 0;
    this.ranker.train(exposure.features, labels, this.predictions);
    if (f !== 0) return;
    const { unplayedImpressionRate, unplayedImpressionWeight } = this.config.factorization;
    const userRow = this.factorization.users.row(userId);
    if (userRow !== undefined && this.catalog.get(exposure.slot).active && this.rng.next() < unplayedImpressionRate) {
      this.train(userRow, exposure.slot, 0, unplayedImpressionWeight);
    }
  }

  /** Periodic upkeep: evict stale ids, settle exposures past their window, refresh content-derived vectors. */
  private sweep(): void {
    const now = this.clock;
    for (const userId of this.factorization.users.evict(now)) {
      this.swing.forgetUser(userId);
      this.exposures.forget(userId);
    }
    this.taste.evict(now - this.config.users.ttlMs);
    this.factorization.videos.evict(now);
    for (const { userId, exposure } of this.exposures.closeAllExpired(now)) this.settle(userId, exposure);
    this.refreshContentVectors();
  }

  /**
   * Recomputes the item vectors of videos without a row of their own from the content projection, which keeps
   * learning (done at every sweep, and by the engine before it serves, so a restored and a replayed engine agree).
   */
  refreshContentVectors(): void {
    for (let slot = 0; slot < this.catalog.size; slot++) {
      if (this.factorization.videos.row(this.catalog.get(slot).id) === undefined) this.refreshVector(slot);
    }
  }

  // ---- a person's rights --------------------------------------------------------------------------------

  /**
   * Forgets what was learned about a person, as if they had just signed up: embedding, affinities, recent
   * positives, open exposures. What they chose themselves is kept: the creators they follow, and the creators
   * and sounds they said "not interested" in.
   */
  resetUser(userId: string): void {
    this.recorder?.people.add(userId);
    this.factorization.users.delete(userId);
    this.taste.reset(userId, true);
    this.swing.forgetUser(userId);
    this.exposures.forget(userId);
  }

  /**
   * Erasure: removes every piece of state keyed by the person, follows included, and their name from every
   * video's window of recent engagers. What stays is aggregate and keyed by videos only (see docs/learning.md).
   */
  forgetUser(userId: string): void {
    this.resetUser(userId);
    this.taste.reset(userId, false);
    this.recorder?.people.delete(userId);
  }

  /** Whether anything at all is kept under this person's id. */
  knowsUser(userId: string): boolean {
    return this.factorization.users.has(userId) || this.taste.get(userId) !== undefined || this.swing.recentPositives(userId).length > 0 || this.exposures.has(userId);
  }

  // ---- candidates and scores ----------------------------------------------------------------------------

  /**
   * The person's query vector: their own row once admitted, else the centroid of their recent positives' item
   * vectors, else undefined (nothing known yet).
   */
  private queryVector(userId: string): Float32Array | undefined {
    const row = this.factorization.users.row(userId);
    if (row !== undefined) return this.factorization.users.vector(row).subarray(0, this.config.dim);
    return this.positivesCentroid(userId);
  }

  private positivesCentroid(userId: string): Float32Array | undefined {
    const positives = this.swing.recentPositives(userId);
    const sum = new Float32Array(this.config.dim);
    let n = 0;
    for (const slot of positives) {
      const item = this.factorization.itemVector(slot);
      if (item === undefined) continue;
      for (let i = 0; i < this.config.dim; i++) sum[i] = sum[i]! + item[i]!;
      n++;
    }
    if (n === 0) return undefined;
    for (let i = 0; i < this.config.dim; i++) sum[i] = sum[i]! / n;
    return sum;
  }

  /**
   * Videos whose item vector is most similar (cosine) to the person's. Exact brute force below `ann.from`
   * catalog videos or with `exact: true`; the HNSW graph (as of its last sync) above.
   */
  nearestVideos(userId: string, k: number, options: CandidateOptions & { exact?: boolean } = {}): VideoCandidate[] {
    const query = this.queryVector(userId);
    if (query === undefined || k <= 0) return [];
    const norm = Math.hypot(...query);
    if (norm === 0) return [];
    const unit = query.map((x) => x / norm);
    const accept = this.slotFilter(options.accept);
    const exact = options.exact === true || this.catalog.size < this.config.ann.from;
    const found = exact ? this.vectors.exact(unit, k, accept) : this.vectors.approximate(unit, k, accept);
    return found.map(({ slot, similarity }) => ({ videoId: this.catalog.get(slot).id, score: similarity }));
  }

  /** Videos co-engaged (Swing) with the person's recent positives, excluding those positives. */
  coEngaged(userId: string, k: number, options: CandidateOptions = {}): VideoCandidate[] {
    const positives = this.swing.recentPositives(userId);
    const stamp = this.swing.stamp(positives);
    const totals = new Map<number, { score: number; best: number; via: number }>();
    for (const from of positives) {
      const list = this.swing.neighbours(from);
      if (list === undefined) continue;
      for (let i = 0; i < list.size; i++) {
        const slot = list.slots[i]!;
        if (this.swing.isMarked(slot, stamp)) continue;
        const s = list.scores[i]!;
        const entry = totals.get(slot);
        if (entry === undefined) totals.set(slot, { score: s, best: s, via: from });
        else {
          entry.score += s;
          if (s > entry.best) [entry.best, entry.via] = [s, from];
        }
      }
    }
    const accept = this.slotFilter(options.accept);
    return [...totals.entries()]
      .filter(([slot]) => accept(slot))
      .sort((a, b) => b[1].score - a[1].score || a[0] - b[0])
      .slice(0, k)
      .map(([slot, t]) => ({ videoId: this.catalog.get(slot).id, score: t.score, via: this.catalog.get(t.via).id }));
  }

  /** The videos most co-engaged (Swing) with one video, strongest first (none for a video nobody engaged with yet). */
  videoNeighbours(videoId: string): VideoCandidate[] {
    const slot = this.catalog.slot(videoId);
    const list = slot === undefined ? undefined : this.swing.neighbours(slot);
    if (list === undefined) return [];
    const order = Array.from({ length: list.size }, (_, i) => i).sort((a, b) => list.scores[b]! - list.scores[a]! || list.slots[a]! - list.slots[b]!);
    return order.map((i) => ({ videoId: this.catalog.get(list.slots[i]!).id, score: list.scores[i]! }));
  }

  /** The newest videos of the person's strongest creators, hashtags and sounds, interleaved across keys. */
  affinityCandidates(userId: string, k: number, options: CandidateOptions = {}): VideoCandidate[] {
    const accept = this.slotFilter(options.accept);
    const keys = AFFINITY_GROUPS.flatMap(({ prefix, top }) => this.taste.top(userId, prefix, top, this.clock)).sort((a, b) => b.value - a.value);
    const lists = keys.map(({ key, value }) => ({ key, value, slots: this.newest.get(key), at: 0 }));
    const out: VideoCandidate[] = [];
    const taken = new Set<number>();
    for (let progress = true; out.length < k && progress; ) {
      progress = false;
      for (const list of lists) {
        while (list.at < list.slots.length) {
          const slot = list.slots[list.at++]!;
          if (taken.has(slot) || !accept(slot)) continue;
          taken.add(slot);
          out.push({ videoId: this.catalog.get(slot).id, score: list.value, via: list.key });
          progress = true;
          break;
        }
        if (out.length >= k) break;
      }
    }
    return out;
  }

  /** The newest active videos of one key ("creator:c1", "hashtag:cats", "sound:s9"), newest first. */
  newestOf(key: string, k: number, options: CandidateOptions = {}): string[] {
    const accept = this.slotFilter(options.accept);
    const out: string[] = [];
    for (const slot of this.newest.get(key)) {
      if (out.length >= k) break;
      if (accept(slot)) out.push(this.catalog.get(slot).id);
    }
    return out;
  }

  /** The person's recent positives by catalog slot, oldest first (a live view: copy it to keep it). */
  positiveSlots(userId: string): readonly number[] {
    return this.swing.recentPositives(userId);
  }

  slotOf(videoId: string): number | undefined {
    return this.catalog.slot(videoId);
  }

  /** The video in a catalog slot, and whether it can still be served. */
  videoAt(slot: number): { id: string; active: boolean } {
    return this.catalog.get(slot);
  }

  /**
   * Everyone's recent positives as compressed rows over catalog slots, and the content vectors while the catalog
   * holds at most `contentUpTo` videos: what the item graph is trained on (src/learn/retrained/). Rows name no one.
   */
  engagementRows(contentUpTo: number): { videoCount: number; personStart: Int32Array; videos: Int32Array; contentDim: number; content: Float32Array } {
    const lists = [...this.swing.everyonesPositives()].filter((list) => list.length > 0);
    const personStart = new Int32Array(lists.length + 1);
    lists.forEach((list, p) => (personStart[p + 1] = personStart[p]! + list.length));
    const videos = new Int32Array(personStart[lists.length]!);
    lists.forEach((list, p) => videos.set(list, personStart[p]!));
    const contentDim = this.catalog.contentDim;
    return { videoCount: this.catalog.size, personStart, videos, contentDim, content: this.catalog.size <= contentUpTo ? this.catalog.contentVectors() : new Float32Array(0) };
  }

  /** The person's recent positives (video ids), oldest first. */
  recentPositives(userId: string): string[] {
    return this.swing.recentPositives(userId).map((slot) => this.catalog.get(slot).id);
  }

  /** The creators the person follows. */
  follows(userId: string): ReadonlySet<string> {
    return this.taste.get(userId)?.follows ?? EMPTY;
  }

  /** Creators and sounds the person hid, as keys ("creator:c1", "sound:s9"). */
  hidden(userId: string): ReadonlySet<string> {
    return this.taste.get(userId)?.hidden ?? EMPTY;
  }

  /** Every affinity of the person, positive or negative, as of the learners' clock, strongest first. */
  affinities(userId: string): { key: string; value: number }[] {
    const taste = this.taste.get(userId);
    if (taste === undefined) return [];
    return [...taste.affinities.keys()].map((key) => ({ key, value: this.taste.value(taste, key, this.clock) })).sort((a, b) => Math.abs(b.value) - Math.abs(a.value) || (a.key < b.key ? -1 : 1));
  }

  /** The person's learned embedding (their row's factors), or undefined before admission. */
  userVector(userId: string): Float32Array | undefined {
    const row = this.factorization.users.row(userId);
    return row === undefined ? undefined : this.factorization.users.vector(row).slice(0, this.config.dim);
  }

  /**
   * Popularity of a video as of `now`: decayed engagement per decayed exposure, smoothed towards a small prior
   * so two plays do not outrank two thousand, times the log of its recent audience. 0 for a video with no events.
   */
  popularity(videoId: string, now = this.clock): number {
    const slot = this.catalog.slot(videoId);
    if (slot === undefined) return 0;
    const f = this.counters.decayFactor(slot, now);
    const c = (name: Counter) => f * this.counters.get(slot, name);
    const exposures = c('exposures');
    if (exposures === 0) return 0;
    const engagement = c('relativeWatch') + c('likes') + 2 * c('shares') + 0.5 * c('comments') + 2 * c('follows') - 0.5 * c('skips') - 2 * c('rejections');
    return ((Math.max(engagement, 0) + 1) / (exposures + 3)) * Math.log2(2 + exposures);
  }

  /** Ids of the videos that have had any event (the only ones that can be popular). */
  *engagedVideos(): Iterable<string> {
    const touched = Math.min(this.counters.touched, this.catalog.size);
    for (let slot = 0; slot < touched; slot++) {
      const facts = this.catalog.get(slot);
      if (facts.active && this.counters.get(slot, 'exposures') > 0) yield facts.id;
    }
  }

  private slotFilter(accept: ((videoId: string) => boolean) | undefined): (slot: number) => boolean {
    return (slot) => {
      const facts = this.catalog.get(slot);
      return facts.active && (accept === undefined || accept(facts.id));
    };
  }

  /**
   * The ranker's score of each video for the person, in input order; undefined for videos never added.
   * Without a person (`undefined`) no personal feature is read: the score of an anonymous visitor.
   */
  score(userId: string | undefined, videoIds: readonly string[], weights: Record<Task, number> = this.config.scoreWeights): (number | undefined)[] {
    const person = new PersonFeatures(this, userId, this.clock);
    const vector = TASKS.map((t) => weights[t]);
    return videoIds.map((id) => {
      const slot = this.catalog.slot(id);
      if (slot === undefined) return undefined;
      return this.ranker.score(this.ranker.predict(person.fill(slot, this.x), this.predictions), vector);
    });
  }

  /** Every prediction behind a score, the weights that combine them (the configured ones unless given), and the signals that mattered most. */
  explain(userId: string | undefined, videoId: string, topSignals = 5, weights: Record<Task, number> = this.config.scoreWeights): Explanation | undefined {
    const slot = this.catalog.slot(videoId);
    if (slot === undefined) return undefined;
    const x = new PersonFeatures(this, userId, this.clock).fill(slot, new Float32Array(FEATURES.length));
    const predictions = this.ranker.predict(x, new Float64Array(TASKS.length));
    const vector = TASKS.map((t) => weights[t]);
    return {
      videoId,
      score: this.ranker.score(predictions, vector),
      predictions: Object.fromEntries(TASKS.map((t, i) => [t, predictions[i]!])) as Record<Task, number>,
      weights: { ...weights },
      signals: this.ranker.contributions(x, predictions, vector).slice(0, topSignals),
    };
  }

  /** Sizes of the learned state, for metrics and the memory figures in docs/learning.md. */
  stats() {
    return {
      events: this.events,
      catalogVideos: this.catalog.size,
      userRows: this.factorization.users.size,
      pendingUsers: this.factorization.users.pendingSize,
      videoRows: this.factorization.videos.size,
      pendingVideos: this.factorization.videos.pendingSize,
      tasteProfiles: this.taste.size,
      coEngagementUsers: this.swing.users,
      arenaBytes: this.factorization.users.arenaBytes + this.factorization.videos.arenaBytes,
    };
  }

  // ---- model deltas (src/learn/online/model-delta.ts) ------------------------------------------------------

  /** From now on, records what this replica learns from its own events for `takeDelta` (after any restore: a restore replaces the parts it watches). */
  recordDeltas(): void {
    const recorder = new ModelDeltaRecorder(this.config.statsHalfLifeMs, {
      counters: this.counters,
      projection: this.factorization.projection,
      ranker: this.ranker.parameters,
      videoId: (slot) => this.catalog.get(slot).id,
      itemRow: (videoId) => {
        const row = this.factorization.videos.row(videoId);
        return row === undefined ? undefined : { vector: this.factorization.videos.vector(row), lastSeen: this.factorization.videos.lastSeenOf(row) };
      },
    });
    this.recorder = recorder;
    this.counters.onAdd = (slot, counter, amount, ts) => recorder.counter(slot, counter, amount, ts);
    this.counters.decayLateAdds = true;
    this.baseline.onObserve = (bucket, ratio) => recorder.play(bucket, ratio);
    this.factorization.onItemStep = (videoId, row) => recorder.itemStep(videoId, row);
    this.swing.onPair = (a, b, amount) => recorder.pair(a, b, amount);
  }

  /** People whose state goes into the next delta. */
  get peopleInDelta(): number {
    return this.recorder?.people.size ?? 0;
  }

  /** Videos and Swing pairs the next delta holds an entry for. */
  get itemEntriesInDelta(): number {
    return this.recorder?.itemEntries ?? 0;
  }

  /** What was learned from this replica's own events since the last call: item-level increments, and the people touched. */
  takeDelta(): { item: ItemDelta; people: string[] } {
    if (this.recorder === undefined) throw new Error('takeDelta without recordDeltas');
    return this.recorder.take();
  }

  /**
   * Adds another replica's item-level increments. Entries of videos this replica's catalog does not hold are
   * skipped: the caller adds the delta's videos first.
   */
  applyItemDelta(d: ItemDelta): void {
    const slotOf = (videoId: string) => this.catalog.slot(videoId);
    this.events += d.events;
    this.clock = Math.max(this.clock, d.clock);
    for (const { videoId, ts, values } of d.counters) {
      const slot = slotOf(videoId);
      if (slot !== undefined) this.counters.addDecayed(slot, values, ts);
    }
    this.baseline.merge(d.baseline.counts, d.baseline.sums);
    const videos = this.factorization.videos;
    for (const { videoId, increment, value, lastSeen } of d.rows) {
      const slot = slotOf(videoId);
      if (slot === undefined || increment.length !== videos.width) continue;
      const existing = videos.row(videoId);
      if (existing === undefined) videos.vector(videos.admit(videoId, lastSeen)).set(value);
      else {
        const row = videos.vector(existing);
        for (let i = 0; i < row.length; i++) row[i] = row[i]! + increment[i]!;
        videos.touchIfAdmitted(videoId, lastSeen);
        this.recorder?.remoteRow(videoId, increment);
      }
      this.refreshVector(slot);
    }
    const { projection } = this.factorization;
    if (d.projection !== undefined && d.projection.length === projection.length) {
      for (let i = 0; i < projection.length; i++) projection[i] = projection[i]! + d.projection[i]!;
      this.recorder?.remoteProjection(d.projection);
      this.contentVectorsStale = true;
    }
    const [weights, squared] = this.ranker.parameters;
    if (d.ranker !== undefined && d.ranker.weights.length === weights.length && d.ranker.squaredGradients.length === squared.length) {
      for (let i = 0; i < weights.length; i++) {
        weights[i] = weights[i]! + d.ranker.weights[i]!;
        squared[i] = squared[i]! + d.ranker.squaredGradients[i]!;
      }
      this.recorder?.remoteRanker(d.ranker.weights, d.ranker.squaredGradients);
    }
    for (const { a, b, amount } of d.swing) {
      const [sa, sb] = [slotOf(a), slotOf(b)];
      if (sa !== undefined && sb !== undefined) this.swing.addPair(sa, sb, amount);
    }
  }

  /** Refreshes the content-only item vectors if another replica's delta moved the projection since the last call. */
  refreshStaleContentVectors(): void {
    if (!this.contentVectorsStale) return;
    this.contentVectorsStale = false;
    this.refreshContentVectors();
  }

  /** One person's whole state (embedding row, taste, recent positives, open exposures), by video id, for a model delta. */
  writePerson(userId: string, w: ByteWriter): void {
    this.factorization.users.writeEntry(userId, w);
    this.taste.writeEntry(userId, w);
    w.strings(this.recentPositives(userId));
    const open = this.exposures.of(userId);
    w.u32(open.length);
    for (const e of open) {
      w.str(this.catalog.get(e.slot).id);
      w.f64(e.openedAt);
      w.array(e.features);
      w.f64(e.relativeWatch);
      w.u32(e.flags);
    }
  }

  /**
   * Replaces the person's state with what `writePerson` wrote on their shard. Open exposures are taken only by
   * the person's own shard (`owner`, restarting from its deltas): any other replica would settle them again.
   */
  readPerson(userId: string, r: ByteReader, owner: boolean): void {
    this.factorization.users.readEntry(userId, r);
    this.taste.readEntry(userId, r);
    const slots = (ids: string[]) => ids.map((id) => this.catalog.slot(id)).filter((s) => s !== undefined);
    this.swing.setPositives(userId, slots(r.strings()));
    const open: Exposure[] = [];
    for (let n = r.u32(); n > 0; n--) {
      const slot = this.catalog.slot(r.str());
      const exposure = { openedAt: r.f64(), features: r.f32(), relativeWatch: r.f64(), flags: r.u32() };
      if (slot !== undefined) open.push({ slot, ...exposure });
    }
    if (owner) this.exposures.set(userId, open);
  }

  // ---- snapshots ----------------------------------------------------------------------------------------

  /** Everything learned, as bytes: the same events with the same seed give the same bytes. */
  snapshot(): Uint8Array {
    const w = new ByteWriter();
    this.write(wholeWriter(w));
    return w.finish();
  }

  /** Everything learned: item-level state into `out.shared`, each person's rows where `out` puts them. */
  write(out: PersonWriter): void {
    const w = out.shared;
    writeHeader(w, MAGIC, FORMAT);
    w.str(JSON.stringify(this.config));
    w.f64(this.clock);
    w.f64(this.events);
    w.u32(this.rng.state);
    this.catalog.write(w);
    this.newest.write(w);
    this.counters.write(w);
    this.baseline.write(w);
    this.factorization.write(out);
    this.taste.write(out);
    this.swing.write(out);
    this.exposures.write(out);
    this.ranker.write(w);
  }

  /** Learners as they were when `snapshot()` produced these bytes, with the configuration they were saved with. */
  static restore(bytes: Uint8Array): OnlineLearners {
    const r = new ByteReader(bytes);
    const learners = OnlineLearners.read(wholeReader(r));
    if (!r.done) throw new MoteurError('snapshot_corrupt', 'learner snapshot has trailing bytes', 500);
    return learners;
  }

  /** Learners as `write` left them. */
  static read(input: PersonReader): OnlineLearners {
    const r = input.shared;
    readHeader(r, MAGIC, FORMAT, 'a learner snapshot');
    const learners = new OnlineLearners(JSON.parse(r.str()) as OnlineConfigOverrides);
    const { config } = learners;
    learners.clock = r.f64();
    learners.events = r.f64();
    learners.rng.state = r.u32();
    learners.catalog = VideoCatalog.read(r, config.contentDim);
    learners.newest = NewestByKey.read(r, config.recentVideosPerKey);
    learners.counters = VideoCounters.read(r, config.statsHalfLifeMs);
    learners.baseline = DurationBaseline.read(r);
    learners.factorization = new Factorization(config, learners.catalog);
    learners.factorization.read(input);
    learners.taste = TasteProfiles.read(input, config.tasteHalfLifeMs, config.tasteKeysPerUser);
    learners.swing = Swing.read(input, config.swing);
    learners.exposures = OpenExposures.read(input, config.exposure.windowMs, config.exposure.openPerUser);
    learners.ranker.read(r);
    for (let slot = 0; slot < learners.catalog.size; slot++) learners.refreshVector(slot);
    return learners;
  }
}
