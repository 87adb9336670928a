import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer, type RunningServer } from '../../src/server/start.ts';
import { answer, byId, clientFor, sendEvents, type MoteurClient } from '../support/client.ts';
import { apiKey, event, tempDir, TEST_REGIONS } from '../support/fixtures.ts';

const dataDir = tempDir();
const appKey = apiKey(dataDir, 'app');
const moderatorKey = apiKey(dataDir, 'moderator');
let server: RunningServer;
const oldAccount = () => new Date(Date.now() - 7 * 86_400_000).toISOString();

let app: MoteurClient;
let moderator: MoteurClient;
const caseOf = async (videoId: string) => ((await answer(moderator.GET('/v1/moderation/queue'))) as any).items.find((i: any) => i.videoId === videoId);
const settled = (userId: string) => answer(app.PUT('/v1/users/{id}', { ...byId(userId), body: { createdAt: oldAccount() } }));

before(async () => {
  server = await startServer({ dataDir, port: 0, regions: TEST_REGIONS, safety: { freeze: { minReports: 2, reportRate: 0.01, sigmas: 3 } } });
  [app, moderator] = [clientFor(server, appKey), clientFor(server, moderatorKey)];
  const videos = Array.from({ length: 20 }, (_, i) => ({ id: `g${i}`, creatorId: `gc${i}`, durationMs: 10_000 }));
  await answer(app.POST('/v1/videos', { body: { videos } }));
});
after(() => server.close());

test('reports from accounts under an hour old count for a quarter, say so in the queue, and cannot freeze a video on their own', async () => {
  const events = [0, 1, 2, 3].map((i) => event(`fresh${i}`, 'g1', 'report', { reason: 'hate' }));
  assert.equal((await sendEvents(app, events)).stored, 4);
  const item = await caseOf('g1');
  assert.equal(item.reports, 4);
  assert.equal(item.weightedReports, 1);
  assert.equal(item.frozen, false, 'four brand-new accounts froze a video');
  assert.deepEqual(item.integrity, ['4 report(s) from accounts under an hour old, each counted at 25 %']);
  // Two established accounts do freeze it.
  for (const id of ['settled0', 'settled1']) await settled(id);
  await sendEvents(
    app,
    ['settled0', 'settled1'].map((u) => event(u, 'g2', 'report', { reason: 'hate' })),
  );
  assert.equal((await caseOf('g2')).frozen, true);
});

test('a burst of reports from one account counts for less past the fifth in a minute', async () => {
  await settled('spammer');
  const events = Array.from({ length: 8 }, (_, i) => event('spammer', `g${10 + i}`, 'report', { reason: 'spam' }));
  await sendEvents(app, events);
  const cases = await Promise.all(events.map((e) => caseOf(e.videoId)));
  assert.deepEqual(
    cases.map((c) => c.weightedReports),
    [1, 1, 1, 1, 1, 0.25, 0.25, 0.25],
  );
  assert.deepEqual(cases[7].integrity, ['1 report(s) sent in a burst by one account, each counted at 25 %']);
});

test("likes from a new account are noted in the video's case", async () => {
  await settled('veteran');
  await sendEvents(app, [
    event('veteran', 'g5', 'like'),
    event('veteran', 'g5', 'report', { reason: 'spam' }),
    event('newbie', 'g6', 'like'),
    event('newbie', 'g6', 'report', { reason: 'spam' }),
  ]);
  assert.deepEqual((await caseOf('g5')).integrity, []);
  assert.ok((await caseOf('g6')).integrity.includes('1 like(s) from accounts under an hour old or sent in bursts'));
});
