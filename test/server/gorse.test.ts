/**
 * The Gorse-compatible API driven by the real gorsejs 0.4.8 client, unchanged, against a real server: what a
 * Gorse application does (users, items, feedback, recommendations, popular, latest, neighbours, deletions),
 * under moteur's keys, policies and ledger, and what cannot map answered in Gorse's error shape.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Gorse, GorseException } from 'gorsejs';
import { DEFAULT_SAFETY } from '../../src/safety/config.ts';
import { startServer, type RunningServer } from '../../src/server/start.ts';
import { apiKey, tempDir, TEST_REGIONS } from '../support/fixtures.ts';
import { until } from '../support/until.ts';

const dataDir = tempDir();
const keys = { app: apiKey(dataDir, 'app'), analyst: apiKey(dataDir, 'analyst'), admin: apiKey(dataDir, 'admin') };
let server: RunningServer;
let gorse: Gorse<string>;

const ITEMS = 12;
const itemIds = Array.from({ length: ITEMS }, (_, i) => `item${i}`);
const DAY = 86_400_000;

/** The GorseException a call fails with. */
async function failure(call: Promise<unknown>): Promise<GorseException> {
  try {
    await call;
  } catch (error) {
    assert.ok(error instanceof GorseException, `expected a GorseException, got ${String(error)}`);
    return error;
  }
  assert.fail('the call succeeded');
}

before(async () => {
  // The fans below are accounts made by their first feedback: their likes count in full here, as this tests the
  // lists, not the discount of new accounts' likes (test/safety/like-weights.test.ts).
  const integrity = { ...DEFAULT_SAFETY.integrity, newAccountMs: 0, burstSize: 1_000_000 };
  server = await startServer({ dataDir, port: 0, regions: TEST_REGIONS, safety: { integrity } });
  gorse = new Gorse({ endpoint: server.url, secret: keys.app });
});
after(() => server.close());

test('items become videos: labels and categories as hashtags, each its own creator, the configured duration, read back as Gorse items', async () => {
  const start = Date.parse('2026-01-01T00:00:00Z');
  const items = itemIds.map((ItemId, i) => ({
    ItemId,
    IsHidden: false,
    Labels: [`label${i % 3}`],
    Categories: [i % 2 === 0 ? 'even' : 'odd'],
    Timestamp: new Date(start + i * DAY).toISOString(),
    Comment: `item number ${i}`,
  }));
  assert.equal(await gorse.upsertItems(items), ITEMS);
  assert.deepEqual(await gorse.getItem('item4'), {
    ItemId: 'item4',
    IsHidden: false,
    Labels: ['label1', 'even'],
    Categories: ['label1', 'even'],
    Timestamp: '2026-01-05T00:00:00.000Z',
    Comment: 'item number 4',
  });
  const video = server.moteur.getVideo('item4');
  assert.deepEqual([video.creatorId, video.durationMs, video.hashtags], ['item4', 15_000, ['label1', 'even']]);

  assert.equal(await gorse.insertItemCategory('item4', 'Featured'), 1);
  assert.deepEqual((await gorse.getItem('item4')).Categories, ['label1', 'even', 'featured']);
  assert.equal(await gorse.updateItem('item4', { ...(await gorse.getItem('item4')), Comment: 'renamed' }), 1);
  assert.equal((await gorse.getItem('item4')).Comment, 'renamed');
  const renamed = await failure(gorse.updateItem('item4', { ItemId: 'item5', IsHidden: false, Timestamp: '' }));
  assert.deepEqual([renamed.code, renamed.message], [400, "ItemId: 'item5' is not the item patched ('item4'); an item's id cannot change"]);
  assert.equal((await failure(gorse.updateItem('no-such-item', { ItemId: 'no-such-item', IsHidden: true, Timestamp: '' }))).code, 404);
  assert.equal(await gorse.deleteItemCategory('item4', 'featured'), 1);
  assert.deepEqual(server.moteur.getVideo('item4').hashtags, ['label1', 'even']);

  const missing = await failure(gorse.getItem('no-such-item'));
  assert.equal(missing.code, 404);
  assert.equal(missing.message, "video 'no-such-item' does not exist");
  const bad = await failure(gorse.upsertItem({ ItemId: 'x', IsHidden: false, Timestamp: 'last tuesday' }));
  assert.equal(bad.code, 400);
  assert.match(bad.message, /Timestamp: expected an ISO 8601 date-time/);
  assert.equal(server.moteur.catalog.get('x'), undefined, 'a refused item was stored');
});

