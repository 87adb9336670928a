import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runMoteur } from '../support/cli.ts';
import { answer, clientFor } from '../support/client.ts';
import { event, tempDir, videos } from '../support/fixtures.ts';

test('moteur config check names the mistake in one line; config print shows the file over the defaults', { timeout: 30_000 }, async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'ok.toml'), 'embeddingDim = 256\n[experiments.explore]\ncontrol = {}\nmore = { exploreShare = 0.4 }\n');
  writeFileSync(join(dir, 'bad.json'), '{"embeddingDim": 4}');
  const ok = await runMoteur(['config', 'check', join(dir, 'ok.toml')]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /ok\.toml: valid; 1 settings changed from the defaults; experiments explore \(control, more\)/);
  const bad = await runMoteur(['config', 'check', join(dir, 'bad.json')]);
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr, `moteur: ${join(dir, 'bad.json')}: embeddingDim: must be an integer from 8 to 2048, got 4\n`);
  const printed = await runMoteur(['config', 'print', '--config', join(dir, 'ok.toml')]);
  assert.equal(printed.code, 0, printed.stderr);
  const effective = JSON.parse(printed.stdout);
  assert.equal(effective.embeddingDim, 256);
  assert.equal(effective.host, '127.0.0.1');
  assert.equal(effective.exploreShare, 0.2);
  assert.deepEqual(effective.experiments, { explore: { control: {}, more: { exploreShare: 0.4 } } });
});

test('moteur init makes a data directory with its keys, an admin key printed once and a commented configuration that checks', { timeout: 30_000 }, async () => {
  const dir = join(tempDir(), 'new');
  const run = await runMoteur(['init', dir]);
  assert.equal(run.code, 0, run.stderr);
  const adminKey = run.stdout.trim();
  assert.match(adminKey, /^\S{20,}$/);
  for (const file of ['master.key', 'ledger/ledger.key', 'ledger/ledger.salt', 'keys.json', 'moteur.toml']) assert.ok(existsSync(join(dir, file)), file);
  assert.equal(statSync(join(dir, 'master.key')).mode & 0o077, 0, 'the master key is private');
  assert.doesNotMatch(readFileSync(join(dir, 'keys.json'), 'utf8'), new RegExp(adminKey), 'only the hash is kept');
  const toml = readFileSync(join(dir, 'moteur.toml'), 'utf8');
  assert.match(toml, /# numbers in each video content embedding.*\n# embeddingDim = 32\n/);
  const check = await runMoteur(['config', 'check', join(dir, 'moteur.toml')]);
  assert.equal(check.code, 0, check.stderr);
  const again = await runMoteur(['init', dir]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /^moteur: .* already exists and is not empty: init makes a new data directory, choose another\n$/);
});

const running = new Set<ChildProcess>();
after(() => running.forEach((child) => child.kill('SIGKILL')));

/** Starts `moteur serve`; resolves with its URL once listening, or with its exit code and stderr if it stops first. */
async function serve(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['bin/moteur.js', 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = once(child, 'exit').then(([code]) => ({ code: code as number, stderr: err }));
  for (;;) {
    const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
    if (url !== undefined) return { url, stop: async () => (child.kill('SIGTERM'), await exited) };
    const done = await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 50))]);
    if (done !== undefined) return done as { code: number; stderr: string };
  }
}

test('embeddingDim from the configuration holds end to end; a change says the snapshot is stale and what to do', { timeout: 120_000 }, async () => {
  const dir = join(tempDir(), 'data');
  const init = await runMoteur(['init', dir]);
  const key = init.stdout.trim();
  const config = join(dir, 'moteur.toml');
  writeFileSync(config, `${readFileSync(config, 'utf8')}\nembeddingDim = 16\n`);
  const server = await serve(['--config', config], { MOTEUR_PORT: '0' });
  assert.ok('url' in server, JSON.stringify(server));
  const embedded = (dim: number) => videos(3).map((v, i) => ({ ...v, embedding: Array.from({ length: dim }, (_, d) => (d === i ? 1 : 0)) }));
  let url = server.url;
  const post = async (dim: number) => answer(clientFor({ url }, key).POST('/v1/videos', { body: { videos: embedded(dim) } }));
  assert.equal((await post(16)).stored, 3);
  const events = { events: [event('ann', 'v0', 'play', { watchMs: 5000 })] };
  assert.equal((await answer(clientFor(server, key).POST('/v1/events', { body: events }))).stored, 1, 'an event, so the models have a snapshot');
  const wrong = await post(32);
  assert.equal(wrong.stored, 0);
  assert.match(wrong.results[0]!.message!, /must have exactly 16 numbers, got 32/);
  assert.equal((await server.stop()).code, 0);

  writeFileSync(config, readFileSync(config, 'utf8').replace('embeddingDim = 16', 'embeddingDim = 24'));
  const refused = await serve(['--config', config, '--port', '0']);
  if ('stop' in refused) await refused.stop();
  assert.ok('code' in refused, 'the start is refused');
  assert.equal(refused.code, 2);
  assert.match(
    refused.stderr,
    /^moteur: \S+learners\.snapshot: the model snapshot is stale: the configuration changed embeddingDim 16 -> 24\. Rebuild it with 'moteur train --data DIR --config FILE'.*upload the videos again with embeddings of 24 numbers\n$/,
  );

  const train = await runMoteur(['train', '--config', config, '--json']);
  assert.equal(train.code, 0, train.stderr);
  const restarted = await serve(['--config', config, '--port', '0']);
  assert.ok('url' in restarted, JSON.stringify(restarted));
  url = restarted.url;
  assert.equal((await post(24)).stored, 3);
  await restarted.stop();
});
