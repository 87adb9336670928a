/**
 * The lists about no one (trending, newest, similar; the Gorse API's popular, latest and neighbours are the same
 * lists) keep moderation's limits on reach: they amplify to anyone, so a frozen, held, not-for-you or labelled
 * video never shows in them, and an age-restricted one only in a list for a named adult.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer, type RunningServer } from '../../src/server/start.ts';
import { answer, byId, clientFor, reply, sendEvents } from '../support/client.ts';
import { apiKey, event, tempDir, TEST_REGIONS } from '../support/fixtures.ts';
import { until } from '../support/until.ts';

const dataDir = tempDir();
const appKey = apiKey(dataDir, 'app');
const moderatorKey = apiKey(dataDir, 'moderator');
let server: RunningServer;
const DAY = 86_400_000;
const YEAR = 365.25 * DAY;
const DIM = 8;

const app = () => clientFor(server, appKey);
const moderator = () => clientFor(server, moderatorKey);

/** 20 videos by 10 creators, all alike in content (so each lists all others as similar), all watched by the same fans. */
const catalog = Array.from({ length: 20 }, (_, i) => ({
  id: `p${i}`,
  creatorId: `pc${i % 10}`,
  durationMs: 20_000,
  soundId: `s${i}`,
  hashtags: ['all'],
  createdAt: Date.now() - (20 - i) * 60_000,
  embedding: Array.from({ length: DIM }, (_, d) => 1 + 0.1 * ((i + d) % 4)),
}));
/** What every list is asked for: the whole catalog, seen from the video `p0`, whom no test restricts. */
const ANCHOR = 'p0';

/** In which lists `videoId` shows, for `userId` when given. */
async function listsShowing(videoId: string, userId?: string): Promise<string[]> {
  const person = userId === undefined ? {} : { userId };
  const lists = {
    trending: await answer(app().GET('/v1/trending', { params: { query: { n: 100, ...person } } })),
    new: await answer(app().GET('/v1/videos/new', { params: { query: { n: 100, ...person } } })),
    similar: await answer(app().GET('/v1/videos/{id}/similar', byId(ANCHOR, { n: 100, ...person }))),
  };
  return Object.entries(lists)
    .filter(([, list]) => list.items.some((item) => item.videoId === videoId))
    .map(([name]) => name);
}

/** In which of the Gorse API's lists `videoId` shows. */
async function gorseListsShowing(videoId: string): Promise<string[]> {
  const shown: string[] = [];
  for (const path of ['/api/popular?n=100', '/api/latest?n=100', `/api/item/${ANCHOR}/neighbors?n=100`]) {
    const res = await fetch(server.url + path, { headers: { 'x-api-key': appKey } });
    assert.equal(res.status, 200, path);
    if (((await res.json()) as { Id: string }[]).some((item) => item.Id === videoId)) shown.push(path.split('?')[0]!);
  }
  return shown;
}

const EVERY_LIST = ['trending', 'new', 'similar'];

type Queue = { items: { videoId: string; frozen: boolean; held?: string }[] };
const queue = async () => (await answer(moderator().GET('/v1/moderation/queue'))) as Queue;

async function decide(videoId: string, action: string, extra: Record<string, unknown> = {}): Promise<void> {
  const decided = moderator().POST('/v1/moderation/decisions', {
    body: { videoId, action, category: 'other_violation_tc', ground: 'incompatible', explanation: `Decided in a test (${action}).`, ...extra } as any,
  });
  const { status, json } = await reply(decided);
  assert.equal(status, 200, JSON.stringify(json));
}

