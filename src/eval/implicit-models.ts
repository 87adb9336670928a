import type { ItemFeatures } from '../learn/batch/content-similarity.ts';
import { trainEase } from '../learn/batch/ease.ts';
import { trainImplicitRanker } from '../learn/batch/implicit-ranker.ts';
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
 * EASE fits are the slow part of a run (a cubic-cost inverse), and the engine blends EASE in: fits are kept per data
 * set and λ for the run, and whoever reuses one is charged its fitting time.
 */
export class EaseFits {
  private readonly fits = new WeakMap<ImplicitInteractions, Map<number, { scorer: UserItemScorer; seconds: number }>>();
  constructor(private readonly minSupport: number) {}

  get(data: ImplicitInteractions, lambda: number, onProgress?: (fraction: number) => void): { scorer: UserItemScorer; seconds: number } {
    const byLambda = this.fits.get(data) ?? this.fits.set(data, new Map()).get(data)!;
    const known = byLambda.get(lambda);
    if (known) return known;
    const fit = timed(() => trainEase(data, { lambda, minSupport: this.minSupport, ...(onProgress ? { onProgress } : {}) }));
    byLambda.set(lambda, fit);
    return fit;
  }
}

/** EASE over its λ grid. */
export function easeFamily(lambdas: number[], fits: EaseFits): ModelFamily {
  return { name: 'ease', grid: lambdas.map((lambda) => ({ lambda })), train: (data, s, onProgress) => fits.get(data, s['lambda']!, onProgress) };
}

/**
 * The engine's batch ranker over a small grid: two random-walk settings, blended with EASE (at λ `easeLambda`)
 * or not, and with content similarity when there are content features.
 */
export function engineFamily(features: ItemFeatures[], fits: EaseFits, easeLambda: number): ModelFamily {
  const walks = [
    { transitionExponent: 0.8, popularityExponent: -0.2 },
    { transitionExponent: 1, popularityExponent: -0.4 },
  ];
  const blends = [
    { walkWeight: 1, regressionWeight: 0 },
    { walkWeight: 1, regressionWeight: 1 },
    { walkWeight: 0, regressionWeight: 1 },
  ];
  const contentWeights = features.length > 0 ? [0, 0.1] : [0];
  const grid: Settings[] = blends.flatMap((blend) =>
    (blend.walkWeight > 0 ? walks : [{}]).flatMap((walk) => contentWeights.map((contentWeight) => ({ ...blend, ...walk, contentWeight, easeLambda }))),
  );
  return {
    name: 'engine',
    grid,
    train(data, s, onProgress) {
      const ease = s['regressionWeight']! > 0 ? fits.get(data, s['easeLambda']!, onProgress) : undefined;
      const own = timed(() =>
        trainImplicitRanker(data, {
          transitionExponent: s['transitionExponent'] ?? 1,
          popularityExponent: s['popularityExponent'] ?? 0,
          walkWeight: s['walkWeight']!,
          regressionWeight: s['regressionWeight']!,
          contentWeight: s['contentWeight']!,
          features,
          ...(ease ? { itemRegression: ease.scorer } : {}),
        }),
      );
      return { scorer: own.scorer, seconds: own.seconds + (ease?.seconds ?? 0) };
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
  const fits = new EaseFits(options.easeMinSupport);
  const baselines = runImplicitBenchmark({ ...input, families: [randomFamily(options.seed), popularFamily, easeFamily(options.easeLambdas, fits)] });
  const { engine } = runImplicitBenchmark({ ...input, families: [engineFamily(input.features, fits, baselines['ease']!.settings['lambda']!)] });
  return { engine: engine!, ...baselines };
}
