import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../../core/random.ts';
import { implicitInteractions, itemPopularity, type ImplicitInteractions } from '../../learn/batch/interactions.ts';
import { evaluateFullRanking, type EvaluatedUser, type FullRankingContext } from '../full-ranking.ts';
import { evaluatedUsers, runImplicitBenchmark, type ImplicitBenchmarkInput, type ModelResult } from '../implicit-benchmark.ts';
import { benchmarkBaselines, easeFamily, lowPassFamily, popularFamily, randomFamily, SharedFits, type BaselineOptions } from '../implicit-models.ts';
import { itemSimilarity } from '../item-similarity.ts';
import { intervalText, type Interval } from '../metrics/bootstrap.ts';
import { learnersScorer, replayThroughLearners, type CurvePoint, type TimedInteraction } from '../online-replay.ts';
import type { StageProgress } from '../progress.ts';
import { readAtomicInteractions, readAtomicItemClasses } from '../readers/movielens.ts';
import type { ReportPage, ReportSection, ReportTable } from '../report/html.ts';
import { implicitReportSections, modelsJson } from '../report/model-comparison.ts';
import { lineChart } from '../report/svg.ts';
import type { ClientEvent } from '../served/served-engine.ts';
import { measureServedEngine, SERVED_VARIANTS, withIntervals, type ServedRun } from '../served/served-ranking.ts';

export type Ml100kVariant = 'random' | 'time' | 'last';

/** What `moteur eval ml100k` runs when no split is named. */
export const ML100K_VARIANTS: readonly Ml100kVariant[] = ['random', 'time', 'last'];

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
  /** Rows: the served engine (`engine`, `engine (no exploration)`), `online learners (not served)`, then the baselines. */
  time?: SplitResult & { trainUntil: number; validUntil: number; replaySeconds: number; curve: CurvePoint[]; served: ServedRun };
  /** Leave-last-out. Rows: the served engine (`engine`, `engine (no exploration)`), then the baselines. */
  last?: SplitResult & { validationUsers: number; heldOut: string; served: ServedRun };
}

/** RecBole's BPR quick start on this split (random 80/10/10 per user, full ranking). */
export const RECBOLE_BPR = { 'recall@10': 0.2368, 'ndcg@10': 0.2768, 'hit@10': 0.7614 };

/** Ratings of 4 and 5 also send a like when events are replayed through the online learners or the served engine. */
const LIKE_FROM = 4;
const CURVE_POINTS = 12;
/** The served engine's page: its figures stop at 20. */
const PAGE = 20;
/** Every movie is a 60 s video and every rating a full play of it, so watch time carries no signal. */
const WATCH_MS = 60_000;
const CREATED_AT = '2020-01-01T00:00:00Z';

/** The leave-last-out rule, as the report states it. */
export const LAST_RULE =
  'each person’s ratings ordered by timestamp, equal timestamps by MovieLens item id (as a number), the larger last; the last one is held out (with any other rating of that movie by that person) and everything else is training; the last remaining one is the validation item the baselines tune on (then they are refitted on all training rows). A person who rated a single movie is not evaluated and keeps it in training; a person who rated two has no validation item.';

/**
 * MovieLens 100K, every rating a positive, full ranking of every movie the person has not rated.
 * - random: RecBole's split: each person's ratings shuffled, 80% train, 10% validation (tuning), 10% test
 *   (floor of 10% each); models train on the 80%, and test rankings leave out train and validation items.
 * - time: all ratings in timestamp order, cut at 80% and 90%: batch models tune on the 80→90% slice, are refitted
 *   on the first 90% and report on the last 10%; the served engine gets the first 90% through the API and is measured
 *   by each person's feed page; the engine's online learners, outside the served path, replay the same events one by one
 *   (giving a learning curve) and rank every movie. Only people seen before the cut are measured.
 * - last: leave-last-out (LAST_RULE): every person's last rating is held out; the served engine gets every other rating
 *   through the API, the baselines tune on each person's second-to-last rating (held out of the tuning data only) and
 *   are refitted on all training rows.
 * The served engine's rows are the feed a client of `moteur serve` gets (see src/eval/served/): pages of 20.
 */
