/**
 * The delta receiver's cursor, which a learner's checkpoint records: it moves past a delta only once the delta
 * is applied. A checkpoint taken while a delta's people are still being opened must leave that delta ahead of
 * it, or a learner restarted from the checkpoint would never apply it (the other shard's events lost).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { DeltaReceiver, type DeltaStream } from '../../src/cluster/model-deltas.ts';
import { encodeDelta, type ModelDelta } from '../../src/learn/online/model-delta.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { DataKeys, type PersonKeys } from '../../src/trust/crypto/data-keys.ts';
import { tempDir } from '../support/fixtures.ts';

const emptyDelta = (events: number): ModelDelta => ({
  events,
  clock: 0,
  counters: [],
  baseline: { counts: new Float64Array(0), sums: new Float64Array(0) },
  rows: [],
  projection: undefined,
  ranker: undefined,
  swing: [],
  exploration: [],
  people: [],
});

test('a checkpoint taken while a delta is being opened does not count that delta as handled', async () => {
  const dir = tempDir();
  const store = SqliteStore.open(join(dir, 'store.db'));
  const realKeys = DataKeys.open(join(dir, 'keys.db'), randomBytes(32));
  // The person keys are real; opening a delta's people waits here until the test lets it go on.
  let letGo: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (letGo = resolve));
  const keys: PersonKeys = Object.assign(Object.create(realKeys) as PersonKeys, {
    prepare: async () => {
      await held;
      await realKeys.prepare();
    },
  });
  const applied: number[] = [];
  const receiver = new DeltaReceiver(
    {
      stream: undefined as unknown as DeltaStream, // no people travel apart in these deltas
      regions: ['us'],
      shards: 2,
      self: 0,
      keys,
      store,
      hasVideo: () => true,
      addVideos: () => undefined,
      apply: (delta) => applied.push(delta.events),
    },
    { streamSeq: 4, applied: { 1: 100 } },
  );

  const receiving = receiver.receive(encodeDelta({ shard: 1, shards: 2, position: 120, delta: emptyDelta(7) }), 5);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(receiver.position(), { streamSeq: 4, applied: { 1: 100 } }, 'a checkpoint now would replay message 5 after a restart');

  letGo();
  assert.equal(await receiving, true);
  assert.deepEqual(applied, [7]);
  assert.deepEqual(receiver.position(), { streamSeq: 5, applied: { 1: 120 } });

  // A message that is ignored (here a repeat of a position already applied) is handled at once.
  assert.equal(await receiver.receive(encodeDelta({ shard: 1, shards: 2, position: 110, delta: emptyDelta(3) }), 6), false);
  assert.deepEqual(receiver.position(), { streamSeq: 6, applied: { 1: 120 } });
  await store.close();
  await realKeys.close();
});
