/**
 * Every role reads the configuration file: `moteur cluster up --config FILE` hands it to each process, so the
 * API node takes videos of the configured embedding size and the learner learns with it (its checkpoint is of
 * that size: a node started without the file is refused as holding a stale model, one started with it serves).
 * On the real PostgreSQL and NATS JetStream.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createClusterKey, startNode } from '../../bench/lib/cluster-nodes.ts';
import { readClusterStatus } from '../../src/cluster/cluster-status.ts';
import { runMoteur } from '../support/cli.ts';
import { answer, byId, clientFor, keyProbe, reply } from '../support/client.ts';
import { startClusterUp } from '../support/cluster-up.ts';
import { tempDir, videos } from '../support/fixtures.ts';
import { freshNatsUrl, freshPostgresUrl, natsMissing, postgresMissing } from '../support/services.ts';
import { until } from '../support/until.ts';

const skip = (await postgresMissing()) ?? (await natsMissing());

test('cluster up --config: the API node and the learner both use the configured embedding size', { skip, timeout: 180_000 }, async () => {
  const store = freshPostgresUrl();
  const log = freshNatsUrl('shards=1');
  const data = tempDir();
  const configFile = join(tempDir(), 'moteur.toml');
  writeFileSync(configFile, 'embeddingDim = 64\n');

  // A broken file is refused once, before anything starts.
  const broken = join(tempDir(), 'broken.json');
  writeFileSync(broken, '{"embeddingDims": 64}');
  const refused = await runMoteur(['cluster', 'up', '--api', '1', '--learners', '1', '--store', store, '--log', log, '--data', tempDir(), '--config', broken]);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /embeddingDims.*did you mean embeddingDim/);
  assert.doesNotMatch(refused.stderr, /\n\s+at /, 'one line, no stack trace');

  const up = await startClusterUp(['--api', '1', '--learners', '1', '--data', data, '--port', '0', '--checkpoint-every', '1', '--config', configFile], {
    MOTEUR_STORE: store,
    MOTEUR_LOG: log,
  });
  const api = up.apiUrls[0]!;
  const key = await createClusterKey(store, { id: 'the-app', role: 'app', regions: ['us'] });
  await until('the key accepted', 5000, async () => ((await keyProbe({ url: api }, key)) === 404 ? true : undefined));
  const moteur = clientFor({ url: api }, key);

  // The API node: videos carry 64 numbers, as configured, and 32 (the default) are refused.
  const embedding = (n: number) => Array.from({ length: n }, (_, i) => Math.sin(i + 1));
  const catalog = videos(20).map((v) => ({ ...v, embedding: embedding(64) }));
  const accepted = await answer(moteur.POST('/v1/videos', { body: { videos: catalog } }));
  assert.equal(accepted.stored, 20, JSON.stringify(accepted.results[0]));
  const wrongSize = await answer(moteur.POST('/v1/videos', { body: { videos: [{ ...videos(1)[0], id: 'short', embedding: embedding(32) }] } }));
  assert.equal(wrongSize.rejected, 1);
  assert.match(wrongSize.results[0]?.message ?? '', /must have exactly 64 numbers, got 32/);

  // The learner: it learns these events and checkpoints a model of 64-number content vectors.
  await answer(
    moteur.POST('/v1/events', { body: { events: [1, 2, 3].map((i) => ({ id: `e${i}`, userId: 'u1', videoId: `v${i}`, type: 'like', ts: Date.now() })) } }),
  );
  await until('a checkpoint of the learned events', 30_000, async () => {
    const shard = (await readClusterStatus(store, log)).shards.find((s) => s.shard === '0/1');
    return shard !== undefined && shard.checkpointSeq !== null && shard.checkpointSeq >= 3 ? true : undefined;
  });
  const env = { MOTEUR_STORE: store, MOTEUR_LOG: log, MOTEUR_MASTER_KEY: join(data, 'master.key'), MOTEUR_LEDGER_KEYS: join(data, 'ledger-keys') };
  await assert.rejects(
    startNode(['--role', 'api', '--data', tempDir(), '--port', '0'], env),
    /the model snapshot is stale: the configuration changed embeddingDim 64 -> 32/,
  );
  const configured = await startNode(['--role', 'api', '--data', tempDir(), '--port', '0', '--config', configFile], env);
  after(() => configured.stop());
  const served = await reply(clientFor({ url: configured.url! }, key).GET('/v1/videos/{id}', byId('v1')));
  assert.equal(served.status, 200, JSON.stringify(served.json));
});
