import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { validateStatement } from '../../src/safety/dsa-validator.ts';
import { startServer, type RunningServer } from '../../src/server/start.ts';
import { byId, clientFor, reply, type MoteurClient } from '../support/client.ts';
import { apiKey, tempDir, TEST_REGIONS } from '../support/fixtures.ts';

const DIM = 32;
const dataDir = tempDir();
const appKey = apiKey(dataDir, 'app');
const moderatorKey = apiKey(dataDir, 'moderator', TEST_REGIONS, 'mod-ana');
let server: RunningServer;
let app: MoteurClient;
let moderator: MoteurClient;

/** A unit vector along axis `axis`, with a small lean to `lean` so that no two videos are the same. */
function along(axis: number, lean: number): number[] {
  const v = Array.from({ length: DIM }, () => 0);
  v[axis] = 1;
  v[lean] = 0.2;
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

/** Axis 0 is what the harmful trend looks like; the ordinary videos point anywhere else. */
const video = (id: string, creatorId: string, embedding: number[]) => ({
  id,
  creatorId,
  durationMs: 15_000,
  soundId: `s-${id}`,
  hashtags: ['t'],
  createdAt: Date.now() - 3_600_000,
  embedding,
});
const catalog = [
  video('bad1', 'bad-maker', along(30, 31)),
  video('bad2', 'bad-maker', along(5, 6)),
  video('look1', 'maker1', along(0, 2)),
  video('look2', 'maker2', along(0, 3)),
  video('look3', 'maker3', along(0, 4)),
  video('look4', 'maker4', along(0, 7)),
  ...Array.from({ length: 24 }, (_, i) => video(`ok${i}`, `maker${10 + i}`, along(8 + (i % 20), 1 + (i % 7)))),
];

const remove = (videoId: string) => ({ videoId, action: 'remove', category: 'self_harm', ground: 'incompatible', explanation: 'Promotes self-harm.' }) as const;

async function servedToNewcomer(userId: string): Promise<Set<string>> {
  const served = new Set<string>();
  for (let i = 0; i < 6; i++) for (const item of (await reply(app.GET('/v1/users/{id}/feed', byId(userId, { n: 10 })))).json.items) served.add(item.videoId);
  return served;
}

/** The server on the test's data directory, holding on a creator's first removal and on three close removed videos. */
async function startWithPrior(): Promise<void> {
  server = await startServer({
    dataDir,
    port: 0,
    regions: TEST_REGIONS,
    safety: { prior: { enabled: true, creatorRemovals: 1, similarity: 0.7, neighbours: 3, remembered: 100 } },
  });
  app = clientFor(server, appKey);
  moderator = clientFor(server, moderatorKey);
}

before(async () => {
  await startWithPrior();
  assert.equal((await reply(app.POST('/v1/videos', { body: { videos: catalog } }))).json.stored, catalog.length);
});
after(() => server.close());

test('nothing is held before a moderator has removed anything', async () => {
  assert.deepEqual((await reply(moderator.GET('/v1/moderation/queue'))).json.items, []);
  assert.ok((await servedToNewcomer('early')).has('bad2'));
});

test("a removal holds the creator's other videos, before any report, with a statement of reasons; their new uploads are held too", async () => {
  assert.equal((await reply(moderator.POST('/v1/moderation/decisions', { body: remove('bad1') }))).status, 200);
  const queue = (await reply(moderator.GET('/v1/moderation/queue'))).json.items;
  const held = queue.find((i: any) => i.videoId === 'bad2');
  assert.ok(held !== undefined, JSON.stringify(queue));
  assert.equal(held.frozen, true);
  assert.equal(held.reports, 0);
  assert.match(held.held, /1 other video\(s\) by the same creator were removed/);
  assert.ok(held.risk > 0);
  assert.ok(!(await servedToNewcomer('after-removal')).has('bad2'), 'a held video reached a new person');

  assert.equal(
    (await reply(app.POST('/v1/videos', { body: { videos: [video('bad3', 'bad-maker', along(9, 10)), video('fresh', 'maker99', along(9, 11))] } }))).json
      .stored,
    2,
  );
  const ids = (await reply(moderator.GET('/v1/moderation/queue'))).json.items.map((i: any) => i.videoId);
  assert.ok(ids.includes('bad3'), `the new upload of a creator with a removal was not held: ${ids}`);
  assert.ok(!ids.includes('fresh'), 'an upload from a creator with no removal was held');

  const decisions = (await reply(moderator.GET('/v1/moderation/queue'))).json.items;
  assert.ok(
    decisions.every((i: any) => i.videoId !== 'bad1'),
    'the removed video stayed in the queue',
  );
  const hold = server.moteur.safety.moderation.decisions().find((d) => d.videoId === 'bad2')!;
  assert.equal(hold.decidedBy, 'automated');
  assert.equal(hold.source, 'own_initiative');
  const { statement, creatorCopy } = (await reply(moderator.GET('/v1/moderation/decisions/{id}/statement', byId(hold.id)))).json;
  assert.deepEqual(validateStatement(statement), []);
  assert.equal(statement.source_type, 'SOURCE_VOLUNTARY');
  assert.equal(statement.automated_detection, 'Yes');
  assert.match(creatorCopy.decidedBy, /automated/);
});

test('a video whose content is close to several removed videos is held, in the catalog and at upload; one a moderator restored is not held again', async () => {
  for (const id of ['look1', 'look2']) assert.equal((await reply(moderator.POST('/v1/moderation/decisions', { body: remove(id) }))).status, 200);
  let ids = (await reply(moderator.GET('/v1/moderation/queue'))).json.items.map((i: any) => i.videoId);
  assert.ok(!ids.includes('look3'), 'held on two removed lookalikes, fewer than the three neighbours asked for');
  assert.equal((await reply(moderator.POST('/v1/moderation/decisions', { body: remove('look3') }))).status, 200);
  const queue = (await reply(moderator.GET('/v1/moderation/queue'))).json.items;
  const look4 = queue.find((i: any) => i.videoId === 'look4');
  assert.ok(look4 !== undefined, `the lookalike in the catalog was not held: ${JSON.stringify(queue)}`);
  assert.match(look4.held, /close to 3 removed videos/);
  ids = queue.map((i: any) => i.videoId);
  assert.ok(!ids.some((id: string) => id.startsWith('ok')), `an ordinary video was held: ${ids}`);

  await reply(app.POST('/v1/videos', { body: { videos: [video('look5', 'maker50', along(0, 12))] } }));
  assert.ok(
    (await reply(moderator.GET('/v1/moderation/queue'))).json.items.some((i: any) => i.videoId === 'look5'),
    'a new lookalike was not held',
  );

  const restore = {
    videoId: 'look4',
    action: 'restore',
    category: 'other_violation_tc',
    ground: 'incompatible',
    explanation: 'Reviewed: no violation.',
  } as const;
  assert.equal((await reply(moderator.POST('/v1/moderation/decisions', { body: restore }))).status, 200);
  assert.equal((await reply(moderator.POST('/v1/moderation/decisions', { body: remove('look5') }))).status, 200);
  ids = (await reply(moderator.GET('/v1/moderation/queue'))).json.items.map((i: any) => i.videoId);
  assert.ok(!ids.includes('look4'), 'a video a moderator restored was held again');
  assert.ok((await servedToNewcomer('after-restore')).has('look4'));
});

test('after a restart, the removals in force still hold new uploads', async () => {
  await server.close();
  await startWithPrior();
  await reply(app.POST('/v1/videos', { body: { videos: [video('bad4', 'bad-maker', along(13, 14)), video('look6', 'maker51', along(0, 15))] } }));
  const ids = (await reply(moderator.GET('/v1/moderation/queue'))).json.items.map((i: any) => i.videoId);
  assert.ok(ids.includes('bad4') && ids.includes('look6'), `${ids}`);
  assert.ok(ids.includes('bad2') && ids.includes('bad3'), `the holds did not survive the restart: ${ids}`);
});
