import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Moteur } from '../../src/app/moteur.ts';
import { event, tempDir, videos } from '../support/fixtures.ts';

const DIM = 4;
const withEmbeddings = videos(80).map((v, i) => ({ ...v, embedding: Array.from({ length: DIM }, (_, d) => (d === i % DIM ? 1 : 0.1)) }));

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
  assert.deepEqual(data.events.map((e) => e.videoId), ['v1', 'v2']);
  assert.deepEqual(data.served.map((s) => s.videoId), page.items.map((i) => i.videoId));
  assert.deepEqual(data.learned.follows, ['c2']);
  assert.ok(data.learned.affinities.some((a) => a.key === 'creator:c1' && a.value > 0));
  assert.equal(data.learned.interestVector?.length, DIM);
  assert.throws(() => moteur.getUser('nobody'), /user 'nobody' does not exist/);
  await assert.rejects(moteur.exportUser('nobody'), /does not exist/);
  await moteur.close();
});

test('refresh forgets the learned taste, keeps follows and settings, and survives a restart', async () => {
  const dir = tempDir();
  let moteur = await engine(dir);
  await moteur.putUser('cy', { settings: { keywordFilters: ['spoiler'] } });
  await moteur.ingest(['v0', 'v4', 'v8', 'v12'].map((v) => event('cy', v, 'play', { watchMs: 30_000 })));
  await moteur.ingest([event('cy', 'v5', 'follow')]);
  assert.ok((await moteur.feed('cy', { n: 10 })).items.some((i) => i.source === 'similar' || i.source === 'affinity'));
  await moteur.refreshUser('cy');
  const check = async (m: Moteur) => {
    const { items } = await m.feed('cy', { n: 10, explain: true });
    assert.ok(items.every((i) => i.source !== 'similar' && i.source !== 'affinity'), 'taste survived the refresh');
    assert.ok(m.userStates.get('cy').follows.has('c5'), 'the follow was lost');
    assert.deepEqual(m.getUser('cy').settings.keywordFilters, ['spoiler']);
    assert.equal(m.userStates.get('cy').interest.direction(), undefined);
  };
  await check(moteur);
  await moteur.close();
  moteur = await engine(dir);
  await check(moteur);
  await moteur.ingest([event('cy', 'v2', 'like')]);
  assert.ok(moteur.userStates.get('cy').affinities.get('creator:c2', Date.now()) > 0, 'events after the refresh are learned');
  await moteur.close();
});

test('erasure leaves no trace of the person in the files or in the models', async () => {
  const dir = tempDir();
  const marker = 'MARKER-7f3a9c1e';
  let moteur = await engine(dir);
  const person = `erase-me-${marker}`;
  await moteur.ingest(
    Array.from({ length: 40 }, (_, i) => event(person, `v${i}`, i % 3 === 0 ? 'like' : 'play', { watchMs: 5000, sessionId: `session-${marker}` })),
  );
  await moteur.ingest([event('keeper', 'v1', 'play', { watchMs: 5000 })]);
  await moteur.feed(person, { n: 10 });
  const result = await moteur.eraseUser(person);
  assert.equal(result.eventsErased, 40);
  assert.equal(moteur.userStates.peek(person), undefined);
  assert.throws(() => moteur.getUser(person), /does not exist/);
  assert.equal(moteur.getUser('keeper').id, 'keeper');
  await moteur.close();

  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
  assert.ok(files.some((f) => f.name === 'ledger.db'), 'the audit ledger is searched too');
  for (const file of files) {
    assert.ok(!readFileSync(join(file.parentPath ?? file.path, file.name)).includes(marker), `the marker is still readable in ${file.name}`);
  }
  moteur = await engine(dir);
  assert.equal(moteur.userStates.peek(person), undefined, 'restart rebuilt state for the erased person');
  assert.equal((await moteur.log.readByUser(person)).length, 0);
  assert.equal((await moteur.log.readByUser('keeper')).length, 1);
  await moteur.close();
});
