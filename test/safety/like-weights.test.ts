import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { learnerSnapshotPath, Moteur } from '../../src/app/moteur.ts';
import { tempDir } from '../support/fixtures.ts';
import { videoCounters } from '../support/video-counters.ts';

const DAY = 86_400_000;

/** Each video's like counter, as the engine's learners hold it at `now`. */
function likes(moteur: Moteur, now: number): Map<string, number> {
  return new Map([...videoCounters(moteur.learning.learners, now, ['likes'])].map(([id, [count]]) => [id, Number(count!.toFixed(6))]));
}

test('likes from a new account or a burst count for less in the learners, the same live, after a restart and after moteur train', {
  timeout: 120_000,
}, async () => {
  const dataDir = tempDir();
  let moteur = await Moteur.open({ dataDir });
  const now = Date.now();
  await moteur.upsertVideos(Array.from({ length: 12 }, (_, i) => ({ id: `w${i}`, creatorId: `wc${i}`, durationMs: 10_000 })));
  await moteur.putUser('fresh', { createdAt: new Date(now - 60_000).toISOString() });
  await moteur.putUser('veteran', { createdAt: new Date(now - 30 * DAY).toISOString() });
  await moteur.putUser('clicker', { createdAt: new Date(now - 30 * DAY).toISOString() });
  const like = (userId: string, videoId: string, ts: number) => ({ id: `${userId}-${videoId}`, userId, videoId, type: 'like', ts });
  await moteur.ingest([
    like('fresh', 'w0', now),
    like('veteran', 'w1', now),
    // Eight likes within a minute from one account: past the fifth, a burst.
    ...Array.from({ length: 8 }, (_, i) => like('clicker', `w${2 + i}`, now + i * 1000)),
  ]);
  await moteur.learning.settled();
  const live = likes(moteur, now);
  assert.equal(live.get('w0'), 0.25, 'a like from an account a minute old counted in full');
  assert.equal(live.get('w1'), 1);
  assert.deepEqual(
    [2, 3, 4, 5, 6, 7, 8, 9].map((i) => live.get(`w${i}`)),
    [1, 1, 1, 1, 1, 0.25, 0.25, 0.25],
  );
  await moteur.close();

  // A restart from the log alone (no snapshot) learns the same weights.
  rmSync(learnerSnapshotPath(dataDir));
  moteur = await Moteur.open({ dataDir });
  await moteur.learning.settled();
  assert.deepEqual(likes(moteur, now), live, 'a full replay weighed the likes otherwise');
  await moteur.close();

  // So does the offline rebuild.
  const run = spawnSync(process.execPath, ['bin/moteur.js', 'train', '--data', dataDir, '--json'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.status, 0, run.stderr);
  moteur = await Moteur.open({ dataDir });
  try {
    assert.deepEqual(likes(moteur, now), live, 'moteur train weighed the likes otherwise');
  } finally {
    await moteur.close();
  }
});
