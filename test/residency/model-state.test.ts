/**
 * The learners' per-person state follows residency: each region's people (ids, embeddings, affinities,
 * exposures, recent positives, what they have seen) are written to that region's snapshot part under
 * DATA/regions/<region>/, and the shared snapshot holds item-level state only.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_SAFETY } from '../../src/safety/config.ts';
import { Moteur } from '../../src/app/moteur.ts';
import { ByteWriter, writeHeader } from '../../src/learn/online/bytes.ts';
import { event, tempDir, videos } from '../support/fixtures.ts';
import { collectWarnings } from '../support/warnings.ts';

const EU = 'EU-MODEL-PERSON-5f2a';
const US = 'US-MODEL-PERSON-9c41';

/** Snapshot files of the data directory (relative paths) whose bytes contain `needle`. */
function snapshotsHolding(dir: string, needle: string | Buffer): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((f) => f.isFile() && f.name === 'learners.snapshot')
    .map((f) => join(f.parentPath ?? f.path, f.name))
    .filter((file) => readFileSync(file).includes(needle))
    .map((file) => relative(dir, file))
    .sort();
}

/** The bytes of a person's learned embedding, as the snapshot stores their row. */
function rowOf(moteur: Moteur, userId: string): Buffer {
  const vector = moteur.learning.learners.parts.factorization.users.row(userId);
  assert.notEqual(vector, undefined, `${userId} has no embedding row`);
  return Buffer.from(moteur.learning.learners.parts.factorization.users.vector(vector!).slice().buffer);
}

async function engineWithTwoRegions(dir: string): Promise<Moteur> {
  // Likes count in full although the accounts are new: a like's discount changes what plays alone leave learned,
  // which a node serving one region relearns from that region's plays only.
  const integrity = { ...DEFAULT_SAFETY.integrity, newAccountMs: 0, burstSize: 1_000_000 };
  const moteur = await Moteur.open({ dataDir: dir, regions: ['us', 'eu'], safety: { integrity } });
  await moteur.upsertVideos(videos(12));
  await moteur.putUser(EU, { region: 'eu' });
  await moteur.putUser(US, { region: 'us' });
  for (const person of [EU, US]) {
    await moteur.ingest(
      ['v1', 'v2', 'v3', 'v4', 'v5'].flatMap((v) => [event(person, v, 'impression'), event(person, v, 'play', { watchMs: 20_000 }), event(person, v, 'like')]),
    );
    await moteur.feed(person, { n: 3 });
  }
  return moteur;
}

test("each region's people's model rows are in that region's snapshot part only; a restart restores everyone", async () => {
  const dir = tempDir();
  const moteur = await engineWithTwoRegions(dir);
  const rows = { [EU]: rowOf(moteur, EU), [US]: rowOf(moteur, US) };
  const learned = { [EU]: moteur.learning.about(EU), [US]: moteur.learning.about(US) };
  const seen = [...moteur.learning.seenBy(EU)];
  assert.ok(learned[EU].affinities.length > 0 && learned[EU].recentPositives.length > 0, 'the person was learned about');
  const state = moteur.learning.learners.snapshot();
  await moteur.close();

  assert.deepEqual(snapshotsHolding(dir, EU), ['regions/eu/learners.snapshot']);
  assert.deepEqual(snapshotsHolding(dir, rows[EU]), ['regions/eu/learners.snapshot'], "the EU person's embedding row");
  assert.deepEqual(snapshotsHolding(dir, US), ['regions/us/learners.snapshot']);
  assert.deepEqual(snapshotsHolding(dir, rows[US]), ['regions/us/learners.snapshot'], "the US person's embedding row");
  assert.ok(snapshotsHolding(dir, 'v3').includes('learners.snapshot'), 'item-level state stays in the shared snapshot');

  const again = await Moteur.open({ dataDir: dir });
  try {
    assert.deepEqual(again.learning.about(EU), learned[EU]);
    assert.deepEqual(again.learning.about(US), learned[US]);
    assert.ok(Buffer.from(again.learning.learners.snapshot()).equals(Buffer.from(state)), 'the restored learners differ from those saved');
    assert.deepEqual([...again.learning.seenBy(EU)], seen, 'what the person has seen is restored');
  } finally {
    await again.close();
  }
});

