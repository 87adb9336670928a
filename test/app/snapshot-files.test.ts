/**
 * Snapshot files: written whole or not at all (also when written in the background), and the HNSW graph
 * saved beside the snapshot is loaded only with the snapshot it was written for.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Moteur } from '../../src/app/moteur.ts';
import { loadVectorIndex, saveVectorIndex } from '../../src/app/vector-index-file.ts';
import { OnlineLearners } from '../../src/learn/online/learners.ts';
import { writeFileAtomicallyInBackground } from '../../src/learn/online/snapshot-file.ts';
import { tempDir } from '../support/fixtures.ts';
import { behave, makeWorld } from '../learn/tiny-world.ts';

test('a snapshot written in the background replaces the previous one only once it is whole', async () => {
  const path = join(tempDir(), 'learners.snapshot');
  writeFileSync(path, 'previous');
  const next = new Uint8Array(4 << 20).fill(7);
  const writing = writeFileAtomicallyInBackground(path, next);
  assert.equal(readFileSync(path, 'utf8'), 'previous', 'the file changed before the new one was whole');
  assert.equal(await writing, true);
  assert.ok(Buffer.from(next).equals(readFileSync(path)));
  assert.ok(!existsSync(`${path}.tmp`), 'the temporary file was left behind');
});

test('a background write no longer wanted when it is done (an erasure meanwhile) leaves no file behind', async () => {
  const path = join(tempDir(), 'learners.snapshot');
  assert.equal(await writeFileAtomicallyInBackground(path, new Uint8Array(1000), () => false), false);
  assert.ok(!existsSync(path) && !existsSync(`${path}.tmp`));
});

/** Learners with an HNSW graph from 100 videos on (the engine's threshold is 20,000). */
function learnersWithGraph(): OnlineLearners {
  const world = makeWorld(60);
  const learners = new OnlineLearners({ seed: 3, ann: { from: 100 } });
  for (const v of world.videos) learners.addVideo(v);
  for (const e of behave(world, 30, 3000)) learners.observe(e, world.byId.get(e.videoId));
  learners.syncVectorIndex();
  return learners;
}

test('the graph saved with a snapshot is loaded with it and answers as the original did', async () => {
  const path = join(tempDir(), 'learners.snapshot');
  const original = learnersWithGraph();
  const stamp = { seq: 3000, bytes: 12345 };
  assert.equal(await saveVectorIndex(original, path, stamp), true);
  const restored = OnlineLearners.restore(original.snapshot());
  assert.equal(await loadVectorIndex(restored, path, stamp), true);
  restored.syncVectorIndex();
  for (const user of ['u0', 'u1', 'u2']) assert.deepEqual(restored.nearestVideos(user, 10), original.nearestVideos(user, 10));
});

test('a graph is not loaded with another snapshot, without its description, or damaged', async () => {
  const path = join(tempDir(), 'learners.snapshot');
  const stamp = { seq: 3000, bytes: 12345 };
  await saveVectorIndex(learnersWithGraph(), path, stamp);
  const fresh = () => OnlineLearners.restore(learnersWithGraph().snapshot());
  assert.equal(await loadVectorIndex(fresh(), path, { seq: 2999, bytes: 12345 }), false, 'loaded with an older snapshot');
  assert.equal(await loadVectorIndex(fresh(), path, { seq: 3000, bytes: 999 }), false, 'loaded with another snapshot of the same position');
  const graph = readFileSync(`${path}.hnsw`);
  writeFileSync(`${path}.hnsw`, graph.subarray(0, graph.length - 100));
  assert.equal(await loadVectorIndex(fresh(), path, stamp), false, 'loaded a truncated graph');
  writeFileSync(`${path}.hnsw`, graph);
  writeFileSync(`${path}.hnsw.json`, '{"format": 1, "snapsh');
  assert.equal(await loadVectorIndex(fresh(), path, stamp), false, 'loaded with a half-written description');
});

test('an engine restarted from its snapshot takes the graph saved with it and finds the same neighbours', { timeout: 120_000 }, async () => {
  const dir = tempDir();
  // Enough videos for the engine to search with the HNSW graph rather than by brute force.
  const world = makeWorld(5_000);
  const first = await Moteur.open({ dataDir: dir });
  for (let i = 0; i < world.videos.length; i += 1000) await first.upsertVideos(world.videos.slice(i, i + 1000));
  const events = behave(world, 20, 2000).map(({ seq: _, ...e }) => e);
  for (let i = 0; i < events.length; i += 1000) await first.ingest(events.slice(i, i + 1000));
  first.learning.learners.syncVectorIndex();
  const before = ['u0', 'u1', 'u2'].map((u) => first.learning.learners.nearestVideos(u, 20));
  await first.close();
  assert.ok(existsSync(join(dir, 'learners.snapshot.hnsw')), 'no graph was saved beside the snapshot');

  const second = await Moteur.open({ dataDir: dir });
  assert.equal(second.learning.vectorIndexLoaded, true);
  assert.deepEqual(['u0', 'u1', 'u2'].map((u) => second.learning.learners.nearestVideos(u, 20)), before);
  await second.close();
});
