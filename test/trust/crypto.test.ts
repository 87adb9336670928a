import assert from 'node:assert/strict';
import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { decrypt, encrypt } from '../../src/trust/crypto/aead.ts';
import { DataKeys } from '../../src/trust/crypto/data-keys.ts';
import { loadMasterKey, masterKeyFileIn } from '../../src/trust/crypto/master-key.ts';
import { tempDir } from '../support/fixtures.ts';

test('sealed bytes open only with their key and context, and any altered byte is refused', () => {
  const key = Buffer.alloc(32, 7);
  const sealed = encrypt(key, Buffer.from('watched v1'), 'event e1 of ann');
  assert.equal(decrypt(key, sealed, 'event e1 of ann').toString(), 'watched v1');
  assert.throws(() => decrypt(key, sealed, 'event e1 of bob'), /unable to authenticate/);
  assert.throws(() => decrypt(Buffer.alloc(32, 8), sealed, 'event e1 of ann'), /unable to authenticate/);
  for (const at of [0, 12, sealed.length - 1]) {
    const altered = Buffer.from(sealed);
    altered[at]! ^= 1;
    assert.throws(() => decrypt(key, altered, 'event e1 of ann'), /unable to authenticate/, `byte ${at}`);
  }
  assert.notDeepEqual(encrypt(key, Buffer.from('same'), 'c'), encrypt(key, Buffer.from('same'), 'c'), 'a nonce was reused');
});

test('the master key is made once with mode 0600, and a key file others may read is refused', () => {
  const dir = tempDir();
  const file = masterKeyFileIn(dir);
  const key = loadMasterKey(file);
  assert.equal(key.length, 32);
  assert.deepEqual(loadMasterKey(file), key);
  chmodSync(file, 0o644);
  assert.throws(() => loadMasterKey(file), /readable by others \(mode 644\): chmod 600 it/);
});

test('data keys are stored wrapped, survive a reopen, cannot be moved to another person, and are gone once destroyed', () => {
  const dir = tempDir();
  const master = loadMasterKey(masterKeyFileIn(dir));
  const path = join(dir, 'data-keys.db');
  let keys = DataKeys.open(path, master);
  keys.ensure(['ann', 'bob', 'ann']);
  const ann = Buffer.from(keys.keyOf('ann')!);
  assert.equal(keys.count(), 2);
  keys.close();
  assert.ok(!readFileSync(path).includes(ann), 'a data key is stored in clear');
  keys = DataKeys.open(path, master);
  assert.deepEqual(keys.keyOf('ann'), ann);
  assert.equal(keys.keyOf('cy'), undefined);
  keys.close();
  const db = new Database(path);
  db.prepare("INSERT INTO data_keys SELECT 'cy', wrapped FROM data_keys WHERE user_id = 'ann'").run();
  db.close();
  keys = DataKeys.open(path, master);
  assert.throws(() => keys.keyOf('cy'), /unable to authenticate/, "ann's wrapped key opened as cy's");
  assert.equal(keys.destroy('ann'), true);
  assert.equal(keys.keyOf('ann'), undefined);
  assert.equal(keys.destroy('ann'), false);
  keys.close();
  assert.throws(() => DataKeys.open(path, Buffer.alloc(32)).keyOf('bob'), /unable to authenticate/, 'another master key opened a data key');
});
