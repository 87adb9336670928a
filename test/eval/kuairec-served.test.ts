import assert from 'node:assert/strict';
import { test } from 'node:test';
import { areaUnderCurve, perPersonAuc } from '../../src/eval/metrics/auc.ts';
import {
  evaluateKuaiRec,
  heldOutResidue,
  kuaiRecJson,
  kuaiRecSplit,
  loadKuaiRec,
  measureServedRanking,
  type KuaiRecData,
  type Ranker,
  type WatchFamily,
} from '../../src/eval/protocols/kuairec.ts';
import { replayIntoFreshEngine } from '../../src/eval/served/served-engine.ts';
import { SERVED_VARIANTS } from '../../src/eval/served/served-ranking.ts';
import { tempDir } from '../support/fixtures.ts';
import { writeKuaiRecDir, writeKuaiRecTasteDir } from './data.ts';

/** Taste data (data.ts): only the person tells their liked videos apart; a score per video cannot. */
async function tasteData(): Promise<{ dir: string; data: KuaiRecData }> {
  const dir = tempDir();
  writeKuaiRecTasteDir(dir);
  return { dir, data: await loadKuaiRec(dir) };
}

/** The served engine after residue r's replay, measured through `rank` (optionally changed before ranking). */
async function servedFigures(
  data: KuaiRecData,
  residue: number,
  options: { skipReplay?: boolean; unpersonalized?: boolean; wrap?: (ranker: Ranker) => Ranker } = {},
) {
  const split = kuaiRecSplit(data, residue);
  const { engine } = await replayIntoFreshEngine({}, data.videos, options.skipReplay ? [] : split.events);
  try {
    if (options.unpersonalized) for (const u of split.test.userIds) await engine.moteur.putUser(`ku${u}`, { settings: { personalized: false } });
    return await measureServedRanking(options.wrap ? options.wrap(engine.moteur) : engine.moteur, split.test);
  } finally {
    await engine.close();
  }
}

test('kuairec: the engine row is the served engine replayed through the API and asked to rank', async () => {
  const { dir, data } = await tasteData();
  const result = await evaluateKuaiRec({ dataDir: dir, residues: [0], easeLambdas: [50], seed: 1 });
  const models = result.residues[0]!.models;
  assert.deepEqual(Object.keys(models), ['engine', 'engine (no exploration)', 'watch-ratio', 'random', 'popular', 'video mean', 'biased MF', 'ease']);
  assert.deepEqual(
    Object.keys(models).slice(0, SERVED_VARIANTS.length),
    SERVED_VARIANTS.map((v) => v.name),
  );
  const engine = models['engine']!;

  // The same figures, person by person, from a fresh engine replayed here and asked `rank` for each person.
  const again = await servedFigures(data, 0);
  assert.deepEqual(again.metrics, engine.metrics);
  assert.deepEqual(again.perUser, engine.perUser);
  // Without exploration slots `rank` orders the same way: a page's exploration does not touch it.
  assert.deepEqual(models['engine (no exploration)']!.metrics, engine.metrics);

  // The engine's order depends on the person: with the person ignored, it finds no liked video (one score per video).
  const ignored = await servedFigures(data, 0, { unpersonalized: true });
  assert.ok(ignored.metrics['ndcg@10']! <= engine.metrics['ndcg@10']!, `person ignored ${ignored.metrics['ndcg@10']} against ${engine.metrics['ndcg@10']}`);
  assert.ok(
    engine.metrics['userAuc']! - ignored.metrics['userAuc']! > 0.2,
    `userAuc ${engine.metrics['userAuc']} against ${ignored.metrics['userAuc']} with the person ignored`,
  );
  assert.ok(ignored.metrics['userAuc']! < 0.7);
  // ...and on what was replayed: with the catalog alone, no person is told apart either.
  const unreplayed = await servedFigures(data, 0, { skipReplay: true });
  assert.ok(engine.metrics['ndcg@10']! > unreplayed.metrics['ndcg@10']! + 0.05);
  assert.ok(engine.metrics['userAuc']! > unreplayed.metrics['userAuc']! + 0.2);
  // A score per video cannot do it on this data: the batch per-video mean stays at chance on userAuc.
  assert.ok(Math.abs(models['video mean']!.metrics['userAuc']! - 0.5) < 0.1);
  assert.ok(engine.metrics['userAuc']! > models['video mean']!.metrics['userAuc']! + 0.2);

  const json = kuaiRecJson(result);
  assert.equal(json['servedPath'], true);
  assert.equal(json['ndcg@10'], engine.metrics['ndcg@10']);
  assert.equal(json['userAuc'], engine.metrics['userAuc']);
  const served = json['served'] as { configuration: { feed: { exploreShare: number } }; replay: Record<string, string>; variants: Record<string, unknown> };
  assert.equal(typeof served.configuration.feed.exploreShare, 'number');
  assert.deepEqual(Object.keys(served.replay), ['videos', 'events', 'rank']);
  assert.match(served.replay['events']!, /round\(min\(watch_ratio, 10\) x 10000\)/);
  assert.deepEqual(served.variants, Object.fromEntries(SERVED_VARIANTS.map((v) => [v.name, v.config])));
});

