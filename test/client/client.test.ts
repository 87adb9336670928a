/** The typed client against a real server: the key, typed answers and errors, and events sent in batches. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createMoteurClient, retryAfterMs, type EventInput } from '../../src/client/index.ts';
import { startServer, type RunningServer } from '../../src/server/start.ts';
import { answer, clientFor, EventBatcher, MoteurApiError, sendEvents } from '../support/client.ts';
import { apiKey, tempDir, TEST_REGIONS, videos } from '../support/fixtures.ts';
import { until } from '../support/until.ts';

const dataDir = tempDir();
const key = apiKey(dataDir, 'app');
let server: RunningServer;

const plays = (userId: string, count: number, prefix: string): EventInput[] =>
  Array.from({ length: count }, (_, i) => ({ id: `${prefix}-${i}`, userId, videoId: `v${i % 20}`, type: 'play', ts: Date.now(), watchMs: 3000 }));

before(async () => {
  server = await startServer({ dataDir, port: 0, regions: TEST_REGIONS });
  assert.equal((await answer(clientFor(server, key).POST('/v1/videos', { body: { videos: videos(20) } }))).stored, 20);
});
after(() => server.close());

test('calls carry the key; answers are typed, and any other status is a MoteurApiError with the code and field', async () => {
  const moteur = clientFor(server, key);
  const page = (await answer(moteur.GET('/v1/users/{id}/feed', { params: { path: { id: 'kim' }, query: { n: 3 } } }))) as { items: unknown[] };
  assert.equal(page.items.length, 3);
  const missing = await answer(moteur.GET('/v1/videos/{id}', { params: { path: { id: 'nope' } } })).catch((err: unknown) => err);
  assert.ok(missing instanceof MoteurApiError);
  assert.deepEqual([missing.status, missing.code, missing.message], [404, 'not_found', "moteur answered 404 not_found: video 'nope' does not exist"]);
  const badN = await answer(moteur.GET('/v1/users/{id}/feed', { params: { path: { id: 'kim' }, query: { n: 500 } } })).catch((err: unknown) => err);
  assert.ok(badN instanceof MoteurApiError);
  assert.deepEqual([badN.status, badN.field], [400, 'n']);
  const anonymous = createMoteurClient({ baseUrl: server.url });
  const refused = await answer(anonymous.GET('/v1/videos/{id}', { params: { path: { id: 'v1' } } })).catch((err: unknown) => err);
  assert.ok(refused instanceof MoteurApiError);
  assert.equal(refused.code, 'unauthenticated');
});

test('sendEvents splits any number of events into batches the API takes, and adds up the answers in order', async () => {
  const events = plays('lee', 2500, 'many');
  const reply = await sendEvents(clientFor(server, key), [...events, { ...events[0]!, id: 'bad', videoId: 'ghost' }]);
  assert.deepEqual([reply.stored, reply.duplicates, reply.rejected, reply.results.length], [2500, 0, 1, 2501]);
  assert.deepEqual(
    reply.results.slice(0, 2500).map((r) => r.id),
    events.map((e) => e.id),
  );
  assert.equal(reply.results[2500]!.code, 'unknown_video');
  assert.equal((await sendEvents(clientFor(server, key), events.slice(0, 10))).duplicates, 10);
});

test('an EventBatcher sends a full batch at once, the rest on its timer or at flush, in the order queued', async () => {
  const before = await server.moteur.log.count();
  const batcher = new EventBatcher(clientFor(server, key), { maxBatch: 100, maxWaitMs: 50 });
  const events = plays('max', 230, 'queued');
  for (const event of events.slice(0, 205)) await batcher.add(event);
  assert.equal(await server.moteur.log.count(), before + 200, 'two full batches are sent as they fill');
  await until('the timer sends the last five', 5000, async () => ((await server.moteur.log.count()) === before + 205 ? true : undefined));
  await batcher.add(...events.slice(205));
  const last = await batcher.flush();
  assert.deepEqual([last.stored, last.results.map((r) => r.id)], [25, events.slice(205).map((e) => e.id)]);
  const exported = await server.moteur.exportUser('max');
  assert.deepEqual(
    exported.events.map((e) => e.id),
    events.map((e) => e.id),
    'events arrived out of order',
  );
});

test('Retry-After is read as seconds or as an HTTP date', () => {
  assert.equal(retryAfterMs('2'), 2000);
  assert.equal(retryAfterMs('Sun, 06 Dec 2026 10:00:05 GMT', Date.parse('2026-12-06T10:00:00Z')), 5000);
  assert.equal(retryAfterMs(null), undefined);
  assert.equal(retryAfterMs('soon'), undefined);
});
