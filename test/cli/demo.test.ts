import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { Moteur } from '../../src/app/moteur.ts';
import { keysFileIn, readKeysFile } from '../../src/trust/policy/keys.ts';
import { tempDir } from '../support/fixtures.ts';

/** The last figure the demo printed for a pattern's first group. */
function lastFigure(stdout: string, pattern: RegExp): number {
  const values = [...stdout.matchAll(pattern)].map((m) => Number(m[1]));
  assert.ok(values.length > 0, `${pattern} not shown:\n${stdout}`);
  return values[values.length - 1]!;
}

/** What the data directory holds must match the demo's last figures: nothing acknowledged was lost. */
async function assertKept(data: string, stdout: string): Promise<void> {
  const moteur = await Moteur.open({ dataDir: data });
  try {
    assert.equal(moteur.catalog.size, 300 + lastFigure(stdout, /store +\d+ videos \((\d+) posted during the run\)/g));
    assert.equal(await moteur.log.count(), lastFigure(stdout, /ingest +(\d+) events/g));
  } finally {
    await moteur.close();
  }
}

const demoArgs = (data: string) => ['bin/moteur.js', 'demo', '--port', '0', '--videos', '300', '--users', '50', '--data', data];

test('the demo serves, simulates traffic, shows its figures and stops by itself with its data kept', { timeout: 90_000 }, async () => {
  const data = tempDir();
  const run = spawnSync(process.execPath, [...demoArgs(data), '--duration', '8'], { encoding: 'utf8', timeout: 80_000 });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /moteur demo {2}http:\/\/127\.0\.0\.1:\d+/);
  assert.ok(lastFigure(run.stdout, /ingest +\d+ events, (\d+)\/s durable/g) > 0, 'no ingest');
  const key = /export KEY=(mk_\S+)/.exec(run.stdout)?.[1];
  assert.ok(key, 'the demo shows no API key to try it with');
  assert.match(run.stdout, /curl -s -H "authorization: Bearer \$KEY" 'http:\/\/127\.0\.0\.1:\d+\/v1\/users\/user1\/feed\?n=5&explain=1'/);
  const keys = readKeysFile(keysFileIn(data));
  assert.deepEqual(
    [...keys.values()].map((k) => [k.id, k.role]),
    [
      ['demo', 'app'],
      ['demo-console', 'admin'],
    ],
    'the demo made its own app key and a key for the console',
  );
  assert.match(run.stdout, /Console: http:\/\/127\.0\.0\.1:\d+\/ .*admin key: mk_\S+$/m);
  await assertKept(data, run.stdout);
});

test('Ctrl-C stops the demo cleanly, keeping every event it acknowledged', { timeout: 90_000 }, async () => {
  const data = tempDir();
  const child = spawn(process.execPath, demoArgs(data));
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
    // Interrupt once traffic has been flowing for a few seconds.
    if (/ {2}[3-9] s\n/.test(stdout) && !child.killed) child.kill('SIGINT');
  });
  const code = await new Promise((resolve) => child.once('exit', resolve));
  assert.equal(code, 0);
  assert.match(stdout, /stopped; everything acknowledged is in /);
  await assertKept(data, stdout);
});
