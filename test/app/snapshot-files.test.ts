/**
 * Snapshot files: written whole or not at all (also when written in the background), the HNSW graph
 * saved beside the snapshot is loaded only with the snapshot it was written for, and the content embeddings'
 * graph saved at close is loaded (unless damaged) and checked against the catalog.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadContentIndex, saveContentIndex } from '../../src/app/content-index-file.ts';
import { Moteur } from '../../src/app/moteur.ts';
import { loadVectorIndex, saveVectorIndex } from '../../src/app/vector-index-file.ts';
import { EmbeddingIndex } from '../../src/feed/embedding-index.ts';
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
  first.catalog.embeddings.prepare();
  const before = ['u0', 'u1', 'u2'].map((u) => first.learning.learners.nearestVideos(u, 20));
  const contentQueries = [0, 7_000, 19_999].map((i) => Float32Array.from(first.catalog.embeddings.vectorOf(world.videos[i]!.id)!));
  const contentBefore = contentQueries.map((q) => first.catalog.embeddings.nearest(q, 20));
  await first.close();
  assert.ok(existsSync(join(dir, 'learners.snapshot.hnsw')), 'no graph was saved beside the snapshot');
  assert.ok(existsSync(join(dir, 'learners.snapshot.content.hnsw')), 'no content graph was saved at close');

  const second = await Moteur.open({ dataDir: dir });
  assert.equal(second.learning.vectorIndexLoaded, true);
  assert.equal(second.contentIndexLoaded, true);
  assert.deepEqual(
    ['u0', 'u1', 'u2'].map((u) => second.learning.learners.nearestVideos(u, 20)),
    before,
  );
  assert.deepEqual(
    contentQueries.map((q) => second.catalog.embeddings.nearest(q, 20)),
    contentBefore,
  );
  await second.close();
});

test('a content graph file that is damaged, half-written or for other embeddings is not loaded, and the index still builds its own', () => {
  const path = join(tempDir(), 'learners.snapshot');
  const world = makeWorld(300);
  const indexOf = (dim = 32) => {
    const index = new EmbeddingIndex(dim, 500);
    for (const v of world.videos) index.put(v.id, v.embedding!);
    return index;
  };
  assert.equal(saveContentIndex(new EmbeddingIndex(32, 500), path), false, 'saved a graph an index without one does not have');
  const original = indexOf();
  original.prepare();
  assert.equal(saveContentIndex(original, path), true);
  assert.equal(loadContentIndex(indexOf(16), path), false, 'loaded a graph of 32 dimensions into an index of 16');
  const description = readFileSync(`${path}.content.hnsw.json`, 'utf8');
  writeFileSync(`${path}.content.hnsw.json`, description.slice(0, description.length / 2));
  assert.equal(loadContentIndex(indexOf(), path), false, 'loaded with a half-written description');
  writeFileSync(`${path}.content.hnsw.json`, description);
  const graph = readFileSync(`${path}.content.hnsw`);
  writeFileSync(`${path}.content.hnsw`, graph.subarray(0, graph.length - 100));
  assert.equal(loadContentIndex(indexOf(), path), false, 'loaded a truncated graph');
  writeFileSync(`${path}.content.hnsw`, graph);
  const loaded = indexOf();
  assert.equal(loadContentIndex(loaded, path), true);
  const notLoaded = indexOf();
  notLoaded.prepare();
  const query = Float32Array.from(original.vectorOf(world.videos[42]!.id)!);
  assert.deepEqual(loaded.nearest(query, 10), original.nearest(query, 10));
  assert.deepEqual(
    notLoaded.nearest(query, 10).map((f) => f.id),
    original.nearestExact(query, 10).map((f) => f.id),
  );
});
