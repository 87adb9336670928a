/**
 * The item graph: what the engine learns from everyone's engagements at once, retrained in the background
 * (see background-graph.ts) rather than event by event. Three item-to-item views of the same engagements,
 * each found to rank well on public data (docs/evaluation.md):
 * - a random walk person → video → person → video (RP3beta), kept as each video's strongest links;
 * - the ideal low-pass filter of the co-engagement graph (GF-CF), which reaches videos several hops away;
 * - a content graph linking each video to those with the nearest uploaded embeddings, so that videos with
 *   little engagement are reachable through the ones they resemble;
 * - while few videos are engaged with, EASE's item-to-item regression (Steck 2019), whose closed form costs the
 *   cube of their number.
 * Everything here is typed arrays, so a graph trained on a worker thread crosses to the serving thread whole.
 */
import { implicitInteractions, itemPopularity, itemsOf, usersOf, type ImplicitInteractions } from '../batch/interactions.ts';
import { neighbourGraph } from '../batch/content-neighbours.ts';
import { lowPassFactors } from '../batch/low-pass-filter.ts';
import { easeWeights } from '../batch/ease.ts';

export interface ItemGraphOptions {
  /** Strongest walk links kept per video. */
  walkNeighbours: number;
  /** RP3beta's α: each step's probability 1/degree is raised to this power. */
  transitionExponent: number;
  /** RP3beta's β: a link's weight is multiplied by the target's popularity^-β (negative favours popular videos). */
  popularityExponent: number;
  /** Directions the low-pass filter keeps (0: no filter). */
  lowPassRank: number;
  /** The filter covers at most this many videos, the most engaged ones (its cost per feed grows with them). */
  lowPassMaxVideos: number;
  /** Content links per video (0: no content graph). */
  contentNeighbours: number;
  /** The content graph is built by comparing every pair, so only up to this many videos with an embedding. */
  contentMaxVideos: number;
  /** EASE's links are learned while at most this many videos are engaged with (0: never), with this L2 penalty. */
  easeMaxVideos: number;
  easeLambda: number;
}

export const DEFAULT_ITEM_GRAPH: ItemGraphOptions = {
  walkNeighbours: 200,
  transitionExponent: 1,
  popularityExponent: -0.4,
  lowPassRank: 256,
  lowPassMaxVideos: 4096,
  contentNeighbours: 10,
  contentMaxVideos: 20_000,
  easeMaxVideos: 2000,
  easeLambda: 100,
};

/** Each video's links, `k` slots per video (target -1 where it has fewer), strongest first. */
export interface NeighbourTable {
  k: number;
  targets: Int32Array;
  weights: Float32Array;
}

export interface LowPassFactors {
  rank: number;
  /** Position of each video among the covered ones, -1 when the filter does not cover it. */
  position: Int32Array;
  /** The covered videos, in position order. */
  videos: Int32Array;
  /** Covered × rank, item-major (see lowPassFactors). */
  left: Float32Array;
  right: Float32Array;
}

export interface ItemGraph {
  /** Videos (slots of the learners' catalog) the graph was trained over. */
  videoCount: number;
  /** People and (person, video) engagements it was trained on. */
  people: number;
  engagements: number;
  walk: NeighbourTable;
  lowPass: LowPassFactors | undefined;
  content: NeighbourTable | undefined;
  ease: NeighbourTable | undefined;
}

/** Each person's engaged videos as compressed rows: those of person p are videos[personStart[p] .. personStart[p+1]). */
export interface EngagementRows {
  personStart: Int32Array;
  videos: Int32Array;
}

/**
 * What a training run is given: each person's recent engaged videos as compressed rows (the walk, the filter), the
 * videos' embeddings, and, for EASE, every positive kept per person: the regression gains from all of them, while
 * the walk and the filter, trained on them, are dominated by the heaviest people (docs/benchmarks.md).
 */
export interface GraphTrainingData extends EngagementRows {
  videoCount: number;
  /** Unit content vectors by video, `contentDim` numbers each (zeros for a video without one). */
  contentDim: number;
  content: Float32Array;
  /** Every kept positive per person, while EASE may be learned (undefined: EASE learns from the recent rows). */
  easeRows?: EngagementRows;
  options: ItemGraphOptions;
}

export function trainItemGraph(input: GraphTrainingData): ItemGraph {
  const data = interactionsOf(input, input.videoCount);
  const { options } = input;
  const popularity = itemPopularity(data);
  const engaged: number[] = [];
  for (let i = 0; i < data.itemCount; i++) if (popularity[i]! > 0) engaged.push(i);
  return {
    videoCount: input.videoCount,
    people: data.userCount,
    engagements: data.itemsOfUser.length,
    walk: walkLinks(data, popularity, options),
    lowPass: options.lowPassRank > 0 ? lowPassOver(data, popularity, engaged, options) : undefined,
    content: options.contentNeighbours > 0 ? contentLinks(input) : undefined,
    ease: easeOver(input.easeRows === undefined ? data : interactionsOf(input.easeRows, input.videoCount), options),
  };
}

function interactionsOf(rows: EngagementRows, videoCount: number): ImplicitInteractions {
  const people = rows.personStart.length - 1;
  const users = new Int32Array(rows.videos.length);
  for (let p = 0; p < people; p++) users.fill(p, rows.personStart[p]!, rows.personStart[p + 1]!);
  return implicitInteractions(users, rows.videos, people, videoCount);
}

/** EASE's links, while at least two and at most `easeMaxVideos` videos are engaged with. */
function easeOver(data: ImplicitInteractions, options: ItemGraphOptions): NeighbourTable | undefined {
  let engaged = 0;
  for (const p of itemPopularity(data)) if (p > 0) engaged++;
  return engaged >= 2 && engaged <= options.easeMaxVideos ? easeLinks(data, options) : undefined;
}

