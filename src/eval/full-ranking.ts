import type { UserItemScorer } from '../learn/batch/scorer.ts';
import { catalogCoverage, gini, intraListDiversity, novelty } from './metrics/beyond-accuracy.ts';
import { hitRateAtK, ndcgAtK, recallAtK, reciprocalRankFromRanks, type Relevance } from './metrics/ranking.ts';

export const CUTOFFS = [10, 20, 50] as const;

/** One person to evaluate: the items to rank against and the items to leave out of their ranking. */
export interface EvaluatedUser {
  user: number;
  heldOut: Relevance;
  /** Items never offered to this person (their training items): they are neither hits nor misses. */
  excluded: ArrayLike<number>;
}

export interface FullRankingContext {
  itemCount: number;
  userCount: number;
  /** Training engagement per item, for novelty. */
  popularity: ArrayLike<number>;
  /** Item-item similarity in [0, 1] for intra-list diversity (content or co-engagement). */
  similarity: (a: number, b: number) => number;
  /** Creator of each item, when the data names creators: adds the Gini of creator exposure. */
  creatorOf?: ArrayLike<number>;
  onUser?: (done: number) => void;
}

export type MetricReport = Record<string, number>;

/**
 * Per-person values behind the averages, in the order of the evaluated people (for distributions and intervals);
 * `bestRank` is the 1-based rank of the person's best-placed held-out item (Infinity when none can be ranked).
 */
export const PER_USER_METRICS = ['recall@10', 'ndcg@10', 'recall@20', 'ndcg@20', 'bestRank'] as const;

export interface FullRankingResult {
  metrics: MetricReport;
  perUser: Record<(typeof PER_USER_METRICS)[number], Float64Array>;
}

/**
 * Ranks every item for each person (ties: lower item id first), leaves out their excluded items, and averages
 * recall, NDCG and hit rate at 10/20/50, MRR and AUC (held-out items against every other candidate) over the people; the lists at 20 also give catalog coverage,
 * novelty, intra-list diversity and the Gini of item (and creator) exposure.
 */
export function evaluateFullRanking(scorer: UserItemScorer, users: EvaluatedUser[], context: FullRankingContext): FullRankingResult {
  const scores = new Float64Array(context.itemCount);
  const maxK = Math.max(...CUTOFFS);
  const lists = new ListMetrics(users.length, CUTOFFS, context);
  users.forEach(({ user, heldOut, excluded }, done) => {
    scorer.scoreUser(user, scores);
    for (let k = 0; k < excluded.length; k++) scores[excluded[k]!] = NaN;
    const ranks = [...heldOut.keys()].map((item) => rankOf(scores, item));
    lists.add(
      done,
      topItems(scores, maxK),
      heldOut,
      {
        mrr: reciprocalRankFromRanks(ranks),
        auc: aucFromRanks(ranks, scores.length - excludedCount(scores)),
      },
      Math.min(...ranks),
    );
    context.onUser?.(done + 1);
  });
  return lists.result();
}

/**
 * The same figures for lists made elsewhere (a served feed's page of `listLength` videos per person, best first):
 * recall, NDCG and hit rate at the cutoffs the lists reach, and the beyond-accuracy figures of the lists at 20.
 * `bestRank` is the rank of the best-placed held-out item within the list (Infinity when it is not there).
 */
export function evaluateLists(lists: ArrayLike<number>[], users: EvaluatedUser[], context: FullRankingContext, listLength = 20): FullRankingResult {
  const metrics = new ListMetrics(
    users.length,
    CUTOFFS.filter((k) => k <= listLength),
    context,
  );
  users.forEach(({ heldOut }, done) => {
    const list = lists[done]!;
    let best = Infinity;
    for (let r = 0; r < list.length; r++) if (heldOut.has(list[r]!)) best = Math.min(best, r + 1);
    metrics.add(done, list, heldOut, {}, best);
  });
  return metrics.result();
}

/** Sums of per-person figures, per-person arrays, and the exposure and diversity of the lists at 20. */
class ListMetrics {
  private readonly sums: MetricReport = {};
  private readonly listsAt20: ArrayLike<number>[] = [];
  private readonly exposure: Float64Array;
  private diversity = 0;
  private readonly perUser: FullRankingResult['perUser'];

  constructor(
    private readonly people: number,
    private readonly cutoffs: readonly number[],
    private readonly context: FullRankingContext,
  ) {
    this.exposure = new Float64Array(context.itemCount);
    this.perUser = Object.fromEntries(PER_USER_METRICS.map((m) => [m, new Float64Array(people)])) as FullRankingResult['perUser'];
  }

