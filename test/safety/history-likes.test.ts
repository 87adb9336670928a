/**
 * The like discount judges imported history at its own time, and nothing else: a Gorse migration's old feedback
 * (through a key that may import) counts in full and links co-engaged videos, while old timestamps from an app key
 * buy an account neither age nor a spread-out burst (docs/safety.md, Signal integrity).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer, type RunningServer } from '../../src/server/start.ts';
import { answer, byId, clientFor, reply, sendEvents } from '../support/client.ts';
import { apiKey, tempDir, TEST_REGIONS } from '../support/fixtures.ts';
import { videoCounters } from '../support/video-counters.ts';

const dataDir = tempDir();
const appKey = apiKey(dataDir, 'app');
const adminKey = apiKey(dataDir, 'admin');
let server: RunningServer;
const MINUTE = 60_000;
const DAY = 86_400_000;
/** When the imported history happened: a month before the test. */
const MONTH_AGO = Date.now() - 30 * DAY;

const app = () => clientFor(server, appKey);

/** Each video's like counter as the learners hold it, to the nearest quarter (the likes' times apart decay it a little). */
async function likes(): Promise<Map<string, number>> {
  await server.moteur.learning.settled();
  return new Map([...videoCounters(server.moteur.learning.learners, MONTH_AGO, ['likes'])].map(([id, [count]]) => [id, Math.round(count! * 4) / 4]));
}

async function gorse(key: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const init: RequestInit = { method, headers: { 'x-api-key': key, 'content-type': 'application/json' } };
  if (body !== undefined) init.body = JSON.stringify(body);
  const res = await fetch(server.url + path, init);
  return { status: res.status, json: await res.json() };
}

/** Whether `/v1/videos/:id/similar` finds `other` through co-engagement. */
async function coEngaged(videoId: string, other: string): Promise<boolean> {
  const { items } = await answer(app().GET('/v1/videos/{id}/similar', byId(videoId, { n: 20 })));
  return items.some((item) => item.videoId === other && item.reasons.some((r) => r.startsWith('people who enjoyed this video')));
}

/**
 * A Gorse migration through `key`: 8 people first (created now, in moteur), then their likes of `a` and `b` a month
 * ago, a minute apart. Answers the two videos' like counters, and whether the likes linked them.
 */
async function migrate(key: string, people: string, [a, b]: [string, string]): Promise<{ likes: number[]; linked: boolean }> {
  const fans = Array.from({ length: 8 }, (_, i) => `${people}${i}`);
  assert.equal(
    (
      await gorse(
        key,
        'POST',
        '/api/users',
        fans.map((UserId) => ({ UserId })),
      )
    ).status,
    200,
  );
  const feedback = fans.flatMap((UserId, f) =>
    [a, b].map((ItemId, k) => ({ FeedbackType: 'like', UserId, ItemId, Timestamp: new Date(MONTH_AGO + (f * 10 + k) * MINUTE).toISOString() })),
  );
  const res = await gorse(key, 'POST', '/api/feedback', feedback);
  assert.equal(res.status, 200, JSON.stringify(res.json));
  const counted = await likes();
  return { likes: [counted.get(a)!, counted.get(b)!], linked: await coEngaged(a, b) };
}

before(async () => {
  server = await startServer({ dataDir, port: 0, regions: TEST_REGIONS });
  const items = Array.from({ length: 12 }, (_, i) => ({ ItemId: `h${i}`, Timestamp: new Date(MONTH_AGO - DAY).toISOString() }));
  assert.equal((await gorse(adminKey, 'POST', '/api/items', items)).status, 200);
});
after(() => server.close());

test('a Gorse import of old feedback, through a key that may import, counts every like in full and links the videos liked together', async () => {
  const { likes, linked } = await migrate(adminKey, 'migrated', ['h0', 'h1']);
  assert.deepEqual(likes, [8, 8], 'the imported likes were discounted');
  assert.ok(linked, 'the imported likes linked no co-engagement');
});

test('the same history through an app key, which may not import, is judged at its arrival: accounts made now, likes discounted, nothing linked', async () => {
  await server.moteur.counts();
  const from = await server.moteur.ledger.size();
  const { likes, linked } = await migrate(appKey, 'replayed', ['h2', 'h3']);
  assert.deepEqual(likes, [2, 2], 'likes claiming to predate a new account counted in full');
  assert.ok(!linked, 'discounted likes linked co-engagement');
  await server.moteur.counts();
  const asked = (await server.moteur.ledger.entries(from, await server.moteur.ledger.size())).map((e) => e.entry).filter((e) => e.action === 'importData');
  assert.deepEqual(
    asked.map((e) => [e.principal, e.purpose, e.decision]),
    [['test-app', 'ingest history', 'deny']],
    'the question whether the key may import history is recorded once per batch',
  );
});

test('old timestamps from an app key buy no age: a never-seen account whose first like claims last month is still new', async () => {
  const sent = await sendEvents(app(), [
    { id: 'sneak-1', userId: 'sneak', videoId: 'h4', type: 'like', ts: MONTH_AGO },
    { id: 'sneak-2', userId: 'sneak', videoId: 'h5', type: 'like', ts: MONTH_AGO + 2 * 3_600_000 },
  ]);
  assert.equal(sent.stored, 2);
  const counted = await likes();
  assert.deepEqual([counted.get('h4'), counted.get('h5')], [0.25, 0.25]);
});

test('old timestamps from an app key spread no burst: an established account liking eight videos at once is past its fifth discounted', async () => {
  const created = await reply(app().PUT('/v1/users/{id}', { ...byId('clicker'), body: { createdAt: new Date(Date.now() - 60 * DAY).toISOString() } }));
  assert.equal(created.status, 200);
  // One like an hour apart in the past, as far as the timestamps go; all sent in one batch.
  const burst = [4, 5, 6, 7, 8, 9, 10, 11].map((i) => ({
    id: `click-${i}`,
    userId: 'clicker',
    videoId: `h${i}`,
    type: 'like' as const,
    ts: MONTH_AGO + i * 3_600_000,
  }));
  assert.equal((await sendEvents(app(), burst)).stored, 8);
  const counted = await likes();
  // h4 and h5 also hold the 0.25 of the never-seen account above.
  assert.deepEqual(
    [4, 5, 6, 7, 8, 9, 10, 11].map((i) => counted.get(`h${i}`)),
    [1.25, 1.25, 1, 1, 1, 0.25, 0.25, 0.25],
  );
});
