// What the console is served from: its files (no key), and the API routes it added, each with its access rules.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { startServer, type RunningServer } from '../../src/server/start.ts';
import { answer, byId, clientFor, reply, sendEvents } from '../support/client.ts';
import { apiKey, event, tempDir, TEST_REGIONS, videos } from '../support/fixtures.ts';

const dataDir = tempDir();
const keys = {
  app: apiKey(dataDir, 'app'),
  analyst: apiKey(dataDir, 'analyst'),
  auditor: apiKey(dataDir, 'auditor'),
  admin: apiKey(dataDir, 'admin'),
  // A key for two regions, of which this node serves only the second.
  elsewhere: apiKey(dataDir, 'app', ['jp', 'fr'], 'elsewhere-app'),
};
let server: RunningServer;

/** The console's own files (outside the API, read with their content type) are fetched as a browser would. */
const getFile = async (path: string) => {
  const res = await fetch(server.url + path);
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', text, json: () => JSON.parse(text) };
};
/** The API through the typed client, with `key` (none: anonymous). */
const as = (key?: string) => clientFor(server, key);

before(async () => {
  server = await startServer({ dataDir, port: 0, regions: TEST_REGIONS });
  assert.equal((await reply(as(keys.app).POST('/v1/videos', { body: { videos: videos(30) } }))).status, 200);
});
after(() => server.close());

test('the console and the modules it imports are served without a key, and nothing else opens up', async () => {
  const index = await getFile('/');
  assert.equal(index.status, 200);
  assert.match(index.type, /text\/html/);
  // Every module the import map names, and every file the console's modules import, is served.
  const wanted = [...index.text.matchAll(/"(\/vendor\/[^"]+)"/g)].map((m) => m[1]!);
  wanted.push(...[...index.text.matchAll(/(?:src|href)="(\/[^"]+)"/g)].map((m) => m[1]!));
  for (const file of readdirSync('src/console').filter((f) => f.endsWith('.js'))) {
    for (const [, imported] of readFileSync(`src/console/${file}`, 'utf8').matchAll(/from '\.\/([^']+)'/g)) wanted.push(`/${imported}`);
  }
  assert.ok(wanted.length > 10);
  for (const path of new Set(wanted)) assert.equal((await getFile(path)).status, 200, path);
  assert.equal((await getFile('/vendor/../package.json')).status, 404);
  assert.equal((await reply(as().GET('/v1/users/{id}', byId('u1')))).status, 401, 'the API still needs a key');
  const openapi = (await getFile('/openapi.json')).json();
  assert.ok(openapi.paths['/v1/me'] && openapi.paths['/v1/exploration'] && openapi.paths['/v1/ledger/key']);
  assert.equal(openapi.paths['/'], undefined, 'the console is not part of the API description');
});

test('GET /v1/me names the key and the pages the policies let its role open', async () => {
  const pages = async (key: string) => (await answer(as(key).GET('/v1/me'))) as any;
  assert.deepEqual(await pages(keys.app), { id: 'test-app', role: 'app', regions: TEST_REGIONS, region: TEST_REGIONS[0], pages: ['feed'] });
  assert.equal((await pages(keys.elsewhere)).region, 'fr', 'new people go to a region this node serves');
  assert.deepEqual((await pages(keys.analyst)).pages, ['engine']);
  assert.deepEqual((await pages(keys.auditor)).pages, ['audit']);
  assert.deepEqual((await pages(keys.admin)).pages, ['feed', 'engine', 'audit']);
  const anonymous = await reply(as().GET('/v1/me'));
  assert.equal(anonymous.status, 401);
  assert.equal(anonymous.json.code, 'unauthenticated');
});

test('GET /v1/exploration shows the pool to those who may read metrics', async () => {
  const pool = await reply(as(keys.analyst).GET('/v1/exploration', { params: { query: { n: 5 } } }));
  assert.equal(pool.status, 200);
  const body = pool.json;
  assert.equal(body.guaranteed + body.earning, 30, 'every new video is in the pool');
  assert.equal(body.videos.length, 5);
  assert.deepEqual(Object.keys(body.videos[0]).sort(), ['completions', 'likes', 'served', 'tier', 'videoId']);
  assert.equal((await reply(as(keys.app).GET('/v1/exploration'))).status, 403);
  const bad = (await reply(as(keys.analyst).GET('/v1/exploration', { params: { query: { n: 0 } } }))).json;
  assert.equal(bad.field, 'n');
});

test("GET /v1/ledger/key states the ledger's verifier key to those who may read the ledger", async () => {
  const key = await reply(as(keys.auditor).GET('/v1/ledger/key', { parseAs: 'text' }));
  assert.equal(key.status, 200);
  assert.equal(key.json, server.moteur.ledger.verifierKey());
  assert.equal((await reply(as(keys.app).GET('/v1/ledger/key'))).status, 403);
});

test('the metrics count served videos by source, stored events by type, and watch time against duration', async () => {
  const feed = (await answer(as(keys.app).GET('/v1/users/{id}/feed', byId('m1', { n: 8 })))) as any;
  const first = feed.items[0];
  const events = [
    event('m1', first.videoId, 'play', { watchMs: first.durationMs / 2 }),
    event('m1', first.videoId, 'play', { watchMs: first.durationMs * 3 }), // a loop counts as 1
    event('m1', first.videoId, 'like'),
    event('m1', 'no-such-video', 'like'),
  ];
  const ingest = await sendEvents(as(keys.app), events);
  assert.equal(ingest.stored, 3);
  const text = await answer(as(keys.analyst).GET('/metrics', { parseAs: 'text' }));
  const value = (sample: string) => Number(new RegExp(`^${sample.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  const bySource = [...text.matchAll(/^moteur_feed_items_total\{source="[^"]+"\} (\S+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
  assert.equal(bySource, feed.items.length);
  assert.equal(value('moteur_events_stored_by_type_total{type="play"}'), 2);
  assert.equal(value('moteur_events_stored_by_type_total{type="like"}'), 1);
  assert.equal(value('moteur_play_watch_ratio_sum'), 1.5);
  assert.ok(value('moteur_learning_pending_events') >= 0);
  assert.equal(value('moteur_exploration_pool_videos{tier="guaranteed"}') + value('moteur_exploration_pool_videos{tier="earning"}'), 30);
});
