import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { startServer } from '../../src/server/start.ts';
import { tempDir } from '../support/fixtures.ts';

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['bin/moteur.js', ...args]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

test('moteur simulate drives a running server, which stores every event it sends', { timeout: 60_000 }, async () => {
  const server = await startServer({ dataDir: tempDir(), port: 0 });
  try {
    const result = await run(['simulate', '--url', server.url, '--videos', '300', '--users', '40', '--sessions', '30', '--json']);
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
  const result = await run(['simulate', '--url', 'http://127.0.0.1:9', '--sessions', '1']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /no moteur server answers at http:\/\/127\.0\.0\.1:9/);
});
