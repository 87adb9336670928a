import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readOrCreateSecret } from '../../src/trust/secret-file.ts';
import { runMoteur } from '../support/cli.ts';
import { tempDir } from '../support/fixtures.ts';

test('a secret is made once with mode 0600 and read back unchanged after', () => {
  const path = join(tempDir(), 'keys', 'secret');
  const made = readOrCreateSecret(path, () => Buffer.from('first'));
  assert.equal(made.toString(), 'first');
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.equal(readOrCreateSecret(path, () => Buffer.from('second')).toString(), 'first');
  assert.deepEqual(readdirSync(join(path, '..')), ['secret'], 'no temporary file is left behind');
});

test('nodes started together on one key directory all end up with the same ledger key', async () => {
  const keys = tempDir();
  const runs = await Promise.all(Array.from({ length: 6 }, () => runMoteur(['audit', 'key', '--data', tempDir(), '--ledger-keys', keys])));
  for (const run of runs) assert.equal(run.code, 0, run.stderr);
  const printed = new Set(runs.map((run) => run.stdout.trim()));
  assert.equal(printed.size, 1, `every node must print one verifier key, got ${[...printed].join(', ')}`);
  assert.deepEqual(readdirSync(keys).sort(), ['ledger.key', 'ledger.salt']);
});
