import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { engineOverrides, readSettingsFile } from '../../src/app/config-file.ts';
import { startServer } from '../../src/server/start.ts';
import { SimulationDriver, uploadWorld } from '../../src/sim/driver.ts';
import { generateWorld, SIM_REGIONS } from '../../src/sim/world.ts';
import { runMoteur } from '../support/cli.ts';
import { answer, byId, clientFor } from '../support/client.ts';
import { apiKey, tempDir } from '../support/fixtures.ts';

test('a live experiment: simulated people driven over HTTP, each feed naming its variant, counters per variant, and the report finds the better variant with its interval', {
  timeout: 240_000,
}, async () => {
  const dataDir = tempDir();
  // The engine against uniformly random feeds: the report must find the engine better, with an interval clear of zero.
  writeFileSync(join(dataDir, 'moteur.toml'), '[experiments.feed]\nengine = {}\nrandom = { policy = "random" }\n');
  const appKey = apiKey(dataDir, 'app', SIM_REGIONS);
  const analystKey = apiKey(dataDir, 'analyst', SIM_REGIONS);
  const server = await startServer({ ...engineOverrides(readSettingsFile(join(dataDir, 'moteur.toml'))), dataDir, port: 0, regions: SIM_REGIONS });
  try {
    const world = generateWorld({ videos: 400, users: 40, seed: 5 });
    await uploadWorld(server.url, world, undefined, appKey);
    const driver = new SimulationDriver({ url: server.url, apiKey: appKey, world, seed: 5, concurrency: 4, sessions: 400 });
    await driver.run();
    assert.equal(driver.stats.errors, 0);

    const variants = new Set<string>();
    const app = clientFor(server, appKey);
    for (const user of world.users.slice(0, 20)) {
      const feed = await answer(app.GET('/v1/users/{id}/feed', byId(user.id, { n: 2, explain: '1' } as const)));
      assert.ok(feed.experiments?.feed !== undefined, `the feed names no variant: ${JSON.stringify(feed)}`);
      variants.add(feed.experiments.feed);
      for (const item of feed.items) assert.deepEqual(item.explain?.experiments, feed.experiments, 'the explanation names the variant');
    }
    assert.deepEqual([...variants].sort(), ['engine', 'random'], 'people are split between the variants');
    const metrics = await answer(clientFor(server, analystKey).GET('/metrics', { parseAs: 'text' }));
    for (const variant of ['engine', 'random']) {
      assert.match(metrics, new RegExp(`moteur_experiment_feeds_total\\{experiment="feed",variant="${variant}"\\} [1-9]`));
      assert.match(metrics, new RegExp(`moteur_experiment_events_total\\{experiment="feed",variant="${variant}",type="impression"\\} [1-9]`));
    }
  } finally {
    await server.close();
  }

  const run = await runMoteur(['ab', 'report', '--data', dataDir, '--experiment', 'feed', '--resamples', '500', '--json']);
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout);
  assert.deepEqual(
    report.variants.map((v: { name: string }) => v.name),
    ['engine', 'random'],
  );
  for (const v of report.variants) assert.ok(v.people >= 15, `${v.name}: ${v.people} people`);
  const likes = report.comparisons[0].differences.find((d: { metric: string }) => d.metric === 'likesPer100Impressions');
  assert.equal(likes.verdict, 'A is better', JSON.stringify(likes));
  assert.ok(likes.ci95[1] < 0 && likes.ci95[0] <= likes.difference && likes.difference <= likes.ci95[1], JSON.stringify(likes));
  const engine = report.variants[0].metrics.likesPer100Impressions;
  assert.ok(engine.ci95[0] <= engine.value && engine.value <= engine.ci95[1] && engine.ci95[0] > report.variants[1].metrics.likesPer100Impressions.value);

  const unknown = await runMoteur(['ab', 'report', '--data', dataDir, '--experiment', 'colours']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /^moteur: the configuration has no experiment colours \(it has feed\): pass --config with the file the server ran with\n$/);
});