  add(done: number, ranked: ArrayLike<number>, heldOut: EvaluatedUser['heldOut'], extra: Record<string, number>, bestRank: number): void {
    const values: Record<string, number> = { ...extra };
    for (const k of this.cutoffs) {
      values[`recall@${k}`] = recallAtK(ranked, heldOut, k);
      values[`ndcg@${k}`] = ndcgAtK(ranked, heldOut, k);
      values[`hit@${k}`] = hitRateAtK(ranked, heldOut, k);
    }
    for (const [name, value] of Object.entries(values)) {
      this.sums[name] = (this.sums[name] ?? 0) + value;
      if (name in this.perUser) this.perUser[name as keyof FullRankingResult['perUser']][done] = value;
    }
    this.perUser.bestRank[done] = bestRank;
    const top20 = Array.prototype.slice.call(ranked, 0, 20) as number[];
    this.listsAt20.push(top20);
    for (const item of top20) this.exposure[item]!++;
    this.diversity += intraListDiversity(top20, this.context.similarity);
  }

  result(): FullRankingResult {
    const report: MetricReport = {};
    for (const [name, sum] of Object.entries(this.sums)) report[name] = this.people === 0 ? 0 : sum / this.people;
    report['coverage@20'] = catalogCoverage(this.listsAt20, this.context.itemCount);
    report['novelty@20'] = novelty(this.listsAt20, this.context.popularity, this.context.userCount);
    report['diversity@20'] = this.people === 0 ? 0 : this.diversity / this.people;
    report['gini@20'] = gini(this.exposure);
    // Videos nobody engaged with in training: the share of the lists they got, and how many of them were shown.
    let coldSlots = 0;
    let slots = 0;
    let cold = 0;
    let coldShown = 0;
    for (let item = 0; item < this.exposure.length; item++) {
      slots += this.exposure[item]!;
      if (this.context.popularity[item]! > 0) continue;
      cold++;
      coldSlots += this.exposure[item]!;
      if (this.exposure[item]! > 0) coldShown++;
    }
    report['coldShare@20'] = slots === 0 ? 0 : coldSlots / slots;
    report['coldCoverage@20'] = cold === 0 ? 0 : coldShown / cold;
    if (this.context.creatorOf) report['creatorGini@20'] = gini(creatorExposure(this.exposure, this.context.creatorOf));
    return { metrics: report, perUser: this.perUser };
  }
}

function creatorExposure(itemExposure: Float64Array, creatorOf: ArrayLike<number>): Float64Array {
  let creators = 0;
  for (let i = 0; i < creatorOf.length; i++) creators = Math.max(creators, creatorOf[i]! + 1);
  const exposure = new Float64Array(creators);
  for (let i = 0; i < itemExposure.length; i++) exposure[creatorOf[i]!]! += itemExposure[i]!;
  return exposure;
}

/**
 * AUC of one person's ranking: the share of (held-out, other candidate) pairs in which the held-out item is ranked
 * first, from the held-out items' 1-based ranks among `candidates` items (held-out items that cannot be ranked
 * are left out). 0.5 means no better than chance.
 */
export function aucFromRanks(ranks: number[], candidates: number): number {
  const ranked = ranks.filter(Number.isFinite).sort((a, b) => a - b);
  const negatives = candidates - ranked.length;
  if (ranked.length === 0 || negatives <= 0) return 0.5;
  let sum = 0;
  ranked.forEach((rank, j) => (sum += 1 - (rank - 1 - j) / negatives));
  return sum / ranked.length;
}

function excludedCount(scores: Float64Array): number {
  let n = 0;
  for (let i = 0; i < scores.length; i++) if (Number.isNaN(scores[i]!)) n++;
  return n;
}

/** Total order of the ranking: higher score first, then lower item id; NaN marks an excluded item. */
const before = (scores: Float64Array, a: number, b: number) => scores[a]! > scores[b]! || (scores[a] === scores[b] && a < b);

/** The k best items, best first, skipping NaN scores; -Infinity items come last but are still ranked. */
export function topItems(scores: Float64Array, k: number): Int32Array {
  const best: number[] = [];
  for (let item = 0; item < scores.length; item++) {
    if (Number.isNaN(scores[item]!)) continue;
    if (best.length === k && !before(scores, item, best[k - 1]!)) continue;
    let at = best.length === k ? k - 1 : best.length;
    while (at > 0 && before(scores, item, best[at - 1]!)) {
      best[at] = best[at - 1]!;
      at--;
    }
    best[at] = item;
  }
  return Int32Array.from(best);
}

/** 1-based rank of an item under the same total order, counting only items that are not excluded (Infinity if it is). */
function rankOf(scores: Float64Array, item: number): number {
  if (Number.isNaN(scores[item]!)) return Infinity;
  let rank = 1;
  for (let other = 0; other < scores.length; other++) if (other !== item && !Number.isNaN(scores[other]!) && before(scores, other, item)) rank++;
  return rank;
}
