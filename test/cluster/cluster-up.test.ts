/**
 * A cluster brought up with `moteur cluster up` (two API nodes, two learner shards, each a supervised
 * process) on PostgreSQL and JetStream: an API key created once in the store works on both API nodes and,
 * revoked, on neither, with one ledger entry each; a node with another master key is refused at start;
 * `cluster status --json` shows a killed learner shard unhealthy and falling behind, then caught up once the
 * supervisor restarted it; follow freshness holds after that; Ctrl-C stops every process, and `cluster down
 * --purge` removes the cluster's schemas and streams and nothing else.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import pg from 'pg';
import { createClusterKey, startNode } from '../../bench/lib/cluster-nodes.ts';
import { isAlive, readClusterFile } from '../../src/cluster/local-cluster.ts';
import { readClusterStatus, type ClusterStatus } from '../../src/cluster/cluster-status.ts';
import { parseNatsUrl } from '../../src/log/nats/nats-url.ts';
import { parsePostgresUrl } from '../../src/store/postgres/connection.ts';
import { hashKey } from '../../src/trust/policy/keys.ts';
import { runMoteur } from '../support/cli.ts';
import { answer, byId, clientFor, keyProbe, reply } from '../support/client.ts';
import { startClusterUp } from '../support/cluster-up.ts';
import { tempDir } from '../support/fixtures.ts';
import { freshNatsUrl, freshPostgresUrl, NATS_URL, natsMissing, POSTGRES_URL, postgresMissing } from '../support/services.ts';
import { until } from '../support/until.ts';
import { checkFollowFreshness, datedCatalog, personOfShard } from './follow-freshness.ts';

const skip = (await postgresMissing()) ?? (await natsMissing());

test('cluster up: keys, master key, status of a killed shard, follow freshness, Ctrl-C and down --purge', { skip, timeout: 240_000 }, async () => {
  const store = freshPostgresUrl();
  const log = freshNatsUrl('shards=2');
  const data = tempDir();
  const env = { MOTEUR_STORE: store, MOTEUR_LOG: log };
  const up = await startClusterUp(
    ['--api', '2', '--learners', '2', '--data', data, '--port', '0', '--checkpoint-every', '1', '--delta-every', '50', '--restart-after', '15000'],
    env,
  );
  assert.match(up.said(), /made the cluster's master key .*master\.key \(fingerprint [0-9a-f]{32}\)/);
  const [A, B] = up.apiUrls as [string, string];
  // What `cluster status --json` prints; waits poll the same reading in process, which spares a process start each.
  const statusCommand = async (): Promise<ClusterStatus> => {
    const run = await runMoteur(['cluster', 'status', '--json', '--store', store, '--log', log]);
    assert.equal(run.code, 0, run.stderr);
    return JSON.parse(run.stdout);
  };
  const status = () => readClusterStatus(store, log);
  const shard = (s: ClusterStatus, label: string) => s.shards.find((x) => x.shard === label)!;

  // Every node and shard listed, all ready.
  const first = await statusCommand();
  assert.deepEqual(first.nodes.map((n) => [n.role, n.shard, n.health]).sort(), [
    ['api', null, 'ready'],
    ['api', null, 'ready'],
    ['learner', '0/2', 'ready'],
    ['learner', '1/2', 'ready'],
  ]);
  assert.deepEqual(
    first.shards.map((s) => s.shard),
    ['0/2', '1/2'],
  );
  assert.equal(first.partitions, 2);
  assert.ok(first.nodes.every((n) => n.version === '0.1.0' && n.regions.includes('us')));

  // Keys: created once in the store, accepted by both API nodes within seconds; revoked, by neither.
  const keys = async (...args: string[]) => {
    const run = await runMoteur(['keys', ...args, '--store', store]);
    assert.equal(run.code, 0, run.stderr);
    return run.stdout.trim();
  };
  const [key, admin] = await Promise.all([
    createClusterKey(store, { id: 'the-app', role: 'app', regions: ['us'] }),
    createClusterKey(store, { id: 'the-admin', role: 'admin', regions: ['us'] }),
  ]);
  for (const url of [A, B])
    await until(`the new keys accepted by ${url}`, 5000, async () =>
      (await keyProbe({ url }, key)) === 404 && (await keyProbe({ url }, admin)) === 404 ? true : undefined,
    );
  const shortLived = await keys('create', '--id', 'short-lived', '--role', 'app', '--regions', 'us');
  const listed = await keys('list');
  assert.match(listed, new RegExp(`^${hashKey(shortLived).slice(0, 12)}\\tshort-lived\\tapp\\tus\\t`, 'm'));
  assert.doesNotMatch(listed, /mk_/, 'the store holds hashes, never keys');
  for (const url of [A, B])
    await until(`the short-lived key accepted by ${url}`, 5000, async () => ((await keyProbe({ url }, shortLived)) === 404 ? true : undefined));
  assert.match(await keys('revoke', hashKey(shortLived).slice(0, 12)), /revoked a key of short-lived \(app\); every serving node stops accepting it/);
  for (const url of [A, B])
    await until(`the revoked key refused by ${url}`, 5000, async () => ((await keyProbe({ url }, shortLived)) === 401 ? true : undefined));
  const refused = await reply(clientFor({ url: A }, shortLived).GET('/v1/videos/{id}', byId('none')));
  assert.match(refused.json.message, /unknown or revoked API key; an operator creates one with `moteur keys create --store URL/);
  // One ledger entry for the creation and one for the revocation, however many nodes saw them.
  const keyEntries = async () => {
    const size = Number((await answer(clientFor({ url: B }, admin).GET('/v1/ledger/checkpoint', { parseAs: 'text' }))).split('\n')[1]);
    const page = await answer(clientFor({ url: A }, admin).GET('/v1/ledger/entries', { params: { query: { start: 0, end: size } } }));
    return (page.entries as { entry: { action: string; resource: string } }[])
      .map((e) => e.entry)
      .filter((e) => e.resource === `key:${hashKey(shortLived).slice(0, 16)}`);
  };
  await until('the revocation in the ledger', 5000, async () => ((await keyEntries()).length >= 2 ? true : undefined));
  await until('both nodes past their next read of the keys', 5000, async () => ((await keyProbe({ url: B }, shortLived)) === 401 ? true : undefined));
  assert.deepEqual(
    (await keyEntries()).map((e) => e.action),
    ['keyCreated', 'keyRevoked'],
  );

  // A node started with another master key is refused before it listens: nothing it could seal is acknowledged.
  const otherKey = join(tempDir(), 'other.key');
  assert.equal((await runMoteur(['keys', 'master', 'create', '--master-key', otherKey])).code, 0);
  await assert.rejects(
    startNode(['--role', 'api', '--data', tempDir(), '--port', '0'], { ...env, MOTEUR_MASTER_KEY: otherKey, MOTEUR_LEDGER_KEYS: join(data, 'ledger-keys') }),
    new RegExp(
      `exited before it was ready(?![\\s\\S]*listening)[\\s\\S]*is not this cluster's \\(fingerprint ${first.masterKeyFingerprint}\\): copy the key file`,
    ),
  );

  // A learner shard killed: status shows it unhealthy, and its part of the log piling up while it is down.
  await answer(clientFor({ url: A }, key).POST('/v1/videos', { body: { videos: datedCatalog() } }));
  const learner0 = readClusterFile(data).processes.find((p) => p.name === 'learner-0')!;
  process.kill(learner0.pid!, 'SIGKILL');
  const person = personOfShard(0, 2, 'while-down');
  const whileDown = [1, 2, 3].map((i) => ({ id: `while-down-${i}`, userId: person, videoId: `v${i}`, type: 'like', ts: Date.now() }));
  await answer(clientFor({ url: B }, key).POST('/v1/events', { body: { events: whileDown } }));
  let seen: ClusterStatus | undefined;
  const behind = await until('the killed shard shown unhealthy, behind by the events it missed', 15_000, async () => {
    seen = await status();
    return shard(seen, '0/2').health !== 'ready' && (shard(seen, '0/2').lagEvents ?? 0) >= 3 ? seen : undefined;
  }).catch((err: Error) => assert.fail(`${err.message}; the shards as last read: ${JSON.stringify(seen?.shards)}`));
  const printed = await statusCommand();
  assert.notEqual(shard(printed, '0/2').health, 'ready', 'cluster status --json shows the killed shard unhealthy');
  assert.equal(shard(behind, '0/2').learner, null, 'no learner alive for the killed shard');
  assert.equal(shard(behind, '1/2').health, 'ready');
  assert.notEqual(behind.nodes.find((n) => n.shard === '0/2')!.health, 'ready');
  // Restarted by the supervisor, it catches up.
  const caughtUp = await until('the restarted shard caught up', 60_000, async () => {
    const s = await status();
    const s0 = shard(s, '0/2');
    return s0.health === 'ready' && s0.lagEvents === 0 ? s : undefined;
  });
  assert.ok(shard(caughtUp, '0/2').learner !== null);
  assert.deepEqual(shard(await statusCommand(), '0/2').health, 'ready', 'cluster status --json shows it caught up');
  assert.match(up.said(), /learner-0 exited \(SIGKILL\); restarting in 15 s/);

  // Follow freshness after the kill and restart, for a person of the restarted shard.
  await checkFollowFreshness({ watchOn: B, followOn: A, feedOn: B, person: personOfShard(0, 2, 'fan-after-restart'), key, admin });

  // Ctrl-C stops every process.
  const pids = readClusterFile(data).processes.map((p) => p.pid!);
  up.process.kill('SIGINT');
  await up.gone;
  assert.equal(up.process.exitCode, 0);
  assert.deepEqual(pids.filter(isAlive), [], 'every process of the cluster stopped');

  // down --purge: the cluster's schemas and streams go; another cluster's, named alike, stay.
  const { schema } = parsePostgresUrl(store);
  const { stream } = parseNatsUrl(log);
  const db = new pg.Client({ connectionString: POSTGRES_URL });
  await db.connect();
  await db.query(`CREATE SCHEMA ${schema}_other`);
  after(async () => {
    await db.query(`DROP SCHEMA IF EXISTS ${schema}_other CASCADE`);
    await db.end();
  });
  const nc = await connect({ servers: NATS_URL });
  after(() => nc.close());
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: `${stream}_in_other`, subjects: [`${stream}-other.>`] });
  const purged = await runMoteur(['cluster', 'down', '--data', data, '--purge']);
  assert.equal(purged.code, 0, purged.stderr);
  assert.match(
    purged.stdout,
    new RegExp(`removed schemas ${schema}_us, ${schema}; streams ${stream}, ${stream}_deltas, ${stream}_moderation, ${stream}_in_us, ${stream}_deltas_in_us`),
  );
  const schemas = (
    await db.query<{ name: string }>('SELECT schema_name AS name FROM information_schema.schemata WHERE schema_name LIKE $1', [`${schema}%`])
  ).rows.map((r) => r.name);
  assert.deepEqual(schemas, [`${schema}_other`]);
  const streams: string[] = [];
  for await (const name of jsm.streams.names()) if (name.startsWith(stream)) streams.push(name);
  assert.deepEqual(streams, [`${stream}_in_other`]);
});
