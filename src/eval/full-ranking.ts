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
 * Per-person values behind the averages, in the order of the evaluated people (for distributions); `bestRank` is
 * the 1-based rank of the person's best-placed held-out item (Infinity when none can be ranked).
 */
export const PER_USER_METRICS = ['ndcg@10', 'bestRank'] as const;

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
  const sums: MetricReport = {};
  const add = (name: string, value: number) => (sums[name] = (sums[name] ?? 0) + value);
  const listsAt20: Int32Array[] = [];
  const exposure = new Float64Array(context.itemCount);
  let diversity = 0;
  const perUser = Object.fromEntries(PER_USER_METRICS.map((m) => [m, new Float64Array(users.length)])) as FullRankingResult['perUser'];
  users.forEach(({ user, heldOut, excluded }, done) => {
    scorer.scoreUser(user, scores);
    for (let k = 0; k < excluded.length; k++) scores[excluded[k]!] = NaN;
    const ranked = topItems(scores, maxK);
    for (const k of CUTOFFS) {
      const values: Record<string, number> = { [`recall@${k}`]: recallAtK(ranked, heldOut, k), [`ndcg@${k}`]: ndcgAtK(ranked, heldOut, k), [`hit@${k}`]: hitRateAtK(ranked, heldOut, k) };
      for (const [name, value] of Object.entries(values)) {
        add(name, value);
        if (name in perUser) perUser[name as keyof typeof perUser][done] = value;
      }
    }
    const ranks = [...heldOut.keys()].map((item) => rankOf(scores, item));
    add('mrr', reciprocalRankFromRanks(ranks));
    add('auc', aucFromRanks(ranks, scores.length - excludedCount(scores)));
    perUser.bestRank[done] = Math.min(...ranks);
    const top20 = ranked.subarray(0, 20);
    listsAt20.push(top20);
    for (const item of top20) exposure[item]!++;
    diversity += intraListDiversity(top20, context.similarity);
    context.onUser?.(done + 1);
  });
  const report: MetricReport = {};
  for (const [name, sum] of Object.entries(sums)) report[name] = users.length === 0 ? 0 : sum / users.length;
  report['coverage@20'] = catalogCoverage(listsAt20, context.itemCount);
  report['novelty@20'] = novelty(listsAt20, context.popularity, context.userCount);
  report['diversity@20'] = users.length === 0 ? 0 : diversity / users.length;
  report['gini@20'] = gini(exposure);
  if (context.creatorOf) report['creatorGini@20'] = gini(creatorExposure(exposure, context.creatorOf));
  return { metrics: report, perUser };
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