test('kuairec: the served ranking is scored as answered: an engine made to reverse its order scores below random', async () => {
  const { dir, data } = await tasteData();
  const result = await evaluateKuaiRec({ dataDir: dir, residues: [2], easeLambdas: [50], seed: 1 });
  const random = result.residues[0]!.models['random']!.metrics;
  const reverse = (ranker: Ranker): Ranker => ({
    async rank(userId, videoIds) {
      const answer = await ranker.rank(userId, videoIds);
      return { ...answer, items: [...answer.items].reverse().map((item) => ({ ...item, score: -item.score })) };
    },
  });
  const reversed = await servedFigures(data, 2, { wrap: reverse });
  assert.ok(reversed.metrics['ndcg@10']! < random['ndcg@10']!, `reversed ${reversed.metrics['ndcg@10']} against random ${random['ndcg@10']}`);
  assert.ok(reversed.metrics['userAuc']! < 0.5);
  // The order answered is what NDCG scores: the same scores in a scrambled order score differently.
  const scrambled = await servedFigures(data, 2, {
    wrap: (ranker) => ({
      rank: async (u, ids) => {
        const a = await ranker.rank(u, ids);
        return { ...a, items: [...a.items].reverse() };
      },
    }),
  });
  assert.equal(scrambled.metrics['userAuc'], result.residues[0]!.models['engine']!.metrics['userAuc']);
  assert.ok(scrambled.metrics['ndcg@10']! < random['ndcg@10']!);
  // A ranker that answers each person's videos by their true watch ratio scores NDCG 1 and userAuc 1; reversed, the least.
  const ratioOf = new Map(data.raw.userIds.map((u, k) => [`ku${u} k${data.raw.videoIds[k]}`, data.raw.watchRatios[k]!]));
  const oracle = (sign: number): Ranker => ({
    async rank(userId, videoIds) {
      const items = videoIds.map((videoId) => ({ videoId, score: sign * ratioOf.get(`${userId} ${videoId}`)!, reasons: [] }));
      return { userId, items: items.sort((a, b) => b.score - a.score), rejected: [] };
    },
  });
  const split = kuaiRecSplit(data, 2);
  const best = await measureServedRanking(oracle(1), split.test);
  assert.equal(best.metrics['ndcg@10'], 1);
  assert.equal(best.metrics['userAuc'], 1);
  const worst = await measureServedRanking(oracle(-1), split.test);
  assert.equal(worst.metrics['userAuc'], 0);
  assert.ok(worst.metrics['ndcg@10']! < reversed.metrics['ndcg@10']! + 1e-9);
  // A ranker that drops or invents a video is refused, not scored.
  await assert.rejects(
    servedFigures(data, 2, {
      wrap: (ranker) => ({
        rank: async (u, ids) => {
          const a = await ranker.rank(u, ids);
          return { ...a, items: a.items.slice(1) };
        },
      }),
    }),
    /answered/,
  );
});

