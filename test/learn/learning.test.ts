import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OnlineLearners } from '../../src/learn/online/learners.ts';
import { TOPICS, START, behave, makeWorld, ratingsLog, replay } from './tiny-world.ts';

const world = makeWorld();

function trained(events = 600, users = 8): OnlineLearners {
  const learners = new OnlineLearners({ seed: 3 });
  for (const v of world.videos) learners.addVideo(v);
  replay(learners, world, behave(world, users, events));
  return learners;
}

/** Share of the top `k` (by the ranker) that belong to the person's favourite topic. */
function topShare(learners: OnlineLearners, userId: string, k: number): number {
  const ids = world.videos.map((v) => v.id);
  const scores = learners.score(userId, ids);
  const top = ids
    .map((id, i) => ({ id, s: scores[i]! }))
    .sort((a, b) => b.s - a.s)
    .slice(0, k);
  return top.filter(({ id }) => world.topicOf(id) === world.favourite(userId)).length / k;
}

test("after a few hundred events, each person's topic ranks above the others", () => {
  const learners = trained(600);
  for (const userId of ['u0', 'u1', 'u2', 'u3']) {
    assert.ok(topShare(learners, userId, 20) >= 0.9, `${userId} (${world.favourite(userId)}): ${topShare(learners, userId, 20)}`);
  }
});

test("when most plays end in a like, each person's topic still ranks first, however long the ranker trains", () => {
  // A like head that starts overconfident for well-liked videos learns to rank against the person's match.
  const learners = new OnlineLearners({ seed: 3 });
  for (const v of world.videos) learners.addVideo(v);
  replay(learners, world, ratingsLog(world, 8, 3000));
  for (const userId of ['u0', 'u1', 'u2', 'u3']) {
    assert.ok(topShare(learners, userId, 20) >= 0.9, `${userId} (${world.favourite(userId)}): ${topShare(learners, userId, 20)}`);
  }
});

test('before any event, the ranker has no topic preference', () => {
  const learners = new OnlineLearners({ seed: 3 });
  for (const v of world.videos) learners.addVideo(v);
  const scores = learners.score(
    'u0',
    world.videos.map((v) => v.id),
  );
  assert.equal(new Set(scores.map((s) => s!.toFixed(6))).size <= 6, true, 'only duration buckets and freshness tell videos apart');
});

test("every candidate generator proposes mostly the person's topic", () => {
  // Swing needs several people per topic: an item pair counts only when two people both engaged with both.
  const learners = trained(4000, 12);
  const share = (list: { videoId: string }[]) => list.filter((c) => world.topicOf(c.videoId) === TOPICS[0]).length / list.length;
  const nearest = learners.nearestVideos('u0', 20);
  assert.equal(nearest.length, 20);
  assert.ok(share(nearest) >= 0.9, `nearest ${share(nearest)}`);
  const affinity = learners.affinityCandidates('u0', 20);
  assert.equal(affinity.length, 20);
  assert.ok(share(affinity) >= 0.9, `affinity ${share(affinity)}`);
  assert.match(affinity[0]!.via!, /^(creator|hashtag|sound):cats/);
  const co = learners.coEngaged('u0', 10);
  assert.ok(co.length > 0 && share(co) >= 0.9, `co-engaged ${co.map((c) => c.videoId)}`);
  const accepted = learners.nearestVideos('u0', 5, { accept: (id) => id.endsWith('-1') });
  assert.ok(accepted.every((c) => c.videoId.endsWith('-1')));
});

test('a video nobody has watched is found through its content vector', () => {
  const learners = trained(600);
  const cats = world.videos.find((v) => v.id === 'cats-0')!;
  learners.addVideo({ ...cats, id: 'cats-brand-new', createdAt: START + 86_400_000 });
  const nearest = learners.nearestVideos('u0', 40).map((c) => c.videoId);
  assert.ok(nearest.includes('cats-brand-new'), 'a new cats video is among the nearest for a cats lover');
  const [score] = learners.score('u0', ['cats-brand-new']);
  const [other] = learners.score('u0', ['music-0']);
  assert.ok(score! > other!);
});

test('not_interested lowers the creator, sound and hashtags, not just the video', () => {
  const learners = trained(600);
  const target = world.videos.find((v) => v.id === 'cats-5')!;
  const sibling = world.videos.find((v) => v.id !== target.id && v.creatorId === target.creatorId && v.soundId === target.soundId)!;
  const before = learners.explain('u0', sibling.id)!;
  const creatorKey = `creator:${target.creatorId}`;
  const creatorBefore = learners.affinityCandidates('u0', 50).find((c) => c.via === creatorKey)?.score ?? 0;
  learners.observe({ id: 'ni', seq: 10_000, userId: 'u0', videoId: target.id, type: 'not_interested', ts: learners.now + 1000 }, target);
  const after = learners.explain('u0', sibling.id)!;
  const signal = (e: typeof before, name: string) => e.signals.find((s) => s.signal === name)?.value ?? 0;
  for (const name of ['creatorAffinity', 'soundAffinity', 'hashtagAffinity']) {
    assert.ok(signal(after, name) < signal(before, name), `${name}: ${signal(before, name)} → ${signal(after, name)}`);
  }
  assert.ok(after.score < before.score, 'the sibling video scores lower');
  const creatorAfter = learners.affinityCandidates('u0', 50).find((c) => c.via === creatorKey)?.score ?? 0;
  assert.ok(creatorBefore > 0 && creatorAfter < creatorBefore - 2, `creator affinity ${creatorBefore} → ${creatorAfter}`);
});

