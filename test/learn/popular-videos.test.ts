import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runInSlices } from '../../src/core/slices.ts';
import { PopularVideos } from '../../src/learn/popular-videos.ts';
import type { LearnedPopularity } from '../../src/learn/online/scores.ts';

/** Just what the popular lists read from the learners: the engaged videos and their popularity. */
function learnersWith(popularity: Map<string, number>): LearnedPopularity {
  return { now: 0, engagedVideos: () => popularity.keys(), popularity: (id: string) => popularity.get(id)! };
}

test('each region keeps its most popular videos, ties by id, as a full sort would', () => {
  // Many ties, and more videos than twice the list, so lists are cut back during the pass.
  const popularity = new Map(Array.from({ length: 500 }, (_, i) => [`v${String(i).padStart(3, '0')}`, (i * 37) % 11]));
  const regionOf = (id: string) => (Number(id.slice(1)) % 3 === 0 ? 'fr' : 'global');
  const popular = new PopularVideos(7);
  popular.refresh(learnersWith(popularity), regionOf);
  for (const region of ['fr', 'global']) {
    const expected = [...popularity]
      .filter(([id]) => regionOf(id) === region)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, 7)
      .map(([videoId, p]) => ({ videoId, popularity: p }));
    const kept = region === 'global' ? popular.in('global') : popular.in('fr').filter((v) => regionOf(v.videoId) === 'fr');
    assert.deepEqual(kept, expected, region);
  }
  assert.equal(popular.in('fr').length, 14, 'a region also gets the videos published everywhere');
});

test('a refresh run in slices gives the same lists, lets the event loop turn, and changes the lists only at its end', async () => {
  const popularity = new Map(Array.from({ length: 20_000 }, (_, i) => [`v${i}`, (i * 7919) % 1009]));
  const regionOf = (id: string) => (Number(id.slice(1)) % 2 === 0 ? 'fr' : 'global');
  const atOnce = new PopularVideos(50);
  atOnce.refresh(learnersWith(popularity), regionOf);
  const sliced = new PopularVideos(50);
  sliced.refresh(learnersWith(new Map([['old', 1]])), () => 'global');
  // Other work on each turn of the event loop (as requests would be), however fast the machine: it counts the
  // turns the refresh lets happen and reads the lists in use meanwhile.
  let turns = 0;
  let done = false;
  let listsDuringTheRefresh: readonly string[] = [];
  const otherWork = () => {
    if (done) return;
    turns++;
    listsDuringTheRefresh = sliced.in('global').map((v) => v.videoId);
    setImmediate(otherWork);
  };
  setImmediate(otherWork);
  // Slices of 0 ms: the refresh yields to the event loop after every step (20,000 videos, 256 a step).
  const { busyMs } = await runInSlices(sliced.refreshing(learnersWith(popularity), regionOf), 0);
  done = true;
  assert.ok(turns >= 50, `the event loop turned ${turns} times during the refresh`);
  assert.deepEqual(listsDuringTheRefresh, ['old'], 'the lists in use are the previous ones until the refresh ends');
  assert.ok(busyMs > 0);
  for (const region of ['fr', 'global']) assert.deepEqual(sliced.in(region), atOnce.in(region), region);
});
