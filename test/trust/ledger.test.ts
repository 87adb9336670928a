import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { canonicalEntry, Ledger, type LedgerEntry } from '../../src/trust/ledger/ledger.ts';
import { leafHash, nodeHash, verifyConsistency, verifyInclusion } from '../../src/trust/ledger/merkle.ts';
import { checkpointBody, verifyNote } from '../../src/trust/ledger/note.ts';
import { tempDir } from '../support/fixtures.ts';

const entry = (i: number): LedgerEntry => ({
  time: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  principal: 'app',
  purpose: 'feed',
  action: 'readFeed',
  resource: `user:${i}`,
  decision: 'allow',
  policyVersion: 'v1',
});

function naiveRoot(leaves: Buffer[]): Buffer {
  if (leaves.length === 1) return leafHash(leaves[0]!);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(naiveRoot(leaves.slice(0, k)), naiveRoot(leaves.slice(k)));
}

test('the ledger tree matches RFC 9162, its proofs verify, and it survives a reopen', () => {
  const dir = tempDir();
  const ledger = Ledger.open(dir);
  const all = Array.from({ length: 77 }, (_, i) => entry(i));
  for (let i = 0; i < all.length; i += 10) ledger.append(all.slice(i, i + 10));
  assert.equal(ledger.size(), 77);
  const bytes = all.map(canonicalEntry);
  for (const size of [1, 2, 3, 8, 33, 64, 77]) assert.ok(ledger.root(size).equals(naiveRoot(bytes.slice(0, size))), `root of ${size}`);
  for (const [index, size] of [[0, 1], [5, 6], [31, 77], [76, 77], [40, 64]] as const) {
    assert.deepEqual(verifyInclusion(index, size, leafHash(bytes[index]!), ledger.inclusionProof(index, size), ledger.root(size)), { ok: true });
  }
  for (const [from, to] of [[1, 77], [7, 8], [8, 77], [50, 77], [77, 77]] as const) {
    assert.deepEqual(verifyConsistency(from, to, ledger.root(from), ledger.root(to), ledger.consistencyProof(from, to)), { ok: true });
  }
  assert.throws(() => ledger.inclusionProof(77, 77), /index: must be below size 77/);
  assert.throws(() => ledger.root(78), /size: must be from 0/);
  assert.deepEqual(ledger.entries(3, 5).map((e) => e.entry.resource), ['user:3', 'user:4']);
  const root = ledger.root();
  ledger.close();
  const reopened = Ledger.open(dir);
  assert.ok(reopened.root().equals(root));
  assert.equal(reopened.append([entry(77)])[0], 77);
  reopened.close();
  assert.equal(statSync(join(dir, 'ledger.key')).mode & 0o777, 0o600);
});

test('checkpoints are C2SP signed notes that verify with the printed key only', () => {
  const ledger = Ledger.open(tempDir(), 'example.org/moteur');
  ledger.append([entry(1), entry(2), entry(3)]);
  const note = ledger.checkpoint();
  assert.ok(note.startsWith(checkpointBody('example.org/moteur', 3, ledger.root())));
  const key = ledger.verifierKey();
  assert.match(key, /^example\.org\/moteur\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
  assert.deepEqual(verifyNote(note, key).ok, true);
  assert.equal(verifyNote(note.replace('\n3\n', '\n4\n'), key).ok, false);
  const other = Ledger.open(tempDir(), 'example.org/moteur');
  assert.equal(verifyNote(note, other.verifierKey()).ok, false);
  assert.match((verifyNote(note, 'not-a-key') as { reason: string }).reason, /verifier key/);
  other.close();
  ledger.close();
});

test('altering a stored entry or node is detected and located', () => {
  const dir = tempDir();
  const ledger = Ledger.open(dir);
  ledger.append(Array.from({ length: 40 }, (_, i) => entry(i)));
  assert.deepEqual(ledger.verifyStorage(), { ok: true, size: 40 });
  ledger.close();
  const db = new Database(join(dir, 'ledger.db'));
  db.prepare('UPDATE leaves SET entry = ? WHERE idx = 17').run(canonicalEntry({ ...entry(17), decision: 'deny' }));
  db.close();
  let reopened = Ledger.open(dir);
  assert.deepEqual(reopened.verifyStorage(), { ok: false, firstBadIndex: 17, reason: 'entry 17 does not match its leaf hash' });
  reopened.close();

  const dir2 = tempDir();
  const second = Ledger.open(dir2);
  second.append(Array.from({ length: 40 }, (_, i) => entry(i)));
  second.close();
  const db2 = new Database(join(dir2, 'ledger.db'));
  db2.prepare('UPDATE nodes SET hash = ? WHERE level = 2 AND idx = 5').run(Buffer.alloc(32, 7));
  db2.close();
  reopened = Ledger.open(dir2);
  const verdict = reopened.verifyStorage();
  assert.equal(verdict.ok, false);
  assert.equal((verdict as { firstBadIndex: number }).firstBadIndex, 20);
  reopened.close();
});

test('commitments hide ids but stay stable for one ledger', () => {
  const ledger = Ledger.open(tempDir());
  const c = ledger.commitment('alice@example.com');
  assert.match(c, /^[0-9a-f]{64}$/);
  assert.equal(ledger.commitment('alice@example.com'), c);
  assert.notEqual(ledger.commitment('bob'), c);
  ledger.close();
});
