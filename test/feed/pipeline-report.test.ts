/**
 * A page's pipeline report (`explain=1`): the named pipeline, what each source added, what each filter removed,
 * how many slots each selector filled and each stage's time; and the per-stage latency histogram /metrics serves.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Moteur } from '../../src/app/moteur.ts';
import type { PipelineReport } from '../../src/feed/pipeline-report.ts';
import { ServerMetrics } from '../../src/server/metrics.ts';
import { event, tempDir, videos } from '../support/fixtures.ts';

const PERSONAL_SOURCES = ['followed', 'item-graph', 'embedding', 'co-engaged', 'affinity', 'content-similar'];

async function engine(policy: 'for-you' | 'random' = 'for-you'): Promise<Moteur> {
  const moteur = await Moteur.open({ dataDir: tempDir(), feed: { policy } });
  await moteur.upsertVideos(videos(200, 20, 13));
  await moteur.ingest(
    ['v0', 'v20', 'v40', 'v60'].flatMap((v) => [event('fan', v, 'play', { watchMs: 20_000 }), event('fan', v, 'like'), event('fan', v, 'follow')]),
  );
  return moteur;
}

function sum(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

test("explain=1 reports the pipeline's stages: what each source added, what each filter removed, who filled each slot", async () => {
  const moteur = await engine();
  const first = await moteur.feed('fan', { n: 10 });
  assert.equal(first.pipeline, undefined, 'the report is only given with explain=1');
  const page = await moteur.feed('fan', { n: 10, explain: true });
  const report = page.pipeline!;
  assert.equal(report.pipeline, 'for-you');
  assert.deepEqual(
    report.filters.map((f) => f.name),
    ['removed', 'already-seen', 'region', 'safety-restrictions', 'request', 'not-interested', 'keywords', 'language'],
  );
  // The first page was served, so the second one's sources were offered videos the person had already seen.
  assert.ok(report.filters.find((f) => f.name === 'already-seen')!.removed > 0, JSON.stringify(report.filters));
  const asked = report.sources.map((s) => s.name);
  for (const name of ['followed', 'trending', 'explore']) assert.ok(asked.includes(name), `${name} not asked: ${asked.join(' ')}`);
  // Every item on the page came from a source that reports adding at least that many candidates.
  for (const item of page.items)
    assert.ok(
      report.sources.some((s) => s.name === item.source && s.added > 0),
      `${item.source} reported adding nothing`,
    );
  assert.equal(sum(report.selection.filledBy), page.items.length);
  assert.deepEqual(Object.keys(report.selection.filledBy), ['followed', 'best-scored', 'exploration']);
  assert.ok(report.selection.filledBy.followed! >= 1, JSON.stringify(report.selection));
  for (const stage of [...report.sources, report.scorer, report.selection]) assert.ok(Number.isFinite(stage.ms) && stage.ms >= 0, `${stage.name}: ${stage.ms}`);
  await moteur.close();
});

test('a source that does not apply to the request is not asked: an unpersonalised feed asks no personal source', async () => {
  const moteur = await engine();
  await moteur.putUser('fan', { settings: { personalized: false } });
  const report = (await moteur.feed('fan', { n: 10, explain: true })).pipeline!;
  const asked = report.sources.map((s) => s.name);
  assert.deepEqual(
    asked.filter((name) => PERSONAL_SOURCES.includes(name)),
    [],
    `asked ${asked.join(' ')}`,
  );
  assert.ok(asked.includes('trending') && asked.includes('explore'), asked.join(' '));
  await moteur.close();
});

test('the pipeline is the one configuration names, and its report says so', async () => {
  const moteur = await engine('random');
  const page = await moteur.feed('fan', { n: 10, explain: true });
  const report = page.pipeline!;
  assert.equal(report.pipeline, 'random');
  // Random draws twice a page; the catalog scan tops the candidates up to the fallback's headroom.
  assert.deepEqual(
    report.sources.map((s) => s.name),
    ['random', 'catalog'],
  );
  assert.equal(report.scorer.name, 'signal:random');
  assert.deepEqual(report.selection.filledBy, { 'best-scored': 10 });
  assert.ok(page.items.every((item) => item.source === 'random' || item.source === 'catalog'));
  await moteur.close();
});

test('/metrics times every stage of every page, labelled by stage name', async () => {
  const moteur = await engine();
  const metrics = new ServerMetrics(moteur);
  const reports: PipelineReport[] = [];
  moteur.onFeedReport((report) => reports.push(report));
  for (let i = 0; i < 3; i++) await moteur.feed('fan', { n: 10 });
  const text = await metrics.registry.getSingleMetricAsString('moteur_feed_stage_seconds');
  const timed = new Map<string, number>();
  for (const report of reports)
    for (const stage of [...report.sources.map((s) => s.name), 'multi-task', 'selection']) timed.set(stage, (timed.get(stage) ?? 0) + 1);
  assert.equal(reports.length, 3);
  for (const [stage, count] of timed)
    assert.match(text, new RegExp(`moteur_feed_stage_seconds_count\\{stage="${stage}"\\} ${count}$`, 'm'), `${stage} not counted ${count} times`);
  const labelled = new Set([...text.matchAll(/_count\{stage="([^"]+)"\}/g)].map((m) => m[1]));
  assert.deepEqual([...labelled].sort(), [...timed.keys()].sort());
  await moteur.close();
});
