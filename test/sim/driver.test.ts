import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startServer } from '../../src/server/start.ts';
import { SimulationDriver, uploadWorld } from '../../src/sim/driver.ts';
import type { SimulationReport } from '../../src/sim/stats.ts';
import { generateWorld, SIM_REGIONS } from '../../src/sim/world.ts';
import { apiKey, tempDir } from '../support/fixtures.ts';

const pick = ({ region, language }: { region: string; language: string }) => ({ region, language });

test('simulated people get better feeds as the engine learns from their watching', { timeout: 90_000 }, async () => {
  const dataDir = tempDir();
  const key = apiKey(dataDir);
  const server = await startServer({ dataDir, port: 0, regions: SIM_REGIONS });
  try {
    const world = generateWorld({ videos: 3000, users: 100, seed: 4 });
    await uploadWorld(server.url, world, undefined, key);
    assert.equal(server.moteur.catalog.size, 3000);
    for (const u of world.users.slice(0, 10)) assert.deepEqual(pick(server.moteur.getUser(u.id)), pick(u), `${u.id}'s profile`);

    const reports: SimulationReport[] = [];
    // A fixed amount of traffic, so a slow machine sees the same learning, spread over more windows. The windows
    // are short so that on a fast machine the first one still holds people's first feeds, not learning already done.
    const driver = new SimulationDriver({
      url: server.url,
      apiKey: key,
      world,
      seed: 1,
      concurrency: 4,
      sessions: 500,
      durationMs: 60_000,
      windowMs: 250,
      reportEveryMs: 200,
      onReport: (r) => reports.push(r),
    });
    await driver.run();
    const report = driver.stats.report();

    assert.equal(report.errors, 0, driver.stats.lastError);
    assert.equal(report.sessions, 500);
    assert.equal(await server.moteur.log.count(), report.eventsSent, 'every event the simulator counted is stored');
    assert.ok(report.videosPosted > 0, 'creators posted nothing while people watched');
    assert.equal(server.moteur.catalog.size, 3000 + report.videosPosted);
    assert.ok(reports.length >= 3, `only ${reports.length} live reports`);
    assert.ok(
      reports.every((r, i) => i === 0 || r.feeds >= reports[i - 1]!.feeds),
      'live figures only grow',
    );

    const affinity = report.affinityByWindow;
    const watch = report.watchRatioByWindow;
    assert.ok(affinity.length >= 3, `windows: ${affinity.length}`);
    // The later half of the windows against the first: the last window alone may hold only a few feeds.
    const laterHalf = (series: number[]) =>
      series.slice(Math.floor(series.length / 2)).reduce((a, b) => a + b, 0) / (series.length - Math.floor(series.length / 2));
    assert.ok(laterHalf(affinity) > affinity[0]! + 0.1, `hidden affinity by window: ${affinity.join(' ')}`);
    assert.ok(laterHalf(watch) > watch[0]! + 0.1, `watch ratio by window: ${watch.join(' ')}`);
  } finally {
    await server.close();
  }
});