test('explain returns every prediction, the weights, and the signals behind the score', () => {
  const learners = trained(300);
  const e = learners.explain('u0', 'cats-1')!;
  assert.deepEqual(Object.keys(e.predictions), ['watch', 'like', 'share', 'comment', 'follow', 'skip']);
  assert.deepEqual(e.weights, learners.config.scoreWeights);
  const recomputed = Object.entries(e.predictions).reduce((s, [task, p]) => s + e.weights[task as keyof typeof e.weights] * p, 0);
  assert.ok(Math.abs(recomputed - e.score) < 1e-9);
  assert.equal(e.score, learners.score('u0', ['cats-1'])[0]);
  assert.ok(e.signals.length > 0 && e.signals.length <= 5);
  assert.equal(learners.explain('u0', 'no-such-video'), undefined);
  assert.deepEqual(learners.score('u0', ['no-such-video']), [undefined]);
});

test('custom score weights change the score formula', () => {
  const learners = new OnlineLearners({ seed: 3, scoreWeights: { watch: 0, like: 0, share: 0, comment: 0, follow: 0, skip: -1 } });
  for (const v of world.videos) learners.addVideo(v);
  replay(learners, world, behave(world, 8, 300));
  const e = learners.explain('u0', 'music-1')!;
  assert.ok(Math.abs(e.score + e.predictions.skip) < 1e-12);
});

test('bad settings are refused with the field named', () => {
  assert.throws(() => new OnlineLearners({ dim: 0 }), { code: 'invalid_field', field: 'dim' });
  assert.throws(() => new OnlineLearners({ swing: { alpha: Number.NaN } }), { field: 'swing.alpha' });
  assert.throws(() => new OnlineLearners({ swing: { typo: 1 } as never }), { field: 'swing.typo' });
  assert.throws(() => new OnlineLearners({ nonsense: 1 } as never), { field: 'nonsense' });
});

test("an event about a video the learners were never given changes nothing but the person's admission count", () => {
  const learners = new OnlineLearners();
  learners.observe({ id: 'x', seq: 1, userId: 'ghost', videoId: 'unknown', type: 'like', ts: START }, undefined);
  assert.equal(learners.stats().catalogVideos, 0);
  assert.equal(learners.stats().pendingUsers, 1);
  assert.deepEqual(learners.nearestVideos('ghost', 5), []);
});

test('removed videos are never proposed', () => {
  const learners = trained(600);
  const top = learners.nearestVideos('u0', 1)[0]!.videoId;
  learners.removeVideo(top);
  assert.ok(!learners.nearestVideos('u0', 40).some((c) => c.videoId === top));
  assert.ok(!learners.affinityCandidates('u0', 40).some((c) => c.videoId === top));
  assert.ok(!learners.coEngaged('u0', 40).some((c) => c.videoId === top));
});

test("a video's watch counter takes each exposure's relative watch up to 2: a replay counts as 2, an ordinary play as its own", () => {
  const learners = new OnlineLearners();
  const clip = { ...world.videos[0]!, durationMs: 10_000 };
  learners.addVideo(clip);
  const slot = learners.slotOf(clip.id)!;
  // Every play at the same time, so the counter does not decay between them.
  const play = (k: number, watchMs: number) =>
    learners.observe({ id: `p${k}`, seq: k, userId: `w${k}`, videoId: clip.id, type: 'play', watchMs, ts: START }, clip);
  // Ordinary plays first, so the bucket's mean watch ratio is about 1.
  for (let k = 0; k < 50; k++) play(k, 10_000);
  const counted = () => learners.parts.counters.get(slot, 'relativeWatch');
  const before = counted();
  assert.ok(learners.parts.baseline.relative(clip.durationMs, 4) > 3, 'a play watched four times is far above 2');
  play(50, 40_000);
  assert.ok(Math.abs(counted() - before - 2) < 1e-9, `a replay counted ${counted() - before}`);
  play(51, 5_000);
  const half = learners.parts.baseline.relative(clip.durationMs, 0.5);
  assert.ok(Math.abs(counted() - before - 2 - half) < 1e-9, `a half-watched play counted ${counted() - before - 2}, its relative watch ${half}`);
});
