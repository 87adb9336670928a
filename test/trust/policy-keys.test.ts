import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Command } from 'commander';
import { Authorizer } from '../../src/trust/policy/authorizer.ts';
import { registerKeys } from '../../src/cli/commands/keys.ts';
import { createKey, hashKey, KeyRing, keysFileIn, readKeysFile, revokeKey } from '../../src/trust/policy/keys.ts';
import { DEFAULT_POLICY_DIR } from '../../src/trust/policy/policy-files.ts';
import { tempDir } from '../support/fixtures.ts';

test('a created key is stored only as its hash and maps back to its principal', () => {
  const file = keysFileIn(tempDir());
  const apiKey = createKey(file, { id: 'ios-app', role: 'app', regions: ['eu'] });
  assert.match(apiKey, /^mk_[A-Za-z0-9_-]{43}$/);
  const text = readFileSync(file, 'utf8');
  assert.ok(!text.includes(apiKey) && !text.includes(apiKey.slice(3)), 'the key itself must not be stored');
  assert.ok(text.includes(hashKey(apiKey)));
  assert.equal(statSync(file).mode & 0o777, 0o600);

  const ring = new KeyRing(file);
  assert.deepEqual({ ...ring.principalForKey(apiKey) }, { id: 'ios-app', role: 'app', regions: ['eu'], createdAt: ring.list()[0]!.createdAt });
  assert.equal(ring.principalForKey(`${apiKey}x`), undefined);
  assert.equal(ring.principalForKey(''), undefined);
});

test('revoking a key by its hash prefix stops it at the next reload; other keys keep working', () => {
  const file = keysFileIn(tempDir());
  const first = createKey(file, { id: 'bi', role: 'analyst', regions: ['eu'] });
  const second = createKey(file, { id: 'bi', role: 'analyst', regions: ['eu'] });
  const ring = new KeyRing(file);
  assert.throws(() => revokeKey(file, 'abc'), /at least 8 hex digits/);
  const absent = ['00000000', 'ffffffff'].find((prefix) => ![first, second].some((k) => hashKey(k).startsWith(prefix)))!;
  assert.throws(() => revokeKey(file, absent), /no key/);
  assert.equal(revokeKey(file, hashKey(first).slice(0, 10)).id, 'bi');
  assert.ok(ring.principalForKey(first), 'still accepted until reload');
  ring.reload();
  assert.equal(ring.principalForKey(first), undefined);
  assert.equal(ring.principalForKey(second)?.role, 'analyst');
});

test('a malformed keys file is refused with its name and what is wrong; a missing one accepts no key', () => {
  const dir = tempDir();
  const file = join(dir, 'keys.json');
  assert.equal(readKeysFile(file).size, 0);
  const cases: Array<[string, RegExp]> = [
    ['{not json', /keys\.json: not valid JSON/],
    ['{"keys": []}', /keys\.json: expected \{"keys"/],
    ['{"keys": {"mk_plaintext": {"id": "a", "role": "app", "regions": ["eu"]}}}', /is not a SHA-256 hex digest; the file holds hashes of keys/],
    [
      `{"keys": {"${'a'.repeat(64)}": {"id": "a", "role": "root", "regions": ["eu"]}}}`,
      /role must be one of app, analyst, auditor, moderator, admin \(got "root"\)/,
    ],
    [`{"keys": {"${'a'.repeat(64)}": {"id": "a", "role": "app", "regions": []}}}`, /regions must be a non-empty list/],
    ['[1]', /expected \{"keys"/],
  ];
  for (const [content, expected] of cases) {
    writeFileSync(file, content);
    assert.throws(() => readKeysFile(file), expected, content);
  }
  assert.throws(() => createKey(file, { id: '', role: 'app', regions: ['eu'] }), /id must be a non-empty string/);
});

test('the bearer header resolves to a principal or a 401 that says what to send', () => {
  const dataDir = tempDir();
  const apiKey = createKey(keysFileIn(dataDir), { id: 'ops', role: 'admin', regions: ['eu', 'us'] });
  const authorizer = new Authorizer({ policyDir: DEFAULT_POLICY_DIR, keysFile: keysFileIn(dataDir), regions: ['eu'] });
  assert.equal(authorizer.principalForBearer(`Bearer ${apiKey}`).id, 'ops');
  assert.equal(authorizer.principalForKey(apiKey)?.role, 'admin');
  for (const header of [undefined, '', apiKey, 'Basic abc', `Bearer ${apiKey}x`]) {
    assert.throws(
      () => authorizer.principalForBearer(header),
      (err: Error & { status?: number; code?: string }) => err.status === 401 && err.code === 'unauthenticated',
    );
  }
});

test('moteur keys create prints the key once; list shows hashes, never keys; revoke removes it', async () => {
  const dataDir = tempDir();
  const out: string[] = [];
  const run = async (...args: string[]) => {
    const program = new Command().exitOverride().configureOutput({ writeErr: () => {} });
    registerKeys(program);
    const log = console.log;
    const error = console.error;
    console.log = (line: string) => out.push(line);
    console.error = () => {};
    try {
      await program.parseAsync(['node', 'moteur', ...args]);
    } finally {
      console.log = log;
      console.error = error;
    }
  };
  await run('keys', 'create', '--data', dataDir, '--id', 'auditor-1', '--role', 'auditor', '--regions', 'eu, us');
  const apiKey = out.pop()!;
  assert.equal(new KeyRing(keysFileIn(dataDir)).principalForKey(apiKey)?.regions.join(), 'eu,us');
  await run('keys', 'list', '--data', dataDir);
  const line = out.pop()!;
  assert.match(line, /^[0-9a-f]{12}\tauditor-1\tauditor\teu,us\t\d{4}-/);
  assert.ok(!line.includes(apiKey));
  await assert.rejects(
    run('keys', 'create', '--data', dataDir, '--id', 'x', '--role', 'root', '--regions', 'eu'),
    /expected one of app, analyst, auditor, moderator, admin/,
  );
  await run('keys', 'revoke', line.slice(0, 12), '--data', dataDir);
  assert.equal(new KeyRing(keysFileIn(dataDir)).list().length, 0);
});