test("an erasure removes the person's rows from their region's snapshot part; the others stay", async () => {
  const dir = tempDir();
  const first = await engineWithTwoRegions(dir);
  const euRow = rowOf(first, EU);
  await first.close();
  assert.deepEqual(snapshotsHolding(dir, EU), ['regions/eu/learners.snapshot']);

  const moteur = await Moteur.open({ dataDir: dir });
  await moteur.eraseUser(EU);
  assert.deepEqual(snapshotsHolding(dir, EU), [], 'the snapshot that held the person is deleted at once');
  await moteur.close();
  assert.deepEqual(snapshotsHolding(dir, EU), []);
  assert.deepEqual(snapshotsHolding(dir, euRow), []);
  assert.deepEqual(snapshotsHolding(dir, US), ['regions/us/learners.snapshot']);

  const again = await Moteur.open({ dataDir: dir });
  try {
    assert.equal(again.learning.learners.knowsUser(EU), false);
    assert.equal(again.learning.learners.knowsUser(US), true);
  } finally {
    await again.close();
  }
});

test('a snapshot of other regions, or with a part from another snapshot, is set aside and the state rebuilt from the log', async () => {
  // Each snapshot set aside is reported as a process warning: taken here, the last two asserted on.
  const { messages: warnings, stop } = collectWarnings();
  try {
    const dir = tempDir();
    const first = await engineWithTwoRegions(dir);
    const positives = first.learning.about(US).recentPositives;
    await first.close();
    const partOfEu = join(dir, 'regions', 'eu', 'learners.snapshot');
    const original = readFileSync(partOfEu);

    // A node serving us only neither loads the EU part nor relearns the EU person: their events are not its to read.
    const usOnly = await Moteur.open({ dataDir: dir, regions: ['us'] });
    try {
      assert.equal(usOnly.learning.learners.knowsUser(EU), false);
      assert.deepEqual(usOnly.learning.about(US).recentPositives, positives, 'rebuilt from the log');
    } finally {
      await usOnly.close();
    }
    assert.deepEqual(
      snapshotsHolding(dir, EU),
      ['regions/eu/learners.snapshot'],
      "the us-only node's snapshot names no EU person; the EU part is not its to touch",
    );

    // Both regions again, with a part that does not match the shared snapshot (as after a crash between the files).
    const both = await Moteur.open({ dataDir: dir, regions: ['us', 'eu'] });
    await both.ingest([event(EU, 'v6', 'like')]);
    const learned = { [EU]: both.learning.about(EU), [US]: both.learning.about(US) };
    await both.close();
    writeFileSync(partOfEu, original);
    const again = await Moteur.open({ dataDir: dir, regions: ['us', 'eu'] });
    try {
      await new Promise((resolve) => setImmediate(resolve));
      assert.ok(
        warnings.some((w) => /the snapshot part of region eu is missing or belongs to another snapshot/.test(w)),
        warnings.join('\n'),
      );
      assert.deepEqual(again.learning.about(US), learned[US]);
      assert.deepEqual(again.learning.about(EU), learned[EU]);
    } finally {
      await again.close();
    }

    // A snapshot from before the split (one file, the engine's own header) is set aside too.
    const old = new ByteWriter();
    writeHeader(old, 'moteur-engine-snapshot', 1);
    writeFileSync(join(dir, 'learners.snapshot'), old.finish());
    const upgraded = await Moteur.open({ dataDir: dir, regions: ['us', 'eu'] });
    try {
      await new Promise((resolve) => setImmediate(resolve));
      assert.ok(
        warnings.some((w) => /from an earlier version, with every region's people in one file/.test(w)),
        warnings.join('\n'),
      );
      assert.deepEqual(upgraded.learning.about(EU), learned[EU]);
    } finally {
      await upgraded.close();
    }
  } finally {
    stop();
  }
});
