/** The newest videos come from the catalog's time order, kept on every upsert and removal rather than sorted per read. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Moteur } from '../../src/app/moteur.ts';
import { tempDir, TEST_REGIONS } from '../support/fixtures.ts';

const HOUR = 3_600_000;
const NOW = Date.now();
const video = (id: string, hoursAgo: number, hashtags: string[] = ['plain']) => ({
  id,
  creatorId: `c-${id}`,
  durationMs: 10_000,
  createdAt: NOW - hoursAgo * HOUR,
  hashtags,
});
const moderator = { principal: 'mod', policyVersion: 'test' };

test('removed and moderated-away videos leave the newest list, new and restored ones enter it in upload order', async () => {
  const moteur = await Moteur.open({ dataDir: tempDir(), regions: TEST_REGIONS });
  try {
    const newest = (n = 10, hashtag?: string) => moteur.newestVideos({ n, hashtag }).map((v) => v.video.id);
    await moteur.upsertVideos([video('a', 5), video('b', 4, ['cats']), video('c', 3), video('d', 2, ['cats'])]);
    assert.deepEqual(newest(), ['d', 'c', 'b', 'a']);

    await moteur.removeVideo('c');
    await moteur.decide({ videoId: 'd', action: 'remove', category: 'violence', ground: 'incompatible', explanation: 'Graphic violence.' }, moderator);
    assert.deepEqual(newest(), ['b', 'a'], 'a removed video is still listed');

    await moteur.upsertVideos([video('e', 1), video('late', 4.5)]);
    assert.deepEqual(newest(), ['e', 'b', 'late', 'a'], 'each new video by its upload time, not the order it came in');
    await moteur.decide({ videoId: 'd', action: 'restore', category: 'violence', ground: 'incompatible', explanation: 'Restored on appeal.' }, moderator);
    assert.deepEqual(newest(), ['e', 'd', 'b', 'late', 'a'], 'a restored video is back in its place');
    await moteur.upsertVideos([video('a', 0)]);
    assert.deepEqual(newest(3), ['a', 'e', 'd'], 'an upload time changed moves the video');

    assert.deepEqual(newest(10, '#Cats'), ['d', 'b']);
    assert.deepEqual(
      moteur.newestVideos({ n: 2, offset: 1 }).map((v) => v.video.id),
      ['e', 'd'],
    );
    const [first, second] = moteur.newestVideos({ n: 2 });
    assert.ok(first!.score > second!.score && first!.score <= 1, 'fresher scores higher');
  } finally {
    await moteur.close();
  }
});
