import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Checkpoints } from '../../src/cluster/checkpoints.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { freshPostgresUrl, postgresMissing } from '../support/services.ts';

const skip = await postgresMissing();

test('Checkpoints: the newest is kept; after an erasure none is, and one taken before it is refused', { skip }, async () => {
  const store = await PostgresStore.open(freshPostgresUrl());
  const checkpoints = await Checkpoints.open(store.pool, store.schema);
  try {
    assert.equal(await checkpoints.latest(), undefined);
    const epoch = await checkpoints.epoch();
    assert.equal(await checkpoints.write({ seq: 10, bytes: Uint8Array.of(1, 2) }, epoch), true);
    assert.equal(await checkpoints.write({ seq: 25, bytes: Uint8Array.of(3) }, epoch), true);
    assert.deepEqual(await checkpoints.latest(), { seq: 25, bytes: Uint8Array.of(3) });
    assert.equal(await checkpoints.latestSeq(), 25);
    const { rows } = await store.pool.query('SELECT COUNT(*)::int AS n FROM model_checkpoints');
    assert.equal(rows[0].n, 1, 'older checkpoints are deleted');

    const next = await checkpoints.forgetAll();
    assert.equal(next, epoch + 1);
    assert.equal(await checkpoints.latest(), undefined);
    assert.equal(await checkpoints.latestSeq(), undefined);
    // A learner that has not applied the erasure yet cannot bring the old state back.
    assert.equal(await checkpoints.write({ seq: 30, bytes: Uint8Array.of(4) }, epoch), false);
    assert.equal(await checkpoints.latest(), undefined);
    assert.equal(await checkpoints.write({ seq: 30, bytes: Uint8Array.of(5) }, next), true);
    assert.equal((await checkpoints.latest())?.seq, 30);
  } finally {
    await store.close();
  }
});

test('Checkpoints: one learner at a time', { skip }, async () => {
  const store = await PostgresStore.open(freshPostgresUrl());
  const checkpoints = await Checkpoints.open(store.pool, store.schema);
  try {
    const release = await checkpoints.claimLearner();
    await assert.rejects(checkpoints.claimLearner(), /another learner is running on this store/);
    await release();
    await (await checkpoints.claimLearner())();
  } finally {
    await store.close();
  }
});
