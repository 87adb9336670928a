import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../support/fixtures.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function runBenchmark(file: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function benchmarkJson(file: string, args: string[]): Promise<any> {
  const run = await runBenchmark(file, args);
  assert.equal(run.code, 0, `${file} failed:\n${run.stderr}`);
  return JSON.parse(run.stdout); // the whole of stdout is one JSON object: progress goes to stderr
}

const positive = (x: unknown) => typeof x === 'number' && Number.isFinite(x) && x > 0;

test('bench/ingest.ts prints the three rates, their ratios, the parameters and the machine', { timeout: 120_000 }, async () => {
  const result = await benchmarkJson('bench/ingest.ts', ['--events', '2000', '--clients', '2']);
  assert.equal(result.benchmark, 'ingest');
  assert.deepEqual(Object.keys(result.eventsPerSecond).sort(), ['http', 'library', 'rawSqlite']);
  for (const rate of Object.values(result.eventsPerSecond)) assert.ok(positive(rate), `rate ${String(rate)}`);
  for (const path of ['http', 'library']) {
    const expected = result.eventsPerSecond[path] / result.eventsPerSecond.rawSqlite;
    assert.ok(Math.abs(result.ratioToRaw[path] - expected) < 0.01, `${path} ratio ${String(result.ratioToRaw[path])}, rates say ${expected}`);
  }
  assert.equal(result.parameters.events, 2000);
  assert.equal(result.parameters.batch, 500);
  assert.equal(result.parameters.clients, 2);
  assert.ok(positive(result.machine.cpus));
  assert.match(result.machine.node, /^v\d+\./);
});

test('bench/feed.ts prints library and HTTP latency, feeds per second and the sources the pages came from', { timeout: 120_000 }, async () => {
  const result = await benchmarkJson('bench/feed.ts', ['--videos', '1000', '--users', '50', '--requests', '100', '--events-per-user', '10']);
  assert.equal(result.benchmark, 'feed');
  assert.deepEqual(result.parameters.videos, 1000);
  assert.deepEqual(result.parameters.users, 50);
  assert.deepEqual(result.parameters.warmEvents, 500);
  for (const path of ['library', 'httpOneClient', 'httpConcurrentClients']) {
    const figures = result[path];
    assert.ok(positive(figures.p50Ms) && positive(figures.p99Ms) && positive(figures.feedsPerSecond), `${path}: ${JSON.stringify(figures)}`);
    assert.ok(figures.p50Ms <= figures.p99Ms && figures.p99Ms <= figures.maxMs, `${path} percentiles out of order`);
  }
  // What the library feeds slower than the goal waited behind.
  const pauses = result.library.pausesDuringFeeds;
  assert.equal(pauses.slowCalls.thresholdMs, 10);
  assert.ok(pauses.slowCalls.overlappingGc <= pauses.slowCalls.count && pauses.slowCalls.overlappingCallback <= pauses.slowCalls.count, JSON.stringify(pauses));
  assert.ok(Number.isInteger(pauses.gcPauses.count) && pauses.gcPauses.totalMs >= 0, JSON.stringify(pauses));
  // Warm-up traffic gives the personal sources something to work with, not only trending.
  assert.ok(result.itemsBySource.followed > 0 && result.itemsBySource.affinity > 0, JSON.stringify(result.itemsBySource));
  assert.ok(positive(result.freshnessMs.p99));
  // The timed engine was restarted from its snapshot, as production would be.
  for (const phase of ['loadVideosSeconds', 'warmEventsPerSecond', 'restartFromSnapshotSeconds', 'httpServerRestoreSeconds'])
    assert.ok(positive(result.setup[phase]), phase);
  assert.ok(positive(result.machine.cpus));
  // Where the slow feeds' time went: stages, the thread's wait for a CPU, the other threads' CPU, page faults.
  const stages = result.library.slowFeedStages;
  for (const key of ['waitingForCpu', 'otherThreadsCpu', 'pageFaults', 'selection'])
    assert.ok(typeof stages.meanMsOfAllFeeds[key] === 'number' && stages.meanMsOfAllFeeds[key] >= 0, `${key}: ${JSON.stringify(stages)}`);
  // A feed's stages are only its own: the freshness probes' feeds after the timed ones are not added to the last.
  assert.ok(stages.meanMsOfAllFeeds.outsidePipeline >= -0.01, JSON.stringify(stages));
  assert.ok(stages.slowWhileGraphBehind <= stages.count);
});

test('bench/feed.ts --data builds a directory once, and a second run starts from it', { timeout: 120_000 }, async () => {
  const dir = tempDir();
  const args = ['--videos', '800', '--users', '40', '--requests', '50', '--events-per-user', '5', '--library-only', '--data', dir];
  const first = await benchmarkJson('bench/feed.ts', args);
  assert.ok(positive(first.setup.loadVideosSeconds) && first.setup.reusedDirectory === undefined, JSON.stringify(first.setup));
  assert.equal(first.parameters.dataDir, dir);
  const second = await benchmarkJson('bench/feed.ts', args);
  assert.equal(second.setup.reusedDirectory, true);
  assert.equal(second.setup.loadVideosSeconds, undefined);
  assert.ok(positive(second.library.p50Ms) && positive(second.freshnessMs.p99), JSON.stringify(second.library));
  const missing = await runBenchmark('bench/feed.ts', ['--data']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--data expects a directory/);
});

test('bench/learn.ts prints the observe rate, scoring and candidate latencies, snapshot figures and memory', { timeout: 120_000 }, async () => {
  const result = await benchmarkJson('bench/learn.ts', ['--videos', '3000', '--users', '300', '--events', '20000']);
  assert.equal(result.benchmark, 'learn');
  assert.equal(result.events, 20000);
  assert.ok(positive(result.observe.eventsPerSecond));
  assert.ok(result.score500CandidatesMicros.p50 <= result.score500CandidatesMicros.p99);
  assert.ok(positive(result.snapshot.bytes) && positive(result.embeddingTableBytesPerMillionIds));
  assert.equal(result.state.events, 20000);
});

test('a benchmark refuses a size that is not a positive number, naming the flag', async () => {
  for (const [file, flag] of [
    ['bench/ingest.ts', '--events'],
    ['bench/feed.ts', '--videos'],
  ] as const) {
    const run = await runBenchmark(file, [flag, '-3']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, new RegExp(`${flag} expects a positive number, got '-3'`));
    assert.equal(run.stdout, '');
  }
});

test('bench/content-search.ts prints build time, latency through the graph and exact, recall, and the graph saved and loaded', {
  timeout: 120_000,
}, async () => {
  const result = await benchmarkJson('bench/content-search.ts', ['--videos', '25000', '--queries', '20', '--k', '50']);
  assert.equal(result.benchmark, 'content-search');
  assert.deepEqual(result.parameters, { videos: 25000, queries: 20, k: 50, dim: 32 });
  for (const ms of [result.buildMs, result.changesMs, result.saveMs, result.loadMs]) assert.ok(positive(ms));
  for (const latency of [result.graphMs, result.exactMs, result.graphAfterChangesMs]) assert.ok(positive(latency.p50Ms) && latency.p99Ms >= latency.p50Ms);
  for (const recall of [result.recall, result.recallAfterChanges, result.recallAfterRestart])
    assert.ok(recall > 0.8 && recall <= 1, `recall ${String(recall)}`);
});

test('bench/vector-filter.ts prints, for each filter, the search time and how many of the k asked for pass', { timeout: 120_000 }, async () => {
  const result = await benchmarkJson('bench/vector-filter.ts', ['--videos', '20000', '--queries', '20', '--k', '30']);
  assert.equal(result.benchmark, 'vector-filter');
  const filters = result.byFilter as Record<string, { p50Ms: number; p99Ms: number; foundPerSearch: number }>;
  assert.deepEqual(Object.keys(filters), ['1 in 1 passes', '1 in 10 passes', '1 in 100 passes', '1 in 1000 passes']);
  assert.equal(filters['1 in 1 passes']!.foundPerSearch, 30);
  for (const f of Object.values(filters)) assert.ok(positive(f.p50Ms) && f.p99Ms >= f.p50Ms && f.foundPerSearch <= 30);
});

test('bench/restart.ts prints the start phase by phase, its memory, and a snapshot written under feeds; a reused directory is not built again', {
  timeout: 300_000,
}, async () => {
  const dataDir = tempDir();
  const args = ['--videos', '300', '--users', '30', '--events', '600', '--data', dataDir];
  const built = await benchmarkJson('bench/restart.ts', args);
  assert.equal(built.benchmark, 'restart');
  assert.equal(built.parameters.reused, false);
  assert.ok(positive(built.restart.firstFeedSeconds));
  const phases = built.restart.phases.map((p: { phase: string }) => p.phase);
  for (const phase of ['open stores', 'read snapshot', 'decode snapshot', 'read videos', 'catalog', 'learners: videos', 'popular lists'])
    assert.ok(phases.includes(phase), `no ${phase} in ${phases}`);
  assert.equal(built.restart.slowestPhases[0].ms, Math.max(...built.restart.phases.map((p: { ms: number }) => p.ms)));
  assert.ok(positive(built.memoryAfterFirstFeed.rssMiB) && positive(built.memoryAfterFirstFeed.rssBytesPerVideo));
  assert.ok(built.snapshotUnderFeeds.seconds >= 0 && built.snapshotUnderFeeds.feedsAndEventsMeanwhile >= 1);
  const { freezeMs } = built.snapshotUnderFeeds;
  assert.ok(freezeMs.fastest >= 0 && freezeMs.median >= freezeMs.fastest && freezeMs.of > 1, `freezeMs ${JSON.stringify(freezeMs)}`);
  // Below the graph's size there is no learned-vector graph to catch up.
  assert.equal(built.restart.learnedVectorGraph.pendingAtFirstFeed, 0);
  const reused = await benchmarkJson('bench/restart.ts', args);
  assert.equal(reused.parameters.reused, true);
  assert.ok(reused.snapshotUnderFeeds.feedsAndEventsMeanwhile >= 1, 'a reused directory has a snapshot to write too');
  const missing = await runBenchmark('bench/restart.ts', ['--data']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--data expects a directory/);
});
