import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Moteur } from '../../src/app/moteur.ts';
import { event, tempDir } from '../support/fixtures.ts';

const DIM = 8;
const axis = (i: number) => Array.from({ length: DIM }, (_, d) => (d === i ? 1 : 0.05));

/** 4 topics x 40 videos; a topic's videos share a hashtag and an embedding direction; creators and sounds vary. */
async function topicalEngine(): Promise<Moteur> {
  const moteur = await Moteur.open({ dataDir: tempDir(), embeddingDim: DIM });
  const videos = Array.from({ length: 160 }, (_, i) => ({
    id: `v${i}`,
    creatorId: `c${i % 37}`,
    durationMs: 20_000,
    soundId: `s${i % 23}`,
    hashtags: [`topic${i % 4}`],
    embedding: axis(i % 4),
  }));
  await moteur.upsertVideos(videos);
  return moteur;
}

const topicOf = (id: string) => Number(id.slice(1)) % 4;

test('a person who watches one topic gets that topic, with the reasons and signals behind it', async () => {
  const moteur = await topicalEngine();
  const watched = ['v0', 'v4', 'v8', 'v12', 'v16', 'v20'];
  await moteur.ingest(watched.flatMap((v) => [event('fan', v, 'play', { watchMs: 20_000 }), event('fan', v, 'like')]));
  const { items } = await moteur.feed('fan', { n: 10, explain: true });
  const onTopic = items.filter((i) => topicOf(i.videoId) === 0).length;
  assert.ok(onTopic >= 6, `only ${onTopic} of 10 on the watched topic: ${items.map((i) => i.videoId).join(' ')}`);
  const similar = items.find((i) => i.source === 'similar' || i.source === 'affinity');
  assert.ok(similar, 'no personal source in the feed');
  assert.ok(similar.reasons[0]!.length > 0);
  assert.ok((similar.signals?.similarity ?? 0) > 0.5, JSON.stringify(similar.signals));
  await moteur.close();
});

test('not_interested lowers what the video shares with others: its hashtag and its look', async () => {
  const moteur = await topicalEngine();
  await moteur.ingest([event('picky', 'v1', 'play', { watchMs: 20_000 }), event('picky', 'v2', 'play', { watchMs: 20_000 })]);
  const before = (await moteur.feed('picky', { n: 20, explain: true })).items;
  await moteur.ingest([event('picky', 'v5', 'not_interested')]);
  const after = (await moteur.feed('picky', { n: 20, explain: true })).items;
  const share = (items: typeof before) => items.filter((i) => topicOf(i.videoId) === 1).length / items.length;
  assert.ok(share(after) < share(before), `topic 1 share went from ${share(before)} to ${share(after)}`);
  await moteur.close();
});

test('personalized: false builds the feed without any personal signal', async () => {
  const moteur = await topicalEngine();
  await moteur.ingest(['v0', 'v4', 'v8'].flatMap((v) => [event('private', v, 'play', { watchMs: 20_000 }), event('private', v, 'follow')]));
  await moteur.putUser('private', { settings: { personalized: false } });
  const { items } = await moteur.feed('private', { n: 10, explain: true });
  assert.equal(items.length, 10);
  for (const item of items) {
    assert.ok(['trending', 'fresh', 'catalog'].includes(item.source), `personal source ${item.source} used`);
    assert.deepEqual(Object.keys(item.signals ?? {}).filter((k) => k !== 'trending' && k !== 'served'), [], JSON.stringify(item.signals));
  }
  await moteur.close();
});
