import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Moteur } from '../../src/app/moteur.ts';
import { startServer, type RunningServer } from '../../src/server/start.ts';
import type { LedgerEntry } from '../../src/trust/ledger/ledger.ts';
import { byId, clientFor, reply, sendUnchecked } from '../support/client.ts';
import { apiKey, event, tempDir, TEST_REGIONS, videos } from '../support/fixtures.ts';

const dataDir = tempDir();
const keys = { admin: apiKey(dataDir, 'admin'), app: apiKey(dataDir, 'app'), analyst: apiKey(dataDir, 'analyst'), auditor: apiKey(dataDir, 'auditor') };
let server: RunningServer;

/** The typed client with `key` (none: anonymous); bodies it cannot express go through sendUnchecked. */
const as = (key?: string) => clientFor(server, key);
const rank = (userId: string, videoIds: string[], key = keys.app) => reply(as(key).POST('/v1/users/{id}/rank', { ...byId(userId), body: { videoIds } }));
const feedOf = (userId: string, n: number) => reply(as(keys.app).GET('/v1/users/{id}/feed', byId(userId, { n })));
const exportOf = (userId: string) => reply(as(keys.admin).GET('/v1/users/{id}/export', byId(userId)));

/** The ledger entries about a person appended since `from` (flushing the batched appends first). */
async function entriesAbout(userId: string, from: number): Promise<LedgerEntry[]> {
  await server.moteur.counts();
  const person = `user:${server.moteur.ledger.commitment(userId)}`;
  return (await server.moteur.ledger.entries(from, await server.moteur.ledger.size())).map((e) => e.entry).filter((e) => e.resource === person);
}

async function ledgerSize(): Promise<number> {
  await server.moteur.counts();
  return server.moteur.ledger.size();
}

/** Creator `cA`'s videos share nothing else with each other (hashtags, sounds), nor with the catalog's `v*` videos. */
const creatorA = ['a1', 'a2', 'a3'].map((id, i) => ({ id, creatorId: 'cA', durationMs: 20_000, soundId: `sa${i}`, hashtags: [`only-${id}`], caption: '' }));
/** Watched to the end, liked and shared: creator A's first two videos. */
const likesCreatorA = (userId: string) =>
  ['a1', 'a2'].flatMap((v) => [event(userId, v, 'play', { watchMs: 20_000 }), event(userId, v, 'like'), event(userId, v, 'share')]);

/** Best first, and videos with the same score in the order they were given. */
function assertScoreOrder(items: { videoId: string; score: number }[], given: string[]): void {
  for (let i = 1; i < items.length; i++) {
    const [a, b] = [items[i - 1]!, items[i]!];
    assert.ok(a.score >= b.score, `${a.videoId} (${a.score}) before ${b.videoId} (${b.score})`);
    if (a.score === b.score) assert.ok(given.indexOf(a.videoId) < given.indexOf(b.videoId), `tie ${a.videoId}, ${b.videoId} out of the order given`);
  }
}

before(async () => {
  server = await startServer({ dataDir, port: 0, regions: TEST_REGIONS });
  const admin = as(keys.admin);
  assert.equal(
    (await reply(admin.POST('/v1/videos', { body: { videos: [...videos(40), ...creatorA, { id: 'gone', creatorId: 'c9', durationMs: 10_000 }] } }))).json
      .stored,
    44,
  );
  assert.equal((await reply(admin.DELETE('/v1/videos/{id}', byId('gone')))).status, 200);
  for (const userId of ['fan', 'private', 'judge'])
    assert.equal((await reply(as(keys.app).POST('/v1/events', { body: { events: likesCreatorA(userId) } }))).json.stored, 6);
  assert.equal((await reply(as(keys.app).PUT('/v1/users/{id}', { ...byId('private'), body: { settings: { personalized: false } } }))).status, 200);
});
after(() => server.close());

