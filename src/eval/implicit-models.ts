import type { ItemFeatures } from '../learn/batch/content-similarity.ts';
import { trainEase } from '../learn/batch/ease.ts';
import { trainContentNeighbours } from '../learn/batch/content-neighbours.ts';
import { trainImplicitRanker } from './models/implicit-ranker.ts';
import { trainLowPassFilter } from '../learn/batch/low-pass-filter.ts';
import type { ImplicitInteractions } from '../learn/batch/interactions.ts';
import type { UserItemScorer } from '../learn/batch/scorer.ts';
import { popularityScorer, randomScorer } from './baselines.ts';
import { runImplicitBenchmark, type ImplicitBenchmarkInput, type ModelFamily, type ModelResult, type Settings } from './implicit-benchmark.ts';

/** The baselines every implicit-feedback protocol runs beside the served engine: batch models fitted on the training rows. */

export function randomFamily(seed: number): ModelFamily {
  return { name: 'random', grid: [{ seed }], train: () => ({ scorer: randomScorer(seed), seconds: 0 }) };
}

export const popularFamily: ModelFamily = { name: 'popular', grid: [{}], train: (data) => timed(() => popularityScorer(data)) };

/**
 * Fitted parts that several models or settings share (EASE's cubic-cost inverse, the low-pass filter's subspace
 * iteration, the content graphs) are kept per data set and key for the run; whoever reuses one is charged its
 * fitting time.
 */
export class SharedFits {
  private readonly fits = new WeakMap<ImplicitInteractions, Map<string, { scorer: UserItemScorer; seconds: number }>>();

  get(data: ImplicitInteractions, key: string, train: () => UserItemScorer): { scorer: UserItemScorer; seconds: number } {
    const byKey = this.fits.get(data) ?? this.fits.set(data, new Map()).get(data)!;
    const known = byKey.get(key);
    if (known) return known;
    const fit = timed(train);
    byKey.set(key, fit);
    return fit;
  }

  ease(data: ImplicitInteractions, lambda: number, minSupport: number, onProgress?: (fraction: number) => void) {
    return this.get(data, `ease ${lambda}`, () => trainEase(data, { lambda, minSupport, ...(onProgress ? { onProgress } : {}) }));
  }
}

/** EASE over its λ grid. */
export function easeFamily(lambdas: number[], fits: SharedFits, minSupport: number): ModelFamily {
  return { name: 'ease', grid: lambdas.map((lambda) => ({ lambda })), train: (data, s, onProgress) => fits.ease(data, s['lambda']!, minSupport, onProgress) };
}

/** Directions the low-pass filter keeps (GF-CF's setting), and content neighbours per item. */
const LOW_PASS_RANK = 256;
const CONTENT_NEIGHBOURS = 10;

const WALKS = [
  { transitionExponent: 0.8, popularityExponent: -0.2 },
  { transitionExponent: 1, popularityExponent: -0.4 },
];
const NO_TERMS = { walkWeight: 0, regressionWeight: 0, lowPassWeight: 0, neighbourWeight: 0 };

/** RP3beta (the co-engagement random walk) alone, over two settings of its exponents. */
export function rp3betaFamily(fits: SharedFits, features: ItemFeatures[]): ModelFamily {
  return blendFamily(
    'rp3beta',
    WALKS.map((walk) => ({ ...NO_TERMS, walkWeight: 1, ...walk })),
    features,
    fits,
    0,
    1,
  );
}

/** GF-CF's ideal low-pass filter alone. */
export function lowPassFamily(fits: SharedFits, features: ItemFeatures[]): ModelFamily {
  return blendFamily('gf-cf', [{ ...NO_TERMS, lowPassWeight: 1 }], features, fits, 0, 1);
}

/**
 * The best batch blend found for TikTok (docs/evaluation.md) and its closest neighbours: the walk with the low-pass
 * filter (weight 0.6 or 1) and, when there are content features, the content neighbour graph (0 or 0.2); the walk
 * with EASE (at λ `easeLambda`); EASE alone. Only the evaluation runs it: a baseline.
 */
