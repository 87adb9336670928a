import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../../src/core/random.ts';
import { affinity, react } from '../../src/sim/behaviour.ts';
import { generateWorld } from '../../src/sim/world.ts';

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

test('short videos are watched to a larger fraction, loved ones replayed, and poor matches skipped', () => {
  const world = generateWorld({ videos: 50, users: 1, seed: 6 });
  const video = world.videos[0]!;
  const fan = { ...world.users[0]!, interests: world.users[0]!.interests.map(() => 1) };
  const stranger = { ...fan, interests: fan.interests.map(() => 0.01) };
  const meanRatio = (user: typeof fan, durationMs: number) => {
    const random = seededRandom(1);
    const reactions = Array.from({ length: 500 }, () => react(world, user, { ...video, durationMs }, new Set(), random));
    return { ratio: reactions.reduce((s, r) => s + r.watchRatio, 0) / reactions.length, reactions };
  };
  const short = meanRatio(fan, 8_000);
  const long = meanRatio(fan, 120_000);
  assert.ok(short.ratio > long.ratio * 1.3, `short ${short.ratio} vs long ${long.ratio}`);
  assert.ok(
    short.reactions.some((r) => r.watchRatio > 1),
    'no replay of a loved short video',
  );
  assert.ok(short.reactions.some((r) => r.actions.includes('like')));
  const poor = meanRatio(stranger, 30_000).reactions;
  assert.ok(poor.filter((r) => r.actions.includes('skip')).length > 0.8 * poor.length, 'poor matches are mostly skipped');
  assert.ok(poor.some((r) => r.actions.includes('not_interested')));
  assert.ok(!poor.some((r) => r.actions.includes('like') || r.actions.includes('follow')));
});

test('a video in a language the person does not speak is enjoyed less', () => {
  const world = generateWorld({ videos: 200, users: 20, seed: 8 });
  const user = world.users.find((u) => u.language === 'en')!;
  const favourite = user.interests.indexOf(Math.max(...user.interests));
  const video = world.videos.find((v) => v.topic === favourite)!;
  const inEnglish = affinity(world, user, { ...video, language: 'en' }, new Set());
  const inFrench = affinity(world, user, { ...video, language: 'fr' }, new Set());
  assert.ok(inFrench < 0.7 * inEnglish, `in English ${inEnglish}, in French ${inFrench}`);
});
