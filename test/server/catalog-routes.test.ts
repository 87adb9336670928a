import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer, type RunningServer } from '../../src/server/start.ts';
import { byId, clientFor, reply, sendUnchecked, type MoteurClient } from '../support/client.ts';
import { apiKey, event, tempDir, videos } from '../support/fixtures.ts';
import { until } from '../support/until.ts';

let server: RunningServer;
// Calls go through the typed client; `unchecked` sends what it cannot: a query or body outside the OpenAPI document.
let moteur: MoteurClient;
const unchecked = (path: string, method = 'GET', body?: unknown) => sendUnchecked(server, adminKey, method, path, { json: body });
const dataDir = tempDir();
const adminKey = apiKey(dataDir, 'admin', ['us', 'eu']);
const DIM = 32;
const HOUR = 3_600_000;
const NOW = Date.now();
/** 60 videos over 5 topics (hashtag topicK), each with a content embedding pointing at its topic; v0 the oldest. */
const catalog = videos(60).map((v, i) => ({
  ...v,
  createdAt: NOW - (60 - i) * HOUR,
  embedding: Array.from({ length: DIM }, (_, d) => (d === i % 5 ? 1 : 0) + 0.01 * ((i * 7 + d) % 3)),
}));

before(async () => {
  server = await startServer({ dataDir, port: 0, regions: ['us', 'eu'], learning: { popularRefreshMs: 10 } });
  moteur = clientFor(server, adminKey);
  await server.moteur.upsertVideos(catalog);
  for (let p = 0; p < 12; p++) await server.moteur.putUser(`p${p}`, { region: p % 2 === 0 ? 'us' : 'eu' });
  // Everyone who likes v1 also likes v13 (another topic): co-engagement content alone would not find.
  const events = [];
  for (let p = 0; p < 12; p++) {
    for (const id of ['v1', 'v13', 'v2'])
      events.push(event(`p${p}`, id, 'impression'), event(`p${p}`, id, 'play', { watchMs: 20_000 }), event(`p${p}`, id, 'like'));
  }
  const outcomes = await server.moteur.ingest(events);
  assert.ok(outcomes.every((o) => o.status === 'stored'));
  await server.moteur.removeVideo('v56');
});
after(() => server.close());

test('similar videos: content look-alikes and what the same audience enjoyed, each with its reasons; never itself or a removed video', async () => {
  const { status, json } = await reply(moteur.GET('/v1/videos/{id}/similar', byId('v1', { n: 8 })));
  assert.equal(status, 200, JSON.stringify(json));
  assert.equal(json.videoId, 'v1');
  assert.equal(json.items.length, 8);
  const ids = json.items.map((i: { videoId: string }) => i.videoId);
  assert.ok(!ids.includes('v1'));
  const sameTopic = json.items.filter((i: { hashtags: string[] }) => i.hashtags[0] === 'topic1');
  assert.ok(sameTopic.length >= 5, 'content neighbours share the topic');
  for (const item of sameTopic) assert.match(item.reasons.join(' '), /looks like this video \(content similarity [01]\.\d\d\)/);
  const together = json.items.find((i: { videoId: string }) => i.videoId === 'v13');
  assert.ok(together !== undefined, 'the co-engaged video of another topic is there');
  assert.match(together.reasons.join(' '), /people who enjoyed this video also enjoyed it/);
  const scores = json.items.map((i: { score: number }) => i.score);
  assert.deepEqual(
    scores,
    [...scores].sort((a, b) => b - a),
    'best first',
  );
  assert.ok(
    !(await reply(moteur.GET('/v1/videos/{id}/similar', byId('v51', { n: 20 })))).json.items.some((i: { videoId: string }) => i.videoId === 'v56'),
    'removed videos are not listed',
  );

  assert.equal((await reply(moteur.GET('/v1/videos/{id}/similar', byId('nope')))).status, 404);
  const bad = await reply(moteur.GET('/v1/videos/{id}/similar', byId('v1', { n: 0 })));
  assert.equal(bad.status, 400);
  assert.equal(bad.json.field, 'n');
});

