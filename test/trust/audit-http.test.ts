import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { startServer, type RunningServer } from '../../src/server/start.ts';
import { leafHash, verifyConsistency, verifyInclusion } from '../../src/trust/ledger/merkle.ts';
import { canonicalEntry } from '../../src/trust/ledger/ledger.ts';
import { verifyNote } from '../../src/trust/ledger/note.ts';
import { runMoteur } from '../support/cli.ts';
import { answer, byId, clientFor, reply, sendUnchecked } from '../support/client.ts';
import { apiKey, tempDir, videos } from '../support/fixtures.ts';

let server: RunningServer;
// Made at load time: a directory made inside `before` would be removed when that hook ends.
const dataDir = tempDir();
const adminKey = apiKey(dataDir, 'admin');
const auditorKey = apiKey(dataDir, 'auditor');
const admin = () => clientFor(server, adminKey);
const checkpoint = () => answer(admin().GET('/v1/ledger/checkpoint', { parseAs: 'text' }));
/** A feed page read, so the ledger records an access. */
const readFeed = (userId: string, n: number) => answer(admin().GET('/v1/users/{id}/feed', byId(userId, { n })));
const moteur = (...args: string[]) => spawnSync(process.execPath, ['bin/moteur.js', ...args], { encoding: 'utf8' });

before(async () => {
  server = await startServer({ dataDir, port: 0 });
  await server.moteur.upsertVideos(videos(20));
});
after(() => server.close());

test('personal data accesses land in the ledger under a commitment, and an auditor can verify it with the public key alone', async () => {
  const first = await checkpoint();
  const key = moteur('audit', 'key', '--data', dataDir).stdout.trim();
  assert.equal(key, server.moteur.ledger.verifierKey());
  assert.equal(verifyNote(first, key).ok, true, `${key} ${JSON.stringify(first)} ${JSON.stringify(verifyNote(first, key))}`);
  const size1 = Number(first.split('\n')[1]);

  await readFeed('alice', 3);
  await answer(admin().GET('/v1/users/{id}/export', byId('alice')));
  await server.moteur.counts(); // flushes the batched ledger appends
  const second = await checkpoint();
  const [, sizeText, rootB64] = second.split('\n');
  const size2 = Number(sizeText);
  // Reading the checkpoint is an access too: it is the first of the three entries.
  assert.equal(size2, size1 + 3);

  const { entries } = (await answer(admin().GET('/v1/ledger/entries', { params: { query: { start: size1, end: size2 } } }))) as any;
  assert.deepEqual(
    entries.map((e: any) => [e.entry.action, e.entry.principal, e.entry.decision]),
    [
      ['readLedger', 'test-admin', 'allow'],
      ['readFeed', 'test-admin', 'allow'],
      ['exportUser', 'test-admin', 'allow'],
    ],
  );
  assert.ok(
    entries.slice(1).every((e: any) => /^user:[0-9a-f]{64}$/.test(e.entry.resource)),
    'an entry names the person in clear',
  );
  assert.ok(!second.includes('alice') && !JSON.stringify(entries).includes('alice'));

  const root2 = Buffer.from(rootB64!, 'base64');
  const inclusion = (await answer(admin().GET('/v1/ledger/proofs/inclusion', { params: { query: { index: size1, size: size2 } } }))) as any;
  const leaf = leafHash(canonicalEntry(entries[0].entry));
  assert.deepEqual(
    verifyInclusion(
      size1,
      size2,
      leaf,
      inclusion.proof.map((p: string) => Buffer.from(p, 'base64')),
      root2,
    ),
    { ok: true },
  );
  if (size1 > 0) {
    const root1 = Buffer.from(first.split('\n')[2]!, 'base64');
    const consistency = (await answer(admin().GET('/v1/ledger/proofs/consistency', { params: { query: { from: size1, to: size2 } } }))) as any;
    assert.deepEqual(
      verifyConsistency(
        size1,
        size2,
        root1,
        root2,
        consistency.proof.map((p: string) => Buffer.from(p, 'base64')),
      ),
      { ok: true },
    );
  }

  const note = join(dataDir, 'checkpoint.txt');
  writeFileSync(note, second);
  assert.equal(moteur('audit', 'verify-note', '--key', key, note).status, 0);
  writeFileSync(note, second.replace(`\n${size2}\n`, `\n${size2 + 1}\n`));
  const forged = moteur('audit', 'verify-note', '--key', key, note);
  assert.equal(forged.status, 1);
  assert.match(forged.stdout, /does not verify/);
});

