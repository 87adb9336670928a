import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer, type RunningServer } from '../../src/server/start.ts';
import { answer, byId, clientFor, MoteurApiError, reply, sendUnchecked, type MoteurClient } from '../support/client.ts';
import { apiKey, event, tempDir, TEST_REGIONS, videos } from '../support/fixtures.ts';

let server: RunningServer;
// Calls go through the typed client; `unchecked` sends what it cannot: malformed or unknown bodies and queries.
let moteur: MoteurClient;
const unchecked = (method: string, path: string, body?: { json?: unknown; raw?: string }) => sendUnchecked(server, adminKey, method, path, body);

// Made at load time: a directory made inside `before` would be removed when that hook ends.
const dataDir = tempDir();
// An admin may do everything, so these tests are about the API itself; test/server/access-control.test.ts is about roles.
const adminKey = apiKey(dataDir, 'admin');

before(async () => {
  server = await startServer({ dataDir, port: 0, bodyLimit: 256 * 1024, regions: TEST_REGIONS });
  moteur = clientFor(server, adminKey);
  assert.equal((await answer(moteur.POST('/v1/videos', { body: { videos: videos(30) } }))).stored, 30);
});
after(() => server.close());

test('health, OpenAPI and Prometheus metrics are served', async () => {
  const health = (await answer(moteur.GET('/health'))) as any;
  assert.equal(health.status, 'ok');
  assert.equal(health.videos, 30);
  assert.equal(health.learning.pendingEvents, 0);
  assert.equal(typeof health.learning.settled, 'boolean');
  const openapi = (await unchecked('GET', '/openapi.json')).json;
  assert.equal(openapi.openapi, '3.0.3');
  for (const path of ['/v1/videos', '/v1/events', '/v1/users/{id}/feed', '/v1/users/{id}']) assert.ok(openapi.paths[path], `${path} undocumented`);
  await answer(moteur.GET('/v1/users/{id}/feed', byId('m1')));
  const metrics = await answer(moteur.GET('/metrics', { parseAs: 'text' }));
  assert.match(metrics, /moteur_feed_latency_seconds_count 1/);
  assert.match(metrics, /moteur_store_size\{what="videos"\} 30/);
});

test('a batch stores its valid items, rejects the others with reasons, and counts duplicates once', async () => {
  const good = event('h1', 'v1', 'play', { watchMs: 5000 });
  const res = await unchecked('POST', '/v1/events', {
    json: { events: [good, { ...good }, event('h1', 'nope', 'like'), event('h1', 'v2', 'play'), event('h1', 'v2', 'wave'), 42] },
  });
  assert.equal(res.status, 200);
  assert.deepEqual(
    res.json.results.map((r: any) => [r.status, r.code, r.field]),
    [
      ['stored', undefined, undefined],
      ['duplicate', undefined, undefined],
      ['rejected', 'unknown_video', 'videoId'],
      ['rejected', 'invalid_field', 'watchMs'],
      ['rejected', 'invalid_field', 'type'],
      ['rejected', 'invalid_field', 'event'],
    ],
  );
  assert.equal((await answer(moteur.POST('/v1/events', { body: { events: [good] } }))).results[0]!.status, 'duplicate');
  assert.equal(await server.moteur.log.count(), 1, 'a rejected or duplicate item was written');
});

test('bad requests get a 4xx with a code, a message and the field, and write nothing', async () => {
  const before = await server.moteur.log.count();
  const cases: [string, string, unknown, string | undefined, number, string, string | undefined][] = [
    ['malformed JSON', '/v1/events', undefined, '{"events": [', 400, 'invalid_json', 'body'],
    ['missing events', '/v1/events', { evnts: [] }, undefined, 400, 'invalid_field', 'events'],
    ['events not an array', '/v1/events', { events: 'x' }, undefined, 400, 'invalid_field', 'events'],
    [
      'batch over the limit',
      '/v1/events',
      { events: Array.from({ length: 1001 }, () => event('h2', 'v1', 'like')) },
      undefined,
      413,
      'batch_too_large',
      'events',
    ],
    [
      'body over the size limit',
      '/v1/videos',
      { videos: [{ id: 'big', creatorId: 'c', durationMs: 1, caption: 'x'.repeat(300_000) }] },
      undefined,
      413,
      'body_too_large',
      'body',
    ],
  ];
  for (const [name, path, body, raw, status, code, field] of cases) {
    const res = await unchecked('POST', path, raw === undefined ? { json: body } : { raw });
    assert.equal(res.status, status, name);
    assert.equal(res.json.code, code, name);
    assert.equal(res.json.field, field, name);
    assert.equal(typeof res.json.message, 'string', name);
  }
  assert.equal(await server.moteur.log.count(), before);
  assert.equal((await reply(moteur.GET('/v1/videos/{id}', byId('big')))).status, 404);
});