test('kuairec: baselines and the served replay never see the rows they are measured on', async () => {
  const { dir, data } = await tasteData();
  // The spy records the rows each fit learns from and the (person, video) pairs its predictor is asked about.
  const seen: Array<{ rows: Int32Array; settings: Record<string, number>; asked: Set<string> }> = [];
  const spy: WatchFamily = {
    name: 'spy',
    grid: [{ k: 1 }, { k: 2 }],
    train: (training, settings) => {
      const asked = new Set<string>();
      seen.push({ rows: training.rows, settings, asked });
      return (u, i) => (asked.add(`${u} ${i}`), 0);
    },
  };
  const residueOfRow = (k: number) => heldOutResidue(data.raw.userIds[k]!, data.raw.videoIds[k]!);
  const residueOfPair = new Map(Array.from(data.all.users, (u, k) => [`${u} ${data.all.items[k]}`, residueOfRow(k)]));
  const askedResidues = (asked: Set<string>) => [...new Set([...asked].map((pair) => residueOfPair.get(pair)))];
  const heldOutSeen = (rows: ArrayLike<number>, residues: number[]) => Array.from(rows).filter((k) => residues.includes(residueOfRow(k))).length;
  // The check can fail: a model given every row of the file sees held-out rows.
  assert.ok(heldOutSeen(data.all.rows, [1]) > 0);

  const result = await evaluateKuaiRec({ dataDir: dir, residues: [1, 4], easeLambdas: [50], seed: 1, extraModels: [spy] });
  assert.deepEqual(Object.keys(result.residues[0]!.models).at(-1), 'spy');
  // Per residue: two tuning fits on the inner split (residue r+1 also held out), then the reported fit.
  assert.equal(seen.length, 6);
  for (const [r, residue] of [1, 4].entries()) {
    const calls = seen.slice(3 * r, 3 * r + 3);
    const inner = (residue + 1) % 5;
    for (const call of calls.slice(0, 2)) {
      assert.equal(heldOutSeen(call.rows, [residue, inner]), 0, `tuning for residue ${residue} saw held-out rows`);
      assert.ok(call.rows.length > 0);
    }
    assert.equal(heldOutSeen(calls[2]!.rows, [residue]), 0, `the reported fit for residue ${residue} saw held-out rows`);
    // Settings are chosen on the inner held-out rows; only the reported fit is asked about the reported rows.
    for (const call of calls.slice(0, 2)) assert.deepEqual(askedResidues(call.asked), [inner]);
    assert.deepEqual(askedResidues(calls[2]!.asked), [residue]);
    assert.equal(calls[2]!.asked.size, result.residues[r]!.rows);
    assert.equal(calls[2]!.rows.length, result.residues[r]!.trainRows);
    assert.equal(calls[2]!.rows.length + result.residues[r]!.rows, data.raw.userIds.length);
    // The served engine is sent exactly the training rows, as plays in file order.
    const { events } = kuaiRecSplit(data, residue);
    const rows = events.map((e) => Number(e.id.slice(1)));
    assert.deepEqual(rows, Array.from(calls[2]!.rows));
    assert.equal(heldOutSeen(rows, [residue]), 0);
    const k = rows[0]!;
    assert.deepEqual(events[0], {
      id: `k${k}`,
      userId: `ku${data.raw.userIds[k]}`,
      videoId: `k${data.raw.videoIds[k]}`,
      type: 'play',
      watchMs: Math.round(Math.min(data.raw.watchRatios[k]!, 10) * 10000),
      ts: 0,
    });
  }
});