test("a person who watched and liked a creator's videos gets that creator's unseen video ranked first, with the reasons", async () => {
  const given = ['v5', 'v6', 'v7', 'a3'];
  const res = await rank('fan', given);
  assert.equal(res.status, 200, JSON.stringify(res.json));
  assert.equal(res.json.userId, 'fan');
  assert.deepEqual(res.json.rejected, []);
  const [first, ...rest] = res.json.items;
  assert.equal(first.videoId, 'a3', JSON.stringify(res.json.items));
  for (const other of rest) assert.ok(first.score > other.score, `${other.videoId} scored ${other.score}, a3 ${first.score}`);
  for (const item of res.json.items) {
    assert.deepEqual(Object.keys(item).sort(), ['reasons', 'score', 'videoId']);
    assert.equal(item.score, Number(item.score.toFixed(6)), 'score rounded like the feed');
    assert.ok(item.reasons.length > 0 && item.reasons.every((r: unknown) => typeof r === 'string' && r.length > 0), JSON.stringify(item.reasons));
    assert.match(item.reasons[0], /^predicted watch \d+\.\d\d, like \d+\.\d\d$/);
  }
  assert.ok(
    first.reasons.some((r: string) => /creator/.test(r)),
    `what drove a3's score: ${first.reasons.join('; ')}`,
  );

  // Someone with no history gets no such boost for a3: the order was made by what the person did.
  const stranger = await rank('stranger', given);
  assert.notEqual(stranger.json.items[0].videoId, 'a3');
  assert.ok(stranger.json.items.find((i: any) => i.videoId === 'a3').score < first.score);
});

test("the items are in the scores' order (ties as given), each video once, and the scores are the feed's less the item graph's", async () => {
  const given = ['v8', 'v9', 'a3', 'v8', 'v10', 'a3', 'v11'];
  const { json } = await rank('fan', given);
  assert.deepEqual([...json.items.map((i: any) => i.videoId)].sort(), ['a3', 'v10', 'v11', 'v8', 'v9'], 'a repeated id ranked once');
  assert.equal(json.items[0].videoId, 'a3', 'not sorted: a3 was given third');
  assertScoreOrder(json.items, given);

  // The scorer the feed serves, less the item graph's score: the ranker's predictions alone (for a person with the same history, so fan's feed is untouched).
  // People who enjoyed a1 also enjoyed v20 and v21, which links them to a1 in the item graph.
  const alsoEnjoyed = ['g1', 'g2', 'g3'].flatMap((userId) =>
    ['a1', 'v20', 'v21'].flatMap((v) => [event(userId, v, 'play', { watchMs: 20_000 }), event(userId, v, 'like')]),
  );
  assert.equal((await reply(as(keys.app).POST('/v1/events', { body: { events: alsoEnjoyed } }))).json.stored, alsoEnjoyed.length);
  await server.moteur.learning.settled();
  const feed = await reply(as(keys.app).GET('/v1/users/{id}/feed', byId('judge', { n: 8, explain: '1' as const })));
  const ranked = await rank(
    'judge',
    feed.json.items.map((i: any) => i.videoId),
  );
  const scoreOf = new Map<string, number>(ranked.json.items.map((i: any) => [i.videoId, i.score]));
  const graphPart = (item: any) => item.explain.weights.itemGraph * item.explain.predictions.itemGraph;
  assert.ok(
    feed.json.items.some((item: any) => graphPart(item) > 0.01),
    'the item graph scores some of the feed',
  );
  for (const item of feed.json.items) {
    const expected = item.score - graphPart(item);
    assert.ok(Math.abs(scoreOf.get(item.videoId)! - expected) < 2e-6, `${item.videoId} (from ${item.source}): ${scoreOf.get(item.videoId)} for ${expected}`);
  }
  assertScoreOrder(
    ranked.json.items,
    feed.json.items.map((i: any) => i.videoId),
  );
});

