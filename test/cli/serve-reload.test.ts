import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { byId, clientFor } from '../support/client.ts';
import { apiKey, tempDir } from '../support/fixtures.ts';
import { until } from '../support/until.ts';

test('moteur serve says how to make a first key, and SIGHUP makes a key created since work', { timeout: 60_000 }, async () => {
  const dir = tempDir();
  const child = spawn(process.execPath, ['bin/moteur.js', 'serve', '--data', dir, '--port', '0', '--regions', 'eu,us'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const printed = (pattern: RegExp) => until(`${pattern} printed`, 30_000, async () => (pattern.test(out) ? true : undefined));
    await printed(/no API key yet/);
    assert.match(out, /regions eu,us, policies \d{4}-\d{2}-\d{2}\.\d+\+sha256:[0-9a-f]{64}/);
    assert.match(out, /moteur keys create --data .* --role app --regions eu,us/);
    const url = /listening on (http:\/\/\S+)/.exec(out)![1]!;
    const key = apiKey(dir, 'app', ['eu']);
    const feedStatus = async () => (await clientFor({ url }, key).GET('/v1/users/{id}/feed', byId('ann', { n: 1 }))).response.status;
    assert.equal(await feedStatus(), 401, 'a key worked before the reload');
    child.kill('SIGHUP');
    await printed(/policies and keys reloaded: \d{4}-\d{2}-\d{2}\.\d+/);
    assert.equal(await feedStatus(), 200);
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
});
