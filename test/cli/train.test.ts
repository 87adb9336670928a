import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_CONFIG } from '../../src/app/config.ts';
import { learnerSnapshotPath, Moteur } from '../../src/app/moteur.ts';
import { regionPartPath } from '../../src/learn/online/regional-snapshot.ts';
import { openRegions, regionsIn } from '../../src/residency/open-regions.ts';
import type { WatchEvent } from '../../src/core/types.ts';
import { Ledger } from '../../src/trust/ledger/ledger.ts';
import { event, tempDir, videos } from '../support/fixtures.ts';

/** The engine's default dimension, which `moteur train` uses too. */
const DIM = 32;
const TOPICS = 4;
const catalog = videos(120).map((v, i) => ({ ...v, embedding: Array.from({ length: DIM }, (_, d) => (d === i % TOPICS ? 1 : 0.1)) }));
const PEOPLE = ['ana', 'ben', 'cy', 'dee', 'eli'];

/** Each person plays, likes and skips videos of "their" topic and skips others; some follow, one says not interested. */
function traffic(round: number): WatchEvent[] {
  const out: Record<string, unknown>[] = [];
  PEOPLE.forEach((person, p) => {
    for (let k = 0; k < 12; k++) {
      const id = `v${(p + TOPICS * (k + 12 * round)) % catalog.length}`;
      out.push(event(person, id, 'impression'), event(person, id, 'play', { watchMs: 9000 + 1000 * k }));
      if (k % 3 === 0) out.push(event(person, id, 'like'));
      out.push(event(person, `v${(p + 1 + 7 * k + round) % catalog.length}`, 'skip'));
    }
    if (round === 1) out.push(event(person, `v${p * 9}`, 'follow'), event(person, `v${p * 9 + 3}`, 'not_interested'));
  });
  return out as unknown as WatchEvent[];
}

function train(dir: string, seed: number): { events: number; lastSeq: number; bytes: number } {
  const run = spawnSync(process.execPath, ['bin/moteur.js', 'train', '--data', dir, '--seed', String(seed), '--json'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout);
}

/** A data directory with a catalog, two rounds of traffic and served pages; its own snapshot removed. */
async function dataDirectory(): Promise<string> {
  const dir = tempDir();
  const moteur = await Moteur.open({ dataDir: dir });
  await moteur.upsertVideos(catalog);
  await moteur.ingest(traffic(0));
  for (const person of PEOPLE) await moteur.feed(person, { n: 10 });
  await moteur.ingest(traffic(1));
  await moteur.close();
  rmSync(learnerSnapshotPath(dir));
  return dir;
}

/** An engine over `dir` whose event log records where each read started, so a test sees what was replayed. */
async function openRecordingReads(dir: string): Promise<{ moteur: Moteur; readsAfter: number[] }> {
  const { store, log, directory } = await openRegions(dir, undefined, DEFAULT_CONFIG.region);
  const readsAfter: number[] = [];
  const recording = Object.assign(Object.create(log) as typeof log, {
    readAfter: (after: number, limit: number) => {
      readsAfter.push(after);
      return log.readAfter(after, limit);
    },
  });
  const moteur = await Moteur.over(
    store,
    recording,
    await Ledger.open(join(dir, 'ledger')),
    { learning: { snapshotPath: learnerSnapshotPath(dir) } },
    undefined,
    directory,
  );
  return { moteur, readsAfter };
}

test('moteur train: the same log and seed give a byte-identical snapshot, another seed another one', { timeout: 120_000 }, async () => {
  const dir = await dataDirectory();
  // The shared snapshot and each region's part of it.
  const snapshot = () =>
    Buffer.concat([learnerSnapshotPath(dir), ...regionsIn(dir).map((r) => regionPartPath(learnerSnapshotPath(dir), r))].map((f) => readFileSync(f)));
  const first = train(dir, 5);
  const bytes = snapshot();
  assert.equal(first.bytes, bytes.length);
  assert.equal(first.events, traffic(0).length + traffic(1).length);
  assert.equal(first.lastSeq, first.events);
  train(dir, 5);
  assert.ok(snapshot().equals(bytes), 'a second run with the same seed wrote other bytes');
  train(dir, 6);
  assert.ok(!snapshot().equals(bytes), 'another seed wrote the same bytes');
  const refused = spawnSync(process.execPath, ['bin/moteur.js', 'train', '--data', dir, '--seed', '-1'], { encoding: 'utf8' });
  assert.notEqual(refused.status, 0);
  assert.match(refused.stderr, /--seed.*expected an integer from 0 to 4294967295/);
});

test('a restart from a snapshot replays only the log after it and gives the same models and feeds as a full replay', { timeout: 120_000 }, async () => {
  const dir = await dataDirectory();
  const trained = train(dir, 1);
  // More events after the snapshot, straight into the log (as if the engine had crashed before its next snapshot).
  const { store, log } = await openRegions(dir, undefined, DEFAULT_CONFIG.region);
  const later = traffic(2);
  await log.append(later);
  await log.close();
  await store.close();
  const full = tempDir();
  cpSync(dir, full, { recursive: true });
  rmSync(learnerSnapshotPath(full));

  const restored = await openRecordingReads(dir);
  const replayed = await openRecordingReads(full);
  assert.equal(restored.readsAfter[0], trained.lastSeq, 'the restart did not start reading the log after the snapshot');
  assert.equal(replayed.readsAfter[0], 0);
  assert.equal(restored.moteur.learning.learners.eventCount, trained.events + later.length);
  assert.ok(Buffer.from(restored.moteur.learning.learners.snapshot()).equals(Buffer.from(replayed.moteur.learning.learners.snapshot())), 'the learners differ');
  assert.deepEqual(restored.moteur.learning.encode(), replayed.moteur.learning.encode(), 'the learned state differs');
  // The item graph trains in the background after each start: compare feeds once both have trained it.
  await Promise.all([restored.moteur.learning.settled(), replayed.moteur.learning.settled()]);
  for (const person of [...PEOPLE, 'stranger']) {
    const a = await restored.moteur.feed(person, { n: 10, sessionId: 's1', explain: true });
    const b = await replayed.moteur.feed(person, { n: 10, sessionId: 's1', explain: true });
    // Everything but how long each stage took (the pipeline report's `ms`).
    const withoutTimes = (feed: unknown) => JSON.parse(JSON.stringify(feed, (key, value) => (key === 'ms' ? undefined : value)));
    assert.deepEqual(withoutTimes(a), withoutTimes(b), `${person}'s feed differs`);
  }
  await restored.moteur.close();
  await replayed.moteur.close();
});

test('the engine writes a snapshot at close with the last applied sequence and starts from it; a damaged one is refused', { timeout: 60_000 }, async () => {
  const dir = await dataDirectory();
  let { moteur, readsAfter } = await openRecordingReads(dir);
  const lastSeq = await moteur.log.lastSeq();
  await moteur.close();
  ({ moteur, readsAfter } = await openRecordingReads(dir));
  assert.deepEqual(readsAfter, [lastSeq], 'the second start replayed more than the log after its snapshot');
  assert.equal(moteur.learning.lastAppliedSeq, lastSeq);
  await moteur.close();
  writeFileSync(learnerSnapshotPath(dir), readFileSync(learnerSnapshotPath(dir)).subarray(0, 100));
  await assert.rejects(
    Moteur.open({ dataDir: dir }),
    (e: Error & { code?: string }) => e.code === 'snapshot_corrupt' && e.message.includes('learners.snapshot'),
  );
});