test('unknown and removed videos are rejected with the reason, and the others are still ranked', async () => {
  const res = await rank('fan', ['nope', 'v12', 'gone', 'a3', 'nope']);
  assert.equal(res.status, 200);
  assert.deepEqual(
    res.json.items.map((i: any) => i.videoId),
    ['a3', 'v12'],
  );
  assert.deepEqual(
    res.json.rejected.map((r: any) => [r.videoId, r.code]),
    [
      ['nope', 'unknown_video'],
      ['gone', 'video_removed'],
    ],
  );
  for (const r of res.json.rejected) assert.match(r.message, new RegExp(`video '${r.videoId}'`));
  const none = await rank('fan', ['nope']);
  assert.deepEqual([none.status, none.json.items, none.json.rejected.length], [200, [], 1]);
});

test('a person who did not consent is ranked without their history, and the access is recorded as their feed is', async () => {
  let from = await ledgerSize();
  const given = ['v13', 'a3'];
  const [privately, anonymously, fan] = [await rank('private', given), await rank('nobody-yet', given), await rank('fan', given)];
  assert.equal(privately.status, 200);
  assert.deepEqual(privately.json.items, anonymously.json.items, 'scored as an anonymous visitor');
  assert.ok(privately.json.items.find((i: any) => i.videoId === 'a3').score < fan.json.items[0].score, 'the history was read');
  const decisions = (userId: string) => entriesAbout(userId, from).then((es) => es.map((e) => [e.principal, e.action, e.purpose, e.decision, e.policyVersion]));
  assert.deepEqual(await decisions('private'), [['test-app', 'readFeedNonPersonalized', 'rank', 'allow', server.access.policyVersion]]);
  assert.deepEqual(await decisions('fan'), [['test-app', 'readFeed', 'rank', 'allow', server.access.policyVersion]]);

  // The same entry as the feed's, purpose apart.
  from = await ledgerSize();
  await feedOf('private', 1);
  assert.deepEqual(await decisions('private'), [['test-app', 'readFeedNonPersonalized', 'feed', 'allow', server.access.policyVersion]]);
});

test('without a key: 401; with a key whose role may not read the feed: 403, and the denial is recorded', async () => {
  const from = await ledgerSize();
  const anonymous = await reply(as().POST('/v1/users/{id}/rank', { ...byId('fan'), body: { videoIds: ['v1'] } }));
  assert.deepEqual([anonymous.status, anonymous.json.code], [401, 'unauthenticated']);
  for (const role of ['analyst', 'auditor'] as const) {
    const res = await rank('fan', ['v1'], keys[role]);
    assert.deepEqual([res.status, res.json.code], [403, 'forbidden'], role);
    assert.match(res.json.message, new RegExp(`test-${role} \\(${role}\\) may not readFeed`));
    assert.equal(res.json.items, undefined);
  }
  assert.deepEqual(
    (await entriesAbout('fan', from)).map((e) => [e.principal, e.action, e.purpose, e.decision]),
    [
      ['test-analyst', 'readFeed', 'rank', 'deny'],
      ['test-auditor', 'readFeed', 'rank', 'deny'],
    ],
  );
});

test('a person of a region this node does not serve gets a 403 wrong_region, as for the feed', async () => {
  const dir = tempDir();
  const first = await Moteur.open({ dataDir: dir, regions: ['us', 'eu'] });
  await first.upsertVideos(videos(5));
  await first.putUser('anna', { region: 'eu' });
  await first.close();
  const key = apiKey(dir, 'admin', ['us', 'eu']);
  const usOnly = await startServer({ dataDir: dir, port: 0, regions: ['us'] });
  try {
    const res = await reply(clientFor(usOnly, key).POST('/v1/users/{id}/rank', { ...byId('anna'), body: { videoIds: ['v1', 'v2'] } }));
    assert.deepEqual([res.status, res.json.code], [403, 'wrong_region']);
    assert.match(res.json.message, /lives in region eu; this node serves us/);
    assert.equal(usOnly.moteur.peekUser('anna'), undefined, 'the node loaded a person it does not serve');
    assert.equal((await clientFor(usOnly, key).POST('/v1/users/{id}/rank', { ...byId('bob'), body: { videoIds: ['v1'] } })).response.status, 200);
  } finally {
    await usOnly.close();
  }
});

