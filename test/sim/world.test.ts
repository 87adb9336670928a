import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../../src/core/random.ts';
import { affinity, react } from '../../src/sim/behaviour.ts';
import { generateWorld, videoForApi } from '../../src/sim/world.ts';

test('the world is the same for the same seed and differs for another', () => {
  const options = { videos: 200, users: 30, seed: 7, now: 1_800_000_000_000 };
  assert.deepEqual(generateWorld(options), generateWorld(options));
  assert.notDeepEqual(generateWorld(options).videos[0], generateWorld({ ...options, seed: 8 }).videos[0]);
});

test('generated videos are valid catalog entries with unit embeddings and short-video durations', () => {
  const world = generateWorld({ videos: 500, users: 10, seed: 1, embeddingDim: 16 });
  for (const v of world.videos) {
    assert.ok(v.durationMs >= 5_000 && v.durationMs <= 180_000);
    assert.equal(v.embedding.length, 16);
    assert.ok(Math.abs(Math.hypot(...v.embedding) - 1) < 1e-3);
    assert.ok(!('topic' in videoForApi(v)), 'the hidden topic leaked into the catalog');
  }
  const median = world.videos.map((v) => v.durationMs).sort((a, b) => a - b)[250]!;
  assert.ok(median > 10_000 && median < 40_000, `median duration ${median}`);
});

test('people enjoy their favourite topics more, and watch what they enjoy for longer', () => {
  const world = generateWorld({ videos: 2000, users: 50, seed: 3 });
  const random = seededRandom(9);
  let favourite = 0;
  let other = 0;
  let favouriteWatch = 0;
  let otherWatch = 0;
  for (const user of world.users) {
    const best = user.interests.indexOf(Math.max(...user.interests));
    const mine = world.videos.filter((v) => v.topic === best).slice(0, 20);
    const theirs = world.videos.filter((v) => (user.interests[v.topic] ?? 0) < 0.1).slice(0, 20);
    for (const v of mine) {
      favourite += affinity(world, user, v, new Set());
      favouriteWatch += react(world, user, v, new Set(), random).watchRatio;
    }
    for (const v of theirs) {
      other += affinity(world, user, v, new Set());
      otherWatch += react(world, user, v, new Set(), random).watchRatio;
    }
  }
  assert.ok(favourite > 3 * other, `affinity ${favourite} vs ${other}`);
  assert.ok(favouriteWatch > 2 * otherWatch, `watch ${favouriteWatch} vs ${otherWatch}`);
});
