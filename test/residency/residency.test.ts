import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { Moteur } from '../../src/app/moteur.ts';
import { startServer } from '../../src/server/start.ts';
import { answer, byId, clientFor, reply } from '../support/client.ts';
import { apiKey, event, tempDir, videos } from '../support/fixtures.ts';

/** Databases of the data directory (relative paths, a WAL counting as its database) whose bytes contain `marker`. */
function filesHolding(dir: string, marker: string): string[] {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((f) => f.isFile())
    .map((f) => join(f.parentPath ?? f.path, f.name))
    .filter((file) => readFileSync(file).includes(marker))
    .map((file) => relative(dir, file).replace(/-(wal|shm)$/, ''));
  return [...new Set(files)].sort();
}

test("each region's people, events and data keys live in that region's own files; the catalog stays global", async () => {
  const dir = tempDir();
  const moteur = await Moteur.open({ dataDir: dir, regions: ['us', 'eu'] });
  await moteur.upsertVideos(videos(10));
  await moteur.putUser('EU-PERSON-7c1d', { region: 'eu' });
  await moteur.putUser('US-PERSON-20ab', { region: 'us' });
  await moteur.ingest([event('EU-PERSON-7c1d', 'v1', 'like'), event('US-PERSON-20ab', 'v2', 'like'), event('NEWCOMER-33ef', 'v3', 'like')]);
  await moteur.feed('EU-PERSON-7c1d', { n: 3 });
  assert.deepEqual(
    (await moteur.exportUser('EU-PERSON-7c1d')).events.map((e) => e.videoId),
    ['v1'],
  );
  // The learners' snapshot is written at close; it is node-wide, so the check below is before it exists.
  await moteur.counts();
  assert.deepEqual(filesHolding(dir, 'EU-PERSON-7c1d'), ['regions/eu/data-keys.db', 'regions/eu/events.db', 'regions/eu/people.db']);
  assert.deepEqual(filesHolding(dir, 'US-PERSON-20ab'), ['regions/us/data-keys.db', 'regions/us/events.db', 'regions/us/people.db']);
  assert.deepEqual(
    filesHolding(dir, 'NEWCOMER-33ef'),
    ['regions/us/data-keys.db', 'regions/us/events.db', 'regions/us/people.db'],
    'someone unknown belongs to the home region',
  );
  assert.ok(filesHolding(dir, 'video number 3').includes('store.db'), 'the catalog is global');
  // One sequence across the regions' logs, read back in order.
  assert.deepEqual(
    (await moteur.log.readAfter(0, 10)).map((e) => [e.userId, e.seq]),
    [
      ['EU-PERSON-7c1d', 1],
      ['US-PERSON-20ab', 2],
      ['NEWCOMER-33ef', 3],
    ],
  );
  await assert.rejects(
    moteur.putUser('US-PERSON-20ab', { region: 'eu' }),
    /region: this person's data lives in region us; to move it, export the person, erase them/,
  );
  await assert.rejects(moteur.putUser('JP-PERSON', { region: 'jp' }), /lives in region jp; this node serves us, eu/);
  await moteur.close();

  // Restarted without --regions, the node serves every region it holds, and rebuilds everything.
  const again = await Moteur.open({ dataDir: dir });
  assert.deepEqual(again.residency.regions, ['us', 'eu']);
  assert.equal(again.getUser('EU-PERSON-7c1d').region, 'eu');
  assert.equal(await again.log.count(), 3);
  assert.deepEqual(
    (await again.ingest([event('EU-PERSON-7c1d', 'v4', 'play', { watchMs: 10 })])).map((o) => o.status),
    ['stored'],
  );
  assert.equal((await again.log.readAfter(3, 10))[0]?.seq, 4, 'the shared sequence goes on after a restart');
  await again.close();
});

test('a node that serves some regions refuses the people of the others with a 403 wrong_region, over HTTP and in ingest, and logs the denial', async () => {
  const dir = tempDir();
  const first = await Moteur.open({ dataDir: dir, regions: ['us', 'eu'] });
  await first.upsertVideos(videos(10));
  await first.putUser('anna', { region: 'eu' });
  await first.putUser('bob', { region: 'us' });
  await first.close();

  const key = apiKey(dir, 'admin', ['us', 'eu']);
  const server = await startServer({ dataDir: dir, port: 0, regions: ['us'] });
  try {
    const admin = clientFor(server, key);
    assert.equal((await reply(admin.GET('/v1/users/{id}', byId('bob')))).status, 200);
    const aboutAnna = {
      user: () => admin.GET('/v1/users/{id}', byId('anna')),
      feed: () => admin.GET('/v1/users/{id}/feed', byId('anna', { n: 2 })),
      export: () => admin.GET('/v1/users/{id}/export', byId('anna')),
    };
    for (const [route, call] of Object.entries(aboutAnna)) {
      const res = await reply(call());
      assert.equal(res.status, 403, route);
      assert.equal(res.json.code, 'wrong_region');
      assert.match(res.json.message, /lives in region eu; this node serves us: send the request to a node of region eu/);
    }
    assert.equal(server.moteur.peekUser('anna'), undefined, 'the node loaded a person it does not serve');
    const { results } = await answer(admin.POST('/v1/events', { body: { events: [event('anna', 'v1', 'like'), event('bob', 'v1', 'like')] } }));
    assert.deepEqual(
      results.map((r) => [r.status, r.code, r.field]),
      [
        ['rejected', 'wrong_region', 'userId'],
        ['stored', undefined, undefined],
      ],
    );
    await server.moteur.counts();
    const entries = (await server.moteur.ledger.entries(0, await server.moteur.ledger.size())).map((e) => e.entry);
    const anna = `user:${server.moteur.ledger.commitment('anna')}`;
    assert.deepEqual(
      entries.filter((e) => e.resource === anna).map((e) => [e.action, e.decision]),
      [
        ['readUser', 'deny'],
        ['readFeed', 'deny'],
        ['exportUser', 'deny'],
      ],
    );
  } finally {
    await server.close();
  }
  // Nothing about anna was written into the us files.
  assert.deepEqual(
    filesHolding(dir, 'anna').filter((f) => !f.startsWith('regions/eu/')),
    [],
  );
});
