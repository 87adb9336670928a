import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { evaluateKuaiRec, heldOutResidue, kuaiRecJson } from '../../src/eval/protocols/kuairec.ts';
import { evaluateMl100k, ml100kJson, recBoleRandomSplit } from '../../src/eval/protocols/ml100k.ts';
import { evaluateTiktok, tiktokJson } from '../../src/eval/protocols/tiktok.ts';
import { tempDir } from '../support/fixtures.ts';
import { writeKuaiRecDir, writeMovieLensDir, writeTiktokDir } from './data.ts';

test('tiktok: block-structured data is solved by the engine and EASE, not by random or most popular', async () => {
  const dir = tempDir();
  const { users, items } = writeTiktokDir(dir);
  const result = await evaluateTiktok({ dataDir: dir, easeLambdas: [1, 10], seed: 1 });
  assert.equal(result.users, users);
  assert.equal(result.items, items);
  // Each person's held-out video is one of the 5 unseen videos of their block, which only co-engagement reaches.
  assert.equal(result.models['engine']!.metrics['recall@10'], 1);
  assert.equal(result.models['ease']!.metrics['recall@10'], 1);
  assert.ok(result.models['popular']!.metrics['recall@10']! < 0.6);
  assert.ok(result.models['random']!.metrics['recall@10']! < 0.6);
  assert.equal(result.contentFeatures, 1);
  const json = tiktokJson(result);
  for (const key of ['recall@20', 'ndcg@20', 'users', 'trainSeconds']) assert.equal(typeof json[key], 'number', key);
  assert.deepEqual(Object.keys(json['models'] as object), ['engine', 'random', 'popular', 'ease']);
  // EASE's λ was chosen on val.csv among the two given.
  assert.ok([1, 10].includes((json['models'] as Record<string, { settings: { lambda: number } }>)['ease']!.settings.lambda));
});

test('tiktok: a separate test file is scored with settings tuned on val.csv', async () => {
  const dir = tempDir();
  writeTiktokDir(dir);
  const testFile = join(dir, 'test.csv');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(testFile, 'user,item\n0,39\n1,38\n');
  const result = await evaluateTiktok({ dataDir: dir, testFile, easeLambdas: [10], seed: 1, leakProbe: true });
  assert.equal(result.heldOutFile, testFile);
  // The leak probe ranks ids above a person's largest training id first (by popularity); 38 and 39 are among them.
  assert.equal(result.leakProbe!['recall@50'], 1);
  assert.match((tiktokJson(result)['leakProbe'] as { note: string }).note, /^not a model/);
  assert.equal(tiktokJson({ ...result, leakProbe: undefined } as typeof result)['leakProbe'], undefined);
  assert.equal(result.users, 2);
  // Items 38 and 39 belong to the last block, which persons 0 and 1 never engaged with.
  assert.equal(result.models['ease']!.metrics['recall@10'], 0);
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
    assert.ok(residue.models['engine']!.metrics['ndcg@10']! > 0.999);
    assert.ok(residue.models['random']!.metrics['ndcg@10']! < 0.95);
    // AUC over all rows also needs the person's scale, which only the engine models.
    assert.ok(residue.models['engine']!.metrics['auc']! > residue.models['video mean']!.metrics['auc']!);
  }
  const json = kuaiRecJson(result);
  assert.deepEqual(json['residues'], [0, 3]);
  assert.equal(json['rows'], result.residues[0]!.rows + result.residues[1]!.rows);
  for (const key of ['ndcg@10', 'auc', 'rows']) assert.equal(typeof json[key], 'number', key);
  assert.deepEqual(Object.keys(json['models'] as object), ['engine', 'random', 'popular', 'video mean', 'ease']);
});

test('ml100k: RecBole split sizes are floor(10%) per person for validation and test', () => {
  const events = [...Array.from({ length: 25 }, () => ({ user: 0 })), ...Array.from({ length: 9 }, () => ({ user: 1 }))];
  const { train, valid, test: held } = recBoleRandomSplit(events, 2, 7);
  const count = (rows: { user: number }[], user: number) => rows.filter((e) => e.user === user).length;
  assert.deepEqual([count(train, 0), count(valid, 0), count(held, 0)], [21, 2, 2]);
  assert.deepEqual([count(train, 1), count(valid, 1), count(held, 1)], [9, 0, 0]);
});

test('ml100k: both splits on two taste groups; the online learners replay the time-ordered events with a curve', async () => {
  const dir = tempDir();
  const { rows } = writeMovieLensDir(dir);
  const result = await evaluateMl100k({ dataDir: dir, variants: ['random', 'time'], easeLambdas: [1], seed: 1 });
  assert.equal(result.rows, rows);
  assert.equal(result.random!.users, 24);
  assert.equal(result.random!.trainRows, 24 * 8);
  // A person's held-out movie is one of the 5 unrated movies of their own group's 15: within the top 10 for a
  // model that learns the groups, which most-popular cannot tell apart.
  assert.equal(result.random!.models['engine']!.metrics['hit@10'], 1);
  const time = result.time!;
  assert.equal(time.trainRows, Math.floor(rows * 0.9));
  assert.ok(time.users > 0);
  assert.ok(time.curve.length > 0 && time.curve.every((p, k) => k === 0 || p.events > time.curve[k - 1]!.events));
  const online = time.models['online learners']!.metrics;
  assert.ok(online['recall@10']! >= 0 && online['recall@10']! <= 1);
  const json = ml100kJson(result) as { random: Record<string, unknown>; time: Record<string, unknown> };
  for (const part of [json.random, json.time]) for (const key of ['recall@10', 'ndcg@10', 'hit@10', 'users']) assert.equal(typeof part[key], 'number', key);
});