test('videos: get, remove, and 404 for unknown ids', async () => {
  assert.equal((await reply(moteur.GET('/v1/videos/{id}', byId('v3')))).json.creatorId, 'c3');
  assert.equal((await reply(moteur.DELETE('/v1/videos/{id}', byId('v3')))).json.status, 'removed');
  assert.equal((await reply(moteur.DELETE('/v1/videos/{id}', byId('zzz')))).status, 404);
  assert.deepEqual((await reply(moteur.GET('/v1/videos/{id}', byId('zzz')))).json, { code: 'not_found', message: "video 'zzz' does not exist" });
});

test('users: create, update, validate, and feed query checks', async () => {
  const newbie = byId('newbie');
  assert.equal((await reply(moteur.GET('/v1/users/{id}', newbie))).status, 404);
  const put = await reply(moteur.PUT('/v1/users/{id}', { ...newbie, body: { region: 'us', settings: { keywordFilters: ['topic2'] } } }));
  assert.equal(put.status, 200);
  assert.equal(
    (await reply(moteur.PUT('/v1/users/{id}', { ...newbie, body: { settings: { personalized: false } } }))).json.settings.keywordFilters[0],
    'topic2',
  );
  const bad = await unchecked('PUT', '/v1/users/newbie', { json: { regoin: 'eu' } });
  assert.deepEqual([bad.status, bad.json.field], [400, 'regoin']);
  const feed = await reply(moteur.GET('/v1/users/{id}/feed', byId('newbie', { n: 5, sessionId: 's1' })));
  assert.equal(feed.json.items.length, 5);
  assert.ok(feed.json.items.every((i: any) => !i.hashtags.includes('topic2')));
  assert.ok(
    feed.json.items.every((i: any) => i.explain === undefined),
    'explanations only when asked for',
  );
  const explained = await reply(moteur.GET('/v1/users/{id}/feed', byId('newbie', { n: 3, explain: '1' as const })));
  for (const item of explained.json.items) {
    assert.equal(item.explain.source, item.source);
    assert.deepEqual(Object.keys(item.explain.weights), ['watch', 'like', 'share', 'comment', 'follow', 'skip', 'itemGraph']);
    assert.deepEqual(Object.keys(item.explain.predictions), Object.keys(item.explain.weights));
    assert.ok(Array.isArray(item.explain.topSignals));
  }
  const badN = await unchecked('GET', '/v1/users/newbie/feed?n=abc');
  assert.deepEqual([badN.status, badN.json.field], [400, 'n']);
  assert.equal((await unchecked('GET', '/v1/nothing-here')).status, 404);
});

test('a person can export their data, refresh their feed and be erased over HTTP', async () => {
  const person = { params: { path: { id: 'rights' } } };
  await answer(moteur.POST('/v1/events', { body: { events: [event('rights', 'v4', 'like'), event('rights', 'v5', 'follow')] } }));
  const exported = (await answer(moteur.GET('/v1/users/{id}/export', person))) as any;
  assert.deepEqual(
    exported.events.map((e: any) => e.type),
    ['like', 'follow'],
  );
  assert.deepEqual(await answer(moteur.POST('/v1/users/{id}/refresh', person)), { userId: 'rights', refreshed: true });
  assert.deepEqual(((await answer(moteur.GET('/v1/users/{id}/export', person))) as any).learned.follows, ['c5']);
  assert.deepEqual(await answer(moteur.DELETE('/v1/users/{id}', person)), { userId: 'rights', eventsErased: 2 });
  const gone = await answer(moteur.GET('/v1/users/{id}/export', person)).catch((err: unknown) => err);
  assert.ok(gone instanceof MoteurApiError);
  assert.deepEqual([gone.status, gone.code], [404, 'not_found']);
  assert.equal((await moteur.DELETE('/v1/users/{id}', person)).response.status, 404);
  assert.equal((await moteur.POST('/v1/users/{id}/refresh', { params: { path: { id: 'ghost' } } })).response.status, 404);
});

test('a body with a __proto__ key is refused as an unknown field', async () => {
  const res = await unchecked('PUT', '/v1/users/proto', { raw: '{"__proto__": {"admin": true}}' });
  assert.deepEqual([res.status, res.json.field], [400, '__proto__']);
  const events = await unchecked('POST', '/v1/events', {
    raw: JSON.stringify({ events: [{ ...event('p', 'v1', 'like') }] }).replace('"id"', '"__proto__":{"x":1},"id"'),
  });
  assert.equal(events.json.results[0].status, 'rejected');
});
