import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer, type RunningServer } from '../../src/server/start.ts';
import { answer, byId, clientFor, reply, sendEvents } from '../support/client.ts';
import { apiKey, event, tempDir, TEST_REGIONS } from '../support/fixtures.ts';

const dataDir = tempDir();
const appKey = apiKey(dataDir, 'app');
const adminKey = apiKey(dataDir, 'admin');
const moderatorKey = apiKey(dataDir, 'moderator');
let server: RunningServer;
const YEAR = 365.25 * 86_400_000;

const app = () => clientFor(server, appKey);
type Person = { birthDate?: string; language?: string; settings?: { personalized?: boolean } };
const putUser = (userId: string, body: Person) => reply(app().PUT('/v1/users/{id}', { ...byId(userId), body }));
const feedOf = async (userId: string, n: number, url = server.url, key = appKey) =>
  (await answer(clientFor({ url }, key).GET('/v1/users/{id}/feed', byId(userId, { n })))) as any;

const bornYearsAgo = (years: number) => new Date(Date.now() - years * YEAR).toISOString().slice(0, 10);

/** 30 videos; the 20 most watched are age-restricted, so everything popular is for adults only. */
const catalog = Array.from({ length: 30 }, (_, i) => ({ id: `a${i}`, creatorId: `k${i % 10}`, durationMs: 20_000, soundId: `s${i}`, hashtags: [`t${i % 3}`] }));
const restricted = new Set(catalog.slice(0, 20).map((v) => v.id));

async function servedOver(userId: string, pages: number, url = server.url, key = appKey): Promise<any[]> {
  const items: any[] = [];
  for (let i = 0; i < pages; i++) items.push(...(await feedOf(userId, 10, url, key)).items);
  return items;
}

async function restrictPopular(url: string, keys: { app: string; moderator: string }): Promise<void> {
  const [app, moderator] = [clientFor({ url }, keys.app), clientFor({ url }, keys.moderator)];
  assert.equal((await answer(app.POST('/v1/videos', { body: { videos: catalog } }))).stored, catalog.length);
  const plays = [];
  for (const id of restricted) for (let p = 0; p < 8; p++) plays.push(event(`fan${p}`, id, 'play', { watchMs: 20_000 }), event(`fan${p}`, id, 'like'));
  assert.equal((await sendEvents(app, plays)).stored, plays.length);
  for (const videoId of restricted) {
    const decided = moderator.POST('/v1/moderation/decisions', {
      body: { videoId, action: 'age_restrict', category: 'protection_of_minors', ground: 'incompatible', explanation: 'Adult themes.' },
    });
    assert.equal((await reply(decided)).status, 200);
  }
}

before(async () => {
  server = await startServer({ dataDir, port: 0, regions: TEST_REGIONS });
  await restrictPopular(server.url, { app: appKey, moderator: moderatorKey });
});
after(() => server.close());

test('a birth date becomes an age band and is discarded; under 13 is refused and nothing is written', async () => {
  const young = await putUser('kid', { birthDate: bornYearsAgo(12.5) });
  assert.equal(young.status, 400);
  assert.equal(young.json.field, 'birthDate');
  assert.match(young.json.message, /under 13 may not use the service/);
  assert.equal((await reply(app().GET('/v1/users/{id}', byId('kid')))).status, 404);
  for (const [value, field] of [
    ['2010-02-30', 'birthDate'],
    ['yesterday', 'birthDate'],
  ]) {
    assert.equal((await putUser('kid', { birthDate: value })).json.field, field);
  }

  const birthDate = bornYearsAgo(14.5);
  const teen = await putUser('teen', { birthDate });
  assert.equal(teen.status, 200);
  assert.equal(teen.json.settings.ageBand, '13-15');
  assert.equal(teen.json.settings.personalized, false, 'under 16: non-personalised by default');
  const exported = await reply(clientFor(server, adminKey).GET('/v1/users/{id}/export', byId('teen')));
  assert.ok(!JSON.stringify(exported.json).includes(birthDate), 'the birth date was kept');
  assert.equal(exported.json.user.settings.ageBand, '13-15');

  const chose = await putUser('teen-who-chose', { birthDate, settings: { personalized: true } });
  assert.equal(chose.json.settings.personalized, true, 'an explicit choice is kept');
  assert.equal((await putUser('older', { birthDate: bornYearsAgo(16.5) })).json.settings.ageBand, '16-17');
  const adult = await putUser('adult', { birthDate: bornYearsAgo(30) });
  assert.deepEqual([adult.json.settings.ageBand, adult.json.settings.personalized], ['18+', true]);
  // A later update without a birth date keeps the band.
  assert.equal((await putUser('adult', { language: 'fr' })).json.settings.ageBand, '18+');
});

test('someone under 18 never gets an age-restricted video, even when that is all that is popular; an adult does', async () => {
  await putUser('minor', { birthDate: bornYearsAgo(17) });
  await putUser('grown', { birthDate: bornYearsAgo(25) });
  const minorItems = await servedOver('minor', 4);
  assert.ok(minorItems.length > 0);
  assert.deepEqual(
    minorItems.filter((i) => restricted.has(i.videoId)),
    [],
  );
  const adultItems = await servedOver('grown', 2);
  assert.ok(
    adultItems.some((i) => restricted.has(i.videoId)),
    'an adult was kept from age-restricted videos',
  );
  // Under the default configuration, unknown age counts as 16-17: no age-restricted video either.
  assert.deepEqual(
    (await servedOver('nobody-knows', 3)).filter((i) => restricted.has(i.videoId)),
    [],
  );
});

test('a minor gets the screen-time reminder once they have watched an hour today; an adult never does', async () => {
  await putUser('watcher', { birthDate: bornYearsAgo(15) });
  await putUser('adult-watcher', { birthDate: bornYearsAgo(40) });
  const watch = (userId: string, minutes: number) => sendEvents(app(), [event(userId, 'a25', 'play', { watchMs: minutes * 60_000 })]);
  await watch('watcher', 59);
  assert.equal((await feedOf('watcher', 2)).screenTimeReminder, undefined);
  await watch('watcher', 2);
  assert.equal((await feedOf('watcher', 2)).screenTimeReminder, true);
  await watch('adult-watcher', 120);
  assert.equal((await feedOf('adult-watcher', 2)).screenTimeReminder, undefined);
});

test('with 13-15 as the strictest band, people of unknown age get its rules: non-personalised, no age-restricted video', async () => {
  const strictDir = tempDir();
  const keys = { app: apiKey(strictDir, 'app'), moderator: apiKey(strictDir, 'moderator') };
  const minors = { unknownAgeBand: '13-15', nonPersonalisedUnder16: true, screenTimeReminderMs: 60 * 60_000 } as const;
  const strict = await startServer({ dataDir: strictDir, port: 0, regions: TEST_REGIONS, safety: { minors } });
  try {
    await restrictPopular(strict.url, keys);
    const items = await servedOver('unknown', 3, strict.url, keys.app);
    assert.ok(items.length > 0);
    assert.deepEqual(
      items.filter((i) => restricted.has(i.videoId)),
      [],
    );
    for (const item of items)
      assert.ok(['trending', 'explore', 'catalog'].includes(item.source), `a personalised source (${item.source}) served someone of unknown age`);
  } finally {
    await strict.close();
  }
});
