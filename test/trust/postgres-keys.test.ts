/**
 * Each key change of a cluster (`moteur keys create|revoke --store`) gets exactly one ledger entry, even when
 * the node recording it is killed between writing the entry and marking the change recorded, and when
 * several nodes look at once. On the real PostgreSQL.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { openPool, parsePostgresUrl } from '../../src/store/postgres/connection.ts';
import { actionEntry, type LedgerEntry } from '../../src/trust/ledger/ledger.ts';
import { PostgresLedgerStorage } from '../../src/trust/ledger/postgres-ledger-storage.ts';
import { hashKey } from '../../src/trust/policy/keys.ts';
import { SharedKeyRing, SharedKeys } from '../../src/trust/policy/postgres-keys.ts';
import { freshPostgresUrl, postgresMissing } from '../support/services.ts';

const skip = await postgresMissing();

function runDyingRecorder(url: string): Promise<{ signal: NodeJS.Signals | null; out: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/trust/key-recorder-dies.ts', url], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve) => child.once('exit', (_code, signal) => resolve({ signal, out })));
}

test('a key change is recorded in the ledger exactly once, though a node dies between the entry and marking it recorded', {
  skip,
  timeout: 60_000,
}, async (t) => {
  const url = freshPostgresUrl();
  const target = parsePostgresUrl(url);
  const pool = openPool(target, 4);
  t.after(() => pool.end());
  const keys = await SharedKeys.open(pool, target.schema);
  const ledger = await PostgresLedgerStorage.open(pool, target.schema);
  const entries = async (): Promise<LedgerEntry[]> => (await ledger.entries(0, await ledger.size())).map((e) => JSON.parse(e.bytes.toString()) as LedgerEntry);
  const { apiKey } = await keys.create({ id: 'the-app', role: 'app', regions: ['us'] });
  const resource = `key:${hashKey(apiKey).slice(0, 16)}`;

  // The first node to see the new key is killed after appending its entry, before the transaction commits.
  const dying = await runDyingRecorder(url);
  assert.equal(dying.signal, 'SIGKILL', dying.out);
  assert.match(dying.out, /appended 1 at 0/);
  assert.deepEqual(await entries(), [], 'the entry of the killed node is not in the ledger');

  // Two other nodes (or the same one restarted) look at once: the entry is written, once.
  const node = (name: string) => {
    const ring = new SharedKeyRing(keys, ledger);
    ring.entriesFor = ({ created, revoked }) => [
      ...created.map((k) => actionEntry('keyCreated', k.id, `key:${k.hash.slice(0, 16)}`, { principal: name, policyVersion: 'v' })),
      ...revoked.map((hash) => actionEntry('keyRevoked', 'key revoked', `key:${hash.slice(0, 16)}`, { principal: name, policyVersion: 'v' })),
    ];
    return ring;
  };
  const [a, b] = [node('node-a'), node('node-b')];
  await Promise.all([a.refresh(), b.refresh(), a.refresh(), b.refresh()]);
  assert.deepEqual(
    (await entries()).map((e) => [e.action, e.resource]),
    [['keyCreated', resource]],
  );
  assert.equal(a.principalForKey(apiKey)?.id, 'the-app');

  // Revoked: one entry more, however many nodes look, and nothing more on later looks.
  await keys.revoke(hashKey(apiKey).slice(0, 12));
  await Promise.all([a.refresh(), b.refresh()]);
  await Promise.all([a.refresh(), b.refresh()]);
  assert.deepEqual(
    (await entries()).map((e) => [e.action, e.resource]),
    [
      ['keyCreated', resource],
      ['keyRevoked', resource],
    ],
  );
  assert.equal(a.principalForKey(apiKey), undefined);
});
