import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { evaluateKuaiRec, heldOutResidue, kuaiRecJson } from '../../src/eval/protocols/kuairec.ts';
import { evaluateMl100k, ml100kJson, recBoleRandomSplit } from '../../src/eval/protocols/ml100k.ts';
import { evaluateTiktok, tiktokJson } from '../../src/eval/protocols/tiktok.ts';
import { tempDir } from '../support/fixtures.ts';
import { writeKuaiRecDir, writeMovieLensDir, writeTiktokDir } from './data.ts';

test('tiktok: the engine row is the served feed; baselines are tuned on even ids and reported with the engine on odd ids', async () => {
  const dir = tempDir();
  const { users, items } = writeTiktokDir(dir);
  const result = await evaluateTiktok({ dataDir: dir, easeLambdas: [1, 10], seed: 1 });
  assert.equal(result.users, users / 2);
  assert.equal(result.items, items);
  assert.deepEqual(Object.keys(result.models), ['engine', 'engine (no exploration)', 'random', 'popular', 'ease', 'rp3beta', 'gf-cf', 'batch blend']);
  const recall = (name: string) => result.models[name]!.metrics['recall@20']!;
  // Taste groups: models of them beat most popular, which beats random; none is perfect.
  assert.ok(recall('popular') > recall('random'));
  for (const name of ['engine', 'engine (no exploration)', 'rp3beta', 'batch blend']) {
    assert.ok(recall(name) > recall('popular') + 0.05, `${name} ${recall(name)} against popular ${recall('popular')}`);
    assert.ok(recall(name) < 0.95, `${name} is perfect: the data is too easy to tell models apart`);
  }
  // The served rows were measured on pages of 20: nothing past 20 exists for them.
  assert.equal(result.models['engine']!.metrics['recall@50'], undefined);
  assert.equal(result.served.servedPath, true);
  const json = tiktokJson(result);
  assert.equal(json['recall@20'], recall('engine'));
  const engine = (json['models'] as Record<string, { intervals: Record<string, { value: number; low: number; high: number }> }>)['engine']!;
  assert.ok(engine.intervals['recall@20']!.low <= recall('engine') && recall('engine') <= engine.intervals['recall@20']!.high);
  assert.ok(engine.intervals['recall@20']!.high - engine.intervals['recall@20']!.low > 0);
  const ease = (json['models'] as Record<string, { settings: { lambda: number }; vsEngine: Record<string, { value: number }> }>)['ease']!;
  assert.ok([1, 10].includes(ease.settings.lambda));
  assert.ok(Math.abs(ease.vsEngine['recall@20']!.value - (recall('ease') - recall('engine'))) < 1e-12);
  assert.match(String(json['heldOutPeople']), /odd ids/);
});

test('tiktok: a separate test file is scored with settings tuned on all of val.csv', async () => {
  const dir = tempDir();
  writeTiktokDir(dir);
  const testFile = join(dir, 'test.csv');
  const { writeFileSync } = await import('node:fs');
  // Persons 0 and 1 (group 0) hold out videos of group 3, which no one of their group watches.
  writeFileSync(testFile, 'user,item\n0,100\n1,101\n');
  const result = await evaluateTiktok({ dataDir: dir, testFile, easeLambdas: [10], seed: 1, leakProbe: true });
  assert.equal(result.heldOutFile, testFile);
  assert.equal(result.users, 2);
  assert.match(result.heldOutPeople, /test file/);
  assert.ok(result.leakProbe !== undefined);
  assert.match((tiktokJson(result)['leakProbe'] as { note: string }).note, /^not a model/);
  assert.equal(result.models['ease']!.metrics['recall@10'], 0);
  assert.equal(result.models['engine (no exploration)']!.metrics['recall@10'], 0);
});

