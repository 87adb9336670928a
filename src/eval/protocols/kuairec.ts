import { join } from 'node:path';
import type { Ranking } from '../../app/rank.ts';
import type { MoteurConfigOverrides } from '../../app/config.ts';
import { seededRandom } from '../../core/random.ts';
import { trainEase } from '../../learn/batch/ease.ts';
import { implicitInteractions } from '../../learn/batch/interactions.ts';
import { trainWatchRatioModel, defaultWatchRatioOptions, type WatchRatios } from '../models/watch-ratio-model.ts';
import { defaultBiasedFactorizationOptions, trainBiasedFactorization } from '../models/biased-factorization.ts';
import { areaUnderCurve, perPersonAuc } from '../metrics/auc.ts';
import { catalogCoverage, gini } from '../metrics/beyond-accuracy.ts';
import { intervalText, PeopleBootstrap, type Interval } from '../metrics/bootstrap.ts';
import { ndcgAtK } from '../metrics/ranking.ts';
import type { Settings } from '../implicit-benchmark.ts';
import type { StageProgress } from '../progress.ts';
import { readKuaiRec, type KuaiRecRows } from '../readers/kuairec.ts';
import type { ReportPage, ReportSection } from '../report/html.ts';
import { metricByKChart, metricsTable, perUserChart, settingsText } from '../report/model-comparison.ts';
import { replayIntoFreshEngine, servedConfiguration, type ClientEvent } from '../served/served-engine.ts';
import { SERVED_VARIANTS } from '../served/served-ranking.ts';

export interface KuaiRecOptions {
  dataDir: string;
  /** Residues r of the hold-out rule to evaluate (each one is a separate train/test split). */
  residues: number[];
  easeLambdas: number[];
  /** Seed of the random baseline and of the bootstrap intervals. */
  seed: number;
  /** Batch models reported after the baselines, trained and tuned the same way (tests use them to probe the protocol). */
  extraModels?: WatchFamily[];
  progress?: StageProgress;
}

/** Predicts a score for (user, item); higher = the person is expected to watch more of it. */
export type Predictor = (user: number, item: number) => number;

/** Rows of the file as a model sees them (dense user and video indices), with the file row each one comes from. */
export interface TrainingRows extends WatchRatios {
  /** 0-based row of small_matrix_subset.csv (header excluded) of each row. */
  readonly rows: Int32Array;
}

/** A batch watch-ratio model and the settings it may be tuned over (on a split inside the training rows). */
export interface WatchFamily {
  name: string;
  grid: Settings[];
  train(data: TrainingRows, settings: Settings): Predictor;
}

/** Figures whose 95 % intervals are reported (over the residue's people), with each model's difference to the engine. */
export const WITH_INTERVALS = ['ndcg@10', 'userAuc'] as const;
export type IntervalMetric = (typeof WITH_INTERVALS)[number];

export interface WatchModelResult {
  /** `ndcg@10|20|50`, `userAuc` (THE AUC: per person, averaged over people), `pooledAuc` (secondary), `coverage@10`, `gini@10`. */
  metrics: Record<string, number>;
  /**
   * Each evaluated person's figure, in the residue's person order (the same for every model). `userAuc` is NaN
   * for a person whose held-out videos are all liked or all not liked.
   */
  perUser: Record<IntervalMetric, Float64Array>;
  settings: Settings;
  /** Batch models: fitting time. Served engine: time to upsert the catalog, ingest the events and learn from them. */
  trainSeconds: number;
  /** Time to rank every person's held-out videos (served engine: the `rank` calls). */
  evaluateSeconds: number;
  /** 95 % intervals over the residue's people (userAuc: over those with both liked and not-liked held-out videos). */
  intervals?: Record<IntervalMetric, Interval>;
  /** This model's figure minus the served engine's, on the same people, with its paired 95 % interval. */
  vsEngine?: Record<IntervalMetric, Interval>;
}

export interface ResidueResult {
  residue: number;
  /** Held-out rows. */
  rows: number;
  /** Training rows (the served engine's events). */
  trainRows: number;
  /** People evaluated (every person with a held-out row). */
  users: number;
  /** People with both liked and not-liked held-out videos: those userAuc averages over. */
  aucUsers: number;
  /** The served engine's rows first (`engine`, `engine (no exploration)`), then the batch baselines. */
  models: Record<string, WatchModelResult>;
}

