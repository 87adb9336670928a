import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OnlineLearners } from '../../src/learn/online/learners.ts';
import { readSnapshotFile, writeSnapshotFile } from '../../src/learn/online/snapshot-file.ts';
import { behave, makeWorld, replay } from './tiny-world.ts';

const world = makeWorld();
const events = behave(world, 8, 800);

function trained(seed = 3): OnlineLearners {
  const learners = new OnlineLearners({ seed });
  for (const v of world.videos) learners.addVideo(v);
  replay(learners, world, events);
  return learners;
}

const contains = (bytes: Uint8Array, text: string) => Buffer.from(bytes).includes(Buffer.from(text));
const ids = world.videos.map((v) => v.id);

test('resetUser forgets what was learned, as if the person had just signed up', () => {
  const learners = trained();
  learners.observe({ id: 'f', seq: 9999, userId: 'u0', videoId: 'cats-1', type: 'follow', ts: learners.now + 1 }, undefined);
  learners.resetUser('u0');
  assert.deepEqual(learners.nearestVideos('u0', 5), []);
  assert.deepEqual(learners.coEngaged('u0', 5), []);
  assert.deepEqual(learners.affinityCandidates('u0', 5), []);
  const followed = world.byId.get('cats-1')!.creatorId;
  const after = learners.score('u0', ids);
  const stranger = learners.score('never-seen', ids);
  ids.forEach((id, i) => {
    if (world.byId.get(id)!.creatorId !== followed) assert.equal(after[i], stranger[i], `${id} scores as for a stranger`);
  });
  assert.equal(learners.explain('u0', 'cats-1', 50)!.signals.find((s) => s.signal === 'followsCreator')?.value, 1, 'follows are kept');
});

test('forgetUser leaves nothing keyed by the person, not even in the snapshot', () => {
  // A long id, so finding its bytes in the snapshot cannot be a coincidence of binary data.
  const person = 'person-to-erase-0';
  const learners = new OnlineLearners({ seed: 3 });
  for (const v of world.videos) learners.addVideo(v);
  replay(
    learners,
    world,
    events.map((e) => (e.userId === 'u0' ? { ...e, userId: person } : e)),
  );
  assert.ok(learners.knowsUser(person));
  assert.ok(contains(learners.snapshot(), person));
  learners.forgetUser(person);
  assert.equal(learners.knowsUser(person), false);
  assert.ok(!contains(learners.snapshot(), person), 'the id appears nowhere in the saved state');
  assert.deepEqual(learners.score(person, ids), learners.score('never-seen', ids));
  assert.deepEqual(learners.nearestVideos(person, 5), []);
});

test('two runs over the same events with the same seed give byte-identical snapshots; another seed differs', () => {
  const a = trained(3).snapshot();
  const b = trained(3).snapshot();
  assert.deepEqual(a, b);
  assert.notDeepEqual(trained(4).snapshot(), a);
});

test('a restored snapshot writes the same bytes and goes on learning exactly like the original', () => {
  const original = trained();
  const restored = OnlineLearners.restore(original.snapshot());
  assert.deepEqual(restored.snapshot(), original.snapshot());
  assert.deepEqual(restored.score('u1', ids), original.score('u1', ids));
  const more = behave(world, 8, 300, 99).map((e) => ({ ...e, id: `m${e.id}`, ts: e.ts + 3_600_000 }));
  replay(original, world, more);
  replay(restored, world, more);
  assert.deepEqual(restored.snapshot(), original.snapshot());
});

test('snapshot files round-trip, and a damaged file is refused with its path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'learners-'));
  try {
    const path = join(dir, 'learners.bin');
    const original = trained();
    const size = writeSnapshotFile(original, path);
    assert.equal(size, original.snapshot().length);
    assert.deepEqual(readSnapshotFile(path).snapshot(), original.snapshot());
    writeFileSync(path, original.snapshot().subarray(0, 5000));
    assert.throws(
      () => readSnapshotFile(path),
      (e: Error & { code?: string }) => e.code === 'snapshot_corrupt' && e.message.includes(path),
    );
    writeFileSync(path, 'hello');
    assert.throws(() => readSnapshotFile(path), { code: 'snapshot_corrupt' });
    assert.throws(() => readSnapshotFile(join(dir, 'absent.bin')), { code: 'snapshot_missing' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
