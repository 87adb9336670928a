import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { parsePostgresUrl } from '../../src/store/postgres/connection.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { freshPostgresUrl, postgresMissing } from '../support/services.ts';
import { storeContract } from './store-contract.ts';

const skip = await postgresMissing();

storeContract('PostgresStore', {
  skip,
  open: async (place = freshPostgresUrl()) => ({ store: await PostgresStore.open(place), place }),
});

test('PostgresStore: migrations are recorded once, and nodes opening together do not race', { skip }, async () => {
  const url = freshPostgresUrl();
  const stores = await Promise.all([PostgresStore.open(url), PostgresStore.open(url), PostgresStore.open(url)]);
  const { rows } = await stores[0]!.pool.query('SELECT component, version FROM moteur_migrations');
  assert.deepEqual(rows, [{ component: 'store', version: 1 }]);
  await Promise.all(stores.map((s) => s.close()));
});

test('PostgresStore: a bigint past 2^53 is refused rather than rounded', { skip }, async () => {
  const url = freshPostgresUrl();
  const store = await PostgresStore.open(url);
  await store.pool.query("INSERT INTO resets VALUES ('ann', 9007199254740993)");
  await assert.rejects(store.listResets(), /9007199254740993 is outside the exactly representable range/);
  await store.close();
});

test('PostgresStore: the URL names a schema of plain identifier characters', { skip }, async () => {
  assert.equal(parsePostgresUrl('postgres://h/db?schema=eu_west').schema, 'eu_west');
  assert.equal(parsePostgresUrl('postgres://h/db').schema, 'moteur');
  assert.throws(() => parsePostgresUrl('postgres://h/db?schema=x;drop'), /use lower-case letters, digits and _/);
  assert.throws(() => parsePostgresUrl('mysql://h/db'), /starts with postgres:\/\//);
});

test('PostgresStore: erased rows are gone for every connection, not only the one that erased', { skip }, async () => {
  const url = freshPostgresUrl();
  const store = await PostgresStore.open(url);
  await store.putUser({ id: 'ann', region: 'EU', language: 'fr', createdAt: 1, settings: { personalized: true, keywordFilters: [] } });
  await store.recordServed([{ userId: 'ann', videoId: 'v1', ts: 1 }]);
  await store.eraseUser('ann');
  const target = parsePostgresUrl(url);
  const other = new pg.Client({ connectionString: target.connectionString });
  await other.connect();
  const { rows } = await other.query(
    `SELECT (SELECT COUNT(*) FROM ${target.schema}.users WHERE id = 'ann') + (SELECT COUNT(*) FROM ${target.schema}.served WHERE user_id = 'ann') AS n`,
  );
  assert.equal(Number(rows[0].n), 0);
  await other.end();
  await store.close();
});
