/**
 * A snapshot encoded in slices while learning goes on (encoding.ts): the frozen copy keeps the bytes of the
 * instant it was taken whatever is learned, refreshed or erased meanwhile, and learning through the copies it
 * makes (copy-on-write) ends in the same state as learning without a snapshot.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ByteWriter } from '../../src/learn/online/bytes.ts';
import { OnlineLearners } from '../../src/learn/online/learners.ts';
import { wholeWriter } from '../../src/learn/online/person-bytes.ts';
import { behave, makeWorld } from './tiny-world.ts';

test('a frozen snapshot encoded while events, refreshes, erasures and new videos are learned holds the state it was frozen with', () => {
  const world = makeWorld(400);
  const [firstVideos, laterVideos] = [world.videos.slice(0, 1000), world.videos.slice(1000)];
  const events = behave(world, 40, 6000).filter((e) => !laterVideos.some((v) => v.id === e.videoId));
  const [before, during] = [events.slice(0, 3000), events.slice(3000)];
  const learning = new OnlineLearners({ seed: 5 });
  const twin = new OnlineLearners({ seed: 5 });
  for (const learners of [learning, twin]) {
    for (const v of firstVideos) learners.addVideo(v);
    for (const e of before) learners.observe(e, world.byId.get(e.videoId));
  }
  const atFreeze = learning.snapshot();

  const w = new ByteWriter();
  const encoding = learning.freeze()(wholeWriter(w));
  const changes: ((learners: OnlineLearners) => void)[] = [
    // An uploaded embedding replaced before the catalog's content vectors are encoded: they change in place.
    (learners) => learners.addVideo({ ...firstVideos[1]!, embedding: firstVideos[1]!.embedding!.map((x) => -x) }),
    ...during.map((e) => (learners: OnlineLearners) => learners.observe(e, world.byId.get(e.videoId))),
    ...laterVideos.map((v) => (learners: OnlineLearners) => learners.addVideo(v)),
    (learners) => learners.resetUser('u3'),
    (learners) => learners.forgetUser('u4'),
    (learners) => learners.removeVideo(firstVideos[0]!.id),
  ];
  // Every change lands between two slices of the encoding, most before it is half done.
  let steps = 0;
  for (const [i, change] of changes.entries()) {
    change(learning);
    change(twin);
    if (i % 50 === 0 && !encoding.next().done) steps++;
  }
  while (!encoding.next().done) steps++;
  learning.thaw();

  assert.ok(steps > 10, `the encoding took ${steps} slices: too few to interleave with the changes`);
  assert.ok(Buffer.from(w.finish()).equals(Buffer.from(atFreeze)), 'the frozen snapshot is not the state at the freeze');
  assert.ok(Buffer.from(learning.snapshot()).equals(Buffer.from(twin.snapshot())), 'learning during the snapshot ended elsewhere than learning without one');
  assert.deepEqual(learning.nearestVideos('u1', 10), twin.nearestVideos('u1', 10));
});