test('a bad body gets a 400 naming videoIds (413 over 1,000 ids), before any access is decided', async () => {
  const from = await ledgerSize();
  const cases: [string, unknown, RegExp][] = [
    ['no videoIds', {}, /^videoIds: is required/],
    ['not an array', { videoIds: 'x' }, /^videoIds: must be an array/],
    ['empty', { videoIds: [] }, /^videoIds: must hold at least one/],
    ['not strings', { videoIds: ['v1', 1] }, /^videoIds\[1\]: expected string/],
    ['an empty id', { videoIds: [''] }, /^videoIds\[0\]: /],
    ['an unknown field', { videoIds: ['v1'], n: 3 }, /^n: unknown field \(allowed: videoIds\)/],
    ['not an object', ['v1'], /^body: expected a JSON object \{"videoIds"/],
  ];
  for (const [name, body, message] of cases) {
    const res = await sendUnchecked(server, keys.app, 'POST', '/v1/users/fan/rank', { json: body });
    assert.deepEqual([res.status, res.json.code], [400, 'invalid_field'], `${name}: ${JSON.stringify(res.json)}`);
    assert.match(res.json.message, message, name);
    assert.match(res.json.message, /videoIds/, name);
    assert.equal(typeof res.json.field, 'string', name);
  }
  const big = await rank(
    'fan',
    Array.from({ length: 1001 }, (_, i) => `v${i % 40}`),
  );
  assert.deepEqual([big.status, big.json.code, big.json.field], [413, 'batch_too_large', 'videoIds']);
  assert.match(big.json.message, /1001 .*limit is 1000/);
  assert.equal(
    (
      await rank(
        'fan',
        Array.from({ length: 1000 }, (_, i) => `v${i % 40}`),
      )
    ).status,
    200,
    '1,000 ids is allowed',
  );
  assert.deepEqual(await entriesAbout('fan', from).then((es) => es.length), 1, 'only the valid request was decided');
});

test('ranking records nothing as served: the export shows no serving, and a following feed may show the ranked videos', async () => {
  const everything = [...videos(40).map((v) => v.id), ...creatorA.map((v) => v.id)];
  const res = await rank('quiet', everything);
  assert.equal(res.json.items.length, everything.length);
  assert.equal(server.moteur.learning.seenBy('quiet').size, 0);
  const exported = await exportOf('quiet');
  assert.equal(exported.status, 200, 'rank creates the person as a feed does');
  assert.deepEqual(exported.json.served, []);
  // Had the ranking been served, the whole catalog would be seen: the feed would have to start over.
  const feed = await feedOf('quiet', 10);
  assert.equal(feed.json.items.length, 10);
  for (const item of feed.json.items) {
    assert.ok(everything.includes(item.videoId));
    assert.ok(!item.reasons.some((r: string) => /starting over/.test(r)), `${item.videoId}: ${item.reasons.join('; ')}`);
  }
  assert.equal((await exportOf('quiet')).json.served.length, 10, 'the feed, unlike the ranking, is recorded');
});

test('the route is in the OpenAPI description with its body and answer', async () => {
  const openapi = (await sendUnchecked(server, undefined, 'GET', '/openapi.json')).json;
  const route = openapi.paths['/v1/users/{id}/rank']?.post;
  assert.ok(route, 'POST /v1/users/{id}/rank undocumented');
  const body = route.requestBody.content['application/json'].schema;
  assert.deepEqual(
    [body.required, body.additionalProperties, body.properties.videoIds.type, body.properties.videoIds.maxItems],
    [['videoIds'], false, 'array', 1000],
  );
  const answer = route.responses['200'].content['application/json'].schema;
  assert.deepEqual(Object.keys(answer.properties), ['userId', 'items', 'rejected']);
  assert.deepEqual(Object.keys(answer.properties.items.items.properties), ['videoId', 'score', 'reasons']);
  assert.deepEqual(answer.properties.rejected.items.properties.code.enum, ['unknown_video', 'video_removed']);
});