test('bad ledger queries get a 400 that names the field', async () => {
  const bad = [
    ['entries 5 to 2', reply(admin().GET('/v1/ledger/entries', { params: { query: { start: 5, end: 2 } } }))],
    ['inclusion past the end', reply(admin().GET('/v1/ledger/proofs/inclusion', { params: { query: { index: 0, size: 999999 } } }))],
    ['consistency from 0', reply(admin().GET('/v1/ledger/proofs/consistency', { params: { query: { from: 0, to: 1 } } }))],
    // Not a number: only an unchecked request sends it.
    ['start not a number', sendUnchecked(server, adminKey, 'GET', '/v1/ledger/entries?start=x&end=1')],
  ] as const;
  for (const [name, call] of bad) {
    const res = await call;
    assert.equal(res.status, 400, name);
    assert.ok(res.json.field, name);
  }
});

test('verify-proof checks proof files in the reference JSON form', () => {
  const dir = tempDir();
  const leaf = leafHash(Buffer.from('only entry'));
  const valid = join(dir, 'valid.json');
  writeFileSync(valid, JSON.stringify({ leafIdx: 0, treeSize: 1, root: leaf.toString('base64'), leafHash: leaf.toString('base64'), proof: [] }));
  assert.equal(moteur('audit', 'verify-proof', valid).status, 0);
  const invalid = join(dir, 'invalid.json');
  writeFileSync(invalid, JSON.stringify({ size1: 0, size2: 1, root1: '', root2: leaf.toString('base64'), proof: [] }));
  const run = moteur('audit', 'verify-proof', invalid);
  assert.equal(run.status, 1);
  assert.match(run.stdout, /invalid: consistency with an empty tree/);
  assert.equal(moteur('audit', 'verify-proof', join(dir, 'missing.json')).status, 2);
});

test('moteur audit watch accepts an honest log and locates an entry altered in the database', async () => {
  const key = server.moteur.ledger.verifierKey();
  const state = join(tempDir(), 'state.json');
  const watch = async (...extra: string[]) => {
    const run = await runMoteur(['audit', 'watch', '--url', server.url, '--key', key, '--api-key', auditorKey, '--state', state, ...extra]);
    return { code: run.code, out: run.stdout };
  };
  for (const user of ['w1', 'w2', 'w3']) await readFeed(user, 2);
  await server.moteur.counts();
  let run = await watch('--entries');
  assert.equal(run.code, 0, run.out);
  assert.match(run.out, /ok: moteur\.ledger at size \d+, \d+ entries re-hashed/);

  await readFeed('w4', 2);
  await server.moteur.counts();
  run = await watch();
  assert.equal(run.code, 0, run.out);
  const sizeBefore = JSON.parse(readFileSync(state, 'utf8')).size;

  const db = new Database(join(dataDir, 'ledger', 'ledger.db'));
  const victim = db.prepare('SELECT entry FROM leaves WHERE idx = 1').pluck().get() as Buffer;
  db.prepare('UPDATE leaves SET entry = ? WHERE idx = 1').run(Buffer.from(victim.toString().replace('"allow"', '"deny"')));
  db.close();
  run = await watch('--entries');
  assert.equal(run.code, 1);
  assert.match(run.out, /ALERT: entry 1 does not match the signed checkpoint \(first bad index 1\)/);
  assert.equal(JSON.parse(readFileSync(state, 'utf8')).size, sizeBefore, 'a failed check must not move the saved state');
});