test('trending in a region: the engaged videos, most popular first; a region this node does not serve is refused', async () => {
  const trending = await until('popular lists', 5000, async () => {
    const { json } = await reply(moteur.GET('/v1/trending', { params: { query: { region: 'us', n: 5 } } }));
    return json.items?.length >= 3 ? json : undefined;
  });
  assert.equal(trending.region, 'us');
  assert.deepEqual(trending.items.map((i: { videoId: string }) => i.videoId).sort(), ['v1', 'v13', 'v2']);
  assert.match(trending.items[0].reasons[0], /^popular in us lately \(popularity \d/);
  assert.equal((await reply(moteur.GET('/v1/trending', { params: { query: { n: 5 } } }))).json.region, 'us', 'the home region by default');
  const refused = await reply(moteur.GET('/v1/trending', { params: { query: { region: 'fr' } } }));
  assert.equal(refused.status, 403);
  assert.deepEqual([refused.json.code, refused.json.field], ['wrong_region', 'region']);
  assert.equal((await reply(moteur.GET('/v1/trending', { params: { query: { n: 101 } } }))).status, 400);
});

test('new videos: newest first, removed ones left out', async () => {
  const { status, json } = await reply(moteur.GET('/v1/videos/new', { params: { query: { n: 5 } } }));
  assert.equal(status, 200);
  assert.deepEqual(
    json.items.map((i: { videoId: string }) => i.videoId),
    ['v59', 'v58', 'v57', 'v55', 'v54'],
  );
  assert.ok(json.items[0].score > json.items[4].score);
  assert.equal((await unchecked('/v1/videos/new?n=abc')).status, 400);
});

test('batch-get: videos in the order asked, unknown ids under missing; bad bodies are 400 naming the field', async () => {
  const { status, json } = await reply(moteur.POST('/v1/videos/batch-get', { body: { ids: ['v3', 'nope', 'v1'] } }));
  assert.equal(status, 200);
  assert.deepEqual(
    json.videos.map((v: { id: string }) => v.id),
    ['v3', 'v1'],
  );
  assert.deepEqual(json.missing, ['nope']);
  for (const [body, field] of [
    [{ ids: [] }, 'ids'],
    [{ ids: Array.from({ length: 501 }, (_, i) => `v${i}`) }, 'ids'],
    [{ ids: ['v1'], more: 1 }, 'more'],
    [{}, 'ids'],
  ] as const) {
    const bad = await unchecked('/v1/videos/batch-get', 'POST', body);
    assert.equal(bad.status, 400, JSON.stringify(body));
    assert.equal(bad.json.code, 'invalid_field');
    assert.equal(bad.json.field, field);
  }
});

test('listing videos and users pages through everything once by cursor; a made-up cursor is refused', async () => {
  for (const [path, key, total] of [
    ['/v1/videos', 'videos', 60],
    ['/v1/users', 'users', 12],
  ] as const) {
    const list = (query: { limit?: number; cursor?: string }) => reply(moteur.GET(path, { params: { query } }));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const { status, json } = await list(cursor === null ? { limit: 7 } : { limit: 7, cursor });
      assert.equal(status, 200, JSON.stringify(json));
      seen.push(...json[key].map((x: { id: string }) => x.id));
      cursor = json.nextCursor;
    } while (cursor !== null);
    assert.equal(seen.length, total, path);
    assert.equal(new Set(seen).size, total, `${path}: no repeats`);
    const bad = await list({ cursor: 'not*a*cursor' });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.field, 'cursor');
    assert.equal((await list({ limit: 0 })).status, 400);
  }
});

test('feed filters: a topic tab, hashtags left out, ids the client has, one creator; bad lists are 400 naming the field', async () => {
  let readers = 0;
  // A new reader each time, so no page is shaped by what an earlier one served.
  type Filters = { hashtags?: string; excludeHashtags?: string; exclude?: string; creatorId?: string };
  const feed = async (filters: Filters) => {
    const { status, json } = await reply(moteur.GET('/v1/users/{id}/feed', byId(`tab-reader-${readers++}`, { n: 6, ...filters })));
    assert.equal(status, 200, JSON.stringify(json));
    return json.items as { videoId: string; hashtags: string[]; creatorId: string }[];
  };
  const tab = await feed({ hashtags: '#Topic2,topic3' });
  assert.equal(tab.length, 6);
  for (const item of tab) assert.ok(['topic2', 'topic3'].includes(item.hashtags[0]!), item.videoId);
  for (const item of await feed({ excludeHashtags: 'topic0,topic1,topic2' })) assert.ok(['topic3', 'topic4'].includes(item.hashtags[0]!));
  const exclude = ['v3', 'v8', 'v13', 'v18', 'v23', 'v28', 'v33', 'v38', 'v43', 'v48'];
  const rest = await feed({ hashtags: 'topic3', exclude: exclude.join(',') });
  assert.deepEqual(rest.map((i) => i.videoId).sort(), ['v53', 'v58'], 'only the two topic3 videos the client has not got');
  const creator = await feed({ creatorId: 'c4' });
  assert.ok(creator.length > 0);
  for (const item of creator) assert.equal(item.creatorId, 'c4');
  const none = await feed({ creatorId: 'nobody' });
  assert.deepEqual(none, [], 'a filter nothing passes gives an empty page, not the catalog over again');

  const tooMany = Array.from({ length: 501 }, (_, i) => `x${i}`).join(',');
  for (const [filters, field] of [
    [{ hashtags: 'a,,b' }, 'hashtags'],
    [{ excludeHashtags: '' }, 'excludeHashtags'],
    [{ exclude: tooMany }, 'exclude'],
  ] as const) {
    const bad = await reply(moteur.GET('/v1/users/{id}/feed', byId('tab-reader', filters)));
    assert.equal(bad.status, 400, JSON.stringify(filters));
    assert.equal(bad.json.field, field, JSON.stringify(filters));
  }
});

test('the new routes are in the OpenAPI document with examples', async () => {
  const doc = (await unchecked('/openapi.json')).json;
  for (const path of ['/v1/videos/{id}/similar', '/v1/trending', '/v1/videos/new', '/v1/videos/batch-get', '/v1/videos', '/v1/users'])
    assert.ok(doc.paths[path], path);
  const feedParams = doc.paths['/v1/users/{id}/feed'].get.parameters.map((p: { name: string }) => p.name);
  for (const name of ['hashtags', 'excludeHashtags', 'exclude', 'creatorId']) assert.ok(feedParams.includes(name), name);
  assert.match(JSON.stringify(doc.paths['/v1/videos/{id}/similar']), /content similarity 0\.83/);
  assert.match(JSON.stringify(doc.paths['/v1/videos/batch-get']), /"nope"/);
});
