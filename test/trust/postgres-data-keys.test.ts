import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { PostgresDataKeys } from '../../src/trust/crypto/postgres-data-keys.ts';
import { freshPostgresUrl, postgresMissing } from '../support/services.ts';

const skip = await postgresMissing();

test('PostgresDataKeys: nodes sharing the table agree on each key, and a destroyed key is gone for all', { skip }, async () => {
  const store = await PostgresStore.open(freshPostgresUrl());
  const master = randomBytes(32);
  const [a, b] = await Promise.all([PostgresDataKeys.open(store.pool, store.schema, master), PostgresDataKeys.open(store.pool, store.schema, master)]);
  try {
    // Both nodes make a key for the same new people at once: both end up with the one stored first.
    await Promise.all([a.ensure(['ann', 'bob']), b.ensure(['bob', 'ann'])]);
    assert.ok(a.keyOf('ann')!.equals(b.keyOf('ann')!));
    assert.ok(a.keyOf('bob')!.equals(b.keyOf('bob')!));
    assert.notDeepEqual(a.keyOf('ann'), a.keyOf('bob'));
    assert.equal(await a.destroy('ann'), true);
    assert.equal(await a.destroy('ann'), false);
    // B still holds it in memory until told; then the table no longer has it.
    b.evict('ann');
    await b.prepare(['ann']);
    assert.equal(b.keyOf('ann'), undefined);
    // A master key other than the one that wrapped them opens nothing.
    const stranger = await PostgresDataKeys.open(store.pool, store.schema, randomBytes(32));
    await assert.rejects(stranger.prepare(['bob']));
  } finally {
    a.close();
    b.close();
    await store.close();
  }
});