test('kuairec: the hold-out rule, and a video effect that orders every person the same is learned', async () => {
  assert.equal(heldOutResidue(14, 10070), (14 * 31 + 10070) % 5);
  const dir = tempDir();
  writeKuaiRecDir(dir);
  const result = await evaluateKuaiRec({ dataDir: dir, residues: [0, 3], easeLambdas: [50], seed: 1 });
  assert.equal(result.residues.length, 2);
  for (const residue of result.residues) {
    assert.equal(residue.rows + residue.trainRows, 1200);
    assert.ok(Math.abs(residue.rows - 240) < 40, `residue ${residue.residue} holds out ${residue.rows} rows`);
    assert.equal(residue.models['video mean']!.metrics['ndcg@10'], 1);
    assert.ok(residue.models['watch-ratio']!.metrics['ndcg@10']! > 0.999);
    assert.ok(residue.models['random']!.metrics['ndcg@10']! < 0.95);
    // AUC over all rows also needs the person's scale, which only the watch-ratio baseline models.
    assert.ok(residue.models['watch-ratio']!.metrics['pooledAuc']! > residue.models['video mean']!.metrics['pooledAuc']!);
  }
  const json = kuaiRecJson(result);
  assert.deepEqual(json['residues'], [0, 3]);
  assert.equal(json['rows'], result.residues[0]!.rows + result.residues[1]!.rows);
  for (const key of ['ndcg@10', 'userAuc', 'rows']) assert.equal(typeof json[key], 'number', key);
  assert.deepEqual(Object.keys(json['models'] as object), [
    'engine',
    'engine (no exploration)',
    'watch-ratio',
    'random',
    'popular',
    'video mean',
    'biased MF',
    'ease',
  ]);
});

test('ml100k: RecBole split sizes are floor(10%) per person for validation and test', () => {
  const events = [...Array.from({ length: 25 }, () => ({ user: 0 })), ...Array.from({ length: 9 }, () => ({ user: 1 }))];
  const { train, valid, test: held } = recBoleRandomSplit(events, 2, 7);
  const count = (rows: { user: number }[], user: number) => rows.filter((e) => e.user === user).length;
  assert.deepEqual([count(train, 0), count(valid, 0), count(held, 0)], [21, 2, 2]);
  assert.deepEqual([count(train, 1), count(valid, 1), count(held, 1)], [9, 0, 0]);
});

test('ml100k: random and time splits on two taste groups; the served engine and the online learners (not served) on the time split', async () => {
  const dir = tempDir();
  const { rows } = writeMovieLensDir(dir);
  const result = await evaluateMl100k({ dataDir: dir, variants: ['random', 'time'], easeLambdas: [1], seed: 1 });
  assert.equal(result.rows, rows);
  assert.equal(result.last, undefined);
  assert.equal(result.random!.users, 24);
  assert.equal(result.random!.trainRows, 24 * 8);
  // The random split has batch baselines only: no row may call itself the engine.
  assert.ok(Object.keys(result.random!.models).every((name) => !name.startsWith('engine')));
  // A person's held-out movie is one of the 5 unrated movies of their own group's 15: within the top 10 for a
  // model that learns the groups, which most-popular cannot tell apart.
  assert.equal(result.random!.models['batch blend']!.metrics['hit@10'], 1);
  assert.ok(result.random!.models['popular']!.metrics['hit@10']! < 0.6);
  const time = result.time!;
  assert.equal(time.trainRows, Math.floor(rows * 0.9));
  assert.ok(time.users > 0);
  assert.ok(time.curve.length > 0 && time.curve.every((p, k) => k === 0 || p.events > time.curve[k - 1]!.events));
  assert.deepEqual(Object.keys(time.models).slice(0, 3), ['engine', 'engine (no exploration)', 'online learners (not served)']);
  assert.equal(time.models['online learners'], undefined);
  const online = time.models['online learners (not served)']!.metrics;
  assert.ok(online['recall@10']! >= 0 && online['recall@10']! <= 1);
  // The served engine: the first 90% replayed through the API (a play per rating, a like from 4 up), pages of 20.
  assert.equal(time.served.servedPath, true);
  assert.ok(time.served.events >= time.trainRows && time.served.events <= 2 * time.trainRows);
  assert.equal(time.models['engine']!.metrics['recall@50'], undefined);
  assert.ok(time.models['engine']!.intervals!['recall@20']!.low <= time.models['engine']!.metrics['recall@20']!);
  const json = ml100kJson(result) as { random: Record<string, unknown>; time: Record<string, unknown> };
  for (const part of [json.random, json.time]) for (const key of ['recall@10', 'ndcg@10', 'hit@10', 'users']) assert.equal(typeof part[key], 'number', key);
  assert.equal(json.random['model'], 'batch blend');
  assert.equal(json.random['servedPath'], false);
  assert.equal(json.time['model'], 'engine');
  assert.equal(json.time['servedPath'], true);
});
