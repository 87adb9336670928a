/**
 * The embedded ledger hashes and writes on a thread of its own: entries keep one append order, closing
 * writes everything pending, and a failure of that thread reaches the caller instead of losing entries.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { Moteur } from '../../src/app/moteur.ts';
import { startServer, type RunningServer } from '../../src/server/start.ts';
import { canonicalEntry, Ledger, loadLedgerSecrets } from '../../src/trust/ledger/ledger.ts';
import { leafHash, verifyInclusion } from '../../src/trust/ledger/merkle.ts';
import { verifyNote } from '../../src/trust/ledger/note.ts';
import { SqliteLedgerStorage } from '../../src/trust/ledger/sqlite-ledger-storage.ts';
import { answer, byId, clientFor, reply } from '../support/client.ts';
import { apiKey, tempDir, videos } from '../support/fixtures.ts';
import { ledgerEntry } from './ledger-contract.ts';

let server: RunningServer;
const dataDir = tempDir();
const adminKey = apiKey(dataDir, 'admin');

before(async () => {
  server = await startServer({ dataDir, port: 0 });
  await server.moteur.upsertVideos(videos(20));
});
after(() => server.close());

test('appends made at once are stored in the order they were made, each batch in one piece', async () => {
  const ledger = await Ledger.open(tempDir());
  const batches = Array.from({ length: 40 }, (_, b) => Array.from({ length: 1 + (b % 7) }, (_, j) => ledgerEntry(b * 10 + j)));
  const indexes = await Promise.all(batches.map((batch) => ledger.append(batch)));
  const expected = batches.flat();
  assert.deepEqual(
    indexes.flat(),
    expected.map((_, i) => i),
  );
  assert.deepEqual(
    (await ledger.entries(0, expected.length)).map((e) => e.entry),
    expected,
  );
  assert.deepEqual(await ledger.verifyStorage(), { ok: true, size: expected.length });
  await ledger.close();
});

test('feeds served at once each leave one entry, in decision order, and every entry is proven in the signed tree', async () => {
  const people = Array.from({ length: 60 }, (_, i) => `reader-${i}`);
  const before = await server.moteur.ledger.size();
  const admin = clientFor(server, adminKey);
  const answers = await Promise.all(people.map((id) => reply(admin.GET('/v1/users/{id}/feed', byId(id, { n: 3 })))));
  assert.deepEqual(
    answers.map((r) => r.status),
    people.map(() => 200),
  );
  await server.moteur.counts(); // flushes the batched appends
  const note = await answer(admin.GET('/v1/ledger/checkpoint', { parseAs: 'text' }));
  assert.equal(verifyNote(note, server.moteur.ledger.verifierKey()).ok, true);
  const [, sizeText, rootB64] = note.split('\n');
  const size = Number(sizeText);
  const root = Buffer.from(rootB64!, 'base64');

  const recorded = await server.moteur.ledger.entries(before, before + people.length);
  assert.deepEqual(
    recorded.map((r) => r.entry.action),
    people.map(() => 'readFeed'),
  );
  assert.deepEqual(new Set(recorded.map((r) => r.entry.resource)), new Set(people.map((id) => server.moteur.personInLedger(id))));
  const times = recorded.map((r) => r.entry.time);
  assert.deepEqual(times, [...times].sort(), 'entries are not in the order their decisions were made');
  for (const { index, entry } of recorded) {
    const proof = await server.moteur.ledger.inclusionProof(index, size);
    assert.deepEqual(verifyInclusion(index, size, leafHash(canonicalEntry(entry)), proof, root), { ok: true }, `entry ${index}`);
  }
});

test('closing the engine writes every entry still waiting for its batch', async () => {
  const dir = tempDir();
  const moteur = await Moteur.open({ dataDir: dir });
  const before = await moteur.ledger.size();
  for (let i = 0; i < 25; i++) moteur.recordAction('dataImport', `part ${i}`);
  await moteur.close();
  const ledger = await Ledger.open(join(dir, 'ledger'));
  const recorded = await ledger.entries(before, await ledger.size());
  assert.deepEqual(
    recorded.filter((r) => r.entry.action === 'dataImport').map((r) => r.entry.purpose),
    Array.from({ length: 25 }, (_, i) => `part ${i}`),
  );
  await ledger.close();
});

test('a batch the ledger thread cannot write fails its flush with the reason, and leaves the tree as it was', async () => {
  const dir = tempDir();
  const moteur = await Moteur.open({ dataDir: dir });
  moteur.recordAction('dataImport', 'kept');
  await moteur.counts();
  const size = await moteur.ledger.size();
  const db = new Database(join(dir, 'ledger', 'ledger.db'));
  db.exec('DROP TABLE nodes');
  db.close();
  moteur.recordAction('dataImport', 'not writable');
  await assert.rejects(moteur.counts(), /ledger failed: no such table: nodes/);
  assert.equal(await moteur.ledger.size(), size);
  // The entry is still pending, not dropped: closing tries it once more and says it could not be written.
  await assert.rejects(moteur.close(), /ledger failed: no such table: nodes/);
});

test('a ledger thread that stops fails the call waiting on it and every later call, instead of leaving them waiting', async () => {
  const place = tempDir();
  mkdirSync(join(place, 'ledger.db')); // a directory where the database file should be: the thread cannot open it
  const storage = SqliteLedgerStorage.open(join(place, 'ledger.db'));
  await assert.rejects(Ledger.over(storage, loadLedgerSecrets(place)), /the ledger thread failed: .*SQLITE_CANTOPEN/);
  await assert.rejects(storage.append([canonicalEntry(ledgerEntry(1))]), /the ledger thread failed: .*SQLITE_CANTOPEN/);
  await assert.rejects(storage.size(), /the ledger thread failed: .*SQLITE_CANTOPEN/);
});