/** How the served rows were made: enough to replay them over HTTP. */
export interface KuaiRecServedRun {
  servedPath: true;
  /** The default configuration the `engine` row ran with (tuned on nothing here). */
  configuration: Record<string, unknown>;
  /** Each served row and what it changes from the default configuration. */
  variants: Record<string, MoteurConfigOverrides>;
  replay: Record<string, string>;
}

export interface KuaiRecResult {
  file: string;
  residues: ResidueResult[];
  served: KuaiRecServedRun;
}

const GAIN_CAP = 5;
const LIKE_THRESHOLD = 2;
const CUTOFFS = [10, 20, 50] as const;
const RESIDUES = 5;
/** The replay's mapping (data README): every video lasts 10 s, a play's watch time is the clipped ratio of that. */
const DURATION_MS = 10_000;
const WATCH_CLIP = 10;
const ENGINE = SERVED_VARIANTS[0]!.name;

/** Row k is held out for residue r when (user_id * 31 + video_id) % 5 == r (the data README's rule). */
export const heldOutResidue = (userId: number, videoId: number): number => (userId * 31 + videoId) % RESIDUES;

/** How small_matrix_subset.csv becomes API calls (the data README's mapping), so that anyone can replay it over HTTP. */
export const KUAIREC_REPLAY = {
  videos: 'each video_id v, in order of first appearance in the file: {"id":"k<v>","creatorId":"kc<v>","durationMs":10000} (POST /v1/videos, 1,000 a call)',
  events:
    'each row k (0-based, header excluded) not held out for the residue, in file order: {"id":"k<k>","userId":"ku<user_id>","videoId":"k<video_id>","type":"play","watchMs":round(min(watch_ratio, 10) x 10000)}, ts one second after the previous row, the last one second before the replay starts (POST /v1/events, 1,000 a call)',
  rank: 'after the engine has learned every event (GET /health), once per person in order of first appearance: POST /v1/users/ku<user_id>/rank {"videoIds": the person’s held-out k<video_id>, in file order}; NDCG@K scores the order answered, AUC the scores answered (ties count half)',
};

/** The file loaded once for every residue: dense indices for the models, the catalog and ids for the served engine. */
export interface KuaiRecData {
  file: string;
  raw: KuaiRecRows;
  all: TrainingRows;
  /** The catalog as `POST /v1/videos` takes it. */
  videos: { id: string; creatorId: string; durationMs: number }[];
  residueOf: Int8Array;
}

/** One residue's split: the training rows (and their events for the served engine), the held-out rows by person. */
export interface KuaiRecSplit {
  residue: number;
  train: TrainingRows;
  test: HeldOut;
  /** The training rows as `POST /v1/events` plays, in file order (`ts` is set when replaying). */
  events: ClientEvent[];
}

/** Held-out rows grouped by person; every model is measured on these people in this order. */
export interface HeldOut {
  data: TrainingRows;
  /** Dense index of each evaluated person, increasing (the order of first appearance in the file). */
  people: number[];
  /** Original user_id of each evaluated person. */
  userIds: number[];
  /** Indices into `data` of each person's held-out rows, in file order. */
  rowsOf: number[][];
  /** Original video_id of each held-out row. */
  videoIds: Int32Array;
  /** watch_ratio ≥ 2 (the data set's liked video) for each held-out row. */
  liked: boolean[];
}

/** Something that orders a person's videos as `POST /v1/users/:id/rank` does (`Moteur` is one). */
export interface Ranker {
  rank(userId: string, videoIds: string[]): Promise<Ranking>;
}

export async function loadKuaiRec(dataDir: string, progress?: StageProgress): Promise<KuaiRecData> {
  const file = join(dataDir, 'small_matrix_subset.csv');
  const raw = await readKuaiRec(file, progress);
  const users = denseIds(raw.userIds);
  const items = denseIds(raw.videoIds);
  const all: TrainingRows = {
    userCount: users.count,
    itemCount: items.count,
    users: users.dense,
    items: items.dense,
    ratios: Float64Array.from(raw.watchRatios),
    rows: Int32Array.from(raw.userIds, (_, k) => k),
  };
  const videos = items.ids.map((v) => ({ id: `k${v}`, creatorId: `kc${v}`, durationMs: DURATION_MS }));
  return { file, raw, all, videos, residueOf: Int8Array.from(raw.userIds, (u, k) => heldOutResidue(u, raw.videoIds[k]!)) };
}

