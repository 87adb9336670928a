import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { popularityScorer } from '../../src/eval/baselines.ts';
import { evaluateFullRanking } from '../../src/eval/full-ranking.ts';
import { evaluateMl100k, ml100kJson, ml100kLeaveLastOut, ml100kReplayEvents, readMl100k } from '../../src/eval/protocols/ml100k.ts';
import { itemPopularity, itemsOf, type ImplicitInteractions } from '../../src/learn/batch/interactions.ts';
import { tempDir } from '../support/fixtures.ts';
import { writeMovieLensDir } from './data.ts';

/** Two taste groups of 20 people, 20 movies each, 6 ratings a person drawn by a steep popularity (see data.ts). */
const GROUP = { users: 20, movies: 20, ratings: 6, skew: 1.5 };
const T = 890_000_000;
/**
 * Edge cases after the generated rows: person 900 rates movies 12 and 9 at the same second (12 first in the file);
 * 901 rates one movie; 902 two (movie 4 after movie 2); 903 rates movie 7 twice, the second time last.
 */
const EXTRA_ROWS = [
  `900\t3\t4\t${T}`,
  `900\t12\t5\t${T + 100}`,
  `900\t9\t3\t${T + 100}`,
  `901\t1\t4\t${T}`,
  `902\t4\t2\t${T + 50}`,
  `902\t2\t5\t${T}`,
  `903\t7\t5\t${T}`,
  `903\t8\t4\t${T + 10}`,
  `903\t5\t4\t${T + 20}`,
  `903\t7\t3\t${T + 30}`,
];

function writeData(): { dir: string; rows: number } {
  const dir = tempDir();
  const { rows } = writeMovieLensDir(dir, GROUP.users, GROUP.movies, GROUP.ratings, { skew: GROUP.skew, extraRows: EXTRA_ROWS });
  return { dir, rows };
}

