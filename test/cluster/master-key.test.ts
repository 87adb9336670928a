/**
 * One master key per cluster: the shared store records its fingerprint; a node whose key is missing or
 * another is refused at start, saying how to get the right one, before it could seal and acknowledge
 * anything; a cluster holding data keys from before it recorded a fingerprint is bound only by a key that
 * opens them.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import pg from 'pg';
import { createClusterKey, startNode, type Node } from '../../bench/lib/cluster-nodes.ts';
import { parsePostgresUrl } from '../../src/store/postgres/connection.ts';
import { runMoteur } from '../support/cli.ts';
import { answer, clientFor } from '../support/client.ts';
import { tempDir, videos } from '../support/fixtures.ts';
import { freshNatsUrl, freshPostgresUrl, natsMissing, postgresMissing } from '../support/services.ts';

const skip = (await postgresMissing()) ?? (await natsMissing());
/** A node that should start is given time on a loaded machine; the refusals come at once. */
const READY_WITHIN_MS = 90_000;

test('cluster: a node without the master key the cluster is bound to is refused at start', { skip, timeout: 120_000 }, async () => {
  const nodes: Node[] = [];
  after(() => Promise.all(nodes.map((n) => n.kill())));
  const store = freshPostgresUrl();
  const env = { MOTEUR_STORE: store, MOTEUR_LOG: freshNatsUrl('shards=2'), MOTEUR_LEDGER_KEYS: tempDir() };
  const keys = tempDir();
  const made = await runMoteur(['keys', 'master', 'create', '--master-key', join(keys, 'cluster.key')]);
  assert.equal(made.code, 0, made.stderr);
  const fingerprint = made.stdout.trim();
  const other = await runMoteur(['keys', 'master', 'create', '--master-key', join(keys, 'other.key')]);
  const otherFingerprint = other.stdout.trim();
  assert.notEqual(fingerprint, otherFingerprint);
  const again = await runMoteur(['keys', 'master', 'create', '--master-key', join(keys, 'cluster.key')]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /already exists .*never replaced/);

  const key = await createClusterKey(store, { id: 'test-app', role: 'app', regions: ['us'] });
  const first = await startNode(
    ['--role', 'api', '--data', tempDir(), '--port', '0'],
    { ...env, MOTEUR_MASTER_KEY: join(keys, 'cluster.key') },
    READY_WITHIN_MS,
  );
  nodes.push(first);
  const onFirst = clientFor({ url: first.url! }, key);
  await answer(onFirst.POST('/v1/videos', { body: { videos: videos(3) } }));
  assert.equal(
    (await answer(onFirst.POST('/v1/events', { body: { events: [{ id: 'e1', userId: 'known', videoId: 'v1', type: 'like', ts: Date.now() }] } }))).stored,
    1,
  );

  const db = new pg.Client({ connectionString: parsePostgresUrl(store).connectionString });
  await db.connect();
  after(() => db.end());
  const { schema } = parsePostgresUrl(store);
  const bound = async () => (await db.query(`SELECT fingerprint FROM ${schema}.master_key`)).rows.map((r) => r.fingerprint);
  const dataKeys = async () => Number((await db.query(`SELECT count(*) FROM ${schema}_us.data_keys`)).rows[0].count);
  assert.deepEqual(await bound(), [fingerprint], 'the first node bound the cluster to its key');

  // A node whose key is missing is refused, and makes none.
  const missing = join(tempDir(), 'master.key');
  await assert.rejects(
    startNode(['--role', 'api', '--data', tempDir(), '--port', '0'], { ...env, MOTEUR_MASTER_KEY: missing }),
    /exited before it was ready[\s\S]*no master key at \S+master\.key: every node of a cluster needs the cluster's key; copy it/,
  );
  assert.equal(existsSync(missing), false, 'a cluster node never invents a master key');
  // A node with another key is refused before it listens: it never acknowledges, so never seals, an event.
  const refused = startNode(['--role', 'api', '--data', tempDir(), '--port', '0'], { ...env, MOTEUR_MASTER_KEY: join(keys, 'other.key') });
  await assert.rejects(
    refused,
    new RegExp(
      `exited before it was ready(?![\\s\\S]*listening)[\\s\\S]*\\(fingerprint ${otherFingerprint}\\) is not this cluster's \\(fingerprint ${fingerprint}\\): copy the key file`,
    ),
  );
  // So does a learner.
  await assert.rejects(startNode(['--role', 'learner', '--data', tempDir()], { ...env, MOTEUR_MASTER_KEY: join(keys, 'other.key') }), /is not this cluster's/);
  assert.equal(await dataKeys(), 1, 'no data key wrapped under the other key');

  // A cluster that holds data keys but no fingerprint yet (made before it recorded one) is bound only by a key that opens them.
  await db.query(`DELETE FROM ${schema}.master_key`);
  await assert.rejects(
    startNode(['--role', 'api', '--data', tempDir(), '--port', '0'], { ...env, MOTEUR_MASTER_KEY: join(keys, 'other.key') }),
    /does not open the data keys this cluster already holds/,
  );
  assert.deepEqual(await bound(), []);
  const second = await startNode(
    ['--role', 'api', '--data', tempDir(), '--port', '0'],
    { ...env, MOTEUR_MASTER_KEY: join(keys, 'cluster.key') },
    READY_WITHIN_MS,
  );
  nodes.push(second);
  assert.deepEqual(await bound(), [fingerprint]);
});
