import type { Interval } from './metrics/bootstrap.ts';
import { itemPopularity, itemsOf, type ImplicitInteractions } from '../learn/batch/interactions.ts';
import type { ItemFeatures } from '../learn/batch/content-similarity.ts';
import type { UserItemScorer } from '../learn/batch/scorer.ts';
import { evaluateFullRanking, type EvaluatedUser, type FullRankingResult } from './full-ranking.ts';
import { itemSimilarity } from './item-similarity.ts';
import type { StageProgress } from './progress.ts';

export type Settings = Record<string, number>;

/** A model and the settings it may be tuned over; every protocol runs the engine and the baselines this way. */
export interface ModelFamily {
  name: string;
  /** Settings to try on the validation people (one entry: nothing to tune). */
  grid: Settings[];
  /** Fits the model; `seconds` is its fitting time, including parts fitted earlier and reused. */
  train(data: ImplicitInteractions, settings: Settings, onProgress?: (fraction: number) => void): { scorer: UserItemScorer; seconds: number };
}

export interface ModelResult extends FullRankingResult {
  settings: Settings;
  /** Time to fit the reported model, including parts shared with other models (its scoring time is in evaluateSeconds). */
  trainSeconds: number;
  /** Time to rank every item for every reported person. */
  evaluateSeconds: number;
  /** Validation Recall@20 of each setting tried (empty when there was nothing to tune). */
  tuning: Array<{ settings: Settings; 'recall@20': number }>;
  /** 95 % intervals over the reported people (see withIntervals). */
  intervals?: Record<string, Interval>;
  /** This model's figure minus the served engine's, on the same people, with its paired 95 % interval. */
  vsEngine?: Record<string, Interval>;
}

export interface ImplicitBenchmarkInput {
  train: ImplicitInteractions;
  /** People and held-out items used to choose settings. */
  validation: EvaluatedUser[];
  /** People and held-out items whose figures are reported (the validation people themselves when there is no test set). */
  reported: EvaluatedUser[];
  /** When given, each model is refitted with its chosen settings on this data (e.g. train + validation) before the report. */
  refit?: ImplicitInteractions;
  features: ItemFeatures[];
  families: ModelFamily[];
  progress?: StageProgress;
}

/**
 * Tunes each model family on the validation people (by Recall@20), then reports every model on the reported
 * people through the same full-ranking metric code, so the engine and the baselines are measured alike.
 */
export function runImplicitBenchmark(input: ImplicitBenchmarkInput): Record<string, ModelResult> {
  const { progress } = input;
  const contexts = new Map<ImplicitInteractions, ReturnType<typeof metricContext>>();
  const contextOf = (data: ImplicitInteractions) => contexts.get(data) ?? contexts.set(data, metricContext(data, input.features)).get(data)!;
  const evaluate = (stage: string, data: ImplicitInteractions, scorer: UserItemScorer, users: EvaluatedUser[]) =>
    evaluateFullRanking(scorer, users, {
      ...contextOf(data),
      onUser: progress && ((done) => (done % 100 === 0 || done === users.length) && progress(stage, done, users.length)),
    });
  const trainTimed = (stage: string, family: ModelFamily, data: ImplicitInteractions, settings: Settings) =>
    family.train(data, settings, progress && ((f) => progress(`${stage}: training`, Math.round(f * 100), 100)));

  refuseLeaks(input.train, input.validation, 'the training rows');
  refuseLeaks(input.refit ?? input.train, input.reported, input.refit ? 'the refitting rows' : 'the training rows');
  const results: Record<string, ModelResult> = {};
  for (const family of input.families) {
    const tune = family.grid.length > 1;
    const tuning = tune
      ? family.grid.map((settings, k) => {
          const stage = `${family.name} ${k + 1}/${family.grid.length}`;
          const { scorer, seconds } = trainTimed(stage, family, input.train, settings);
          const start = performance.now();
          const result = evaluate(`${stage} on validation`, input.train, scorer, input.validation);
          return { settings, scorer, seconds, result, evaluateSeconds: (performance.now() - start) / 1000 };
        })
      : [];
    const best = tuning.reduce<(typeof tuning)[number] | undefined>(
      (a, b) => (a === undefined || b.result.metrics['recall@20']! > a.result.metrics['recall@20']! ? b : a),
      undefined,
    );
    const settings = best?.settings ?? family.grid[0]!;
    const data = input.refit ?? input.train;
    const reuse = best !== undefined && input.refit === undefined;
    const final = reuse ? { scorer: best.scorer, seconds: best.seconds } : trainTimed(family.name, family, data, settings);
    const start = performance.now();
    const reused = reuse && input.reported === input.validation;
    const reported = reused ? best.result : evaluate(family.name, data, final.scorer, input.reported);
    results[family.name] = {
      ...reported,
      settings,
      trainSeconds: final.seconds,
      evaluateSeconds: reused ? best.evaluateSeconds : (performance.now() - start) / 1000,
      tuning: tuning.map((t) => ({ settings: t.settings, 'recall@20': t.result.metrics['recall@20']! })),
    };
  }
  return results;
}

/** A model fitted on rows that hold a person's held-out item would be graded on what it was shown: refused. */
export function refuseLeaks(data: ImplicitInteractions, users: EvaluatedUser[], what: string): void {
  for (const { user, heldOut } of users) {
    if (user >= data.userCount) continue;
    for (const item of itemsOf(data, user)) {
      if (heldOut.has(item)) throw new Error(`held-out row (person ${user}, item ${item}) is among ${what}: the models would see what they are graded on`);
    }
  }
}

function metricContext(data: ImplicitInteractions, features: ItemFeatures[]) {
  return { itemCount: data.itemCount, userCount: data.userCount, popularity: itemPopularity(data), similarity: itemSimilarity(data, features) };
}

/**
 * Groups held-out (user, item) pairs by person; each person's excluded items are their items in `seen` (their
 * training items, or training and validation items when scoring a test set). Items repeated count once.
 */
export function evaluatedUsers(seen: ImplicitInteractions, users: ArrayLike<number>, items: ArrayLike<number>): EvaluatedUser[] {
  const heldOut = new Map<number, Map<number, number>>();
  for (let k = 0; k < users.length; k++) {
    const user = users[k]!;
    if (!heldOut.has(user)) heldOut.set(user, new Map());
    heldOut.get(user)!.set(items[k]!, 1);
  }
  return [...heldOut.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([user, relevant]) => ({ user, heldOut: relevant, excluded: user < seen.userCount ? itemsOf(seen, user) : new Int32Array(0) }));
}
