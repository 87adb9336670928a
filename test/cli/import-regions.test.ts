import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Moteur } from '../../src/app/moteur.ts';
import { runMoteur } from '../support/cli.ts';
import { tempDir } from '../support/fixtures.ts';

test('moteur import stores people only in the regions it is given, each in its own files, and says why it rejects the others', {
  timeout: 60_000,
}, async () => {
  const dir = tempDir();
  const users = join(tempDir(), 'users.csv');
  writeFileSync(users, ['id,region,language', 'ann,us,en', 'bea,fr,fr', 'cy,jp,ja'].join('\n'));
  const run = await runMoteur(['import', '--data', dir, '--regions', 'us,fr', '--users', users, '--json']);
  assert.equal(run.code, 0, run.stderr);
  const [summary] = JSON.parse(run.stdout);
  assert.deepEqual([summary.stored, summary.rejected], [2, 1]);
  assert.match(summary.rejections[0], /:4: .*lives in region jp; this node serves us, fr/);
  const moteur = await Moteur.open({ dataDir: dir });
  try {
    assert.deepEqual(moteur.residency.regions, ['us', 'fr']);
    assert.equal(moteur.getUser('bea').region, 'fr');
  } finally {
    await moteur.close();
  }
});
