/**
 * A cluster's API keys live in its shared store: created once with `moteur keys create --store`, accepted by
 * every serving node within seconds, revoked on all of them, each creation and revocation one ledger entry.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startNode, type Node } from '../../bench/lib/cluster-nodes.ts';
import { hashKey } from '../../src/trust/policy/keys.ts';
import { request } from '../../src/sim/http-client.ts';
import { runMoteur } from '../support/cli.ts';
import { tempDir } from '../support/fixtures.ts';
import { freshNatsUrl, freshPostgresUrl, natsMissing, postgresMissing } from '../support/services.ts';
import { until } from '../support/until.ts';

const skip = (await postgresMissing()) ?? (await natsMissing());

test('cluster: an API key created once in the shared store works on every serving node and, revoked, on none', { skip, timeout: 60_000 }, async () => {
  const nodes: Node[] = [];
  after(() => Promise.all(nodes.map((n) => n.kill())));
  const store = freshPostgresUrl();
  const masterKey = join(tempDir(), 'master.key');
  assert.equal((await runMoteur(['keys', 'master', 'create', '--master-key', masterKey])).code, 0);
  const env = { MOTEUR_STORE: store, MOTEUR_LOG: freshNatsUrl('shards=2'), MOTEUR_MASTER_KEY: masterKey, MOTEUR_LEDGER_KEYS: tempDir() };
  const keys = async (...args: string[]) => {
    const run = await runMoteur(['keys', ...args, '--store', store]);
    assert.equal(run.code, 0, run.stderr);
    return run.stdout.trim();
  };
  const auditor = await keys('create', '--id', 'the-auditor', '--role', 'auditor', '--regions', 'us');
  const started = await Promise.all([0, 1].map(() => startNode(['--role', 'api', '--data', tempDir(), '--port', '0'], env)));
  nodes.push(...started);
  const urls = started.map((n) => n.url!);
  const status = async (url: string, key: string) => (await request(`${url}/v1/videos/none`, 'GET', undefined, key)).status;

  // Created after the nodes started: each accepts it within seconds, without a reload.
  const app = await keys('create', '--id', 'the-app', '--role', 'app', '--regions', 'us');
  assert.match(app, /^mk_/);
  for (const url of urls) await until(`the new key accepted by ${url}`, 5000, async () => ((await status(url, app)) === 404 ? true : undefined));
  const listed = await keys('list');
  assert.match(listed, new RegExp(`^${hashKey(app).slice(0, 12)}\\tthe-app\\tapp\\tus\\t`, 'm'));
  assert.doesNotMatch(listed, /mk_/, 'the store holds hashes, never keys');

  // Revoked once: refused by every node, saying how to get one in a cluster.
  assert.match(await keys('revoke', hashKey(app).slice(0, 12)), /revoked a key of the-app \(app\); every serving node stops accepting it/);
  for (const url of urls) await until(`the revoked key refused by ${url}`, 5000, async () => ((await status(url, app)) === 401 ? true : undefined));
  const refused = await request(`${urls[0]}/v1/videos/none`, 'GET', undefined, app);
  assert.match(JSON.parse(refused.text).message, /unknown or revoked API key; an operator creates one with `moteur keys create --store URL/);

  // One ledger entry for each creation and each revocation, whichever node recorded it, however many nodes saw it.
  const name = `key:${hashKey(app).slice(0, 16)}`;
  const entries = async () => {
    const size = (await request(`${urls[1]}/v1/ledger/checkpoint`, 'GET', undefined, auditor)).text.split('\n')[1];
    const page = await request(`${urls[1]}/v1/ledger/entries?start=0&end=${size}`, 'GET', undefined, auditor);
    return (JSON.parse(page.text).entries as { entry: { action: string; resource: string } }[]).map((e) => e.entry).filter((e) => e.resource === name);
  };
  const recorded = await until('the creation and the revocation in the ledger', 5000, async () => {
    const found = await entries();
    return found.length >= 2 ? found : undefined;
  });
  await new Promise((resolve) => setTimeout(resolve, 1500)); // a second refresh on each node, which must record nothing more
  assert.deepEqual((await entries()).map((e) => e.action), ['keyCreated', 'keyRevoked'], JSON.stringify(recorded));

  // A mistake on the command line: one line saying what to do.
  const neither = await runMoteur(['keys', 'list']);
  assert.equal(neither.code, 2);
  assert.match(neither.stderr, /^moteur: give --data DIR \(a single node's keys\) or --store postgres:\/\/\.\.\. \(a cluster's\), one of them\n$/);
});