before(async () => {
  server = await startServer({
    dataDir,
    port: 0,
    regions: TEST_REGIONS,
    embeddingDim: DIM,
    learning: { popularRefreshMs: 10 },
    safety: { freeze: { minReports: 3, reportRate: 0.05, sigmas: 3 } },
  });
  assert.equal((await answer(app().POST('/v1/videos', { body: { videos: catalog } }))).stored, catalog.length);
  // Fans and reporters whose accounts are days old: their likes and reports count in full.
  const old = new Date(Date.now() - 3 * DAY).toISOString();
  for (let i = 0; i < 6; i++) assert.equal((await reply(app().PUT('/v1/users/{id}', { ...byId(`fan${i}`), body: { createdAt: old } }))).status, 200);
  const plays = [];
  for (const { id } of catalog) for (let i = 0; i < 6; i++) plays.push(event(`fan${i}`, id, 'play', { watchMs: 20_000 }));
  assert.equal((await sendEvents(app(), plays)).stored, plays.length);
  await until('every video trending', 5000, async () => ((await listsShowing('p19')).includes('trending') ? true : undefined));
});
after(() => server.close());

test("a moderator's not_for_you takes a video out of every list, the Gorse API's too", async () => {
  assert.deepEqual(await listsShowing('p1'), EVERY_LIST);
  assert.deepEqual(await gorseListsShowing('p1'), ['/api/popular', '/api/latest', `/api/item/${ANCHOR}/neighbors`]);
  await decide('p1', 'not_for_you');
  assert.deepEqual(await listsShowing('p1'), []);
  assert.deepEqual(await gorseListsShowing('p1'), []);
});

test('a labelled video is never amplified: no list shows it', async () => {
  assert.deepEqual(await listsShowing('p2'), EVERY_LIST);
  await decide('p2', 'label', { label: 'unverified' });
  assert.deepEqual(await listsShowing('p2'), []);
});

test('a video whose reach the reports froze shows in no list until a moderator decides', async () => {
  assert.deepEqual(await listsShowing('p3'), EVERY_LIST);
  const reports = [0, 1, 2].map((i) => event(`fan${i}`, 'p3', 'report', { reason: 'hate' }));
  assert.equal((await sendEvents(app(), reports)).stored, 3);
  const { items } = await queue();
  assert.equal(items.find((item) => item.videoId === 'p3')?.frozen, true, JSON.stringify(items));
  assert.deepEqual(await listsShowing('p3'), []);
  await decide('p3', 'restore');
  assert.deepEqual(await listsShowing('p3'), EVERY_LIST, 'the decision lifted the freeze');
});

test('a video held because its creator had another removed shows in no list', async () => {
  // p14 and p4 share a creator: removing p14 holds p4 for review before anyone reports it.
  assert.deepEqual(await listsShowing('p4'), EVERY_LIST);
  await decide('p14', 'remove');
  const { items } = await queue();
  assert.match(items.find((item) => item.videoId === 'p4')?.held ?? '', /creator/, JSON.stringify(items));
  assert.deepEqual(await listsShowing('p4'), []);
});

test('an age-restricted video shows only in lists for a named adult: not for no one named, a stranger or a minor', async () => {
  assert.equal((await reply(app().PUT('/v1/users/{id}', { ...byId('adult'), body: { birthDate: bornYearsAgo(30) } }))).status, 200);
  assert.equal((await reply(app().PUT('/v1/users/{id}', { ...byId('teen'), body: { birthDate: bornYearsAgo(16.5) } }))).status, 200);
  assert.deepEqual(await listsShowing('p5'), EVERY_LIST);
  await decide('p5', 'age_restrict', { category: 'protection_of_minors' });
  assert.deepEqual(await listsShowing('p5'), [], 'no one named: someone of unknown age');
  assert.deepEqual(await listsShowing('p5', 'never-seen'), [], 'a person not known is of unknown age');
  assert.deepEqual(await listsShowing('p5', 'teen'), []);
  assert.deepEqual(await listsShowing('p5', 'adult'), EVERY_LIST);
});

test('a list for a named person is an access to that person: a moderator may not ask for one', async () => {
  const refused = await reply(moderator().GET('/v1/videos/{id}/similar', byId(ANCHOR, { userId: 'adult' })));
  assert.equal(refused.status, 403, JSON.stringify(refused.json));
  assert.match(refused.json.message, /moderators-never-see-a-person/);
});

function bornYearsAgo(years: number): string {
  return new Date(Date.now() - years * YEAR).toISOString().slice(0, 10);
}