test('kuairec: userAuc ignores a whole person moved up or down; the pooled AUC does not', async () => {
  // Two people who each order their videos perfectly; person 0's scores sit far above person 1's.
  const scores = [1, 2, 11, 12];
  const liked = [false, true, false, true];
  const groups = [
    [2, 3],
    [0, 1],
  ];
  assert.deepEqual(perPersonAuc(scores, liked, groups), { perPerson: Float64Array.from([1, 1]), mean: 1, people: 2 });
  assert.equal(areaUnderCurve(scores, liked), 0.75);
  // Shifting person 0 down to person 1's level changes the pooled AUC, never userAuc.
  const shifted = [1, 2, 1, 2];
  assert.equal(perPersonAuc(shifted, liked, groups).mean, 1);
  assert.equal(areaUnderCurve(shifted, liked), 1);
  // A person with only liked (or only not-liked) videos has no AUC and is left out of the mean; ties count half.
  assert.deepEqual(perPersonAuc([3, 3, 5, 5, 1], [true, false, true, true, false], [[0, 1], [2, 3], [4]]), {
    perPerson: Float64Array.from([0.5, NaN, NaN]),
    mean: 0.5,
    people: 1,
  });

  // Through the protocol: the per-video mean plus a large offset per person keeps every person's order.
  const dir = tempDir();
  writeKuaiRecDir(dir);
  const offset: WatchFamily = {
    name: 'video mean + person offset',
    grid: [{}],
    train: (training) => {
      const sum = new Float64Array(training.itemCount);
      const n = new Float64Array(training.itemCount);
      training.items.forEach((i, k) => ((sum[i]! += training.ratios[k]!), n[i]!++));
      return (u, i) => 1000 * (u % 7) + (n[i]! > 0 ? sum[i]! / n[i]! : 0);
    },
  };
  const result = await evaluateKuaiRec({ dataDir: dir, residues: [0], easeLambdas: [50], seed: 1, extraModels: [offset] });
  const { models } = result.residues[0]!;
  const plain = models['video mean']!;
  const moved = models['video mean + person offset']!;
  assert.equal(moved.metrics['ndcg@10'], plain.metrics['ndcg@10']);
  assert.equal(moved.metrics['userAuc'], plain.metrics['userAuc']);
  assert.deepEqual(moved.perUser.userAuc, plain.perUser.userAuc);
  assert.ok(
    Math.abs(moved.metrics['pooledAuc']! - plain.metrics['pooledAuc']!) > 0.05,
    `pooled ${moved.metrics['pooledAuc']} against ${plain.metrics['pooledAuc']}`,
  );
});

test('kuairec: every model has 95 % intervals over the same people, and its paired difference to the engine', async () => {
  const dir = tempDir();
  writeKuaiRecDir(dir);
  const result = await evaluateKuaiRec({ dataDir: dir, residues: [3], easeLambdas: [50], seed: 1 });
  const residue = result.residues[0]!;
  const engine = residue.models['engine']!;
  assert.ok(residue.aucUsers > 0 && residue.aucUsers <= residue.users);
  for (const [name, m] of Object.entries(residue.models)) {
    assert.equal(m.perUser['ndcg@10'].length, residue.users, name);
    assert.equal(m.perUser.userAuc.length, residue.users, name);
    assert.equal(m.perUser.userAuc.filter((x) => !Number.isNaN(x)).length, residue.aucUsers, name);
    for (const metric of ['ndcg@10', 'userAuc'] as const) {
      const interval = m.intervals![metric];
      assert.ok(Math.abs(interval.value - m.metrics[metric]!) < 1e-12, `${name} ${metric}`);
      assert.ok(interval.low <= interval.value && interval.value <= interval.high, `${name} ${metric}`);
      if (name === 'engine') {
        assert.equal(m.vsEngine, undefined);
        continue;
      }
      const diff = m.vsEngine![metric];
      assert.ok(Math.abs(diff.value - (m.metrics[metric]! - engine.metrics[metric]!)) < 1e-12, `${name} ${metric}`);
      assert.ok(diff.low <= diff.value && diff.value <= diff.high);
    }
  }
  // The random order is far behind the engine on every resample.
  assert.ok(residue.models['random']!.vsEngine!['ndcg@10'].high < 0);
  const perResidue = (kuaiRecJson(result)['perResidue'] as Array<{ models: Record<string, { intervals: unknown; vsEngine?: unknown }> }>)[0]!;
  assert.deepEqual(perResidue.models['engine']!.intervals, engine.intervals);
  assert.deepEqual(perResidue.models['video mean']!.vsEngine, residue.models['video mean']!.vsEngine);
});
