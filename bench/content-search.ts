/**
 * Search over uploaded content embeddings (what the content-similar source asks for each person): the time to
 * build the inverted file, the time per query through it and by exact scan, and its recall of the exact top k.
 * The catalog is bench:feed's synthetic one (50 topics, 32 dimensions); queries are videos' own embeddings.
 * Then 100 videos are removed and 100 change embedding, and the queries are timed again: no rebuild is due.
 *   node --import tsx bench/content-search.ts [--videos 1000000] [--queries 200] [--k 100]
 */
import { EmbeddingIndex } from '../src/feed/embedding-index.ts';
import { flag, latencySummary, note, print, round } from './lib/report.ts';
import { syntheticVideoStream } from './lib/synthetic.ts';

const VIDEOS = flag('videos', 1_000_000);
const QUERIES = flag('queries', 200);
const K = flag('k', 100);

const index = new EmbeddingIndex(32);
note(`loading ${VIDEOS} embeddings`);
const queries: Float32Array[] = [];
const every = Math.max(1, Math.floor(VIDEOS / QUERIES));
for (const video of syntheticVideoStream(VIDEOS)) {
  index.put(video.id, video.embedding);
  if (queries.length < QUERIES && Number(video.id.slice(1)) % every === 0) queries.push(Float32Array.from(index.vectorOf(video.id)!));
}
note('building the inverted file');
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
note(`${queries.length} queries through the inverted file, then by exact scan`);
const approximate = timed((q) => index.nearest(q, K));
const exact = timed((q) => index.nearestExact(q, K));
let hits = 0;
approximate.found.forEach((found, i) => {
  const truth = new Set(exact.found[i]!.map((f) => f.id));
  hits += found.filter((f) => truth.has(f.id)).length;
});

// Removing and re-uploading videos must not cost the next search a rebuild of the inverted file.
for (let i = 0; i < 100; i++) index.delete(`v${i * 7}`);
for (let i = 0; i < 100; i++) index.put(`v${i * 11 + 1}`, Array.from(queries[i % queries.length]!, (x) => -x));
const afterChanges = timed((q) => index.nearest(q, K));

print({
  benchmark: 'content-search',
  parameters: { videos: VIDEOS, queries: queries.length, k: K, dim: 32 },
  buildMs: round(buildMs),
  invertedFileMs: approximate.latency,
  exactMs: exact.latency,
  recall: round(hits / (K * queries.length), 3),
  /** The same queries after 100 removals and 100 changed embeddings: the first one included. */
  invertedFileAfterChangesMs: afterChanges.latency,
});
