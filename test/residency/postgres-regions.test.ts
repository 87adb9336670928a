/**
 * Regions on PostgreSQL: each region's personal data (people, serving history, data keys, its part of the
 * learner's checkpoints) is in the schema `<schema>_<region>`; the shared schema holds the catalog, the
 * ledger and item-level model state. A node serving other regions refuses the person with 403 wrong_region
 * and logs the denial. Real PostgreSQL and JetStream, nodes in this process.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { resolveConfig } from '../../src/app/config.ts';
import { EngineLearning } from '../../src/app/learning.ts';
import { startApiNode, type RunningApiNode } from '../../src/cluster/roles/api-node.ts';
import { startLearnerNode } from '../../src/cluster/roles/learner-node.ts';
import { parsePostgresUrl } from '../../src/store/postgres/connection.ts';
import { createClusterKey } from '../../bench/lib/cluster-nodes.ts';
import { answer, byId, clientFor, reply } from '../support/client.ts';
import { clusterMasterKey, closeAfterTest, event, tempDir } from '../support/fixtures.ts';
import { freshNatsUrl, freshPostgresUrl, natsMissing, postgresMissing } from '../support/services.ts';
import { until } from '../support/until.ts';
import { catalogAndTwoPeople } from './two-people.ts';

const skip = (await postgresMissing()) ?? (await natsMissing());

const EU = 'EU-PG-PERSON-b3e1';
const US = 'US-PG-PERSON-61d0';
const LATE = 'EU-PG-NEWCOMER-0a7c';

test('regions on PostgreSQL: personal rows only in their region schema, checkpoints split by region, other regions refused', {
  skip,
  timeout: 90_000,
}, async () => {
  const closeLater = closeAfterTest();
  const storeUrl = freshPostgresUrl();
  const { schema, connectionString } = parsePostgresUrl(storeUrl);
  const db = new pg.Client({ connectionString });
  await db.connect();
  closeLater(() => db.end());
  const backends = { storeUrl, logUrl: freshNatsUrl('shards=2'), masterKeyFile: clusterMasterKey(), ledgerKeysDir: tempDir() };
  const api = async (regions: string[], dataDir: string): Promise<RunningApiNode> => {
    const node = await startApiNode({ ...backends, dataDir, port: 0, regions });
    closeLater(() => node.close());
    return node;
  };

  /** `schema.table` names whose rows mention `text` (as text, or as the hex of bytea columns). */
  const tablesHolding = async (text: string | Buffer): Promise<string[]> => {
    const hex = Buffer.from(text).toString('hex');
    const { rows: tables } = await db.query<{ name: string }>(
      `SELECT table_schema || '.' || table_name AS name FROM information_schema.tables WHERE table_schema = $1 OR table_schema LIKE $2 ORDER BY 1`,
      [schema, `${schema}\\_%`],
    );
    const found: string[] = [];
    for (const { name } of tables) {
      const { rows } = await db.query(`SELECT 1 FROM ${name} t WHERE t::text LIKE '%' || $1::text || '%' OR t::text LIKE '%' || $2::text || '%' LIMIT 1`, [
        typeof text === 'string' ? text : hex,
        hex,
      ]);
      // `<schema>.videos` as `videos`, `<schema>_eu.users` as `eu.users`.
      if (rows.length > 0) found.push(name.slice(schema.length + 1));
    }
    return found;
  };

  const dirAll = tempDir();
  // The cluster's key, in its store: both nodes accept it.
  const key = await createClusterKey(storeUrl, { id: 'test-admin', role: 'admin', regions: ['us', 'eu'] });
  const both = await api(['eu', 'us'], dirAll);
  const onBoth = clientFor(both, key);
  await catalogAndTwoPeople(onBoth, EU, US);
  const feed = await answer(onBoth.GET('/v1/users/{id}/feed', byId(EU, { n: 3 })));
  assert.equal(feed.items.length, 3, JSON.stringify(feed));

  const learner = await startLearnerNode({ ...backends, dataDir: tempDir(), checkpointEveryMs: 200 });
  closeLater(() => learner.close());
  await until('a checkpoint with every event', 10_000, async () =>
    (await db.query(`SELECT 1 FROM ${schema}.model_checkpoints WHERE seq >= 16`)).rows.length > 0 ? true : undefined,
  );
  await both.moteur.counts(); // the serving record is written
  // Each person's embedding row as the checkpoint holds it (the same bytes are looked for in every table).
  const checkpoint = new EngineLearning(resolveConfig({}), () => undefined, { regions: ['us', 'eu'], regionOf: () => undefined });
  const part = async (region: string) =>
    (await db.query<{ bytes: Buffer }>(`SELECT p.bytes FROM ${schema}_${region}.model_checkpoint_parts p JOIN ${schema}.model_checkpoints USING (seq)`))
      .rows[0]!.bytes;
  const shared = (await db.query<{ bytes: Buffer }>(`SELECT bytes FROM ${schema}.model_checkpoints`)).rows[0]!.bytes;
  checkpoint.restore(
    {
      shared,
      parts: new Map([
        ['us', await part('us')],
        ['eu', await part('eu')],
      ]),
    },
    'the checkpoint',
  );
  const users = checkpoint.learners.parts.factorization.users;
  const rowOf = (userId: string) => Buffer.from(users.vector(users.row(userId)!).slice().buffer);
  const [euRow, usRow] = [rowOf(EU), rowOf(US)];

  assert.deepEqual(await tablesHolding(EU), ['eu.data_keys', 'eu.model_checkpoint_parts', 'eu.served', 'eu.users']);
  assert.deepEqual(await tablesHolding(US), ['us.data_keys', 'us.model_checkpoint_parts', 'us.users']);
  assert.deepEqual(await tablesHolding(euRow), ['eu.model_checkpoint_parts'], "the EU person's embedding row is in the EU part of the checkpoint only");
  assert.deepEqual(await tablesHolding(usRow), ['us.model_checkpoint_parts']);
  assert.ok((await tablesHolding('topic3')).includes('videos'), 'the catalog is in the shared schema');

  // A node of region us only: the EU person is refused, the denial logged, their events rejected and not learned.
  const dirUs = tempDir();
  const usOnly = await api(['us'], dirUs);
  const onUsOnly = clientFor(usOnly, key);
  // Someone first seen in an event through the eu node after this node started: located by their data key.
  assert.equal((await reply(onBoth.POST('/v1/events', { body: { events: [event(LATE, 'v1', 'like')] } }))).status, 200);
  await until('the us node placing the newcomer in eu', 5000, async () => (usOnly.moteur.residency.regionOf(LATE) === 'eu' ? true : undefined));
  assert.equal((await reply(onUsOnly.GET('/v1/users/{id}', byId(LATE)))).status, 403);
  const refused = await reply(onUsOnly.GET('/v1/users/{id}/feed', byId(EU, { n: 2 })));
  assert.equal(refused.status, 403);
  assert.equal(refused.json.code, 'wrong_region');
  assert.match(refused.json.message, /lives in region eu; this node serves us: send the request to a node of region eu/);
  const ingest = await answer(onUsOnly.POST('/v1/events', { body: { events: [event(EU, 'v5', 'like')] } }));
  assert.equal(ingest.results[0]!.code, 'wrong_region');
  assert.equal(usOnly.moteur.learning.learners.knowsUser(EU), false, 'the us node learned nothing about the EU person');
  assert.equal(usOnly.moteur.learning.learners.knowsUser(US), true);
  await usOnly.moteur.counts();
  const entries = (await usOnly.moteur.ledger.entries(0, await usOnly.moteur.ledger.size())).map((e) => e.entry);
  assert.ok(
    entries.some((e) => e.resource === usOnly.moteur.personInLedger(EU) && e.action === 'readFeed' && e.decision === 'deny'),
    'the denial is in the ledger',
  );

  // Erased: the person's rows leave their region's schema, the checkpoint part included.
  assert.equal((await reply(onBoth.DELETE('/v1/users/{id}', byId(EU)))).status, 200);
  await until('a checkpoint written after the erasure', 10_000, async () =>
    (await db.query(`SELECT 1 FROM ${schema}.model_checkpoints`)).rows.length > 0 ? true : undefined,
  );
  assert.deepEqual(await tablesHolding(EU), []);
  assert.deepEqual(await tablesHolding(euRow), []);
  assert.deepEqual(await tablesHolding(US), ['us.data_keys', 'us.model_checkpoint_parts', 'us.users']);
});

test('regions on PostgreSQL: a region whose schema name is too long is refused with the reason', { skip }, async () => {
  const storeUrl = `${freshPostgresUrl().replace(/schema=\w+/, `schema=${'m'.repeat(56)}`)}`;
  await assert.rejects(
    startApiNode({
      storeUrl,
      logUrl: freshNatsUrl(),
      masterKeyFile: clusterMasterKey(),
      ledgerKeysDir: tempDir(),
      dataDir: tempDir(),
      port: 0,
      regions: ['us', 'europe-west'],
    }),
    /schema m{56}_europe_west for region europe-west is longer than PostgreSQL's 63 characters: use a shorter \?schema=/,
  );
});
