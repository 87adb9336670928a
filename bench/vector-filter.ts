/**
 * Learned-vector search with a filter that rejects a share of the videos, as the feed's filters (seen, held,
 * restricted, wrong region) do: the time per search and how many of the k asked for pass, for filters that let
 * every video, one in 10, one in 100 and one in 1,000 through. The vectors are clustered (bench:feed's topics are),
 * queries are near a cluster; k is the embedding source's 30 for a page of 10.
 *   node --import tsx bench/vector-filter.ts [--videos 300000] [--queries 200] [--k 30]
 */
import { seededRandom } from '../src/core/random.ts';
import { DEFAULT_ONLINE_CONFIG } from '../src/learn/online/config.ts';
import { VideoVectors } from '../src/learn/online/video-vectors.ts';
import { flag, latencySummary, note, print, round } from './lib/report.ts';

const VIDEOS = flag('videos', 300_000);
const QUERIES = flag('queries', 200);
const K = flag('k', 30);
const DIM = DEFAULT_ONLINE_CONFIG.dim;
const CLUSTERS = 2000;

const random = seededRandom(7);
const centres = Array.from({ length: CLUSTERS }, () => Array.from({ length: DIM }, () => random() - 0.5));
const near = (centre: number[]) => {
  const v = Float32Array.from(centre, (x) => x + 0.3 * (random() - 0.5));
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
};
note(`building the graph over ${VIDEOS} vectors...`);
const vectors = new VideoVectors(DIM, { ...DEFAULT_ONLINE_CONFIG.ann, seed: 1 });
for (let slot = 0; slot < VIDEOS; slot++) vectors.set(slot, near(centres[slot % CLUSTERS]!));
let started = performance.now();
vectors.sync();
const buildSeconds = (performance.now() - started) / 1000;
const queries = Array.from({ length: QUERIES }, (_, q) => near(centres[(q * 13) % CLUSTERS]!));

const byFilter: Record<string, unknown> = {};
for (const passEvery of [1, 10, 100, 1000]) {
  const latencies: number[] = [];
  let found = 0;
  for (const query of queries) {
    started = performance.now();
    found += vectors.approximate(query, K, (slot) => slot % passEvery === 0).length;
    latencies.push(performance.now() - started);
  }
  byFilter[`1 in ${passEvery} passes`] = { ...latencySummary(latencies), foundPerSearch: round(found / queries.length, 2) };
}
print({
  benchmark: 'vector-filter',
  parameters: { videos: VIDEOS, queries: QUERIES, k: K, dim: DIM, clusters: CLUSTERS },
  buildSeconds: round(buildSeconds, 1),
  byFilter,
});
