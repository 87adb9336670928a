/** Every id and string is well-formed Unicode, and each event is decided for its own person's region. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer, type RunningServer } from '../../src/server/start.ts';
import { byId, clientFor, reply, type EventInput } from '../support/client.ts';
import { apiKey, event, tempDir, videos } from '../support/fixtures.ts';

const dataDir = tempDir();
const admin = apiKey(dataDir, 'admin', ['us', 'eu']);
const usOnly = apiKey(dataDir, 'app', ['us'], 'us-app');
let server: RunningServer;

const as = (key: string) => clientFor(server, key);
const postEvents = (key: string, events: EventInput[]) => reply(as(key).POST('/v1/events', { body: { events } }));
const putUser = (userId: string, body: { region?: string; settings?: { keywordFilters?: string[] } }) =>
  reply(as(admin).PUT('/v1/users/{id}', { ...byId(userId), body }));
const exportOf = (userId: string) => reply(as(admin).GET('/v1/users/{id}/export', byId(userId)));

before(async () => {
  server = await startServer({ dataDir, port: 0, regions: ['us', 'eu'] });
  assert.equal((await reply(as(admin).POST('/v1/videos', { body: { videos: videos(5) } }))).json.stored, 5);
  for (const [id, region] of [
    ['anna', 'eu'],
    ['bob', 'us'],
  ] as const)
    assert.equal((await putUser(id, { region })).status, 200);
});
after(() => server.close());

test('an id or string holding a lone UTF-16 surrogate is refused per item, naming the field; surrogate pairs are fine', async () => {
  const events = [event('w\ud800', 'v1', 'like'), event('ok-\ud83d\ude00', 'v1', 'like'), { ...event('bob', 'v1', 'like'), id: 'x\udc00y' }];
  const res = await postEvents(admin, events);
  assert.equal(res.status, 200);
  assert.deepEqual(
    res.json.results.map((r: any) => [r.status, r.field]),
    [
      ['rejected', 'userId'],
      ['stored', undefined],
      ['rejected', 'id'],
    ],
  );
  const videoRes = await reply(
    as(admin).POST('/v1/videos', {
      body: {
        videos: [
          { ...videos(1)[0]!, id: 'cap', caption: 'a\ud800' },
          { ...videos(1)[0]!, id: 'tag', hashtags: ['ok', '\udfff'] },
        ],
      },
    }),
  );
  assert.deepEqual(
    videoRes.json.results.map((r: any) => [r.status, r.field]),
    [
      ['rejected', 'caption'],
      ['rejected', 'hashtags[1]'],
    ],
  );
  const user = await putUser('carl', { settings: { keywordFilters: ['\ud800'] } });
  assert.equal(user.status, 400);
  assert.equal(user.json.field, 'settings.keywordFilters[0]');
  // The person stored under the well-formed id is reachable, and no one was stored under the other.
  const exported = await exportOf('ok-\ud83d\ude00');
  assert.equal(exported.status, 200);
  assert.equal(exported.json.events.length, 1);
  assert.equal(server.moteur.peekUser('w\ud800'), undefined);
});

test("a key limited to one region may not write events of another region's people, even on a node serving both", async () => {
  const res = await postEvents(usOnly, [event('anna', 'v1', 'like'), event('bob', 'v2', 'like'), event('newcomer', 'v3', 'like')]);
  assert.equal(res.status, 200);
  assert.deepEqual(
    res.json.results.map((r: any) => [r.status, r.code, r.field]),
    [
      ['rejected', 'forbidden', 'userId'],
      ['stored', undefined, undefined],
      ['stored', undefined, undefined],
    ],
  );
  assert.match(res.json.results[0].message, /region eu/);
  const anna = (await exportOf('anna')).json;
  assert.equal(anna.events.length, 0, 'nothing was written for anna');
  // Recorded: a denial for the eu people of the batch.
  const size = await server.moteur.ledger.size();
  await server.moteur.counts();
  const entries = (await server.moteur.ledger.entries(0, await server.moteur.ledger.size())).map((e) => e.entry);
  assert.ok(size > 0);
  assert.ok(entries.some((e) => e.principal === 'us-app' && e.action === 'ingestEvents' && e.decision === 'deny' && e.purpose.includes('eu')));
});

test('a lone surrogate in the region of a profile is a 400 naming it, before any policy sees it', async () => {
  const put = await putUser('someone', { region: 'e\ud800' });
  assert.equal(put.status, 400);
  assert.equal(put.json.field, 'region');
});
