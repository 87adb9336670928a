import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../../core/random.ts';
import { implicitInteractions, itemPopularity, type ImplicitInteractions } from '../../learn/batch/interactions.ts';
import { evaluateFullRanking } from '../full-ranking.ts';
import { evaluatedUsers, type ModelResult } from '../implicit-benchmark.ts';
import { benchmarkEngineAndBaselines } from '../implicit-models.ts';
import { itemSimilarity } from '../item-similarity.ts';
import { learnersScorer, replayThroughLearners, type CurvePoint, type TimedInteraction } from '../online-replay.ts';
import type { StageProgress } from '../progress.ts';
import { readAtomicInteractions, readAtomicItemClasses } from '../readers/movielens.ts';
import type { ReportPage, ReportSection } from '../report/html.ts';
import { implicitReportSections, modelsJson } from '../report/model-comparison.ts';
import { lineChart } from '../report/svg.ts';

export type Ml100kVariant = 'random' | 'time';

export interface Ml100kOptions {
  dataDir: string;
  variants: Ml100kVariant[];
  easeLambdas: number[];
  seed: number;
  progress?: StageProgress;
}

export interface SplitResult {
  users: number;
  trainRows: number;
  models: Record<string, ModelResult>;
}

export interface Ml100kResult {
  file: string;
  items: number;
  rows: number;
  random?: SplitResult;
  time?: SplitResult & { trainUntil: number; validUntil: number; replaySeconds: number; curve: CurvePoint[] };
}

/** RecBole's BPR quick start on this split (random 80/10/10 per user, full ranking). */
export const RECBOLE_BPR = { 'recall@10': 0.2368, 'ndcg@10': 0.2768, 'hit@10': 0.7614 };

/** Ratings of 4 and 5 also send a like when events are replayed through the online learners. */
const LIKE_FROM = 4;
const CURVE_POINTS = 12;

/**
 * MovieLens 100K, every rating a positive, full ranking of every movie the person has not rated.
 * - random: RecBole's split: each person's ratings shuffled, 80% train, 10% validation (tuning), 10% test
 *   (floor of 10% each); models train on the 80%, and test rankings leave out train and validation items.
 * - time: all ratings in timestamp order, cut at 80% and 90%: batch models tune on the 80→90% slice, are refitted
 *   on the first 90% and report on the last 10%; the engine's online learners replay the first 90% event by event
 *   (giving a learning curve) and are measured on the same last 10%. Only people seen before the cut are measured.
 */
export async function evaluateMl100k(options: Ml100kOptions): Promise<Ml100kResult> {
  const { file, events, userCount, itemCount, tagsOf } = await readMl100k(options.dataDir, options.progress);
  const interactions = interactionsOf(userCount, itemCount);
  const models = { seed: options.seed, easeLambdas: options.easeLambdas, easeMinSupport: 1 };
  const progress = options.progress ? { progress: options.progress } : {};
  const result: Ml100kResult = { file, items: itemCount, rows: events.length };

  if (options.variants.includes('random')) {
    const { train, valid, test } = recBoleRandomSplit(events, userCount, options.seed);
    const trainData = interactions(train);
    const seenAtTest = interactions([...train, ...valid]);
    const validation = evaluatedUsers(trainData, valid.map((e) => e.user), valid.map((e) => e.item));
    const reported = evaluatedUsers(seenAtTest, test.map((e) => e.user), test.map((e) => e.item));
    result.random = { users: reported.length, trainRows: train.length, models: benchmarkEngineAndBaselines({ train: trainData, validation, reported, features: [], ...progress }, models) };
  }

  if (options.variants.includes('time')) {
    const { ordered, trainEnd, validEnd, train, history, validation, reported } = ml100kTimeSplit(events, userCount, itemCount);
    const batch = benchmarkEngineAndBaselines({ train, refit: history, validation, reported, features: [], ...progress }, models);

    const replay = replayThroughLearners(ordered.slice(0, validEnd), {
      userCount,
      itemCount,
      tagsOf,
      likeFrom: LIKE_FROM,
      seed: options.seed,
      checkpoints: CURVE_POINTS,
      ...progress,
    });
    const start = performance.now();
    const context = { itemCount, userCount, popularity: itemPopularity(history), similarity: itemSimilarity(history, []) };
    const online = evaluateFullRanking(learnersScorer(replay.learners, itemCount), reported, {
      ...context,
      ...(options.progress ? { onUser: (done: number) => done % 50 === 0 && options.progress!('online learners', done, reported.length) } : {}),
    });
    const onlineResult: ModelResult = { ...online, settings: { seed: options.seed }, trainSeconds: replay.seconds, evaluateSeconds: (performance.now() - start) / 1000, tuning: [] };
    result.time = {
      users: reported.length,
      trainRows: validEnd,
      trainUntil: ordered[trainEnd]!.ts,
      validUntil: ordered[validEnd]!.ts,
      replaySeconds: replay.seconds,
      curve: replay.curve,
      models: { 'online learners': onlineResult, ...batch },
    };
  }
  return result;
}

