import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { Moteur } from '../../src/app/moteur.ts';
import { tempDir } from '../support/fixtures.ts';

test('the demo serves, simulates traffic, shows its figures and stops cleanly with its data kept', { timeout: 90_000 }, async () => {
  const data = tempDir();
  const run = spawnSync(process.execPath, ['bin/moteur.js', 'demo', '--duration', '8', '--port', '0', '--videos', '300', '--users', '50', '--data', data], {
    encoding: 'utf8',
    timeout: 80_000,
  });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /moteur demo {2}http:\/\/127\.0\.0\.1:\d+/);
  const rates = [...run.stdout.matchAll(/ingest +(\d+) events, (\d+)\/s durable/g)].map((m) => Number(m[2]));
  assert.ok(rates.length > 0 && rates[rates.length - 1]! > 0, `no ingest rate shown:\n${run.stdout}`);
  assert.match(run.stdout, /curl -s 'http:\/\/127\.0\.0\.1:\d+\/v1\/users\/user1\/feed\?n=5&explain=1'/);
  const moteur = await Moteur.open({ dataDir: data });
  assert.equal(moteur.catalog.size, 300);
  assert.ok((await moteur.log.count()) > 0);
  await moteur.close();
});