export function kuaiRecSplit(data: KuaiRecData, residue: number): KuaiRecSplit {
  const { raw, residueOf } = data;
  const train = subset(data.all, (k) => residueOf[k] !== residue);
  const events: ClientEvent[] = Array.from(train.rows, (k) => ({
    id: `k${k}`,
    userId: `ku${raw.userIds[k]}`,
    videoId: `k${raw.videoIds[k]}`,
    type: 'play',
    watchMs: Math.round(Math.min(raw.watchRatios[k]!, WATCH_CLIP) * DURATION_MS),
    ts: 0,
  }));
  return { residue, train, test: heldOut(data, (k) => residueOf[k] === residue), events };
}

/**
 * The KuaiRec protocol (data README): for each residue, train on the other rows; for each person rank their
 * held-out videos; NDCG@K with gain min(watch_ratio, 5), and per person the AUC of the score for watch_ratio ≥ 2
 * (`userAuc`, averaged over people; `pooledAuc` over all held-out rows is kept as a secondary figure).
 *
 * The `engine` rows are the served engine as a client of `moteur serve` gets it: the training rows replayed into a
 * fresh engine with its default configuration (KUAIREC_REPLAY), then each person's held-out videos ordered by
 * `rank`. The batch baselines are tuned on a second split inside the training rows (the next residue held out),
 * never on the reported rows. Every figure comes with a 95 % interval over the residue's people, and every model
 * other than the engine with its paired difference to the engine.
 */
export async function evaluateKuaiRec(options: KuaiRecOptions): Promise<KuaiRecResult> {
  const data = await loadKuaiRec(options.dataDir, options.progress);
  const families = [...watchFamilies(options), ...(options.extraModels ?? [])];
  let configuration: Record<string, unknown> = {};

  const residues: ResidueResult[] = [];
  for (const residue of options.residues) {
    const split = kuaiRecSplit(data, residue);
    const { train, test } = split;
    const models: Record<string, WatchModelResult> = {};
    for (const variant of SERVED_VARIANTS) {
      const tag: StageProgress = (stage, done, total) => options.progress?.(`residue ${residue}: ${variant.name}: ${stage}`, done, total);
      const { engine, seconds } = await replayIntoFreshEngine(variant.config, data.videos, split.events, tag);
      try {
        const start = performance.now();
        const measured = await measureServedRanking(engine.moteur, test, tag);
        models[variant.name] = { ...measured, settings: {}, trainSeconds: seconds, evaluateSeconds: (performance.now() - start) / 1000 };
        if (variant.name === ENGINE) configuration = servedConfiguration(engine.moteur);
      } finally {
        await engine.close();
      }
    }

    // Tuning split: inside the training rows, the next residue plays the held-out part.
    const inner = (residue + 1) % RESIDUES;
    const innerTrain = subset(data.all, (k) => data.residueOf[k] !== residue && data.residueOf[k] !== inner);
    const innerTest = heldOut(data, (k) => data.residueOf[k] === inner);
    for (const family of families) {
      const stage = `residue ${residue}: ${family.name}`;
      let settings = family.grid[0]!;
      if (family.grid.length > 1) {
        const scored = family.grid.map((s, k) => {
          options.progress?.(`${stage} tuning`, k, family.grid.length);
          const m = evaluateWatchModel(family.train(innerTrain, s), innerTest).metrics;
          return { s, score: m['ndcg@10']! + m['userAuc']! };
        });
        settings = scored.reduce((a, b) => (b.score > a.score ? b : a)).s;
      }
      options.progress?.(stage, 0, 1);
      const start = performance.now();
      const predictor = family.train(train, settings);
      const trainSeconds = (performance.now() - start) / 1000;
      const evaluateStart = performance.now();
      const measured = evaluateWatchModel(predictor, test);
      models[family.name] = { ...measured, settings, trainSeconds, evaluateSeconds: (performance.now() - evaluateStart) / 1000 };
      options.progress?.(stage, 1, 1);
    }
    const aucUsers = aucPeople(test).length;
    residues.push({
      residue,
      rows: test.data.users.length,
      trainRows: train.users.length,
      users: test.people.length,
      aucUsers,
      models: withIntervals(models, test, options.seed),
    });
  }
  const variants = Object.fromEntries(SERVED_VARIANTS.map((v) => [v.name, v.config]));
  return { file: data.file, residues, served: { servedPath: true, configuration, variants, replay: KUAIREC_REPLAY } };
}

