/**
 * Ingest answers once events are durable and learns from them right after: every acknowledged event is
 * learned exactly once, before the next feed and before any snapshot, and again exactly once after a crash.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { learnerSnapshotPath, Moteur } from '../../src/app/moteur.ts';
import { tempDir, videos } from '../support/fixtures.ts';

/** A batch large enough to be sealed on the sealing thread. */
const plays = (prefix: string, count: number, ts = Date.UTC(2026, 0, 1)) =>
  Array.from({ length: count }, (_, i) => ({
    id: `${prefix}-${i}`,
    userId: `u${i % 7}`,
    videoId: `v${i % 30}`,
    type: 'play',
    ts: ts + i,
    watchMs: 1000 + i,
    sessionId: `s${i % 3}`,
  }));

async function engine(dir = tempDir(), maxPendingEvents?: number): Promise<Moteur> {
  const moteur = await Moteur.open({ dataDir: dir, learning: maxPendingEvents === undefined ? {} : { maxPendingEvents } });
  await moteur.upsertVideos(videos(30));
  return moteur;
}

test('an answered batch is on disk, sealed, and reads back exactly as sent', async () => {
  const dir = tempDir();
  const moteur = await engine(dir);
  const sent = plays('d', 200);
  const outcomes = await moteur.ingest(sent);
  assert.ok(outcomes.every((o) => o.status === 'stored'));
  // Another connection sees every row the moment the call answers, and no field of it in clear.
  const db = new Database(join(dir, 'regions', 'us', 'events.db'), { readonly: true });
  const rows = db.prepare('SELECT id, sealed FROM events ORDER BY seq').all() as { id: string; sealed: string }[];
  db.close();
  assert.deepEqual(
    rows.map((r) => r.id),
    sent.map((e) => e.id),
  );
  assert.ok(
    rows.every((r) => !Buffer.from(r.sealed, 'base64').toString('latin1').includes('play')),
    'an event type is stored in clear',
  );
  const read = await moteur.log.readAfter(0, 1000);
  assert.deepEqual(
    read.map(({ seq: _, ...e }) => e),
    sent,
  );
  await moteur.close();
});

test('concurrent batches with repeated ids are learned once per stored event', async () => {
  const moteur = await engine();
  const batches = [plays('a', 300), plays('b', 300), [...plays('a', 150), ...plays('c', 150)]];
  const outcomes = (await Promise.all(batches.map((b) => moteur.ingest(b)))).flat();
  const stored = outcomes.filter((o) => o.status === 'stored').length;
  assert.equal(stored, 750);
  assert.equal(outcomes.filter((o) => o.status === 'duplicate').length, 150);
  assert.equal(moteur.learning.learners.eventCount, stored);
  assert.equal(moteur.learning.lastAppliedSeq, await moteur.log.lastSeq());
  await moteur.close();
});

test('a follow is in the very next feed, though learning happens after the answer', async () => {
  const moteur = await engine();
  await moteur.ingest([{ id: 'f', userId: 'fan', videoId: 'v4', type: 'follow', ts: Date.now() }]);
  const { items } = await moteur.feed('fan', { n: 5 });
  assert.equal(items[0]?.creatorId, 'c4');
  assert.equal(moteur.learning.pendingEvents, 0);
  await moteur.close();
});

test('an ingest call waits while more events than the bound are waiting to be learned', async () => {
  const moteur = await engine(tempDir(), 50);
  await moteur.ingest(plays('w', 400));
  assert.ok(moteur.learning.pendingEvents <= 50, `${moteur.learning.pendingEvents} events left to learn after the answer`);
  await moteur.close();
});

test('a snapshot written while events wait to be learned holds them, with their log position', async () => {
  const dir = tempDir();
  const moteur = await engine(dir);
  await moteur.ingest(plays('s', 300));
  moteur.learning.writeSnapshot(learnerSnapshotPath(dir));
  assert.equal(moteur.learning.lastAppliedSeq, 300);
  await moteur.close();
  const reopened = await Moteur.open({ dataDir: dir });
  assert.equal(reopened.learning.learners.eventCount, 300);
  await reopened.close();
});

/**
 * Runs `body` in a process holding an engine (`moteur`) on `dir` with 30 videos, which then exits at once,
 * as a crash would: nothing is closed or flushed. Returns what the body printed.
 */
function runThenDie(dir: string, body: string): string {
  const script = `
    import { Moteur, learnerSnapshotPath } from './src/app/moteur.ts';
    import { videos } from './test/support/fixtures.ts';
    const moteur = await Moteur.open({ dataDir: ${JSON.stringify(dir)} });
    await moteur.upsertVideos(videos(30));
    ${body}
    process.exit(0);
  `;
  return execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
}

test('after a crash with events acknowledged but not learned, the restart learns each of them once', { timeout: 60_000 }, async () => {
  const dir = tempDir();
  // A process that snapshots after the first batch, acknowledges a second, and dies before it is learned.
  const pendingAtExit = runThenDie(
    dir,
    `
    const plays = (p) => Array.from({ length: 250 }, (_, i) => ({ id: p + i, userId: 'u' + (i % 7), videoId: 'v' + (i % 30), type: 'play', ts: 1e12 + i, watchMs: 2000 }));
    await moteur.ingest(plays('first-'));
    moteur.learning.writeSnapshot(learnerSnapshotPath(${JSON.stringify(dir)}));
    await moteur.counts(); // the people, created by their first events, are written a moment later: wait for that
    await moteur.ingest(plays('second-'));
    process.stdout.write(String(moteur.learning.pendingEvents));
  `,
  );
  assert.ok(Number(pendingAtExit) > 0, 'the second batch was learned before the process died: nothing was left to replay');
  const restarted = await Moteur.open({ dataDir: dir });
  assert.equal(restarted.learning.learners.eventCount, 500);
  assert.equal(restarted.learning.lastAppliedSeq, 500);
  await restarted.close();
});

test("a crash just after new people's first events are acknowledged loses none of them", { timeout: 60_000 }, async () => {
  const dir = tempDir();
  // Their profiles are written a moment after the events: the process dies before that.
  runThenDie(
    dir,
    `
    await moteur.counts();
    await moteur.ingest(Array.from({ length: 40 }, (_, i) => ({ id: 'e' + i, userId: 'new' + (i % 4), videoId: 'v' + (i % 30), type: 'play', ts: 1e12 + i, watchMs: 2000 })));
  `,
  );
  const restarted = await Moteur.open({ dataDir: dir });
  try {
    assert.equal(restarted.learning.learners.eventCount, 40);
    for (let p = 0; p < 4; p++) assert.equal((await restarted.exportUser(`new${p}`)).events.length, 10, `new${p}'s events`);
  } finally {
    await restarted.close();
  }
});