export async function evaluateMl100k(options: Ml100kOptions): Promise<Ml100kResult> {
  const { file, events, userCount, itemCount, tagsOf, userTokens, itemTokens } = await readMl100k(options.dataDir, options.progress);
  const interactions = interactionsOf(userCount, itemCount);
  const models = { seed: options.seed, easeLambdas: options.easeLambdas, easeMinSupport: 1 };
  const progress = options.progress ? { progress: options.progress } : {};
  const result: Ml100kResult = { file, items: itemCount, rows: events.length };

  if (options.variants.includes('random')) {
    const { train, valid, test } = recBoleRandomSplit(events, userCount, options.seed);
    const trainData = interactions(train);
    const seenAtTest = interactions([...train, ...valid]);
    const validation = evaluatedUsers(
      trainData,
      valid.map((e) => e.user),
      valid.map((e) => e.item),
    );
    const reported = evaluatedUsers(
      seenAtTest,
      test.map((e) => e.user),
      test.map((e) => e.item),
    );
    const baselines = benchmarkBaselines({ train: trainData, validation, reported, features: [], ...progress }, models);
    result.random = { users: reported.length, trainRows: train.length, models: withIntervals(baselines, reported.length, options.seed) };
  }
  const served = servedReplay(events, userTokens, itemTokens, tagsOf);

  if (options.variants.includes('time')) {
    const { ordered, trainEnd, validEnd, train, history, validation, reported } = ml100kTimeSplit(events, userCount, itemCount);
    const batch = benchmarkBaselines({ train, refit: history, validation, reported, features: [], ...progress }, models);
    const context = { itemCount, userCount, popularity: itemPopularity(history), similarity: itemSimilarity(history, []) };
    const rowOf = new Map(events.map((e, k) => [e, k]));
    const engine = await served.measure(
      ordered.slice(0, validEnd).map((e) => rowOf.get(e)!),
      reported,
      context,
      options.progress,
    );

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
    const online = evaluateFullRanking(learnersScorer(replay.learners, itemCount), reported, {
      ...context,
      ...(options.progress ? { onUser: (done: number) => done % 50 === 0 && options.progress!('online learners', done, reported.length) } : {}),
    });
    const onlineResult: ModelResult = {
      ...online,
      settings: { seed: options.seed },
      trainSeconds: replay.seconds,
      evaluateSeconds: (performance.now() - start) / 1000,
      tuning: [],
    };
    result.time = {
      users: reported.length,
      trainRows: validEnd,
      trainUntil: ordered[trainEnd]!.ts,
      validUntil: ordered[validEnd]!.ts,
      replaySeconds: replay.seconds,
      curve: replay.curve,
      models: withIntervals({ ...engine.models, [ONLINE_LEARNERS]: onlineResult, ...batch }, reported.length, options.seed),
      served: { ...engine.run, replay: served.replayText('the first 90% of the ratings in timestamp order (equal timestamps: file order)') },
    };
  }

  if (options.variants.includes('last')) {
    const split = ml100kLeaveLastOut(events, userCount, itemCount, itemTokens);
    const context = { itemCount, userCount, popularity: itemPopularity(split.train), similarity: itemSimilarity(split.train, []) };
    const engine = await served.measure(split.trainRows, split.reported, context, options.progress);
    const baselines = leaveLastOutBaselines(
      { train: split.tuning, refit: split.train, validation: split.validation, reported: split.reported, features: [], ...progress },
      models,
    );
    // One held-out movie a person: figures at 10 say as much as at 20, so both get intervals.
    const measured = withIntervals({ ...engine.models, ...baselines }, split.reported.length, options.seed, ['recall@10', 'ndcg@10', 'recall@20', 'ndcg@20']);
    result.last = {
      users: split.reported.length,
      trainRows: split.trainRows.length,
      validationUsers: split.validation.length,
      heldOut: LAST_RULE,
      models: measured,
      served: {
        ...engine.run,
        replay: served.replayText('every training rating (all but each person’s held-out one) in timestamp order (equal timestamps: file order)'),
      },
    };
  }
  return result;
}