/**
 * Asks the ranker for each person's order of their held-out videos (`POST /v1/users/ku<id>/rank`), then scores
 * the order answered (NDCG) and the scores answered (AUC). Every video must come back exactly once.
 */
export async function measureServedRanking(ranker: Ranker, test: HeldOut, progress?: StageProgress): Promise<Pick<WatchModelResult, 'metrics' | 'perUser'>> {
  const scores = new Float64Array(test.data.users.length);
  const ranked: number[][] = [];
  for (let p = 0; p < test.people.length; p++) {
    const rows = test.rowsOf[p]!;
    const rowOf = new Map(rows.map((k) => [`k${test.videoIds[k]}`, k]));
    if (rowOf.size !== rows.length) throw new Error(`person ${test.userIds[p]} has a video held out twice: rank answers once per video`);
    const userId = `ku${test.userIds[p]}`;
    const answer = await ranker.rank(userId, [...rowOf.keys()]);
    if (answer.rejected.length > 0) throw new Error(`the engine refused to rank ${answer.rejected[0]!.videoId} for ${userId}: ${answer.rejected[0]!.message}`);
    const order = answer.items.map((item) => {
      const k = rowOf.get(item.videoId);
      if (k === undefined) throw new Error(`the engine ranked ${item.videoId} for ${userId}, which was not asked`);
      scores[k] = item.score;
      return k;
    });
    if (new Set(order).size !== rows.length) throw new Error(`the engine answered ${order.length} videos for ${userId}'s ${rows.length}`);
    ranked.push(order);
    if ((p + 1) % 100 === 0 || p + 1 === test.people.length)
      progress?.('ranking each person’s held-out videos (POST /v1/users/:id/rank)', p + 1, test.people.length);
  }
  return measureRankings(test, ranked, scores);
}

/** Ranks each person's held-out rows by the predictor (ties: file order, as `rank` keeps the order given) and measures the ranking. */
export function evaluateWatchModel(predict: Predictor, test: HeldOut): Pick<WatchModelResult, 'metrics' | 'perUser'> {
  const scores = new Float64Array(test.data.users.length);
  const ranked = test.people.map((u, p) => {
    const rows = test.rowsOf[p]!;
    for (const k of rows) scores[k] = predict(u, test.data.items[k]!);
    return [...rows].sort((a, b) => scores[b]! - scores[a]! || a - b);
  });
  return measureRankings(test, ranked, scores);
}

/** NDCG@K of each person's order (gain min(watch_ratio, 5)), AUC of the scores for a liked video per person and pooled, and the top 10s' exposure. */
function measureRankings(test: HeldOut, ranked: number[][], scores: Float64Array): Pick<WatchModelResult, 'metrics' | 'perUser'> {
  const people = test.people.length;
  const sums: Record<string, number> = {};
  const ndcg10 = new Float64Array(people);
  const top10: Int32Array[] = [];
  ranked.forEach((order, p) => {
    const gains = new Map(test.rowsOf[p]!.map((k) => [k, Math.min(test.data.ratios[k]!, GAIN_CAP)]));
    for (const cutoff of CUTOFFS) sums[`ndcg@${cutoff}`] = (sums[`ndcg@${cutoff}`] ?? 0) + ndcgAtK(order, gains, cutoff);
    ndcg10[p] = ndcgAtK(order, gains, 10);
    top10.push(Int32Array.from(order.slice(0, 10), (k) => test.data.items[k]!));
  });
  const userAuc = perPersonAuc(scores, test.liked, test.rowsOf);
  const metrics: Record<string, number> = {};
  for (const cutoff of CUTOFFS) metrics[`ndcg@${cutoff}`] = people === 0 ? 0 : sums[`ndcg@${cutoff}`]! / people;
  metrics['userAuc'] = userAuc.mean;
  metrics['pooledAuc'] = areaUnderCurve(scores, test.liked);
  const exposure = new Float64Array(test.data.itemCount);
  for (const list of top10) for (const item of list) exposure[item]!++;
  metrics['coverage@10'] = catalogCoverage(top10, test.data.itemCount);
  metrics['gini@10'] = gini(exposure);
  return { metrics, perUser: { 'ndcg@10': ndcg10, userAuc: userAuc.perPerson } };
}