/** The ratings of ML-100k with dense ids (in file order), and each movie's genres as tags. */
export async function readMl100k(dataDir: string, progress?: StageProgress) {
  const file = join(dataDir, 'ml-100k.inter');
  const raw = await readAtomicInteractions(file, progress);
  const userIndex = new Map<string, number>();
  const itemIndex = new Map<string, number>();
  const dense = (index: Map<string, number>, token: string) => index.get(token) ?? (index.set(token, index.size), index.size - 1);
  const events: TimedInteraction[] = raw.userTokens.map((token, k) => ({
    user: dense(userIndex, token),
    item: dense(itemIndex, raw.itemTokens[k]!),
    ts: raw.timestamps[k]! * 1000,
    rating: raw.ratings[k]!,
  }));
  const itemFile = join(dataDir, 'ml-100k.item');
  const genres = existsSync(itemFile) ? await readAtomicItemClasses(itemFile) : new Map<string, string[]>();
  const tokenOf = [...itemIndex.keys()];
  return { file, events, userCount: userIndex.size, itemCount: itemIndex.size, tagsOf: (item: number) => genres.get(tokenOf[item]!) ?? [] };
}

/**
 * The time-ordered split: ratings in timestamp order, cut at 80% and 90%; validation is the 80→90% slice
 * ranked after the first 80%, the reported people those of the last 10% already seen in the first 90%.
 */
export function ml100kTimeSplit(events: TimedInteraction[], userCount: number, itemCount: number) {
  const interactions = interactionsOf(userCount, itemCount);
  const ordered = events.map((e, k) => ({ e, k })).sort((a, b) => a.e.ts - b.e.ts || a.k - b.k).map(({ e }) => e);
  const trainEnd = Math.floor(ordered.length * 0.8);
  const validEnd = Math.floor(ordered.length * 0.9);
  const train = interactions(ordered.slice(0, trainEnd));
  const history = interactions(ordered.slice(0, validEnd));
  const known = (data: ImplicitInteractions) => (e: TimedInteraction) => data.userStart[e.user + 1]! > data.userStart[e.user]!;
  const validRows = ordered.slice(trainEnd, validEnd).filter(known(train));
  const testRows = ordered.slice(validEnd).filter(known(history));
  const validation = evaluatedUsers(train, validRows.map((e) => e.user), validRows.map((e) => e.item));
  const reported = evaluatedUsers(history, testRows.map((e) => e.user), testRows.map((e) => e.item));
  return { ordered, trainEnd, validEnd, train, history, validation, reported };
}

const interactionsOf = (userCount: number, itemCount: number) => (rows: TimedInteraction[]) =>
  implicitInteractions(rows.map((e) => e.user), rows.map((e) => e.item), userCount, itemCount);

