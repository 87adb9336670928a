import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { Ledger, loadLedgerSecrets } from '../../src/trust/ledger/ledger.ts';
import { SqliteLedgerStorage } from '../../src/trust/ledger/sqlite-ledger-storage.ts';
import { tempDir } from '../support/fixtures.ts';
import { ledgerContract, ledgerEntry } from './ledger-contract.ts';

/** `place` is the directory of a `ledger.db`. */
ledgerContract('SQLite ledger', {
  open: async (keysDir, place = tempDir()) => ({
    ledger: await Ledger.over(SqliteLedgerStorage.open(join(place, 'ledger.db')), loadLedgerSecrets(keysDir)),
    place,
  }),
  tamperEntry: async (place, index, bytes) => {
    const db = new Database(join(place, 'ledger.db'));
    db.prepare('UPDATE leaves SET entry = ? WHERE idx = ?').run(bytes, index);
    db.close();
  },
  tamperNode: async (place, level, index, hash) => {
    const db = new Database(join(place, 'ledger.db'));
    db.prepare('UPDATE nodes SET hash = ? WHERE level = ? AND idx = ?').run(hash, level, index);
    db.close();
  },
});

test('SQLite ledger: Ledger.open keeps the file and its secrets in one directory, the secrets for their owner only', async () => {
  const dir = tempDir();
  const ledger = await Ledger.open(dir);
  await ledger.append([ledgerEntry(1)]);
  await ledger.close();
  const reopened = await Ledger.open(dir);
  assert.equal(await reopened.size(), 1);
  await reopened.close();
  assert.equal(statSync(join(dir, 'ledger.key')).mode & 0o777, 0o600);
  assert.equal(statSync(join(dir, 'ledger.salt')).mode & 0o777, 0o600);
});