/**
 * Adds 95 % bootstrap intervals over the residue's people to every model (userAuc: over the people it averages,
 * those with both classes), and to each model other than the engine its paired difference to the engine.
 */
function withIntervals(models: Record<string, WatchModelResult>, test: HeldOut, seed: number): Record<string, WatchModelResult> {
  const engine = models[ENGINE]!;
  const people = test.people.length;
  const withBoth = aucPeople(test);
  const bootstraps: Record<IntervalMetric, PeopleBootstrap> = {
    'ndcg@10': new PeopleBootstrap(people, seed),
    userAuc: new PeopleBootstrap(withBoth.length, seed),
  };
  const values = (model: WatchModelResult, metric: IntervalMetric): Float64Array => {
    const perUser = model.perUser[metric];
    if (perUser.length !== people) throw new Error(`per-person figures are not aligned: ${perUser.length} people against the engine's ${people}`);
    if (metric === 'ndcg@10') return perUser;
    const picked = Float64Array.from(withBoth, (p) => perUser[p]!);
    if (picked.some(Number.isNaN)) throw new Error('per-person AUC is missing for a person with both liked and not-liked videos');
    return picked;
  };
  const out: Record<string, WatchModelResult> = {};
  for (const [name, model] of Object.entries(models)) {
    const intervals = {} as Record<IntervalMetric, Interval>;
    const vsEngine = {} as Record<IntervalMetric, Interval>;
    for (const metric of WITH_INTERVALS) {
      intervals[metric] = bootstraps[metric].mean(values(model, metric));
      if (name !== ENGINE) vsEngine[metric] = bootstraps[metric].difference(values(model, metric), values(engine, metric));
    }
    out[name] = { ...model, intervals, ...(name !== ENGINE ? { vsEngine } : {}) };
  }
  return out;
}

/** The people userAuc averages over: those whose held-out videos are some liked and some not (indices into `test.people`). */
function aucPeople(test: HeldOut): number[] {
  return test.rowsOf.flatMap((rows, p) => {
    const liked = rows.filter((k) => test.liked[k]).length;
    return liked > 0 && liked < rows.length ? [p] : [];
  });
}

function watchFamilies(options: KuaiRecOptions): WatchFamily[] {
  const { clip, likeThreshold, userShrinkage, personalPrior, itemShrinkage } = defaultWatchRatioOptions;
  return [
    {
      name: 'watch-ratio',
      grid: [0, 1, 2].flatMap((likeWeight) => [2, 4, 8].map((userLikeWeight) => ({ likeWeight, userLikeWeight }))),
      train: (data, s) => {
        const model = trainWatchRatioModel(data, {
          clip,
          likeThreshold,
          userShrinkage,
          personalPrior,
          itemShrinkage,
          likeWeight: s['likeWeight']!,
          userLikeWeight: s['userLikeWeight']!,
        });
        return (u, i) => model.predict(u, i);
      },
    },
    {
      name: 'random',
      grid: [{ seed: options.seed }],
      train: () => {
        const random = seededRandom(options.seed);
        return () => random();
      },
    },
    { name: 'popular', grid: [{}], train: (data) => itemMean(data, () => 1, true) },
    { name: 'video mean', grid: [{}], train: (data) => itemMean(data, (r) => r, false) },
    {
      name: 'biased MF',
      grid: [8, 32].flatMap((factors) => [0.02, 0.1].map((penalty) => ({ factors, penalty }))),
      train: (data, s) => trainBiasedFactorization(data, { ...defaultBiasedFactorizationOptions, factors: s['factors']!, penalty: s['penalty']! }),
    },
    {
      name: 'ease',
      grid: options.easeLambdas.map((lambda) => ({ lambda })),
      train: (data, s) => {
        const x = implicitInteractions(
          data.users,
          data.items,
          data.userCount,
          data.itemCount,
          data.ratios.map((r) => Math.min(r, GAIN_CAP)),
        );
        const scorer = trainEase(x, { lambda: s['lambda']! });
        const scores = new Float64Array(data.itemCount);
        let last = -1;
        return (u, i) => {
          if (u !== last) scorer.scoreUser((last = u), scores);
          return scores[i]!;
        };
      },
    },
  ];
}

