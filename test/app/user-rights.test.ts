import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { Moteur } from '../../src/app/moteur.ts';
import { SqliteEventLog } from '../../src/log/sqlite/sqlite-event-log.ts';
import { PersonalEventLog } from '../../src/trust/crypto/personal-event-log.ts';
import { event, tempDir, videos } from '../support/fixtures.ts';

const DIM = 4;
const withEmbeddings = videos(80).map((v, i) => ({ ...v, embedding: Array.from({ length: DIM }, (_, d) => (d === i % DIM ? 1 : 0.1)) }));

/** Sources that draw on what was learned about the person (followed creators are a choice, not learned). */
const LEARNED_SOURCES = ['embedding', 'co-engaged', 'affinity', 'content-similar'];

async function engine(dataDir = tempDir()): Promise<Moteur> {
  const moteur = await Moteur.open({ dataDir, embeddingDim: DIM });
  if (moteur.catalog.size === 0) await moteur.upsertVideos(withEmbeddings);
  return moteur;
}

test('export returns the profile, every event, the serving history and what was learned', async () => {
  const moteur = await engine();
  await moteur.putUser('ann', { settings: { keywordFilters: ['x'] } });
  await moteur.ingest([event('ann', 'v1', 'play', { watchMs: 9000 }), event('ann', 'v2', 'follow'), event('bob', 'v3', 'like')]);
  const page = await moteur.feed('ann', { n: 5 });
  const data = await moteur.exportUser('ann');
  assert.deepEqual(data.user.settings.keywordFilters, ['x']);
  assert.deepEqual(
    data.events.map((e) => e.videoId),
    ['v1', 'v2'],
  );
  assert.deepEqual(
    data.served.map((s) => s.videoId),
    page.items.map((i) => i.videoId),
  );
  assert.deepEqual(data.learned.follows, ['c2']);
  assert.ok(data.learned.affinities.some((a) => a.key === 'creator:c1' && a.value > 0));
  assert.equal(data.learned.interestVector?.length, moteur.learning.learners.config.dim);
  assert.throws(() => moteur.getUser('nobody'), /user 'nobody' does not exist/);
  await assert.rejects(moteur.exportUser('nobody'), /does not exist/);
  await moteur.close();
});

test('export lists every positive kept about the person, beyond the recent ones Swing pairs', async () => {
  const moteur = await engine();
  const watched = withEmbeddings.map((v) => v.id);
  // Plays watched through count as positives (likes from an account this new would be discounted).
  await moteur.ingest(watched.map((v, i) => event('dee', v, 'play', { watchMs: 30_000, ts: Date.now() - 80_000 + i * 1000 })));
  const { learned } = await moteur.exportUser('dee');
  const window = moteur.learning.learners.config.swing.recentPositivesPerUser;
  assert.ok(learned.keptPositives.length > window, `${learned.keptPositives.length} positives kept`);
  assert.ok(learned.keptPositives.every((id) => watched.includes(id)));
  assert.deepEqual(learned.recentPositives, learned.keptPositives.slice(-window));
  await moteur.close();
});

test('refresh forgets the learned taste, keeps follows and settings, and survives a restart', async () => {
  const dir = tempDir();
  let moteur = await engine(dir);
  await moteur.putUser('cy', { settings: { keywordFilters: ['spoiler'] } });
  await moteur.ingest(['v0', 'v4', 'v8', 'v12'].map((v) => event('cy', v, 'play', { watchMs: 30_000 })));
  await moteur.ingest([event('cy', 'v5', 'follow')]);
  assert.ok((await moteur.feed('cy', { n: 10 })).items.some((i) => LEARNED_SOURCES.includes(i.source)));
  await moteur.refreshUser('cy');
  const check = async (m: Moteur) => {
    const { items } = await m.feed('cy', { n: 10, explain: true });
    assert.ok(
      items.every((i) => !LEARNED_SOURCES.includes(i.source)),
      'taste survived the refresh',
    );
    assert.ok(m.learning.learners.follows('cy').has('c5'), 'the follow was lost');
    assert.deepEqual(m.getUser('cy').settings.keywordFilters, ['spoiler']);
    assert.equal(m.learning.learners.userVector('cy'), undefined);
    assert.deepEqual(m.learning.learners.affinities('cy'), []);
  };
  await check(moteur);
  await moteur.close();
  moteur = await engine(dir);
  await check(moteur);
  await moteur.ingest([event('cy', 'v2', 'like')]);
  assert.ok(
    moteur.learning.learners.affinities('cy').some((a) => a.key === 'creator:c2' && a.value > 0),
    'events after the refresh are learned',
  );
  await moteur.close();
});