/** RecBole's "RS" split grouped by user: interactions shuffled, then per person floor(10%) test, floor(10%) validation, the rest train. */
export function recBoleRandomSplit<T extends { user: number }>(events: T[], userCount: number, seed: number): { train: T[]; valid: T[]; test: T[] } {
  const random = seededRandom(seed);
  const shuffled = [...events];
  for (let k = shuffled.length - 1; k > 0; k--) {
    const j = Math.floor(random() * (k + 1));
    [shuffled[k], shuffled[j]] = [shuffled[j]!, shuffled[k]!];
  }
  const byUser: T[][] = Array.from({ length: userCount }, () => []);
  for (const e of shuffled) byUser[e.user]!.push(e);
  const split = { train: [] as T[], valid: [] as T[], test: [] as T[] };
  for (const rows of byUser) {
    const held = Math.floor(rows.length * 0.1);
    const trainCount = rows.length - 2 * held;
    split.train.push(...rows.slice(0, trainCount));
    split.valid.push(...rows.slice(trainCount, trainCount + held));
    split.test.push(...rows.slice(trainCount + held));
  }
  return split;
}

const headline = (models: Record<string, ModelResult>, name: string) => {
  const m = models[name]!;
  return { 'recall@10': m.metrics['recall@10'], 'ndcg@10': m.metrics['ndcg@10'], 'hit@10': m.metrics['hit@10'], trainSeconds: m.trainSeconds };
};

export function ml100kJson(result: Ml100kResult): Record<string, unknown> {
  return {
    protocol: 'ml100k',
    file: result.file,
    rows: result.rows,
    items: result.items,
    ...(result.random
      ? { random: { users: result.random.users, trainRows: result.random.trainRows, ...headline(result.random.models, 'engine'), reference: { 'RecBole BPR': RECBOLE_BPR }, models: modelsJson(result.random.models) } }
      : {}),
    ...(result.time
      ? {
          time: {
            users: result.time.users,
            trainRows: result.time.trainRows,
            trainUntil: new Date(result.time.trainUntil).toISOString(),
            validUntil: new Date(result.time.validUntil).toISOString(),
            ...headline(result.time.models, 'online learners'),
            models: modelsJson(result.time.models),
            curve: result.time.curve,
          },
        }
      : {}),
  };
}

export function ml100kReportPage(result: Ml100kResult): ReportPage {
  const sections: ReportSection[] = [];
  if (result.random) {
    sections.push(
      ...implicitReportSections(
        'ml100k-random',
        result.random.models,
        `Random split (RecBole): each person's ratings shuffled, 80% train / 10% validation / 10% test, every rating a positive, full ranking. ${result.random.users} people. RecBole BPR reference: Recall@10 ${RECBOLE_BPR['recall@10']}, NDCG@10 ${RECBOLE_BPR['ndcg@10']}, Hit@10 ${RECBOLE_BPR['hit@10']}.`,
      ).map((s) => ({ ...s, heading: `Random split: ${s.heading}` })),
    );
  }
  if (result.time) {
    const curve = result.time.curve;
    sections.push(
      ...implicitReportSections(
        'ml100k-time',
        result.time.models,
        `Time-ordered: ratings in timestamp order, train until ${new Date(result.time.trainUntil).toISOString()}, validation until ${new Date(result.time.validUntil).toISOString()}, test after; ${result.time.users} people already seen before the test period. The online learners replay the first 90% event by event in ${result.time.replaySeconds.toFixed(1)} s.`,
      ).map((s) => ({ ...s, heading: `Time-ordered: ${s.heading}` })),
      {
        heading: 'Time-ordered: learning curve of the online learners',
        paragraphs: ['At each point, the people already met who rate movies before the next point: Recall@10 of the learners’ ranking of every unseen movie against what they go on to rate, next to most-popular-so-far.'],
        charts: [
          lineChart({
            id: 'ml100k-learning-curve',
            title: 'Recall@10 on the next events, while replaying',
            xLabel: 'events replayed',
            yLabel: 'Recall@10',
            series: [
              { name: 'online learners', points: curve.map((p) => [p.events, p.learners['recall@10']!]) },
              { name: 'popular so far', points: curve.map((p) => [p.events, p.popular['recall@10']!]) },
            ],
          }),
        ],
      },
    );
  }
  return { title: 'MovieLens 100K: full ranking', subtitle: result.file, sections, data: ml100kJson(result) };
}
