import { BestSlots } from '../../core/best-slots.ts';
import type { ItemGraph, NeighbourTable } from './item-graph.ts';
import { LowPassScan } from './low-pass-scan.ts';

/** How much each view of the item graph counts in a person's score, and how much more their latest positives count. */
export interface GraphWeights {
  walk: number;
  lowPass: number;
  content: number;
  /** EASE's links, which exist only while few videos are engaged with (src/learn/retrained/item-graph.ts). */
  ease: number;
  /**
   * A positive counts 1 + recentBoost × e^(−age / recentScale), its age being the positives the person added
   * since: what someone engaged with last says most about what they want next.
   */
  recentBoost: number;
  recentScale: number;
}

/**
 * walk, lowPass, content: chosen on the tuning half of TikTok's val.csv; ease, recentBoost and recentScale on MovieLens
 * leave-last-out's inner split (the training ratings with each person's second-to-last one held out, docs/evaluation.md).
 */
export const DEFAULT_GRAPH_WEIGHTS: GraphWeights = { walk: 1, lowPass: 0.6, content: 0.2, ease: 16, recentBoost: 30, recentScale: 10 };

/**
 * One person's scores over the item graph, from the videos they engaged with (the latest counting most): each
 * view's scores scaled so that their best new video scores 1, weighted, and divided by the weights' total but
 * EASE's, so a score lies in [0, 1], plus EASE's share where the graph has EASE. The arrays are reused from person
 * to person (a feed at a million videos allocates none of them).
 */
export class PersonGraphScores {
  private readonly combined: Float64Array;
  private readonly term: Float64Array;
  private readonly inHistory: Uint8Array;
  private readonly touched: Int32Array;
  private touchedCount = 0;
  private readonly termTouched: Int32Array;
  /** The low-pass filter's scan over its covered videos, with the profile it reads. */
  private readonly lowPassScan: LowPassScan | undefined;
  /** How much each of the person's known positives counts (recency), in the order of `known`. */
  private readonly strength: number[] = [];
  private history: readonly number[] = [];

  constructor(
    readonly graph: ItemGraph,
    private readonly weights: GraphWeights,
  ) {
    const n = graph.videoCount;
    this.combined = new Float64Array(n);
    this.term = new Float64Array(n);
    this.inHistory = new Uint8Array(n);
    this.touched = new Int32Array(n);
    this.termTouched = new Int32Array(n);
    this.lowPassScan = graph.lowPass === undefined ? undefined : new LowPassScan(graph.lowPass.right, graph.lowPass.rank);
  }

  /** Scores for this person's history (videos by slot); slots the graph was not trained over are left out. */
  compute(history: readonly number[]): this {
    for (let t = 0; t < this.touchedCount; t++) this.combined[this.touched[t]!] = 0;
    this.touchedCount = 0;
    for (const slot of this.history) if (slot < this.graph.videoCount) this.inHistory[slot] = 0;
    this.history = history;
    const known: number[] = [];
    this.strength.length = 0;
    const { recentBoost, recentScale } = this.weights;
    history.forEach((slot, at) => {
      if (slot >= this.graph.videoCount) return;
      known.push(slot);
      this.strength.push(1 + recentBoost * Math.exp(-(history.length - 1 - at) / recentScale));
      this.inHistory[slot] = 1;
    });
    if (known.length === 0) return this;
    const { walk, lowPass, content, ease } = this.graph;
    const views = [
      { weight: this.weights.walk, table: walk },
      { weight: this.weights.content, table: content },
      { weight: this.weights.ease, table: ease },
    ];
    // EASE's links, learned only on small catalogs, add to the other views rather than dilute them: the score's scale
    // next to the ranker's (chosen on TikTok, where there is no EASE) stays that of the views every catalog has.
    const total = this.weights.walk + (content ? this.weights.content : 0) + (lowPass ? this.weights.lowPass : 0);
    for (const { weight, table } of views) if (table !== undefined && weight > 0) this.addLinks(table, known, weight / total);
    if (lowPass !== undefined && this.weights.lowPass > 0) this.addLowPass(known, this.weights.lowPass / total);
    return this;
  }

  /** The person's score for a video (0 for one the graph cannot place). */
  score(slot: number): number {
    return slot < this.graph.videoCount ? this.combined[slot]! : 0;
  }

  /** The `k` best-scoring videos the person has not engaged with that `accept` lets through, best first. */
  best(k: number, accept: (slot: number) => boolean): { slot: number; score: number }[] {
    const best = new BestSlots(k);
    for (let t = 0; t < this.touchedCount; t++) {
      const slot = this.touched[t]!;
      const score = this.combined[slot]!;
      if (this.inHistory[slot] === 0 && score > 0 && best.wouldTake(score) && accept(slot)) best.push(slot, score);
    }
    return best.sorted().map(({ slot, similarity }) => ({ slot, score: similarity }));
  }

  private add(slot: number, value: number): void {
    if (this.combined[slot] === 0) this.touched[this.touchedCount++] = slot;
    this.combined[slot]! += value;
  }

  /** Sums the links from the person's videos (each by its strength), then scales the sums by the best one among new videos. */
  private addLinks(table: NeighbourTable, history: readonly number[], weight: number): void {
    let count = 0;
    history.forEach((from, h) => {
      const strength = this.strength[h]!;
      for (let r = from * table.k; r < (from + 1) * table.k; r++) {
        const to = table.targets[r]!;
        if (to < 0) break;
        if (this.term[to] === 0) this.termTouched[count++] = to;
        this.term[to]! += strength * table.weights[r]!;
      }
    });
    let max = 0;
    for (let t = 0; t < count; t++) {
      const slot = this.termTouched[t]!;
      if (this.inHistory[slot] === 0 && this.term[slot]! > max) max = this.term[slot]!;
    }
    for (let t = 0; t < count; t++) {
      const slot = this.termTouched[t]!;
      // Capped at 1: a video of the person's own history can be linked more strongly than the best new one.
      if (max > 0 && this.term[slot]! > 0) this.add(slot, weight * Math.min(this.term[slot]! / max, 1));
      this.term[slot] = 0;
    }
  }

  /** The filter's scores over the videos it covers: right[j] · (Σ strength × left[i] over the person's covered videos). */
  private addLowPass(history: readonly number[], weight: number): void {
    const f = this.graph.lowPass!;
    const scan = this.lowPassScan!;
    const rank = f.rank;
    const profile = scan.profile;
    profile.fill(0);
    let any = false;
    history.forEach((slot, h) => {
      const at = f.position[slot]!;
      if (at < 0) return;
      any = true;
      const strength = this.strength[h]!;
      for (let c = 0; c < rank; c++) profile[c]! += strength * f.left[at * rank + c]!;
    });
    if (!any) return;
    // The scan over every covered video is most of a feed's time at large catalogs: it runs in WebAssembly.
    const scores = scan.run();
    let max = 0;
    for (let at = 0; at < scores.length; at++) if (scores[at]! > max && this.inHistory[f.videos[at]!] === 0) max = scores[at]!;
    if (max <= 0) return;
    for (let at = 0; at < scores.length; at++) {
      const s = scores[at]!;
      if (s > 0) this.add(f.videos[at]!, weight * Math.min(s / max, 1));
    }
  }
}