/**
 * The baselines of `benchmarkBaselines` but those that run the RP3beta walk for every person when ranking, to keep
 * this split under two minutes: the batch blend (its 9-setting grid took 2 of 4.5 minutes, and it chose EASE alone,
 * with EASE's figures) and RP3beta (about a minute; Recall@10 0.059, below EASE and GF-CF). The other splits run them.
 */
function leaveLastOutBaselines(input: Omit<ImplicitBenchmarkInput, 'families'>, options: BaselineOptions): Record<string, ModelResult> {
  const fits = new SharedFits();
  const families = [
    randomFamily(options.seed),
    popularFamily,
    easeFamily(options.easeLambdas, fits, options.easeMinSupport),
    lowPassFamily(fits, input.features),
  ];
  return runImplicitBenchmark({ ...input, families });
}

/** The time split's replay of the online learners: the engine's learners fed directly, not the engine a client gets. */
export const ONLINE_LEARNERS = 'online learners (not served)';

/**
 * The served engine on ML-100k: one video per movie, each training rating a full play (and a like from 4 up),
 * replayed through the API into fresh engines by `measureServedEngine`, each evaluated person's feed page of 20.
 */
function servedReplay(events: TimedInteraction[], userTokens: readonly string[], itemTokens: readonly string[], tagsOf: (item: number) => string[]) {
  const videos = ml100kCatalog(itemTokens, tagsOf);
  const itemOf = new Map(itemTokens.map((token, item) => [`m${token}`, item]));
  return {
    measure: (rows: readonly number[], users: EvaluatedUser[], context: FullRankingContext, progress?: StageProgress) =>
      measureServedEngine({
        videos,
        events: ml100kReplayEvents(events, rows, userTokens, itemTokens),
        people: users.map((u) => `mu${userTokens[u.user]}`),
        users,
        itemOf: (videoId) => itemOf.get(videoId) ?? -1,
        pageSize: PAGE,
        context,
        ...(progress ? { progress } : {}),
      }),
    replayText: (which: string): Record<string, string> => ({
      videos: `one per movie of ml-100k.inter: {"id":"m<item_id>","creatorId":"mc<item_id>","durationMs":${WATCH_MS},"createdAt":"${CREATED_AT}","hashtags":[the movie’s genres in ml-100k.item, lowercased, non-alphanumerics removed]} (POST /v1/videos, 1,000 a call)`,
      events: `${which}; the rating on data line k of ml-100k.inter (0-based, header not counted): {"id":"r<k>","userId":"mu<user_id>","videoId":"m<item_id>","type":"play","watchMs":${WATCH_MS}}, then, when the rating is ${LIKE_FROM} or more, {"id":"l<k>","userId":"mu<user_id>","videoId":"m<item_id>","type":"like"}; ts one second after the previous event, the last one second before the replay starts (POST /v1/events, 1,000 a call)`,
      page: `GET /v1/users/mu<user_id>/feed?n=${PAGE}, once per evaluated person, people in the order they first appear in ml-100k.inter, after the engine has learned every event`,
    }),
  };
}

/** The replay's catalog: one 60 s video per movie, its genres as hashtags. */
export function ml100kCatalog(itemTokens: readonly string[], tagsOf: (item: number) => string[]): Record<string, unknown>[] {
  return itemTokens.map((token, item) => ({
    id: `m${token}`,
    creatorId: `mc${token}`,
    durationMs: WATCH_MS,
    createdAt: CREATED_AT,
    hashtags: hashtagsOf(tagsOf(item)),
  }));
}

/** Genres as hashtags: lowercased, anything but letters and digits removed ("Children's" → "childrens", "Sci-Fi" → "scifi"). */
export function hashtagsOf(genres: readonly string[]): string[] {
  return [...new Set(genres.map((g) => g.toLowerCase().replace(/[^a-z0-9]/g, '')).filter((g) => g !== ''))];
}