export function batchBlendFamily(features: ItemFeatures[], fits: SharedFits, easeLambda: number, easeMinSupport: number): ModelFamily {
  const walk = WALKS[1]!;
  const neighbourWeights = features.length > 0 ? [0, 0.2] : [0];
  const grid: Settings[] = [
    ...[0.6, 1].flatMap((lowPassWeight) =>
      neighbourWeights.map((neighbourWeight) => ({ ...NO_TERMS, walkWeight: 1, ...walk, lowPassWeight, neighbourWeight })),
    ),
    { ...NO_TERMS, walkWeight: 1, regressionWeight: 1, ...walk, easeLambda },
    { ...NO_TERMS, regressionWeight: 1, easeLambda },
  ];
  return blendFamily('batch blend', grid, features, fits, easeLambda, easeMinSupport);
}

/** A family of `trainImplicitRanker` settings; parts shared between settings are fitted once through `fits`. */
function blendFamily(name: string, grid: Settings[], features: ItemFeatures[], fits: SharedFits, easeLambda: number, easeMinSupport: number): ModelFamily {
  return {
    name,
    grid,
    train(data, s, onProgress) {
      const parts = [
        s['regressionWeight']! > 0 ? fits.ease(data, s['easeLambda'] ?? easeLambda, easeMinSupport, onProgress) : undefined,
        s['lowPassWeight']! > 0
          ? fits.get(data, 'low-pass', () => trainLowPassFilter(data, { rank: LOW_PASS_RANK, ...(onProgress ? { onProgress } : {}) }))
          : undefined,
        s['neighbourWeight']! > 0
          ? fits.get(data, 'content neighbours', () => trainContentNeighbours(data, features, { neighbours: CONTENT_NEIGHBOURS }))
          : undefined,
      ] as const;
      const [ease, lowPass, neighbours] = parts;
      const own = timed(() =>
        trainImplicitRanker(data, {
          transitionExponent: s['transitionExponent'] ?? 1,
          popularityExponent: s['popularityExponent'] ?? 0,
          walkWeight: s['walkWeight']!,
          regressionWeight: s['regressionWeight']!,
          lowPassWeight: s['lowPassWeight']!,
          neighbourWeight: s['neighbourWeight']!,
          ...(ease ? { itemRegression: ease.scorer } : {}),
          ...(lowPass ? { lowPass: lowPass.scorer } : {}),
          ...(neighbours ? { contentNeighbours: neighbours.scorer } : {}),
        }),
      );
      return { scorer: own.scorer, seconds: own.seconds + parts.reduce((sum, part) => sum + (part?.seconds ?? 0), 0) };
    },
  };
}

function timed(train: () => UserItemScorer): { scorer: UserItemScorer; seconds: number } {
  const start = performance.now();
  const scorer = train();
  return { scorer, seconds: (performance.now() - start) / 1000 };
}

export interface BaselineOptions {
  seed: number;
  easeLambdas: number[];
  /** Items seen by fewer people are left out of EASE's inverse (keeps large catalogs near a minute). */
  easeMinSupport: number;
}

/**
 * Runs the baselines: random, most popular, EASE over its λ grid, RP3beta, GF-CF, then the batch blend with the
 * λ EASE chose (reusing the EASE fits).
 */
export function benchmarkBaselines(input: Omit<ImplicitBenchmarkInput, 'families'>, options: BaselineOptions): Record<string, ModelResult> {
  const fits = new SharedFits();
  const simple = runImplicitBenchmark({
    ...input,
    families: [
      randomFamily(options.seed),
      popularFamily,
      easeFamily(options.easeLambdas, fits, options.easeMinSupport),
      rp3betaFamily(fits, input.features),
      lowPassFamily(fits, input.features),
    ],
  });
  const blend = batchBlendFamily(input.features, fits, simple['ease']!.settings['lambda']!, options.easeMinSupport);
  return { ...simple, ...runImplicitBenchmark({ ...input, families: [blend] }) };
}
