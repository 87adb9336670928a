import assert from 'node:assert/strict';
import { test } from 'node:test';
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