/** Every file of a data directory, recursively. */
const filesIn = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((f) => f.isFile())
    .map((f) => join(f.parentPath ?? f.path, f.name));

const filesHolding = (dir: string, marker: string): string[] => filesIn(dir).filter((file) => readFileSync(file).includes(marker));

test('what a person did is encrypted at rest: their session ids and videos are in no file, yet export reads them back', async () => {
  const dir = tempDir();
  const marker = 'SESSION-MARKER-51d0';
  const moteur = await engine(dir);
  await moteur.ingest([event('sealed', 'v17', 'play', { watchMs: 4321, sessionId: marker })]);
  assert.deepEqual(
    (await moteur.exportUser('sealed')).events.map((e) => [e.videoId, e.watchMs, e.sessionId]),
    [['v17', 4321, marker]],
  );
  await moteur.close();
  assert.deepEqual(filesHolding(dir, marker), []);
  const stored = new Database(join(dir, 'regions', 'us', 'events.db'), { readonly: true });
  try {
    assert.deepEqual(Object.keys(stored.prepare('SELECT * FROM events').get() as object), ['seq', 'id', 'user_id', 'sealed']);
  } finally {
    stored.close();
  }
});

test('erasure leaves no trace of the person in the files or in the models, and destroys the key of every older copy', async () => {
  const dir = tempDir();
  const marker = 'MARKER-7f3a9c1e';
  let moteur = await engine(dir);
  const person = `erase-me-${marker}`;
  await moteur.ingest(
    Array.from({ length: 40 }, (_, i) => event(person, `v${i}`, i % 3 === 0 ? 'like' : 'play', { watchMs: 5000, sessionId: `session-${marker}` })),
  );
  await moteur.ingest([event('keeper', 'v1', 'play', { watchMs: 5000 })]);
  await moteur.feed(person, { n: 10 });
  // A backup of the event log taken before the erasure: crypto-shredding must make it useless too.
  const backup = join(tempDir(), 'events.db');
  const live = new Database(join(dir, 'regions', 'us', 'events.db'), { readonly: true });
  live.exec(`VACUUM INTO '${backup}'`);
  live.close();
  const result = await moteur.eraseUser(person);
  assert.equal(result.eventsErased, 40);
  assert.ok(!moteur.learning.learners.knowsUser(person), 'the learners still hold the person');
  assert.equal(moteur.learning.seenBy(person).size, 0);
  assert.throws(() => moteur.getUser(person), /does not exist/);
  assert.equal(moteur.getUser('keeper').id, 'keeper');
  await moteur.close();

  const names = filesIn(dir).map((f) => basename(f));
  for (const name of ['events.db', 'people.db', 'store.db', 'data-keys.db', 'ledger.db', 'learners.snapshot'])
    assert.ok(names.includes(name), `${name} is searched too`);
  assert.deepEqual(filesHolding(dir, marker), [], 'the marker is still readable');
  moteur = await engine(dir);
  assert.ok(!moteur.learning.learners.knowsUser(person), 'restart rebuilt state for the erased person');
  assert.equal(moteur.peekUser(person), undefined);
  assert.equal((await moteur.log.readByUser(person)).length, 0);
  assert.equal((await moteur.log.readByUser('keeper')).length, 1);
  assert.equal(moteur.log.keys.keyOf(person), undefined, 'the data key survived');

  // The backup still holds the person's sealed rows, but no key opens them any more; the keeper's still open.
  const old = SqliteEventLog.open(backup);
  assert.equal((await old.readByUser(person)).length, 40);
  const reader = new PersonalEventLog(old, moteur.log.keys);
  assert.deepEqual(await reader.readByUser(person), []);
  assert.equal((await reader.readByUser('keeper')).length, 1);
  await old.close();

  await moteur.counts();
  const all = await moteur.ledger.entries(0, await moteur.ledger.size());
  const erasures = all.filter((e) => e.entry.action === 'userErased');
  assert.deepEqual(
    erasures.map((e) => [e.entry.resource, e.entry.principal]),
    [[`user:${moteur.ledger.commitment(person)}`, 'local-operator']],
  );
  const snapshots = all.filter((e) => e.entry.action === 'modelSnapshot');
  assert.ok(
    snapshots.length >= 1 && /^learners at log position \d+$/.test(snapshots[0]!.entry.purpose),
    'the model snapshot written at close is not in the ledger',
  );
  await moteur.close();
});
