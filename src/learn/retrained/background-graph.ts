/**
 * Keeps the item graph (item-graph.ts) trained on what the online learners hold: retrained in the background
 * once events stop arriving for a moment, or after at most `maxStaleMs` while they keep coming, and at once
 * after an erasure or a refresh; swapped in whole when a training ends, so a feed always reads one complete graph.
 * Large trainings run on a worker thread; the serving thread only collects the rows and swaps the result in.
 * The graph is not saved: it is derived from the learners' state, and retrained from it after a start.
 */
import { RequestWorker } from '../../core/request-worker.ts';
import { contentGraphVideos, trainItemGraph, type GraphTrainingData, type ItemGraph, type ItemGraphOptions } from './item-graph.ts';
import { PersonGraphScores, type GraphWeights } from './person-graph-scores.ts';
import { warn } from '../../core/warnings.ts';

export interface GraphUpkeep {
  /** A retrain starts once no engagement has changed for this long... */
  quietMs: number;
  /** ...or once the oldest change it has not learned is this old, while changes keep coming. */
  maxStaleMs: number;
  /**
   * Trainings over more engagements than this run on a worker thread, and so does any over more than
   * SERVING_THREAD_VIDEOS videos; smaller ones take milliseconds.
   */
  workerFrom: number;
  /**
   * False for a caller that runs the upkeep itself on simulated time (the simulation): no timer, no thread;
   * `trainWhenGrown` and `settled` train on the calling thread, so a run is deterministic.
   */
  automatic: boolean;
}

type Collect = () => Omit<GraphTrainingData, 'options'>;

/**
 * EASE's closed form and the low-pass filter cost the cube of the engaged videos, and the content graph the square
 * of the catalog's (20,000 videos held the serving thread for 20 s a training): past this many, a training
 * with few engagements still holds a thread for seconds (2,000 videos held the serving thread for minutes on a
 * loaded machine), so it leaves the serving thread.
 */
const SERVING_THREAD_VIDEOS = 300;

export class BackgroundGraph {
  private scores: PersonGraphScores | undefined;
  /** The person whose scores `scores` holds and the positives they were computed from (reused, not reallocated). */
  private lastUserId: string | undefined;
  private readonly lastHistory: number[] = [];
  /** Changes to the engagements so far, and how many of them the current graph (or the one in training) holds. */
  private changes = 0;
  private trained = 0;
  private firstUntrainedAt = Infinity;
  private lastChangeAt = -Infinity;
  private timer: NodeJS.Timeout | undefined;
  private training: Promise<void> | undefined;
  private worker: RequestWorker<GraphTrainingData, ItemGraph> | undefined;
  private waiting: { changes: number; resolve: () => void }[] = [];
  private closed = false;
  /** Trainings finished, and those of them run on the worker thread, for metrics and tests. */
  generation = 0;
  workerTrainings = 0;

  constructor(
    private readonly collect: Collect,
    private readonly options: ItemGraphOptions,
    private readonly weights: GraphWeights,
    private readonly upkeep: GraphUpkeep,
    /** False when nothing reads the graph (a baseline feed policy): it is then never trained. */
    private readonly used = true,
  ) {}

  get graph(): ItemGraph | undefined {
    return this.scores?.graph;
  }

  /** Whether every change so far is in the graph being served. */
  get upToDate(): boolean {
    return this.trained === this.changes && this.training === undefined;
  }

  /** The engagements changed (an event learned, a delta applied); `urgent` (an erasure, a refresh) retrains now. */
  changed(urgent = false): void {
    if (this.closed || !this.used) return;
    this.changes++;
    const now = performance.now();
    this.lastChangeAt = now;
    if (this.firstUntrainedAt === Infinity) this.firstUntrainedAt = now;
    if (!this.upkeep.automatic) return;
    if (urgent) this.arm(0);
    else if (this.timer === undefined && this.training === undefined) this.arm(this.upkeep.quietMs);
  }

  /**
   * Without automatic upkeep: trains now, on this thread, once the changes since the last training reach `share`
   * of those it held (at least `least`), so retrains grow rarer as the graph grows.
   */
  trainWhenGrown(share: number, least: number): void {
    const since = this.changes - this.trained;
    if (this.upkeep.automatic || this.closed || since === 0 || since < Math.max(least, share * this.trained)) return;
    this.trainHere();
  }

