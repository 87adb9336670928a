/**
 * The online learners: one object a caller holds, composed of the parts that do the work, each over the same
 * learned state (learned-parts.ts): the catalog and vector index (learner-catalog.ts), learning from events
 * (event-learning.ts), a person's rights (person-rights.ts), candidates (candidates.ts), scores (scores.ts),
 * model deltas (learner-deltas.ts, reached through `deltas`) and snapshots (learner-snapshot.ts). The feed reads them through the narrow
 * interfaces those files declare. Pure in memory and deterministic for a seed: the only I/O is the snapshot.
 */
import { MoteurError } from '../../core/errors.ts';
import type { LoggedEvent, Video } from '../../core/types.ts';
import { ByteReader, ByteWriter } from './bytes.ts';
import { Candidates, type CandidateOptions, type LearnedCandidates, type VideoCandidate } from './candidates.ts';
import { resolveOnlineConfig, type OnlineConfig, type OnlineConfigOverrides, type Task } from './config.ts';
import { EventLearning } from './event-learning.ts';
import { LearnedParts } from './learned-parts.ts';
import { LearnerCatalog } from './learner-catalog.ts';
import { LearnerDeltas } from './learner-deltas.ts';
import { freezeLearnedParts, readLearnedParts, thawLearnedParts, writeLearnedParts } from './learner-snapshot.ts';
import type { Encoding } from './encoding.ts';
import { PersonRights, type PersonSignals } from './person-rights.ts';
import { wholeReader, wholeWriter, type PersonReader, type PersonWriter } from './person-bytes.ts';
import { Scores, type Explanation, type LearnedPopularity, type LearnedScores } from './scores.ts';

export type { CandidateOptions, Explanation, VideoCandidate };

export class OnlineLearners implements LearnedCandidates, LearnedScores, LearnedPopularity, PersonSignals {
  /** The learned state itself, for the learners' own tests and figures. */
  readonly parts: LearnedParts;
  private readonly videos: LearnerCatalog;
  private readonly learning: EventLearning;
  private readonly rights: PersonRights;
  private readonly candidates: Candidates;
  private readonly scores: Scores;
  /** Model deltas to and from other replicas. */
  readonly deltas: LearnerDeltas;

  /** Learners from scratch for these settings, or over the parts a snapshot held. */
  constructor(from: OnlineConfigOverrides | LearnedParts = {}) {
    const parts = from instanceof LearnedParts ? from : new LearnedParts(resolveOnlineConfig(from));
    this.parts = parts;
    this.videos = new LearnerCatalog(parts);
    this.deltas = new LearnerDeltas(parts);
    this.learning = new EventLearning(parts, this.videos, this.deltas);
    this.rights = new PersonRights(parts, this.deltas);
    this.candidates = new Candidates(parts);
    this.scores = new Scores(parts);
  }

  get config(): OnlineConfig {
    return this.parts.config;
  }

  /** Changes how the ranker's predictions are combined into the score (a serving setting: nothing is retrained). */
  setScoreWeights(weights: Record<Task, number>): void {
    this.parts.config.scoreWeights = { ...weights };
    this.parts.ranker.setScoreWeights(this.parts.config.scoreWeights);
  }

  /** Events observed so far. */
  get eventCount(): number {
    return this.parts.events;
  }

  get now(): number {
    return this.parts.clock;
  }

  // ---- catalog (learner-catalog.ts)

  addVideo(video: Video): void {
    this.videos.addVideo(video);
  }

  removeVideo(videoId: string): void {
    this.videos.removeVideo(videoId);
  }

  syncVectorIndex(limit = Infinity): number {
    return this.videos.syncVectorIndex(limit);
  }

  get vectorIndexPending(): number {
    return this.videos.vectorIndexPending;
  }

  saveVectorIndex(path: string): Promise<number[] | undefined> {
    return this.videos.saveVectorIndex(path);
  }

  loadVectorIndex(path: string, deleted: readonly number[]): Promise<void> {
    return this.videos.loadVectorIndex(path, deleted);
  }

  // ---- learning (event-learning.ts)

  observe(event: LoggedEvent, video: Video | undefined): void {
    this.learning.observe(event, video);
  }

  refreshContentVectors(): void {
    this.parts.refreshContentVectors();
  }

  // ---- a person's rights (person-rights.ts)

  resetUser(userId: string): void {
    this.rights.resetUser(userId);
  }

  forgetUser(userId: string): void {
    this.rights.forgetUser(userId);
  }