/** Per-video mean of a value over training rows (`count` = the number of rows: popularity in the training split). */
function itemMean(data: WatchRatios, value: (ratio: number) => number, count: boolean): Predictor {
  const sum = new Float64Array(data.itemCount);
  const n = new Float64Array(data.itemCount);
  for (let k = 0; k < data.items.length; k++) {
    sum[data.items[k]!]! += value(data.ratios[k]!);
    n[data.items[k]!]!++;
  }
  return (_u, i) => (count ? sum[i]! : n[i]! > 0 ? sum[i]! / n[i]! : 0);
}

function denseIds(ids: number[]): { dense: Int32Array; count: number; ids: number[] } {
  const index = new Map<number, number>();
  const dense = Int32Array.from(ids, (id) => index.get(id) ?? (index.set(id, index.size), index.size - 1));
  return { dense, count: index.size, ids: [...index.keys()] };
}

function subset(data: TrainingRows, keep: (k: number) => boolean): TrainingRows {
  const rows: number[] = [];
  for (let k = 0; k < data.users.length; k++) if (keep(k)) rows.push(k);
  return {
    userCount: data.userCount,
    itemCount: data.itemCount,
    users: Int32Array.from(rows, (k) => data.users[k]!),
    items: Int32Array.from(rows, (k) => data.items[k]!),
    ratios: Float64Array.from(rows, (k) => data.ratios[k]!),
    rows: Int32Array.from(rows, (k) => data.rows[k]!),
  };
}

function heldOut(data: KuaiRecData, keep: (k: number) => boolean): HeldOut {
  const rows = subset(data.all, keep);
  const rowsOf = new Map<number, number[]>();
  for (let k = 0; k < rows.users.length; k++) {
    const u = rows.users[k]!;
    if (!rowsOf.has(u)) rowsOf.set(u, []);
    rowsOf.get(u)!.push(k);
  }
  const people = [...rowsOf.keys()].sort((a, b) => a - b);
  return {
    data: rows,
    people,
    userIds: people.map((u) => data.raw.userIds[rows.rows[rowsOf.get(u)![0]!]!]!),
    rowsOf: people.map((u) => rowsOf.get(u)!),
    videoIds: Int32Array.from(rows.rows, (k) => data.raw.videoIds[k]!),
    liked: Array.from(rows.ratios, (r) => r >= LIKE_THRESHOLD),
  };
}

/** Mean of each model's metrics over the residues evaluated (the served engine's rows first). */
export function meanOverResidues(result: KuaiRecResult): Record<string, Record<string, number>> {
  const models: Record<string, Record<string, number>> = {};
  for (const { models: byName } of result.residues) {
    for (const [name, m] of Object.entries(byName)) {
      const target = (models[name] ??= {});
      for (const [metric, value] of Object.entries({ ...m.metrics, trainSeconds: m.trainSeconds, evaluateSeconds: m.evaluateSeconds }))
        target[metric] = (target[metric] ?? 0) + value / result.residues.length;
    }
  }
  return models;
}

/** One JSON object: the served engine's mean over residues at the top, every model per residue with its intervals. */
export function kuaiRecJson(result: KuaiRecResult): Record<string, unknown> {
  const mean = meanOverResidues(result);
  const engine = mean[ENGINE]!;
  return {
    protocol: 'kuairec',
    file: result.file,
    residues: result.residues.map((r) => r.residue),
    'ndcg@10': engine['ndcg@10'],
    userAuc: engine['userAuc'],
    servedPath: true,
    rows: result.residues.reduce((sum, r) => sum + r.rows, 0),
    served: result.served,
    models: mean,
    perResidue: result.residues.map((r) => ({
      residue: r.residue,
      rows: r.rows,
      trainRows: r.trainRows,
      users: r.users,
      aucUsers: r.aucUsers,
      models: Object.fromEntries(
        Object.entries(r.models).map(([name, m]) => [
          name,
          {
            ...m.metrics,
            ...(m.intervals ? { intervals: m.intervals } : {}),
            ...(m.vsEngine ? { vsEngine: m.vsEngine } : {}),
            trainSeconds: m.trainSeconds,
            evaluateSeconds: m.evaluateSeconds,
            settings: m.settings,
          },
        ]),
      ),
    })),
  };
}

