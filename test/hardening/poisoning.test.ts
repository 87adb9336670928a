/** No input can make the learners hold a non-finite number: refused at the door, and dropped if it gets in another way. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { droppedUpdates } from '../../src/learn/online/finite.ts';
import { startServer } from '../../src/server/start.ts';
import { answer, byId, clientFor, reply, sendEvents } from '../support/client.ts';
import { apiKey, event, tempDir, videos } from '../support/fixtures.ts';

const DIM = 4;
const reports: string[] = [];
droppedUpdates.report = (message) => reports.push(message);

const withEmbedding = (i: number) => ({ ...videos(12)[i]!, embedding: [0.1 * (i + 1), 0.2, -0.3, 0.4] });

test('an embedding value float32 cannot hold is refused at the door, naming the field', async () => {
  const dataDir = tempDir();
  const key = apiKey(dataDir, 'admin');
  const server = await startServer({ dataDir, port: 0, embeddingDim: DIM });
  try {
    const res = await reply(
      clientFor(server, key).POST('/v1/videos', { body: { videos: [{ ...withEmbedding(0), embedding: [1e39, 0, 0, 0] }, withEmbedding(1)] } }),
    );
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.json.results.map((r: { status: string; field?: string }) => [r.status, r.field]),
      [
        ['rejected', 'embedding'],
        ['stored', undefined],
      ],
    );
  } finally {
    await server.close();
  }
});

test('a stored embedding that is not finite as float32 poisons no one after a restart: dropped, counted and reported once', async () => {
  const dataDir = tempDir();
  const key = apiKey(dataDir, 'admin');
  let server = await startServer({ dataDir, port: 0, embeddingDim: DIM });
  const catalog = Array.from({ length: 12 }, (_, i) => withEmbedding(i));
  await answer(clientFor(server, key).POST('/v1/videos', { body: { videos: catalog } }));
  // As a data directory written before the check holds it: the store keeps float32, so 1e39 is an infinity there.
  await server.moteur.store.upsertVideos([{ ...server.moteur.getVideo('v0'), embedding: [1e39, 1, 1, 1] }]);
  await server.close();
  const before = droppedUpdates.bySource().get('video embedding') ?? 0;
  server = await startServer({ dataDir, port: 0, embeddingDim: DIM });
  try {
    const events = [
      event('poisoner', 'v0', 'like'),
      ...Array.from({ length: 30 }, (_, i) => event(`p${i % 5}`, `v${1 + (i % 11)}`, i % 2 ? 'like' : 'play', { watchMs: 9000 })),
    ];
    events.push(...Array.from({ length: 10 }, (_, i) => event(`p${i % 5}`, 'v0', 'like')));
    const admin = clientFor(server, key);
    const ingest = await sendEvents(admin, events);
    assert.equal(ingest.stored, events.length);
    for (const person of ['p0', 'p1', 'p2', 'poisoner']) {
      const feed = (await answer(admin.GET('/v1/users/{id}/feed', byId(person, { n: 10, explain: '1' as const })))) as { items: { score: unknown }[] };
      assert.ok(feed.items.length > 0);
      for (const item of feed.items) assert.ok(Number.isFinite(item.score), `${person}: score ${String(item.score)}`);
      const exported = (await answer(admin.GET('/v1/users/{id}/export', byId(person)))) as { learned: unknown };
      // JSON writes NaN and infinities as null: a number array holding one is a poisoned vector.
      assert.doesNotMatch(JSON.stringify(exported.learned), /[[,]null[\],]/, `${person}'s learned state`);
    }
    assert.ok((droppedUpdates.bySource().get('video embedding') ?? 0) > before);
    const metrics = await answer(admin.GET('/metrics', { parseAs: 'text' }));
    assert.match(metrics, /moteur_learning_dropped_updates\{source="video embedding"\} [1-9]/);
    assert.equal(reports.filter((r) => r.includes('(video embedding;')).length, 1, 'reported once');
  } finally {
    await server.close();
  }
});
