/** One process per data directory, and keys made beside a running server picked up without a signal. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { lockFileIn, processStartTime } from '../../src/app/data-dir.ts';
import { Moteur } from '../../src/app/moteur.ts';
import { startServer } from '../../src/server/start.ts';
import { createKey, keysFileIn, revokeKey, hashKey } from '../../src/trust/policy/keys.ts';
import { runMoteur, startServe } from '../support/cli.ts';
import { keyProbe } from '../support/client.ts';
import { apiKey, tempDir } from '../support/fixtures.ts';
import { until } from '../support/until.ts';

test('a second engine on a data directory in use is refused, naming the process; the lock goes with the first', async () => {
  const dir = tempDir();
  const first = await Moteur.open({ dataDir: dir });
  await assert.rejects(
    Moteur.open({ dataDir: dir }),
    (err: Error & { code?: string }) => err.code === 'data_dir_in_use' && err.message.includes(`${dir} is in use by process ${process.pid}`),
  );
  await first.close();
  await (await Moteur.open({ dataDir: dir })).close();
});

test('a lock left by a process that is gone is recognised as stale and taken over', async () => {
  const dir = tempDir();
  await (await Moteur.open({ dataDir: dir })).close();
  // A pid no live process has (pids are below 2^22 on Linux).
  writeFileSync(lockFileIn(dir), '4194303\n');
  await (await Moteur.open({ dataDir: dir })).close();
});

test('a lock whose pid now names another process (another start time) is stale; one naming the live holder is not', async (t) => {
  const dir = tempDir();
  await (await Moteur.open({ dataDir: dir })).close();
  // Another live process: its pid stands for a reused one, which a crashed holder's lock would name.
  const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  t.after(() => other.kill('SIGKILL'));
  const pid = other.pid!;
  const started = processStartTime(pid);
  assert.match(started ?? '', /^(proc|ps):\S/, 'this machine tells when a process started');
  const inUse = (err: Error & { code?: string }) => err.code === 'data_dir_in_use' && err.message.includes(`is in use by process ${pid}`);

  // The process that holds the lock, with its start time: refused.
  writeFileSync(lockFileIn(dir), `${pid}\n${started}\n`);
  await assert.rejects(Moteur.open({ dataDir: dir }), inUse);
  // A lock of an older version, with the pid alone: a live pid keeps it.
  writeFileSync(lockFileIn(dir), `${pid}\n`);
  await assert.rejects(Moteur.open({ dataDir: dir }), inUse);
  // The same pid with another start time: the holder is gone and its pid reused, so the lock is taken over.
  writeFileSync(lockFileIn(dir), `${pid}\nproc:1\n`);
  const opened = await Moteur.open({ dataDir: dir });
  assert.equal(
    readFileSync(lockFileIn(dir), 'utf8'),
    `${process.pid}\n${processStartTime(process.pid)}\n`,
    'the new lock records this process and its start time',
  );
  await opened.close();
  assert.equal(existsSync(lockFileIn(dir)), false, 'released on close');
});

test('serve, train and import on a live directory exit with one line naming the holder; keys still work beside it', { timeout: 180_000 }, async () => {
  const dir = tempDir();
  const key = apiKey(dir);
  const served = await startServe(dir);
  const pid = served.child.pid!;
  const rows = join(tempDir(), 'videos.jsonl');
  writeFileSync(rows, `${JSON.stringify({ id: 'v1', creatorId: 'c1', durationMs: 1000 })}\n`);
  for (const args of [
    ['serve', '--data', dir, '--port', '0'],
    ['train', '--data', dir],
    ['import', '--data', dir, '--videos', rows],
  ]) {
    const run = await runMoteur(args);
    assert.notEqual(run.code, 0, args[0]);
    assert.equal(run.stderr.trim(), `moteur: ${dir} is in use by process ${pid}: stop it first, or use another data directory`, args[0]);
  }
  const created = await runMoteur(['keys', 'create', '--data', dir, '--id', 'late-app', '--role', 'app', '--regions', 'us']);
  assert.equal(created.code, 0, created.stderr);
  const late = created.stdout.trim();
  await until('the new key is accepted', 5000, async () => ((await keyProbe(served, late)) === 404 ? true : undefined));
  assert.equal(await keyProbe(served, key), 404, 'the first key still works');
  assert.match(served.output(), /keys file changed: 2 keys in force/);
  served.child.kill('SIGKILL');
  await served.exited;
  // The killed server's lock is stale: the directory opens again.
  const again = await startServe(dir);
  assert.equal(await keyProbe(again, late), 404);
});

test('a key created or revoked beside a running server is picked up within seconds, recorded in the ledger, and reported', async () => {
  const dir = tempDir();
  const admin = apiKey(dir, 'admin');
  const reports: string[] = [];
  const server = await startServer({ dataDir: dir, port: 0, onKeysFile: (m) => reports.push(m) });
  try {
    const late = createKey(keysFileIn(dir), { id: 'late', role: 'app', regions: ['us'] });
    const status = (k: string) => keyProbe(server, k);
    await until('the created key is accepted', 5000, async () => ((await status(late)) === 404 ? true : undefined));
    revokeKey(keysFileIn(dir), hashKey(late).slice(0, 12));
    await until('the revoked key is refused', 5000, async () => ((await status(late)) === 401 ? true : undefined));
    writeFileSync(keysFileIn(dir), '{ broken');
    await until('the broken file is reported', 5000, async () => (reports.some((r) => r.startsWith('keys file not reloaded')) ? true : undefined));
    assert.equal(await status(admin), 404, 'a broken keys file leaves the keys in force');
    await server.moteur.counts();
    const entries = (await server.moteur.ledger.entries(0, await server.moteur.ledger.size())).map((e) => e.entry);
    const prefix = `key:${hashKey(late).slice(0, 16)}`;
    assert.deepEqual(
      entries.filter((e) => e.resource === prefix).map((e) => [e.action, e.principal]),
      [
        ['keyCreated', 'keys-file'],
        ['keyRevoked', 'keys-file'],
      ],
    );
    assert.ok(reports.some((r) => r.startsWith('keys file changed: 2 keys')));
  } finally {
    await server.close();
  }
});
