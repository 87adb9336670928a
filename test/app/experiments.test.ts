import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CONFIG, type Experiment } from '../../src/app/config.ts';
import { assign, variantOf } from '../../src/app/experiments.ts';
import { Moteur } from '../../src/app/moteur.ts';
import { event, tempDir, videos } from '../support/fixtures.ts';

const experiment: Experiment = {
  name: 'weights',
  variants: [
    { name: 'control', feed: {} },
    { name: 'likes-only', feed: { scoreWeights: { watch: 0, like: 5, share: 0, comment: 0, follow: 0, skip: 0 } } },
    { name: 'no-explore', feed: { exploreShare: 0 } },
  ],
};

test('a person is in the same variant every time, variants split people about evenly, and each experiment splits on its own', () => {
  const people = Array.from({ length: 3000 }, (_, i) => `person-${i}`);
  const counts = new Map<string, number>();
  for (const id of people) {
    assert.equal(variantOf(experiment, id).name, variantOf(experiment, id).name);
    counts.set(variantOf(experiment, id).name, (counts.get(variantOf(experiment, id).name) ?? 0) + 1);
  }
  for (const [name, n] of counts) assert.ok(Math.abs(n - 1000) < 120, `${name}: ${n} of 3000`);
  const other = { ...experiment, name: 'another' };
  const same = people.filter((id) => variantOf(other, id).name === variantOf(experiment, id).name).length;
  assert.ok(Math.abs(same - 1000) < 120, `${same} of 3000 share their variant across two experiments: the splits are independent`);
  const { assignment, feed } = assign([experiment], DEFAULT_CONFIG.feed, people.find((id) => variantOf(experiment, id).name === 'no-explore')!);
  assert.deepEqual(assignment, { weights: 'no-explore' });
  assert.equal(feed.exploreShare, 0);
  assert.equal(feed.diversity, DEFAULT_CONFIG.feed.diversity);
});

test("a variant's score weights are the ones its people are scored and explained with", async () => {
  const moteur = await Moteur.open({ dataDir: tempDir(), experiments: [experiment] });
  try {
    await moteur.upsertVideos(videos(30));
    await moteur.ingest([event('someone', 'v1', 'like'), event('someone', 'v2', 'play', { watchMs: 9000 })]);
    const person = Array.from({ length: 100 }, (_, i) => `p${i}`).find((id) => variantOf(experiment, id).name === 'likes-only')!;
    const feed = await moteur.feed(person, { n: 3, explain: true });
    assert.deepEqual(feed.experiments, { weights: 'likes-only' });
    for (const item of feed.items) assert.deepEqual(item.explain?.experiments, { weights: 'likes-only' });
    const explained = feed.items.filter((i) => i.explain?.weights !== undefined);
    assert.ok(explained.length > 0);
    for (const item of explained) assert.deepEqual([item.explain!.weights!.like, item.explain!.weights!.watch], [5, 0]);
    const control = Array.from({ length: 100 }, (_, i) => `q${i}`).find((id) => variantOf(experiment, id).name === 'control')!;
    const controlFeed = await moteur.feed(control, { n: 3, explain: true });
    assert.ok(controlFeed.items.some((i) => i.explain?.weights?.like === DEFAULT_CONFIG.feed.scoreWeights.like));
    assert.equal(moteur.experimentsOf(control)?.weights, 'control');
  } finally {
    await moteur.close();
  }
});