/** The rating lines of the file as MovieLens ids, read here without the protocol's reader. */
function fileRows(dir: string): Array<{ user: string; item: string; ts: number; line: number }> {
  return readFileSync(join(dir, 'ml-100k.inter'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((text, line) => {
      const [user, item, , ts] = text.split('\t');
      return { user: user!, item: item!, ts: Number(ts), line };
    });
}

const pairsOf = (data: ImplicitInteractions, userTokens: string[], itemTokens: string[]) => {
  const pairs = new Set<string>();
  for (let u = 0; u < data.userCount; u++) for (const i of itemsOf(data, u)) pairs.add(`${userTokens[u]}/${itemTokens[i]}`);
  return pairs;
};

test('ml100k last: each person’s last rating by time is held out (ties: larger item id), people with one movie are not evaluated', async () => {
  const { dir, rows } = writeData();
  const data = await readMl100k(dir);
  const split = ml100kLeaveLastOut(data.events, data.userCount, data.itemCount, data.itemTokens);
  const heldOut = new Map(split.reported.map((u) => [data.userTokens[u.user]!, [...u.heldOut.keys()].map((i) => data.itemTokens[i]!)]));
  const validation = new Map(split.validation.map((u) => [data.userTokens[u.user]!, [...u.heldOut.keys()].map((i) => data.itemTokens[i]!)]));

  // The generated people: their last rating in the file is their latest (timestamps only grow).
  const lines = fileRows(dir);
  for (let user = 1; user <= 2 * GROUP.users; user++) {
    const own = lines.filter((r) => r.user === String(user));
    assert.deepEqual(heldOut.get(String(user)), [own[own.length - 1]!.item], `person ${user}`);
    assert.deepEqual(validation.get(String(user)), [own[own.length - 2]!.item], `person ${user}`);
  }
  // Same second: 12 and 9; the larger id (as a number, not as text, and not the later line) is last.
  assert.deepEqual(heldOut.get('900'), ['12']);
  assert.deepEqual(validation.get('900'), ['9']);
  // One rating: nothing would be left to learn from; not evaluated, the rating stays in training.
  assert.equal(heldOut.has('901'), false);
  assert.equal(validation.has('901'), false);
  assert.ok(split.trainRows.some((k) => lines[k]!.user === '901'));
  // Two ratings: the later one (by time, not by line) is held out; no validation item, so tuning keeps the other.
  assert.deepEqual(heldOut.get('902'), ['4']);
  assert.equal(validation.has('902'), false);
  // A movie rated twice, the second time last: both of its ratings leave training.
  assert.deepEqual(heldOut.get('903'), ['7']);
  assert.deepEqual(validation.get('903'), ['5']);

  const evaluated = 2 * GROUP.users + 3;
  assert.equal(split.reported.length, evaluated);
  assert.equal(split.testRows.length, evaluated + 1);
  assert.equal(split.trainRows.length + split.testRows.length, rows);
  for (const u of split.reported) assert.equal(u.heldOut.size, 1);
  // Training rows are replayed in time order, equal times in file order.
  assert.ok(
    split.trainRows.every(
      (k, j) =>
        j === 0 || lines[k]!.ts > lines[split.trainRows[j - 1]!]!.ts || (lines[k]!.ts === lines[split.trainRows[j - 1]!]!.ts && k > split.trainRows[j - 1]!),
    ),
  );
});

test('ml100k last: no held-out rating reaches the served replay or the baselines’ training data', async () => {
  const { dir } = writeData();
  const data = await readMl100k(dir);
  const split = ml100kLeaveLastOut(data.events, data.userCount, data.itemCount, data.itemTokens);
  const heldOut = split.testRows.map((k) => `${data.userTokens[data.events[k]!.user]}/${data.itemTokens[data.events[k]!.item]}`);
  const validation = split.validRows.map((k) => `${data.userTokens[data.events[k]!.user]}/${data.itemTokens[data.events[k]!.item]}`);
  const replayedPairs = (rows: number[]) =>
    new Set(ml100kReplayEvents(data.events, rows, data.userTokens, data.itemTokens).map((e) => `${e.userId.slice(2)}/${e.videoId.slice(1)}`));
  const leaked = (pairs: Set<string>, held: string[]) => held.filter((p) => pairs.has(p));

  // The check can fail: replaying every rating puts every held-out pair among the events.
  assert.equal(leaked(replayedPairs(data.events.map((_, k) => k)), heldOut).length, heldOut.length);
  assert.deepEqual(leaked(replayedPairs(split.trainRows), heldOut), []);
  assert.deepEqual(leaked(pairsOf(split.train, data.userTokens, data.itemTokens), heldOut), []);
  assert.deepEqual(leaked(pairsOf(split.tuning, data.userTokens, data.itemTokens), [...heldOut, ...validation]), []);
  // The validation items are training rows (for the refit and the engine), only out of the tuning data.
  assert.equal(leaked(pairsOf(split.train, data.userTokens, data.itemTokens), validation).length, validation.length);

  // Through the whole protocol: the replay held the training ratings only (one play each, a like from 4 up), and every
  // held-out movie could be ranked by every baseline (one left in training would be excluded: rank Infinity).
  const result = await evaluateMl100k({ dataDir: dir, variants: ['last'], easeLambdas: [1], seed: 1 });
  const likes = split.trainRows.filter((k) => data.events[k]!.rating >= 4).length;
  assert.equal(result.last!.served.events, split.trainRows.length + likes);
  for (const [name, model] of Object.entries(result.last!.models)) {
    if (name.startsWith('engine')) continue;
    assert.ok(model.perUser.bestRank.every(Number.isFinite), name);
  }
});

test('ml100k last: the engine rows are the served engine, next to the baselines, each with intervals', async () => {
  const { dir } = writeData();
  const result = await evaluateMl100k({ dataDir: dir, variants: ['last'], easeLambdas: [1, 10], seed: 1 });
  const last = result.last!;
  assert.equal(result.random, undefined);
  assert.equal(result.time, undefined);
  assert.equal(last.users, 2 * GROUP.users + 3);
  const names = Object.keys(last.models);
  assert.deepEqual(names.slice(0, 2), ['engine', 'engine (no exploration)']);
  for (const name of ['popular', 'ease', 'random']) assert.ok(names.includes(name), name);
  assert.equal(last.served.servedPath, true);
  assert.equal(last.served.replaySeconds.length, 2);
  assert.match(last.served.replay!['events']!, /"id":"r<k>","userId":"mu<user_id>","videoId":"m<item_id>","type":"play","watchMs":60000/);

  const engine = last.models['engine']!;
  // A feed page of 20: nothing at 50, unlike the full rankings of the baselines.
  assert.equal(engine.metrics['recall@50'], undefined);
  assert.equal(typeof last.models['ease']!.metrics['recall@50'], 'number');
  for (const [name, model] of Object.entries(last.models)) {
    if (name.startsWith('engine')) continue;
    assert.notDeepEqual(model.perUser['ndcg@20'], engine.perUser['ndcg@20'], `${name} has the engine's per-person figures`);
  }
  for (const [name, model] of Object.entries(last.models)) {
    for (const metric of ['recall@10', 'ndcg@10', 'recall@20', 'ndcg@20']) {
      const interval = model.intervals![metric]!;
      assert.ok(Math.abs(interval.value - model.metrics[metric]!) < 1e-12, `${name} ${metric}`);
      assert.ok(interval.low <= interval.value && interval.value <= interval.high, `${name} ${metric}`);
      if (name !== 'engine')
        assert.ok(Math.abs(model.vsEngine![metric]!.value - (model.metrics[metric]! - engine.metrics[metric]!)) < 1e-12, `${name} ${metric}`);
    }
  }
  assert.equal(engine.vsEngine, undefined);

  const json = ml100kJson(result) as { last: Record<string, unknown> };
  assert.equal(json.last['servedPath'], true);
  assert.equal(json.last['model'], 'engine');
  assert.equal(json.last['users'], last.users);
  for (const key of ['recall@10', 'ndcg@10', 'hit@10', 'recall@20', 'ndcg@20']) assert.equal(json.last[key], engine.metrics[key], key);
  assert.deepEqual(Object.keys(json.last['intervals'] as object).sort(), ['ndcg@10', 'ndcg@20', 'recall@10', 'recall@20']);
  const served = json.last['served'] as { configuration: Record<string, unknown>; replay: Record<string, string> };
  assert.ok('feed' in served.configuration && 'learning' in served.configuration);
  assert.deepEqual(Object.keys(served.replay), ['videos', 'events', 'page']);
});

test('ml100k last: on two taste groups with popular movies, reversed popularity ranks below popular', async () => {
  const { dir } = writeData();
  const data = await readMl100k(dir);
  const split = ml100kLeaveLastOut(data.events, data.userCount, data.itemCount, data.itemTokens);
  const popularity = itemPopularity(split.train);
  const context = { itemCount: data.itemCount, userCount: data.userCount, popularity, similarity: () => 0 };
  const reversed = evaluateFullRanking({ scoreUser: (_user, out) => out.forEach((_, i) => (out[i] = -popularity[i]!)) }, split.reported, context).metrics;
  const popular = evaluateFullRanking(popularityScorer(split.train), split.reported, context).metrics;
  for (const metric of ['recall@10', 'ndcg@10', 'recall@20'])
    assert.ok(reversed[metric]! + 0.2 < popular[metric]!, `${metric}: reversed ${reversed[metric]} against popular ${popular[metric]}`);
  // The protocol's own popular row measures the same thing.
  const result = await evaluateMl100k({ dataDir: dir, variants: ['last'], easeLambdas: [1], seed: 1 });
  assert.equal(result.last!.models['popular']!.metrics['recall@10'], popular['recall@10']);
});
