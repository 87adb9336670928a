import type { ItemFeatures } from '../learn/batch/content-similarity.ts';
import { trainEase } from '../learn/batch/ease.ts';
import { trainContentNeighbours } from '../learn/batch/content-neighbours.ts';
import { trainImplicitRanker } from '../learn/batch/implicit-ranker.ts';
import { trainLowPassFilter } from '../learn/batch/low-pass-filter.ts';
import type { ImplicitInteractions } from '../learn/batch/interactions.ts';
import type { UserItemScorer } from '../learn/batch/scorer.ts';
import { popularityScorer, randomScorer } from './baselines.ts';
import { runImplicitBenchmark, type ImplicitBenchmarkInput, type ModelFamily, type ModelResult, type Settings } from './implicit-benchmark.ts';

/** The models every implicit-feedback protocol runs: the engine's batch ranker and the baselines. */

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

/**
 * The engine's batch ranker over a small grid: two random-walk settings, each alone or with the low-pass filter and
 * (when there are content features) the content neighbour graph; and the walk blended with EASE (at λ
 * `easeLambda`), or EASE alone.
 */
export function engineFamily(features: ItemFeatures[], fits: SharedFits, easeLambda: number, easeMinSupport: number): ModelFamily {
  const walks = [
    { transitionExponent: 0.8, popularityExponent: -0.2 },
    { transitionExponent: 1, popularityExponent: -0.4 },
  ];
  const none = { lowPassWeight: 0, neighbourWeight: 0 };
  const neighbourWeights = features.length > 0 ? [0, 0.2] : [0];
  const grid: Settings[] = [
    ...walks.flatMap((walk) =>
      [0, 0.6, 1].flatMap((lowPassWeight) => neighbourWeights.map((neighbourWeight) => ({ walkWeight: 1, regressionWeight: 0, ...walk, lowPassWeight, neighbourWeight }))),
    ),
    ...walks.map((walk) => ({ walkWeight: 1, regressionWeight: 1, ...walk, ...none, easeLambda })),
    { walkWeight: 0, regressionWeight: 1, ...none, easeLambda },
  ];
  return {
    name: 'engine',
    grid,
    train(data, s, onProgress) {
      const parts = [
        s['regressionWeight']! > 0 ? fits.ease(data, s['easeLambda']!, easeMinSupport, onProgress) : undefined,
        s['lowPassWeight']! > 0 ? fits.get(data, 'low-pass', () => trainLowPassFilter(data, { rank: LOW_PASS_RANK, ...(onProgress ? { onProgress } : {}) })) : undefined,
        s['neighbourWeight']! > 0 ? fits.get(data, 'content neighbours', () => trainContentNeighbours(data, features, { neighbours: CONTENT_NEIGHBOURS })) : undefined,
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

export interface EngineAndBaselinesOptions {
  seed: number;
  easeLambdas: number[];
  /** Items seen by fewer people are left out of EASE's inverse (keeps large catalogs near a minute). */
  easeMinSupport: number;
}

/**
 * Runs the baselines (random, most popular, EASE over its λ grid), then the engine with the λ EASE chose,
 * reusing the EASE fits; the engine comes first in the result.
 */
export function benchmarkEngineAndBaselines(input: Omit<ImplicitBenchmarkInput, 'families'>, options: EngineAndBaselinesOptions): Record<string, ModelResult> {
  const fits = new SharedFits();
  const baselines = runImplicitBenchmark({ ...input, families: [randomFamily(options.seed), popularFamily, easeFamily(options.easeLambdas, fits, options.easeMinSupport)] });
  const engine = engineFamily(input.features, fits, baselines['ease']!.settings['lambda']!, options.easeMinSupport);
  const { engine: result } = runImplicitBenchmark({ ...input, families: [engine] });
  return { engine: result!, ...baselines };
}