export function kuaiRecReportPage(result: KuaiRecResult): ReportPage {
  const mean = meanOverResidues(result);
  const served = Object.keys(result.served.variants).join('` and `');
  const sections: ReportSection[] = [
    {
      heading: 'Protocol',
      paragraphs: [
        'Each residue r holds out the rows with (user_id × 31 + video_id) % 5 = r; every model learns from the other rows, and each person’s held-out videos are ordered. NDCG@K uses gain min(watch_ratio, 5). userAuc is the AUC of the score for watch_ratio ≥ 2 within each person, averaged over the people who have both liked and not-liked held-out videos: it is the AUC reported. pooledAuc, over all held-out rows at once, is secondary: it also rewards scores that move a whole person up or down without changing their order.',
        `The \`${served}\` rows are the served engine as a client of moteur serve gets it, with its default configuration (tuned on nothing here): the training rows replayed through the API into a fresh engine, then each person’s held-out videos ordered by POST /v1/users/:id/rank. Replay: videos: ${result.served.replay['videos']}; events: ${result.served.replay['events']}; ranking: ${result.served.replay['rank']}.`,
        'The other rows are batch baselines (`watch-ratio` is the batch watch-ratio model, src/eval/models/watch-ratio-model.ts); their settings are tuned on the next residue inside the training rows, never on the reported rows. Intervals are 95 % bootstrap intervals over the residue’s people; “vs engine” is the paired difference to the `engine` row on the same people (negative: the engine is ahead).',
        'Reference on residue 0 (data README): per-video mean NDCG@10 0.849 / AUC 0.766; biased MF 0.856 / 0.806. Those AUCs match the pooled AUC here (`biased MF` row), not the per-person one.',
      ],
    },
    {
      heading: `Mean over residues ${result.residues.map((r) => r.residue).join(', ')}`,
      tables: [metricsTable(mean, ['ndcg@10', 'ndcg@20', 'ndcg@50', 'userAuc', 'pooledAuc', 'coverage@10', 'gini@10', 'trainSeconds', 'evaluateSeconds'])],
      charts: [metricByKChart('kuairec-ndcg-by-k', 'NDCG@K (gain = min(watch ratio, 5))', 'ndcg', mean)],
    },
    ...result.residues.map((r) => ({
      heading: `Residue ${r.residue}: ${r.rows} held-out rows, ${r.users} people (${r.aucUsers} with both liked and not-liked videos)`,
      tables: [
        {
          columns: ['model', 'NDCG@10 [95 %]', 'vs engine', 'userAuc [95 %]', 'vs engine', 'pooledAuc', 'train s', 'rank s', 'settings'],
          rows: Object.entries(r.models).map(([name, m]) => [
            name,
            ...WITH_INTERVALS.flatMap((metric) => [
              m.intervals ? intervalText(m.intervals[metric]) : m.metrics[metric],
              m.vsEngine ? intervalText(m.vsEngine[metric]) : '',
            ]),
            m.metrics['pooledAuc'],
            Math.round(m.trainSeconds * 100) / 100,
            Math.round(m.evaluateSeconds * 100) / 100,
            settingsText(m.settings),
          ]),
        },
      ],
      charts: [
        perUserChart(
          `kuairec-r${r.residue}-ndcg10-per-user`,
          `NDCG@10 per person, residue ${r.residue}`,
          'NDCG@10',
          Object.fromEntries(Object.entries(r.models).map(([n, m]) => [n, m.perUser['ndcg@10']])),
        ),
        perUserChart(
          `kuairec-r${r.residue}-userauc-per-user`,
          `AUC per person (watch ratio ≥ 2), residue ${r.residue}`,
          'AUC',
          Object.fromEntries(Object.entries(r.models).map(([n, m]) => [n, m.perUser.userAuc.filter((x) => !Number.isNaN(x))])),
        ),
      ],
    })),
  ];
  return {
    title: 'KuaiRec: the served engine ordering fully observed videos by watch ratio, against batch baselines',
    subtitle: result.file,
    sections,
    data: kuaiRecJson(result),
  };
}