/** The ratings at `rows` (indices into `events`, the file's order), in the given order, as the API's events. */
export function ml100kReplayEvents(
  events: readonly TimedInteraction[],
  rows: readonly number[],
  userTokens: readonly string[],
  itemTokens: readonly string[],
): ClientEvent[] {
  const out: ClientEvent[] = [];
  for (const k of rows) {
    const { user, item, rating } = events[k]!;
    const ids = { userId: `mu${userTokens[user]}`, videoId: `m${itemTokens[item]}` };
    out.push({ id: `r${k}`, ...ids, type: 'play', ts: 0, watchMs: WATCH_MS });
    if (rating >= LIKE_FROM) out.push({ id: `l${k}`, ...ids, type: 'like', ts: 0 });
  }
  return out;
}

/**
 * Leave-last-out (LAST_RULE). `testRows` and `validRows` are indices into `events`; `trainRows` every other rating,
 * in replay order (timestamp, then file order). `train` holds the training rows (the baselines' refit, the
 * exclusions of the reported rankings), `tuning` the training rows without the validation items.
 */
export function ml100kLeaveLastOut(events: readonly TimedInteraction[], userCount: number, itemCount: number, itemTokens: readonly string[]) {
  const byUser: number[][] = Array.from({ length: userCount }, () => []);
  events.forEach((e, k) => byUser[e.user]!.push(k));
  const later = (a: number, b: number) => events[a]!.ts - events[b]!.ts || compareTokens(itemTokens[events[a]!.item]!, itemTokens[events[b]!.item]!) || a - b;
  const test = new Set<number>();
  const valid = new Set<number>();
  for (const rows of byUser) {
    rows.sort(later);
    const last = rows[rows.length - 1];
    if (last === undefined) continue;
    const ofItem = (item: number) => rows.filter((k) => events[k]!.item === item);
    const heldOut = ofItem(events[last]!.item);
    if (heldOut.length === rows.length) continue;
    for (const k of heldOut) test.add(k);
    const rest = rows.filter((k) => !test.has(k));
    const validItem = ofItem(events[rest[rest.length - 1]!]!.item);
    if (validItem.length === rest.length) continue;
    for (const k of validItem) valid.add(k);
  }
  const trainRows = events
    .map((_, k) => k)
    .filter((k) => !test.has(k))
    .sort((a, b) => events[a]!.ts - events[b]!.ts || a - b);
  const interactions = (rows: number[]) =>
    implicitInteractions(
      rows.map((k) => events[k]!.user),
      rows.map((k) => events[k]!.item),
      userCount,
      itemCount,
    );
  const train = interactions(trainRows);
  const tuning = interactions(trainRows.filter((k) => !valid.has(k)));
  const heldOut = (rows: Set<number>, seen: ImplicitInteractions) => {
    const list = [...rows];
    return evaluatedUsers(
      seen,
      list.map((k) => events[k]!.user),
      list.map((k) => events[k]!.item),
    );
  };
  return { testRows: [...test], validRows: [...valid], trainRows, train, tuning, validation: heldOut(valid, tuning), reported: heldOut(test, train) };
}

/** Item ids as numbers when both are (MovieLens's are), otherwise as text. */
function compareTokens(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  if (a.trim() !== '' && b.trim() !== '' && Number.isFinite(x) && Number.isFinite(y)) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The ratings of ML-100k with dense ids (in file order: dense ids in order of first appearance), and each movie's genres as tags. */
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
  const itemTokens = [...itemIndex.keys()];
  return {
    file,
    events,
    userCount: userIndex.size,
    itemCount: itemIndex.size,
    tagsOf: (item: number) => genres.get(itemTokens[item]!) ?? [],
    /** MovieLens's user_id and item_id of each dense id. */
    userTokens: [...userIndex.keys()],
    itemTokens,
  };
}

