import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startServer } from '../../src/server/start.ts';
import { SIM_REGIONS } from '../../src/sim/world.ts';
import { apiKey, tempDir } from '../support/fixtures.ts';
import { runMoteur } from '../support/cli.ts';

test('moteur simulate drives a running server, which stores every event it sends', { timeout: 60_000 }, async () => {
  const dataDir = tempDir();
  const key = apiKey(dataDir);
  const server = await startServer({ dataDir, port: 0, regions: SIM_REGIONS });
  try {
    const missing = await runMoteur(['simulate', '--url', server.url, '--sessions', '1']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /give an API key with the app role \(--key or MOTEUR_API_KEY\)/);
    const result = await runMoteur(['simulate', '--url', server.url, '--key', key, '--videos', '300', '--users', '40', '--sessions', '30', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.equal(report.sessions, 30);
    assert.equal(report.errors, 0);
    assert.ok(report.feeds >= 30 && report.impressions > 0);
    assert.ok(report.meanWatchRatioPerFeed > 0);
    assert.equal(await server.moteur.log.count(), report.eventsSent);
    assert.equal(server.moteur.catalog.size, 300 + report.videosPosted, 'the catalog plus what creators posted during the run');
  } finally {
    await server.close();
  }
});

test('moteur simulate says so when no server answers', async () => {
  const result = await runMoteur(['simulate', '--url', 'http://127.0.0.1:9', '--sessions', '1']);
  assert.equal(result.code, 5);
  assert.match(result.stderr, /no moteur server answers at http:\/\/127\.0\.0\.1:9/);
});