  /** Resolves once the graph being served holds every change made before the call. */
  settled(): Promise<void> {
    if (this.upToDate || this.closed) return Promise.resolve();
    if (!this.upkeep.automatic) {
      this.trainHere();
      return Promise.resolve();
    }
    const changes = this.changes;
    // Someone waits for the retrain now: its timer keeps the process alive.
    this.timer?.ref();
    return new Promise((resolve) => this.waiting.push({ changes, resolve }));
  }

  /** The person's scores over the graph for their engaged videos, or undefined before the first training. */
  forPerson(userId: string, history: readonly number[]): PersonGraphScores | undefined {
    const scores = this.scores;
    if (scores === undefined) return undefined;
    // The feed's source and its scorer ask for the same person in turn: computed once for both.
    if (this.lastUserId !== userId || !sameSlots(this.lastHistory, history)) {
      scores.compute(history);
      this.lastUserId = userId;
      this.lastHistory.length = history.length;
      for (let i = 0; i < history.length; i++) this.lastHistory[i] = history[i]!;
    }
    return scores;
  }

  /**
   * Stops retraining. A training under way on the worker is abandoned rather than awaited: the graph is never
   * saved, so its result would be thrown away, and a large one held a closing engine for tens of seconds.
   */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.worker?.terminate();
    await this.training;
    for (const { resolve } of this.waiting) resolve();
    this.waiting = [];
  }

  private arm(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.due(), delayMs);
    if (this.waiting.length === 0) this.timer.unref();
  }

  /** Trains if the engagements have been quiet long enough or the oldest untrained change is too old; else waits. */
  private due(): void {
    this.timer = undefined;
    if (this.closed || this.training !== undefined) return;
    const now = performance.now();
    const quietFor = now - this.lastChangeAt;
    const staleFor = now - this.firstUntrainedAt;
    const urgent = this.waiting.length > 0 && quietFor >= this.upkeep.quietMs;
    if (!urgent && quietFor < this.upkeep.quietMs && staleFor < this.upkeep.maxStaleMs) {
      this.arm(Math.min(this.upkeep.quietMs - quietFor, this.upkeep.maxStaleMs - staleFor));
      return;
    }
    this.training = this.train().finally(() => {
      this.training = undefined;
      if (!this.closed && this.trained < this.changes) this.arm(this.upkeep.quietMs);
    });
  }

  private async train(): Promise<void> {
    const changes = this.changes;
    this.firstUntrainedAt = Infinity;
    const data: GraphTrainingData = { ...this.collect(), options: this.options };
    try {
      const small =
        data.videos.length <= this.upkeep.workerFrom && distinctVideos(data) <= SERVING_THREAD_VIDEOS && contentGraphVideos(data) <= SERVING_THREAD_VIDEOS;
      const graph = small ? trainItemGraph(data) : await this.onWorker(data);
      if (!this.closed) this.swapIn(graph);
    } catch (error) {
      if (!this.closed) warn('item_graph_not_retrained', 'the item graph was not retrained (the previous one is still served)', error);
    }
    this.trainedThrough(changes);
  }

  private trainHere(): void {
    const changes = this.changes;
    this.swapIn(trainItemGraph({ ...this.collect(), options: this.options }));
    this.trainedThrough(changes);
  }

  private swapIn(graph: ItemGraph): void {
    this.scores = new PersonGraphScores(graph, this.weights);
    this.lastUserId = undefined;
    this.generation++;
  }

  /** The graph now holds every change up to `changes`: whoever waited for those goes on. */
  private trainedThrough(changes: number): void {
    this.trained = changes;
    const done = this.waiting.filter((w) => w.changes <= changes);
    this.waiting = this.waiting.filter((w) => w.changes > changes);
    for (const { resolve } of done) resolve();
  }

  private onWorker(data: GraphTrainingData): Promise<ItemGraph> {
    this.workerTrainings++;
    this.worker ??= new RequestWorker<GraphTrainingData, ItemGraph>(new URL('./item-graph-worker.ts', import.meta.url), undefined, 'item graph training');
    // The rows and vectors were made for this training alone: moved to the thread, not copied.
    const rows = [data.personStart, data.videos, data.content, data.easeRows?.personStart, data.easeRows?.videos];
    return this.worker.request(
      data,
      rows.filter((row) => row !== undefined).map((row) => row.buffer as ArrayBuffer),
    );
  }
}

/** How many videos a training's engagements name. */
function distinctVideos(data: GraphTrainingData): number {
  const seen = new Uint8Array(data.videoCount);
  let count = 0;
  for (const video of data.videos) if (seen[video] === 0) count += seen[video] = 1;
  return count;
}

/** Compared slot by slot: a joined string key cost an allocation of up to a thousand numbers' text per feed. */
function sameSlots(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