/**
 * The time-ordered split: ratings in timestamp order, cut at 80% and 90%; validation is the 80→90% slice
 * ranked after the first 80%, the reported people those of the last 10% already seen in the first 90%.
 */
export function ml100kTimeSplit(events: TimedInteraction[], userCount: number, itemCount: number) {
  const interactions = interactionsOf(userCount, itemCount);
  const ordered = events
    .map((e, k) => ({ e, k }))
    .sort((a, b) => a.e.ts - b.e.ts || a.k - b.k)
    .map(({ e }) => e);
  const trainEnd = Math.floor(ordered.length * 0.8);
  const validEnd = Math.floor(ordered.length * 0.9);
  const train = interactions(ordered.slice(0, trainEnd));
  const history = interactions(ordered.slice(0, validEnd));
  const known = (data: ImplicitInteractions) => (e: TimedInteraction) => data.userStart[e.user + 1]! > data.userStart[e.user]!;
  const validRows = ordered.slice(trainEnd, validEnd).filter(known(train));
  const testRows = ordered.slice(validEnd).filter(known(history));
  const validation = evaluatedUsers(
    train,
    validRows.map((e) => e.user),
    validRows.map((e) => e.item),
  );
  const reported = evaluatedUsers(
    history,
    testRows.map((e) => e.user),
    testRows.map((e) => e.item),
  );
  return { ordered, trainEnd, validEnd, train, history, validation, reported };
}

const interactionsOf = (userCount: number, itemCount: number) => (rows: TimedInteraction[]) =>
  implicitInteractions(
    rows.map((e) => e.user),
    rows.map((e) => e.item),
    userCount,
    itemCount,
  );

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

/** The random split has no served engine: its headline is the best batch blend, named as such. */
const RANDOM_HEADLINE = 'batch blend';
const ENGINE = SERVED_VARIANTS[0]!.name;

/** One model's main figures, named, with their intervals when it has them. */
const headline = (models: Record<string, ModelResult>, name: string) => {
  const m = models[name]!;
  const at = (k: string) => ({ [k]: m.metrics[k] });
  return {
    model: name,
    ...Object.assign({}, ...['recall@10', 'ndcg@10', 'hit@10', 'recall@20', 'ndcg@20', 'hit@20'].map(at)),
    ...(m.intervals ? { intervals: m.intervals } : {}),
    trainSeconds: m.trainSeconds,
  };
};

export function ml100kJson(result: Ml100kResult): Record<string, unknown> {
  return {
    protocol: 'ml100k',
    file: result.file,
    rows: result.rows,
    items: result.items,
    ...(result.random
      ? {
          random: {
            users: result.random.users,
            trainRows: result.random.trainRows,
            ...headline(result.random.models, RANDOM_HEADLINE),
            servedPath: false,
            reference: { 'RecBole BPR': RECBOLE_BPR },
            models: modelsJson(result.random.models),
          },
        }
      : {}),
    ...(result.time
      ? {
          time: {
            users: result.time.users,
            trainRows: result.time.trainRows,
            trainUntil: new Date(result.time.trainUntil).toISOString(),
            validUntil: new Date(result.time.validUntil).toISOString(),
            ...headline(result.time.models, ENGINE),
            servedPath: true,
            served: result.time.served,
            models: modelsJson(result.time.models),
            curve: result.time.curve,
          },
        }
      : {}),
    ...(result.last
      ? {
          last: {
            users: result.last.users,
            trainRows: result.last.trainRows,
            validationUsers: result.last.validationUsers,
            heldOut: result.last.heldOut,
            ...headline(result.last.models, ENGINE),
            servedPath: true,
            served: result.last.served,
            models: modelsJson(result.last.models),
          },
        }
      : {}),
  };
}

const INTERVALS_NOTE =
  '95 % percentile-bootstrap intervals over the evaluated people (1,000 resamples); “− engine” is the paired difference to the served engine row on the same people (negative: the engine is ahead).';

