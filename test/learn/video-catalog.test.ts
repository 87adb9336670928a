import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Video } from '../../src/core/types.ts';
import { OnlineLearners } from '../../src/learn/online/learners.ts';
import { VideoCatalog } from '../../src/learn/online/video-catalog.ts';
import { embeddingFromBytes, embeddingToBytes } from '../../src/store/embedding-bytes.ts';

const video = (over: Partial<Video> = {}): Video => ({
  id: 'v1',
  creatorId: 'c1',
  durationMs: 10_000,
  createdAt: 1000,
  caption: '',
  hashtags: ['a', 'b'],
  soundId: 's1',
  language: 'en',
  region: 'us',
  status: 'active',
  embedding: [0.3, -0.2, 0.9, 0.1],
  ...over,
});

test('a catalog holds a video put unchanged, and not one whose facts or embedding changed', () => {
  const catalog = new VideoCatalog(4);
  assert.equal(catalog.holds(video()), false, 'not put yet');
  catalog.put(video());
  assert.equal(catalog.holds(video()), true);
  assert.equal(catalog.holds(video({ caption: 'a caption the learners do not read' })), true);
  for (const changed of [
    { creatorId: 'c2' },
    { soundId: '' },
    { durationMs: 9_999 },
    { createdAt: 1001 },
    { status: 'removed' as const },
    { hashtags: ['a'] },
    { hashtags: ['b', 'a'] },
    { embedding: [0.3, -0.2, 0.9, 0.2] },
    { embedding: undefined },
  ])
    assert.equal(catalog.holds(video(changed)), false, `${JSON.stringify(changed)} counts as a change`);
  catalog.put(video({ id: 'v2', embedding: undefined }));
  assert.equal(catalog.holds(video({ id: 'v2', embedding: undefined })), true, 'no embedding, unchanged');
  assert.equal(catalog.holds(video({ id: 'v2' })), false, 'an embedding arrived');
});

test('a video put as uploaded is held when it comes back from the store, whose embeddings are float32', () => {
  // Components with four decimals, as a client sends them, and as many as a real content embedding has.
  const catalog = new VideoCatalog(32);
  const uploaded = video({ id: 'v3', embedding: Array.from({ length: 32 }, (_, i) => Math.round(Math.sin(i + 1) * 1e4) / 1e4) });
  catalog.put(uploaded);
  const stored = { ...uploaded, embedding: embeddingFromBytes(embeddingToBytes(uploaded.embedding)!) };
  assert.notDeepEqual(stored.embedding, uploaded.embedding, 'the store rounds the components');
  assert.equal(catalog.holds(stored), true);
});

test('learners restored from a snapshot, given their videos again, serve as before; a changed video is taken', () => {
  const learners = new OnlineLearners({ seed: 1, contentDim: 4 });
  for (let i = 0; i < 30; i++)
    learners.addVideo(video({ id: `v${i}`, createdAt: 1000 + i, creatorId: `c${i % 3}`, embedding: [Math.sin(i), Math.cos(i), 0.5, i / 30] }));
  learners.observe({ id: 'e1', seq: 1, userId: 'u1', videoId: 'v3', type: 'like', ts: 5000 }, undefined);
  const restored = OnlineLearners.restore(learners.snapshot());
  for (let i = 0; i < 30; i++)
    restored.addVideo(video({ id: `v${i}`, createdAt: 1000 + i, creatorId: `c${i % 3}`, embedding: [Math.sin(i), Math.cos(i), 0.5, i / 30] }));
  assert.deepEqual(restored.newestOf('creator:c1', 5), learners.newestOf('creator:c1', 5));
  assert.deepEqual(Buffer.from(restored.snapshot()), Buffer.from(learners.snapshot()), 'giving unchanged videos again changed the state');
  restored.addVideo(video({ id: 'v4', createdAt: 9999, creatorId: 'c0', embedding: [Math.sin(4), Math.cos(4), 0.5, 4 / 30] }));
  assert.equal(restored.newestOf('creator:c0', 1)[0], 'v4', 'a newer upload date was not taken');
});
