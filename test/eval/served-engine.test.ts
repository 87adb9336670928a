/**
 * The evaluation must catch what would make its figures untrue: a baseline turned upside down, a model that saw
 * the rows it is graded on, and a served engine that ignores the person. Each is built here and shown to fail.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { popularityScorer, randomScorer } from '../../src/eval/baselines.ts';
import { evaluateFullRanking } from '../../src/eval/full-ranking.ts';
import { evaluatedUsers, runImplicitBenchmark } from '../../src/eval/implicit-benchmark.ts';
import { popularFamily } from '../../src/eval/implicit-models.ts';
import { PeopleBootstrap } from '../../src/eval/metrics/bootstrap.ts';
import { evaluateTiktok } from '../../src/eval/protocols/tiktok.ts';
import { readTiktokSplit } from '../../src/eval/readers/tiktok.ts';
import { measureServedEngine } from '../../src/eval/served/served-ranking.ts';
import { implicitInteractions, itemPopularity } from '../../src/learn/batch/interactions.ts';
import { tempDir } from '../support/fixtures.ts';
import { writeTiktokDir } from './data.ts';

async function split() {
  const dir = tempDir();
  writeTiktokDir(dir);
  const data = await readTiktokSplit(dir, join(dir, 'val.csv'));
  const train = implicitInteractions(data.train.users, data.train.items, data.userCount, data.itemCount);
  const users = evaluatedUsers(train, data.heldOut.users, data.heldOut.items);
  const context = { itemCount: data.itemCount, userCount: data.userCount, popularity: itemPopularity(train), similarity: () => 0 };
  return { dir, data, train, users, context };
}

test('a reversed popularity baseline ranks below random, so the check that most popular beats random catches it', async () => {
  const { train, users, context } = await split();
  const popular = evaluateFullRanking(popularityScorer(train), users, context).metrics['recall@20']!;
  const random = evaluateFullRanking(randomScorer(1), users, context).metrics['recall@20']!;
  const reversedScorer = {
    scoreUser: (user: number, out: Float64Array) => (popularityScorer(train).scoreUser(user, out), out.forEach((x, i) => (out[i] = -x))),
  };
  const reversed = evaluateFullRanking(reversedScorer, users, context).metrics['recall@20']!;
  assert.ok(popular > random && reversed < random, `popular ${popular}, random ${random}, reversed ${reversed}`);
});

test('a model fitted on rows that hold someone’s held-out item is refused, and so is a replay of a held-out row', async () => {
  const { data, train, users, context } = await split();
  const leaked = implicitInteractions(
    [...data.train.users, ...data.heldOut.users],
    [...data.train.items, ...data.heldOut.items],
    data.userCount,
    data.itemCount,
  );
  assert.throws(
    () => runImplicitBenchmark({ train, refit: leaked, validation: users, reported: users, features: [], families: [popularFamily] }),
    /held-out row \(person \d+, item \d+\) is among the refitting rows/,
  );
  const person = users[0]!;
  const heldOutItem = [...person.heldOut.keys()][0]!;
  await assert.rejects(
    measureServedEngine({
      videos: [{ id: `v${heldOutItem}`, creatorId: 'c', durationMs: 15000 }],
      events: [{ id: 'leak', userId: `u${person.user}`, videoId: `v${heldOutItem}`, type: 'play', watchMs: 15000, ts: 0 }],
      people: [`u${person.user}`],
      users: [person],
      itemOf: (id) => Number(id.slice(1)),
      pageSize: 20,
      context,
    }),
    /replays a held-out row/,
  );
});

test('a served engine that ignores the person does no better than most popular; the engine as served does', async () => {
  const dir = tempDir();
  writeTiktokDir(dir);
  const variants = [
    { name: 'engine', config: {} },
    { name: 'ignores the person', config: { feed: { policy: 'popular' as const } } },
  ];
  const result = await evaluateTiktok({ dataDir: dir, easeLambdas: [10], seed: 1, servedVariants: variants });
  const recall = (name: string) => result.models[name]!.metrics['recall@20']!;
  assert.ok(recall('ignores the person') <= recall('popular') + 0.05, `${recall('ignores the person')} against popular ${recall('popular')}`);
  assert.ok(recall('engine') > recall('popular') + 0.05, `${recall('engine')} against popular ${recall('popular')}`);
  // The paired interval says the difference is real.
  assert.ok(result.models['ignores the person']!.vsEngine!['recall@20']!.high < 0);
});

test('bootstrap intervals: a figure lies in its interval, identical rankers differ by exactly 0, and more people narrow it', () => {
  const values = Float64Array.from({ length: 400 }, (_, k) => (k % 10 === 0 ? 1 : 0));
  const few = new PeopleBootstrap(40, 3).mean(values.subarray(0, 40));
  const many = new PeopleBootstrap(400, 3).mean(values);
  assert.ok(many.low <= 0.1 && 0.1 <= many.high);
  assert.ok(many.high - many.low < few.high - few.low);
  assert.deepEqual(new PeopleBootstrap(400, 3).difference(values, values), { value: 0, low: 0, high: 0 });
  assert.throws(() => new PeopleBootstrap(400, 3).difference(values, values.subarray(0, 10)), /same people/);
});
