import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Moteur } from '../../src/app/moteur.ts';
import { tempDir } from '../support/fixtures.ts';

test('moderation survives a restart: restrictions, open cases and reach come back, and replayed reports are not counted twice', async () => {
  const dataDir = tempDir();
  const options = { dataDir, safety: { freeze: { minReports: 2, reportRate: 0.01, sigmas: 3 } } };
  let moteur = await Moteur.open(options);
  await moteur.upsertVideos(
    Array.from({ length: 10 }, (_, i) => ({ id: `r${i}`, creatorId: `rc${i}`, durationMs: 5000, ...(i === 3 ? { sensitiveTopics: ['sadness'] } : {}) })),
  );
  await moteur.putUser('old', { createdAt: '2026-01-01T00:00:00Z' });
  await moteur.putUser('older', { createdAt: '2026-01-01T00:00:00Z' });
  await moteur.feed('viewer', { n: 10 });
  const now = Date.now();
  await moteur.ingest([
    { id: 'rep1', userId: 'old', videoId: 'r1', type: 'report', reason: 'hate', ts: now },
    { id: 'rep2', userId: 'older', videoId: 'r1', type: 'report', reason: 'hate', ts: now },
    { id: 'rep3', userId: 'old', videoId: 'r2', type: 'report', reason: 'spam', ts: now },
  ]);
  await moteur.decide(
    { videoId: 'r4', action: 'age_restrict', category: 'protection_of_minors', ground: 'incompatible', explanation: 'Adult themes.' },
    { principal: 'mod', policyVersion: 'test' },
  );
  const queue = moteur.moderationQueue();
  assert.equal(moteur.safety.restrictionOf('r1')?.frozen, true);
  await moteur.close();

  moteur = await Moteur.open(options);
  try {
    assert.equal(moteur.safety.restrictionOf('r1')?.frozen, true);
    assert.equal(moteur.safety.restrictionOf('r4')?.ageRestricted, true);
    assert.deepEqual(moteur.moderationQueue(), queue);
    assert.deepEqual(moteur.getVideo('r3').sensitiveTopics, ['sadness']);
    // The same report sent again is a duplicate event, and counts nowhere.
    await moteur.ingest([{ id: 'rep3', userId: 'old', videoId: 'r2', type: 'report', reason: 'spam', ts: now }]);
    assert.equal(moteur.moderationQueue().find((c) => c.videoId === 'r2')?.reports, 1);
    assert.equal(moteur.safety.moderation.decisions().length, 2);
  } finally {
    await moteur.close();
  }
});