/** EASE's strongest positive links per engaged video (each keeps as many as the walk). */
function easeLinks(data: ImplicitInteractions, options: ItemGraphOptions): NeighbourTable {
  const { kept, weights } = easeWeights(data, { lambda: options.easeLambda });
  const k = options.walkNeighbours;
  const table: NeighbourTable = { k, targets: new Int32Array(data.itemCount * k).fill(-1), weights: new Float32Array(data.itemCount * k) };
  const row = new Float64Array(data.itemCount);
  const n = kept.length;
  for (let a = 0; a < n; a++) {
    const positive: number[] = [];
    for (let b = 0; b < n; b++) {
      const w = weights[a * n + b]!;
      if (w <= 0) continue;
      row[kept[b]!] = w;
      positive.push(kept[b]!);
    }
    keepStrongest(table, kept[a]!, positive, row);
    for (const j of positive) row[j] = 0;
  }
  return table;
}

/**
 * RP3beta's item-to-item weights, W[i, j] = Σ over people v of i's audience of (|U_i| |I_v|)^-α × pop_j^-β,
 * each video keeping its `walkNeighbours` strongest: a person's walk score for j is the sum of W[i, j] over their videos.
 */
function walkLinks(data: ImplicitInteractions, popularity: Float64Array, options: ItemGraphOptions): NeighbourTable {
  const n = data.itemCount;
  const k = options.walkNeighbours;
  const alpha = options.transitionExponent;
  const targetFactor = Float64Array.from(popularity, (p) => (p > 0 ? p ** -options.popularityExponent : 0));
  const table: NeighbourTable = { k, targets: new Int32Array(n * k).fill(-1), weights: new Float32Array(n * k) };
  const row = new Float64Array(n);
  const touched: number[] = [];
  for (let i = 0; i < n; i++) {
    const audience = usersOf(data, i);
    if (audience.length === 0) continue;
    const fromItem = audience.length ** -alpha;
    for (const v of audience) {
      const theirs = itemsOf(data, v);
      const step = fromItem * theirs.length ** -alpha;
      for (const j of theirs) {
        if (j === i) continue;
        if (row[j] === 0) touched.push(j);
        row[j]! += step;
      }
    }
    for (const j of touched) row[j]! *= targetFactor[j]!;
    keepStrongest(table, i, touched, row);
    for (const j of touched) row[j] = 0;
    touched.length = 0;
  }
  return table;
}

/** Writes the `table.k` largest of row[touched] into video i's slots, strongest first. */
function keepStrongest(table: NeighbourTable, i: number, touched: number[], row: Float64Array): void {
  const best =
    touched.length <= table.k
      ? touched.slice()
      : touched
          .slice()
          .sort((a, b) => row[b]! - row[a]!)
          .slice(0, table.k);
  best.sort((a, b) => row[b]! - row[a]! || a - b);
  best.forEach((j, r) => {
    table.targets[i * table.k + r] = j;
    table.weights[i * table.k + r] = row[j]!;
  });
}

/** The low-pass filter over the most engaged videos (at most `lowPassMaxVideos`). */
function lowPassOver(data: ImplicitInteractions, popularity: Float64Array, engaged: readonly number[], options: ItemGraphOptions): LowPassFactors | undefined {
  if (engaged.length < 2) return undefined;
  const covered =
    engaged.length <= options.lowPassMaxVideos
      ? engaged
      : [...engaged]
          .sort((a, b) => popularity[b]! - popularity[a]! || a - b)
          .slice(0, options.lowPassMaxVideos)
          .sort((a, b) => a - b);
  const position = new Int32Array(data.itemCount).fill(-1);
  covered.forEach((video, at) => (position[video] = at));
  const users: number[] = [];
  const items: number[] = [];
  for (let u = 0; u < data.userCount; u++) {
    for (const i of itemsOf(data, u)) {
      if (position[i]! < 0) continue;
      users.push(u);
      items.push(position[i]!);
    }
  }
  const sub = implicitInteractions(users, items, data.userCount, covered.length);
  const { rank, left, right } = lowPassFactors(sub, { rank: Math.min(options.lowPassRank, Math.floor(covered.length / 2)) });
  return { rank, position, videos: Int32Array.from(covered), left: Float32Array.from(left), right: Float32Array.from(right) };
}

/**
 * How many videos the content graph compares pairwise (0 when there is none): every video, once at least two
 * have a content vector, while no more than `contentMaxVideos` have one. Its cost is this number squared.
 */
export function contentGraphVideos(input: Pick<GraphTrainingData, 'videoCount' | 'contentDim' | 'content' | 'options'>): number {
  const { videoCount: n, contentDim: dim, content } = input;
  let withContent = 0;
  for (let i = 0; i < n && withContent <= input.options.contentMaxVideos; i++) {
    for (let d = i * dim; d < (i + 1) * dim; d++) {
      if (content[d] !== 0) {
        withContent++;
        break;
      }
    }
  }
  return withContent < 2 || withContent > input.options.contentMaxVideos ? 0 : n;
}

/** Each video's nearest videos by content embedding (only while the catalog is small enough to compare every pair). */
function contentLinks(input: GraphTrainingData): NeighbourTable | undefined {
  const n = contentGraphVideos(input);
  if (n === 0) return undefined;
  const dim = input.contentDim;
  const k = Math.min(input.options.contentNeighbours, n - 1);
  const { targets, weights } = neighbourGraph(input.content.subarray(0, n * dim), dim, n, k);
  return { k, targets, weights: Float32Array.from(weights) };
}