test('users are created and read back; feedback becomes watch events as configured (star → like, read → a full play)', async () => {
  assert.equal(await gorse.insertUser({ UserId: 'ana', Labels: ['x'], Comment: 'first' }), 1);
  assert.deepEqual(await gorse.getUser('ana'), { UserId: 'ana', Labels: [], Subscribe: [], Comment: '' });
  assert.equal(await gorse.updateUser('ana', { UserId: 'ana', Labels: ['y'] }), 1);
  assert.equal((await failure(gorse.updateUser('nobody', { UserId: 'nobody' }))).code, 404);
  const ts = '2026-02-01T10:00:00Z';
  const feedback = [
    { FeedbackType: 'star', UserId: 'ana', ItemId: 'item1', Timestamp: ts },
    { FeedbackType: 'read', UserId: 'ana', ItemId: 'item2', Timestamp: ts },
    { FeedbackType: 'like', UserId: 'ana', ItemId: 'item3', Timestamp: ts },
  ];
  assert.equal(await gorse.insertFeedbacks(feedback), 3);
  // Gorse ignores feedback inserted twice: the same key is the same event.
  assert.equal(await gorse.insertFeedbacks(feedback), 3);
  const events = (await server.moteur.exportUser('ana')).events.map((e) => [e.type, e.videoId, e.watchMs]);
  assert.deepEqual(
    events.sort(),
    [
      ['like', 'item1', undefined],
      ['like', 'item3', undefined],
      ['play', 'item2', 15_000],
    ].sort(),
  );

  const unknownType = await failure(gorse.insertFeedbacks([{ FeedbackType: 'bookmark', UserId: 'ana', ItemId: 'item1', Timestamp: ts }]));
  assert.equal(unknownType.code, 400);
  assert.match(
    unknownType.message,
    /'bookmark' is not a mapped feedback type \(mapped: star, like, favorite, read, share, comment; add it to gorse.feedbackTypes/,
  );
  const unknownItem = await failure(
    gorse.insertFeedbacks([
      { FeedbackType: 'like', UserId: 'ana', ItemId: 'item5', Timestamp: ts },
      { FeedbackType: 'like', UserId: 'ana', ItemId: 'ghost', Timestamp: ts },
    ]),
  );
  assert.equal(unknownItem.code, 400);
  assert.match(unknownItem.message, /\[1\]\.ItemId: item 'ghost' does not exist: insert it first/);
  assert.equal((await server.moteur.exportUser('ana')).events.length, 3, 'part of a refused batch was stored');
});

test('recommendations are the feed; popular, latest and neighbours are lists of {Id, Score}', async () => {
  // Eight people like item6 and item7 together, and play the others a little: item6 and item7 become popular and neighbours.
  const ts = new Date().toISOString();
  const feedback = Array.from({ length: 8 }, (_, p) => [
    { FeedbackType: 'star', UserId: `fan${p}`, ItemId: 'item6', Timestamp: ts },
    { FeedbackType: 'star', UserId: `fan${p}`, ItemId: 'item7', Timestamp: ts },
  ]).flat();
  assert.equal(await gorse.insertFeedbacks(feedback), feedback.length);

  const recommended = await gorse.getRecommend({ userId: 'ana', cursorOptions: { n: 3 } });
  assert.equal(recommended.length, 3);
  for (const id of recommended) assert.ok(itemIds.includes(id), `${id} is not an item`);
  const next = await gorse.getRecommend({ userId: 'ana', cursorOptions: { n: 3 } });
  assert.deepEqual(
    next.filter((id) => recommended.includes(id)),
    [],
    'the next call repeated a recommendation',
  );

  // Gorse's write-back: the recommended items are recorded as the given feedback, here `read` (a full play).
  const written = await gorse.getRecommend({ userId: 'bo', writeBackType: 'read', writeBackDelay: '1m', cursorOptions: { n: 2 } });
  const plays = (await server.moteur.exportUser('bo')).events;
  assert.deepEqual(plays.map((e) => [e.type, e.videoId]).sort(), written.map((id) => ['play', id]).sort());
  assert.ok(
    plays.every((e) => e.ts > Date.now() + 50_000),
    'the write-back delay was not applied',
  );

  const popular = await until('item6 and item7 on top of the popular list', 10_000, async () => {
    const list = await gorse.getPopular({ cursorOptions: { n: 3 } });
    return new Set(list.slice(0, 2).map((p) => p.Id)).has('item6') && list[1]?.Id !== undefined ? list : undefined;
  });
  assert.deepEqual(new Set(popular.slice(0, 2).map((p) => p.Id)), new Set(['item6', 'item7']));
  assert.ok(popular[0]!.Score >= popular[1]!.Score && popular[0]!.Score > 0);
  assert.deepEqual(
    (await gorse.getPopular({ category: 'odd', cursorOptions: { n: 1 } })).map((p) => p.Id),
    ['item7'],
    'item7 is the most popular of category odd',
  );

  const latest = await gorse.getLatest({ cursorOptions: { n: 3 } });
  assert.deepEqual(latest, [
    { Id: 'item11', Score: Date.parse('2026-01-12T00:00:00Z') / 1000 },
    { Id: 'item10', Score: Date.parse('2026-01-11T00:00:00Z') / 1000 },
    { Id: 'item9', Score: Date.parse('2026-01-10T00:00:00Z') / 1000 },
  ]);
  assert.deepEqual(
    (await gorse.getLatest({ category: 'even', cursorOptions: { n: 2, offset: 1 } })).map((l) => l.Id),
    ['item8', 'item6'],
  );

  const neighbours = (await gorse.getItemNeighbors({ itemId: 'item6' })) as unknown as { Id: string; Score: number }[];
  assert.equal(neighbours[0]?.Id, 'item7', `item7 is item6's nearest neighbour: ${JSON.stringify(neighbours)}`);
  assert.ok(neighbours[0]!.Score > 0);
});

test('recommendations within a category are the feed narrowed to its hashtag: every such item once, nothing else', async () => {
  const even = itemIds.filter((_, i) => i % 2 === 0);
  const first = await gorse.getRecommend({ userId: 'tab-reader', category: 'Even', cursorOptions: { n: 4 } });
  assert.equal(first.length, 4);
  const rest = await gorse.getRecommend({ userId: 'tab-reader', category: 'even', cursorOptions: { n: 4 } });
  assert.deepEqual([...first, ...rest].sort(), [...even].sort(), 'the category runs out rather than being left');
  assert.deepEqual(await gorse.getRecommend({ userId: 'tab-reader', category: 'no-such-category' }), []);
  assert.deepEqual((await server.moteur.exportUser('tab-reader')).served.length, even.length, 'only what was answered is recorded as served');
});

test('a deleted item is gone from recommendations, popular and neighbours', async () => {
  assert.ok((await gorse.getRecommend({ userId: 'newcomer-before', cursorOptions: { n: 50 } })).includes('item7'), 'item7 was never recommended');
  // Taking a video down is moderation: the app's key may not, an admin's may.
  assert.equal((await failure(gorse.deleteItem('item7'))).code, 403);
  assert.equal(await new Gorse({ endpoint: server.url, secret: keys.admin }).deleteItem('item7'), 1);
  for (let p = 0; p < 3; p++) {
    const everything = await gorse.getRecommend({ userId: `newcomer${p}`, cursorOptions: { n: 50 } });
    assert.equal(everything.length, ITEMS - 1);
    assert.ok(!everything.includes('item7'), 'a deleted item was recommended');
  }
  assert.ok(!(await gorse.getPopular({ cursorOptions: { n: 50 } })).some((p) => p.Id === 'item7'));
  assert.ok(!((await gorse.getItemNeighbors({ itemId: 'item6' })) as unknown as { Id: string }[]).some((p) => p.Id === 'item7'));
  assert.equal((await gorse.getItem('item7')).IsHidden, true, 'moteur keeps a deleted item for history, hidden');
});

test("what cannot map answers 501 in Gorse's error shape, saying why and what to do instead", async () => {
  const feedback = { type: 'star', userId: 'ana', itemId: 'item1' };
  for (const call of [
    gorse.getFeedback(feedback),
    gorse.deleteFeedback(feedback),
    gorse.getUserFeedback('ana'),
    gorse.getItemFeedback('item1'),
    gorse.getFeedbacks(),
  ]) {
    const error = await failure(call);
    assert.equal(error.code, 501);
    assert.match(error.message, /sealed, append-only watch events .* GET \/v1\/users\/:id\/export/);
  }
  const neighbours = await failure(gorse.getUserNeighbors({ userId: 'ana' }));
  assert.match(neighbours.message, /moteur keeps no similarity between people/);
  assert.equal((await server.moteur.exportUser('ana')).events.length, 3, 'the unmapped calls changed what is stored');
});

test('X-API-Key is a moteur key: the same policies decide, and every decision is in the ledger', async () => {
  const anonymous = await failure(new Gorse({ endpoint: server.url }).getPopular({}));
  assert.equal(anonymous.code, 401);
  assert.match(anonymous.message, /moteur keys create/);
  assert.equal((await failure(new Gorse({ endpoint: server.url, secret: 'mk_wrong' }).getLatest({}))).code, 401);

  const from = await server.moteur.ledger.size();
  const analyst = new Gorse({ endpoint: server.url, secret: keys.analyst });
  const refused = await failure(analyst.getPopular({}));
  assert.equal(refused.code, 403);
  assert.match(refused.message, /test-analyst \(analyst\) may not readCatalog/);
  // The app may not erase a person; an admin may, and the person is gone.
  assert.equal((await failure(gorse.deleteUser('ana'))).code, 403);
  assert.equal(await new Gorse({ endpoint: server.url, secret: keys.admin }).deleteUser('ana'), 1);
  assert.equal((await failure(gorse.getUser('ana'))).code, 404);

  await server.moteur.counts();
  const decisions = (await server.moteur.ledger.entries(from, await server.moteur.ledger.size())).map((e) => [
    e.entry.principal,
    e.entry.action,
    e.entry.decision,
  ]);
  assert.deepEqual(
    decisions.filter(([, action]) => action !== 'userErased'),
    [
      ['test-analyst', 'readCatalog', 'deny'],
      ['test-app', 'eraseUser', 'deny'],
      ['test-admin', 'eraseUser', 'allow'],
      ['test-app', 'readUser', 'allow'],
    ],
  );
});
