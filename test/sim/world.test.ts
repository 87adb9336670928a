import assert from 'node:assert/strict';
import { test } from 'node:test';
import { catchUpWithCatalog, generateWorld, postVideos, videoForApi } from '../../src/sim/world.ts';

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

test('creators post within their topic mix, and some sounds trend across topics', () => {
  const world = generateWorld({ videos: 3000, users: 10, seed: 2 });
  const creators = [...world.creators.values()];
  for (const c of creators) {
    assert.ok(Math.abs(c.topics.reduce((sum, t) => sum + t.weight, 0) - 1) < 1e-9, `${c.id} weights`);
    assert.ok(c.quality >= 0.2 && c.quality <= 1);
  }
  const mixed = creators.filter((c) => c.topics.length > 1).length / creators.length;
  assert.ok(mixed > 0.15 && mixed < 0.5, `share of creators with two topics: ${mixed}`);
  for (const v of world.videos) {
    assert.ok(
      world.creators.get(v.creatorId)!.topics.some((t) => t.topic === v.topic),
      `${v.id} is off its creator's topics`,
    );
  }
  const topicsBySound = new Map<string, Set<number>>();
  for (const v of world.videos) topicsBySound.set(v.soundId, (topicsBySound.get(v.soundId) ?? new Set()).add(v.topic));
  const crossTopic = [...topicsBySound.values()].filter((topics) => topics.size >= 6).length;
  assert.ok(crossTopic >= 3, `sounds heard in six topics or more: ${crossTopic}`);
});

test('a posted video is the same whenever it is posted, so a world can catch up with a stored catalog', () => {
  const options = { videos: 100, users: 5, seed: 9, now: 1_800_000_000_000 };
  const earlier = generateWorld(options);
  const posted = [...postVideos(earlier, 30, 1_800_000_100_000), ...postVideos(earlier, 20, 1_800_000_200_000)];
  assert.deepEqual(
    posted.map((v) => v.id),
    Array.from({ length: 50 }, (_, i) => `video${100 + i}`),
  );
  assert.equal(earlier.videos.length, 150);
  assert.ok(posted.slice(0, 30).every((v) => v.createdAt === 1_800_000_100_000));

  const later = generateWorld(options);
  catchUpWithCatalog(later, 150, 1_800_000_900_000);
  const withoutDate = ({ createdAt: _createdAt, ...v }: (typeof posted)[number]) => v;
  assert.deepEqual(later.videos.map(withoutDate), earlier.videos.map(withoutDate));
  catchUpWithCatalog(later, 120, 1_800_000_900_000);
  assert.equal(later.videos.length, 150, 'a smaller stored catalog changes nothing');
});

test('people and creators live in several regions and speak their language; most videos are published everywhere', () => {
  const world = generateWorld({ videos: 3000, users: 2000, seed: 4 });
  const share = (items: { region: string }[], region: string) => items.filter((x) => x.region === region).length / items.length;
  assert.ok(share(world.users, 'us') > 0.35 && share(world.users, 'us') < 0.55, `people in us: ${share(world.users, 'us')}`);
  assert.ok(share(world.users, 'fr') > 0.12 && share(world.users, 'fr') < 0.28, `people in fr: ${share(world.users, 'fr')}`);
  assert.ok(
    world.users.every((u) => u.language === (u.region === 'fr' ? 'fr' : u.region === 'br' ? 'pt' : 'en')),
    "a person speaks their region's language",
  );
  for (const v of world.videos) {
    const creator = world.creators.get(v.creatorId)!;
    assert.equal(v.language, creator.language);
    assert.ok(v.region === 'global' || v.region === creator.region, `${v.id} published in ${v.region}`);
  }
  const global = share(world.videos, 'global');
  assert.ok(global > 0.75 && global < 0.85, `videos published everywhere: ${global}`);
});
