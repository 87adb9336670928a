import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Checkpoints, type Checkpoint } from '../../src/cluster/checkpoints.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { freshPostgresUrl, postgresMissing } from '../support/services.ts';

const skip = await postgresMissing();

/** A shared store and a region's (`eu`) in its own schema, with checkpoints over both. */
async function open() {
  const url = freshPostgresUrl();
  const store = await PostgresStore.open(url);
  const eu = await PostgresStore.open(url.replace(/schema=(\w+)/, 'schema=$1_eu'));
  const checkpoints = await Checkpoints.open(store.pool, store.schema, new Map([['eu', eu]]));
  return { store, eu, checkpoints, close: async () => (await store.close(), await eu.close()) };
}

const at = (seq: number, shared: number, part: number): Checkpoint => ({
  seq,
  snapshot: { shared: Uint8Array.of(shared), parts: new Map([['eu', Uint8Array.of(part)]]) },
});

test('Checkpoints: the newest is kept; after an erasure none is, and one taken before it is refused', { skip }, async () => {
  const { store, eu, checkpoints, close } = await open();
  try {
    assert.equal(await checkpoints.latest(), undefined);
    const epoch = await checkpoints.epoch();
    assert.equal(await checkpoints.write(at(10, 1, 2), epoch), true);
    assert.equal(await checkpoints.write(at(25, 3, 4), epoch), true);
    assert.deepEqual(await checkpoints.latest(), at(25, 3, 4));
    assert.equal(await checkpoints.latestSeq(), 25);
    const { rows } = await store.pool.query('SELECT COUNT(*)::int AS n FROM model_checkpoints');
    assert.equal(rows[0].n, 1, 'older checkpoints are deleted');
    const parts = await eu.pool.query('SELECT seq, bytes FROM model_checkpoint_parts');
    assert.deepEqual(parts.rows, [{ seq: 25, bytes: Buffer.of(4) }], "the region's part is in the region's schema, the older one deleted");

    const next = await checkpoints.forgetAll();
    assert.equal(next, epoch + 1);
    assert.equal(await checkpoints.latest(), undefined);
    assert.equal(await checkpoints.latestSeq(), undefined);
    assert.equal((await eu.pool.query('SELECT COUNT(*)::int AS n FROM model_checkpoint_parts')).rows[0].n, 0, 'the parts go with the checkpoints');
    // A learner that has not applied the erasure yet cannot bring the old state back.
    assert.equal(await checkpoints.write(at(30, 5, 6), epoch), false);
    assert.equal(await checkpoints.latest(), undefined);
    assert.equal(await checkpoints.write(at(30, 7, 8), next), true);
    assert.equal((await checkpoints.latest())?.seq, 30);
  } finally {
    await close();
  }
});

test('Checkpoints: one learner at a time', { skip }, async () => {
  const { store, eu, checkpoints, close } = await open();
  try {
    const release = await checkpoints.claimLearner();
    await assert.rejects(checkpoints.claimLearner(), /another learner of shard 0\/1 is running on this store/);
    await release();
    await (await checkpoints.claimLearner())();
    // Learner shards hold roles of their own.
    const [zero, one] = await Promise.all([0, 1].map((index) => Checkpoints.open(store.pool, store.schema, new Map([['eu', eu]]), { index, count: 2 })));
    const releases = await Promise.all([zero!.claimLearner(), one!.claimLearner()]);
    await assert.rejects(zero!.claimLearner(), /another learner of shard 0\/2 is running on this store/);
    for (const r of releases) await r();
  } finally {
    await close();
  }
});

test("Checkpoints: each learner shard keeps its own newest, its region parts too; an erasure deletes every shard's", { skip }, async () => {
  const { store, eu, checkpoints: whole, close } = await open();
  try {
    const [zero, one] = await Promise.all([0, 1].map((index) => Checkpoints.open(store.pool, store.schema, new Map([['eu', eu]]), { index, count: 2 })));
    const epoch = await whole.epoch();
    assert.equal(await zero!.write(at(7, 7, 70), epoch), true);
    assert.equal(await one!.write(at(9, 9, 90), epoch), true);
    assert.equal(await zero!.write(at(11, 11, 110), epoch), true);
    assert.deepEqual(await zero!.latest(), at(11, 11, 110));
    assert.deepEqual(await one!.latest(), at(9, 9, 90), "a shard's newer checkpoint does not replace another shard's");
    assert.equal(await whole.latest(), undefined, 'serving nodes learning the log start only from a checkpoint of the whole log');
    // With model deltas a checkpoint records where its shard stands in the delta stream, and serving nodes start from the newest of any shard.
    const cursor = { streamSeq: 41, applied: { '0': 7, '1': 12 } };
    assert.equal(await one!.write({ ...at(12, 12, 120), deltas: cursor }, epoch), true);
    assert.deepEqual(await zero!.latestOfAnyShard(), { ...at(12, 12, 120), deltas: cursor });
    await whole.forgetAll();
    assert.equal(await zero!.latestSeq(), undefined);
    assert.equal(await one!.latestSeq(), undefined);
    assert.equal((await eu.pool.query('SELECT COUNT(*)::int AS n FROM model_checkpoint_parts')).rows[0].n, 0);
  } finally {
    await close();
  }
});