/** Each model's figures with their 95 % intervals and paired difference to the served engine, for the report. */
function intervalsTable(models: Record<string, ModelResult>, metrics: string[]): ReportTable {
  const text = (i: Interval | undefined) => (i ? intervalText(i) : undefined);
  return {
    columns: ['model', ...metrics.flatMap((k) => [k, `${k} − engine`])],
    rows: Object.entries(models).map(([name, m]) => [name, ...metrics.flatMap((k) => [text(m.intervals?.[k]) ?? m.metrics[k], text(m.vsEngine?.[k])])]),
  };
}

export function ml100kReportPage(result: Ml100kResult): ReportPage {
  const sections: ReportSection[] = [];
  if (result.random) {
    sections.push(
      ...implicitReportSections(
        'ml100k-random',
        result.random.models,
        `Random split (RecBole): each person's ratings shuffled, 80% train / 10% validation / 10% test, every rating a positive, full ranking. ${result.random.users} people. Every row is a batch baseline (no served engine on this split). RecBole BPR reference: Recall@10 ${RECBOLE_BPR['recall@10']}, NDCG@10 ${RECBOLE_BPR['ndcg@10']}, Hit@10 ${RECBOLE_BPR['hit@10']}.`,
      ).map((s) => ({ ...s, heading: `Random split: ${s.heading}` })),
    );
  }
  if (result.time) {
    const curve = result.time.curve;
    sections.push(
      ...implicitReportSections(
        'ml100k-time',
        result.time.models,
        `Time-ordered: ratings in timestamp order, train until ${new Date(result.time.trainUntil).toISOString()}, validation until ${new Date(result.time.validUntil).toISOString()}, test after; ${result.time.users} people already seen before the test period. The engine rows are the feed a client of moteur serve gets: the first 90% replayed through the API, then each person’s page of ${PAGE} (no figures at 50). The ${ONLINE_LEARNERS} are the engine’s learners fed the same events directly (in ${result.time.replaySeconds.toFixed(1)} s) and ranking every movie: not the served path. The batch baselines tune on 80→90% and are refitted on the first 90%.`,
      ).map((s) => ({ ...s, heading: `Time-ordered: ${s.heading}` })),
      { heading: 'Time-ordered: 95 % intervals', paragraphs: [INTERVALS_NOTE], tables: [intervalsTable(result.time.models, ['recall@20', 'ndcg@20'])] },
      {
        heading: 'Time-ordered: learning curve of the online learners',
        paragraphs: [
          'At each point, the people already met who rate movies before the next point: Recall@10 of the learners’ ranking of every unseen movie against what they go on to rate, next to most-popular-so-far.',
        ],
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
  if (result.last) {
    const last = result.last;
    sections.push(
      ...implicitReportSections(
        'ml100k-last',
        last.models,
        `Leave-last-out: ${LAST_RULE} ${last.users} people evaluated, ${last.trainRows} training ratings, ${last.validationUsers} validation items. The engine rows are the feed a client of moteur serve gets: every training rating replayed through the API (${last.served.events} events), then each person’s page of ${PAGE} (so no figures at 50). The baselines are batch models fitted on the training ratings that rank every movie the person has not rated.`,
      ).map((s) => ({ ...s, heading: `Leave-last-out: ${s.heading}` })),
      {
        heading: 'Leave-last-out: 95 % intervals',
        paragraphs: [INTERVALS_NOTE],
        tables: [intervalsTable(last.models, ['recall@10', 'ndcg@10', 'recall@20', 'ndcg@20'])],
      },
      {
        heading: 'Leave-last-out: the served run',
        paragraphs: [
          ...Object.entries(last.served.replay ?? {}).map(([what, how]) => `${what}: ${how}`),
          `Replay and learning: ${last.served.replaySeconds.map((s) => `${s.toFixed(1)} s`).join(', ')} (one per engine row). Configuration of the engine row: ${JSON.stringify(last.served.configuration)}`,
        ],
      },
    );
  }
  return { title: 'MovieLens 100K: full ranking', subtitle: result.file, sections, data: ml100kJson(result) };
}
