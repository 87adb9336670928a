/**
 * Kills the server with SIGKILL in the middle of sustained ingest, restarts it on the same directory,
 * and checks that every acknowledged event is there exactly once and the feed state is rebuilt.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { Moteur } from '../../src/app/moteur.ts';
import { startServe } from '../support/cli.ts';
import { answer, byId, clientFor, reply, type EventInput } from '../support/client.ts';
import { apiKey, tempDir, videos } from '../support/fixtures.ts';

let key = '';
const postEvents = (url: string, events: EventInput[]) => answer(clientFor({ url }, key).POST('/v1/events', { body: { events } }));

test('SIGKILL during ingest loses no acknowledged event and stores none twice', { timeout: 60_000 }, async () => {
  const dir = tempDir();
  key = apiKey(dir);
  const first = await startServe(dir);
  assert.equal((await answer(clientFor(first, key).POST('/v1/videos', { body: { videos: videos(100) } }))).stored, 100);
  assert.equal(
    (
      await reply(
        clientFor(first, key).POST('/v1/events', { body: { events: [{ id: 'f1', userId: 'follower', videoId: 'v7', type: 'follow', ts: Date.now() }] } }),
      )
    ).status,
    200,
  );

  const acknowledged = new Set<string>();
  let killed = false;
  let batches = 0;
  const client = async (clientId: number) => {
    for (let b = 0; !killed; b++) {
      const events = Array.from(
        { length: 50 },
        (_, i): EventInput => ({
          id: `c${clientId}-b${b}-e${i}`,
          userId: `user${(b * 50 + i) % 40}`,
          videoId: `v${(clientId * 7 + i) % 100}`,
          type: i % 5 === 0 ? 'like' : 'play',
          ts: Date.now(),
          watchMs: 3000 + i * 10,
        }),
      );
      try {
        const body = await postEvents(first.url, events);
        for (const r of body.results) if (r.status === 'stored' || r.status === 'duplicate') acknowledged.add(r.id!);
        batches++;
      } catch (err) {
        if (!killed) throw err;
        return; // the server died under this request: nothing of it was acknowledged
      }
    }
  };
  const clients = [0, 1, 2].map(client);
  const running = Promise.all(clients);
  while (batches < 30) await Promise.race([running, new Promise((r) => setTimeout(r, 20))]);
  first.child.kill('SIGKILL');
  killed = true;
  await running;
  await first.exited;
  assert.ok(acknowledged.size >= 1000, `only ${acknowledged.size} events acknowledged before the kill`);

  const second = await startServe(dir);
  const feed = (await answer(clientFor(second, key).GET('/v1/users/{id}/feed', byId('follower', { n: 10 })))) as {
    items: { creatorId: string; source: string }[];
  };
  assert.ok(
    feed.items.some((i) => i.creatorId === 'c7' && i.source === 'followed'),
    'the follow was not rebuilt after restart',
  );
  const replay = [...acknowledged].slice(0, 500).map((id): EventInput => ({ id, userId: 'x', videoId: 'v1', type: 'like', ts: Date.now() }));
  const again = await postEvents(second.url, replay);
  assert.equal(again.duplicates, replay.length, 'an acknowledged event was not found after restart');
  second.child.kill('SIGTERM');
  await second.exited;

  const db = new Database(join(dir, 'regions', 'us', 'events.db'), { readonly: true });
  const stored = new Set((db.prepare('SELECT id FROM events').all() as { id: string }[]).map((r) => r.id));
  const total = (db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
  db.close();
  assert.equal(stored.size, total, 'an event id is stored twice');
  for (const id of acknowledged) assert.ok(stored.has(id), `acknowledged event ${id} lost`);

  const rebuilt = await Moteur.open({ dataDir: dir });
  // The killed server never wrote a snapshot, so the learners rebuilt from the whole log: every stored event once.
  assert.equal(rebuilt.learning.learners.eventCount, total, 'the learners were not rebuilt from the log');
  // What the log holds is sealed: the engine's own log opens every stored event.
  assert.equal((await rebuilt.log.readAfter(0, total + 1)).length, total);
  await rebuilt.close();
});