  knowsUser(userId: string): boolean {
    return this.rights.knowsUser(userId);
  }

  recentPositives(userId: string): string[] {
    return this.rights.recentPositives(userId);
  }

  keptPositives(userId: string): string[] {
    return this.rights.keptPositives(userId);
  }

  follows(userId: string): ReadonlySet<string> {
    return this.rights.follows(userId);
  }

  hidden(userId: string): ReadonlySet<string> {
    return this.rights.hidden(userId);
  }

  affinities(userId: string): { key: string; value: number }[] {
    return this.rights.affinities(userId);
  }

  userVector(userId: string): Float32Array | undefined {
    return this.rights.userVector(userId);
  }

  // ---- candidates (candidates.ts) and scores (scores.ts)

  nearestVideos(userId: string, k: number, options: CandidateOptions & { exact?: boolean } = {}): VideoCandidate[] {
    return this.candidates.nearestVideos(userId, k, options);
  }

  coEngagedWith(videoId: string, k: number, options: CandidateOptions = {}): VideoCandidate[] {
    return this.candidates.coEngagedWith(videoId, k, options);
  }

  coEngaged(userId: string, k: number, options: CandidateOptions = {}): VideoCandidate[] {
    return this.candidates.coEngaged(userId, k, options);
  }

  affinityCandidates(userId: string, k: number, options: CandidateOptions = {}): VideoCandidate[] {
    return this.candidates.affinityCandidates(userId, k, options);
  }

  newestOf(key: string, k: number, options: CandidateOptions = {}): string[] {
    return this.candidates.newestOf(key, k, options);
  }

  positiveSlots(userId: string): readonly number[] {
    return this.candidates.positiveSlots(userId);
  }

  slotOf(videoId: string): number | undefined {
    return this.candidates.slotOf(videoId);
  }

  videoAt(slot: number): { id: string; active: boolean } {
    return this.candidates.videoAt(slot);
  }

  engagementRows(contentUpTo: number, keptUpTo: number): ReturnType<Candidates['engagementRows']> {
    return this.candidates.engagementRows(contentUpTo, keptUpTo);
  }

  score(userId: string | undefined, videoIds: readonly string[], weights?: Record<Task, number>): (number | undefined)[] {
    return this.scores.score(userId, videoIds, weights);
  }

  explain(userId: string | undefined, videoId: string, topSignals = 5, weights?: Record<Task, number>): Explanation | undefined {
    return this.scores.explain(userId, videoId, topSignals, weights);
  }

  popularity(videoId: string, now = this.parts.clock): number {
    return this.scores.popularity(videoId, now);
  }

  engagedVideos(): Iterable<string> {
    return this.scores.engagedVideos();
  }

  /** Sizes of the learned state, for metrics and the memory figures in docs/learning.md. */
  stats() {
    const { events, catalog, factorization, taste, swing } = this.parts;
    return {
      events,
      catalogVideos: catalog.size,
      userRows: factorization.users.size,
      pendingUsers: factorization.users.pendingSize,
      videoRows: factorization.videos.size,
      pendingVideos: factorization.videos.pendingSize,
      tasteProfiles: taste.size,
      coEngagementUsers: swing.users,
      arenaBytes: factorization.users.arenaBytes + factorization.videos.arenaBytes,
    };
  }

  // ---- snapshots (learner-snapshot.ts)

  /** Everything learned, as bytes: the same events with the same seed give the same bytes. */
  snapshot(): Uint8Array {
    const w = new ByteWriter();
    this.write(wholeWriter(w));
    return w.finish();
  }

  /** Everything learned: item-level state into `out.shared`, each person's rows where `out` puts them. */
  write(out: PersonWriter): void {
    writeLearnedParts(this.parts, out);
  }

  /** Everything learned as it is now, to encode later in slices into the bytes `write` writes; `thaw` once encoded. */
  freeze(): (out: PersonWriter) => Encoding {
    return freezeLearnedParts(this.parts);
  }

  thaw(): void {
    thawLearnedParts(this.parts);
  }

  /** Learners as they were when `snapshot()` produced these bytes, with the configuration they were saved with. */
  static restore(bytes: Uint8Array): OnlineLearners {
    const r = new ByteReader(bytes);
    const learners = OnlineLearners.read(wholeReader(r));
    if (!r.done) throw new MoteurError('snapshot_corrupt', 'learner snapshot has trailing bytes');
    return learners;
  }

  /** Learners as `write` left them. */
  static read(input: PersonReader): OnlineLearners {
    return new OnlineLearners(readLearnedParts(input));
  }
}
