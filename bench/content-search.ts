/**
 * Search over uploaded content embeddings (what the content-similar source asks for each person): the time to
 * build the HNSW graph, the time per query through it and by exact scan, and its recall of the exact top k.
 * The catalog is bench:feed's synthetic one (50 topics, 32 dimensions); queries are videos' own embeddings.
 * Then 100 videos are removed and 100 change embedding (the graph is updated in place), and the queries are
 * timed again; then the graph is written to a file and read into a fresh index, as at a restart.
 *   node --import tsx bench/content-search.ts [--videos 1000000] [--queries 200] [--k 100]
 */
import { join } from 'node:path';
import { EmbeddingIndex } from '../src/feed/embedding-index.ts';
import { flag, latencySummary, note, print, round, scratchDir } from './lib/report.ts';
import { syntheticVideoStream } from './lib/synthetic.ts';

const VIDEOS = flag('videos', 1_000_000);
const QUERIES = flag('queries', 200);
const K = flag('k', 100);

const loaded = (): EmbeddingIndex => {
  const index = new EmbeddingIndex(32);
  for (const video of syntheticVideoStream(VIDEOS)) index.put(video.id, video.embedding);
  return index;
};
note(`loading ${VIDEOS} embeddings`);
const index = loaded();
const every = Math.max(1, Math.floor(VIDEOS / QUERIES));
const queries = Array.from({ length: Math.min(QUERIES, Math.ceil(VIDEOS / every)) }, (_, i) => Float32Array.from(index.vectorOf(`v${i * every}`)!));
note('building the graph');
const started = performance.now();
index.prepare();
const buildMs = performance.now() - started;

const timed = (search: (q: Float32Array) => { id: string }[]) => {
  const latencies: number[] = [];
  const found = queries.map((q) => {
    const t = performance.now();
    const result = search(q);
    latencies.push(performance.now() - t);
    return result;
  });
  return { found, latency: latencySummary(latencies) };
};
note(`${queries.length} queries through the graph, then by exact scan`);
const approximate = timed((q) => index.nearest(q, K));
const exact = timed((q) => index.nearestExact(q, K));
const recall = (found: { id: string }[][], truth: { id: string }[][]) => {
  let hits = 0;
  found.forEach((list, i) => {
    const exactIds = new Set(truth[i]!.map((f) => f.id));
    hits += list.filter((f) => exactIds.has(f.id)).length;
  });
  return round(hits / (K * queries.length), 3);
};

// Removing and re-uploading videos changes the graph in place: no rebuild.
let at = performance.now();
for (let i = 0; i < 100; i++) index.delete(`v${i * 7}`);
for (let i = 0; i < 100; i++)
  index.put(
    `v${i * 11 + 1}`,
    Array.from(queries[i % queries.length]!, (x) => -x),
  );
const changesMs = performance.now() - at;
const afterChanges = timed((q) => index.nearest(q, K));
const exactAfterChanges = timed((q) => index.nearestExact(q, K));

// A restart: the graph read back from its file into an index loaded from the catalog again.
const file = join(scratchDir(), 'content.hnsw');
at = performance.now();
const saved = index.saveGraph(file)!;
const saveMs = performance.now() - at;
note('loading the catalog again, then the graph from its file');
const restarted = loaded();
for (let i = 0; i < 100; i++) restarted.delete(`v${i * 7}`);
for (let i = 0; i < 100; i++)
  restarted.put(
    `v${i * 11 + 1}`,
    Array.from(queries[i % queries.length]!, (x) => -x),
  );
at = performance.now();
restarted.loadGraph(file, saved);
const loadMs = performance.now() - at;
const afterRestart = timed((q) => restarted.nearest(q, K));

print({
  benchmark: 'content-search',
  parameters: { videos: VIDEOS, queries: queries.length, k: K, dim: 32 },
  buildMs: round(buildMs),
  graphMs: approximate.latency,
  exactMs: exact.latency,
  recall: recall(approximate.found, exact.found),
  /** 100 removals and 100 changed embeddings, then the same queries (recall against the exact search after them). */
  changesMs: round(changesMs),
  graphAfterChangesMs: afterChanges.latency,
  recallAfterChanges: recall(afterChanges.found, exactAfterChanges.found),
  /** The graph written to a file, and read into an index restored from the same catalog. */
  saveMs: round(saveMs),
  loadMs: round(loadMs),
  recallAfterRestart: recall(afterRestart.found, exactAfterChanges.found),
});
