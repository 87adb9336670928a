import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { startServer, type RunningServer } from '../../src/server/start.ts';
import { leafHash, verifyConsistency, verifyInclusion } from '../../src/trust/ledger/merkle.ts';
import { canonicalEntry } from '../../src/trust/ledger/ledger.ts';
import { verifyNote } from '../../src/trust/ledger/note.ts';
import { apiKey, authorized, tempDir, videos } from '../support/fixtures.ts';

let server: RunningServer;
// Made at load time: a directory made inside `before` would be removed when that hook ends.
const dataDir = tempDir();
const adminKey = apiKey(dataDir, 'admin');
const auditorKey = apiKey(dataDir, 'auditor');
const get = async (path: string) => {
  const res = await fetch(server.url + path, authorized(adminKey));
  return { status: res.status, text: await res.text() };
};
const moteur = (...args: string[]) => spawnSync(process.execPath, ['bin/moteur.js', ...args], { encoding: 'utf8' });

before(async () => {
  server = await startServer({ dataDir, port: 0 });
  await server.moteur.upsertVideos(videos(20));
});
after(() => server.close());

test('personal data accesses land in the ledger under a commitment, and an auditor can verify it with the public key alone', async () => {
  const first = await get('/v1/ledger/checkpoint');
  const key = moteur("audit", "key", "--data", dataDir).stdout.trim();
  assert.equal(key, server.moteur.ledger.verifierKey());
  assert.equal(verifyNote(first.text, key).ok, true, `${key} ${JSON.stringify(first.text)} ${JSON.stringify(verifyNote(first.text, key))}`);
  const size1 = Number(first.text.split('\n')[1]);

  await get('/v1/users/alice/feed?n=3');
  await get('/v1/users/alice/export');
  await server.moteur.counts(); // flushes the batched ledger appends
  const second = await get('/v1/ledger/checkpoint');
  const [, sizeText, rootB64] = second.text.split('\n');
  const size2 = Number(sizeText);
  // Reading the checkpoint is an access too: it is the first of the three entries.
  assert.equal(size2, size1 + 3);

  const { entries } = JSON.parse((await get(`/v1/ledger/entries?start=${size1}&end=${size2}`)).text);
  assert.deepEqual(entries.map((e: any) => [e.entry.action, e.entry.principal, e.entry.decision]), [
    ['readLedger', 'test-admin', 'allow'],
    ['readFeed', 'test-admin', 'allow'],
    ['exportUser', 'test-admin', 'allow'],
  ]);
  assert.ok(entries.slice(1).every((e: any) => /^user:[0-9a-f]{64}$/.test(e.entry.resource)), 'an entry names the person in clear');
  assert.ok(!second.text.includes('alice') && !JSON.stringify(entries).includes('alice'));

  const root2 = Buffer.from(rootB64!, 'base64');
  const inclusion = JSON.parse((await get(`/v1/ledger/proofs/inclusion?index=${size1}&size=${size2}`)).text);
  const leaf = leafHash(canonicalEntry(entries[0].entry));
  assert.deepEqual(verifyInclusion(size1, size2, leaf, inclusion.proof.map((p: string) => Buffer.from(p, 'base64')), root2), { ok: true });
  if (size1 > 0) {
    const root1 = Buffer.from(first.text.split('\n')[2]!, 'base64');
    const consistency = JSON.parse((await get(`/v1/ledger/proofs/consistency?from=${size1}&to=${size2}`)).text);
    assert.deepEqual(verifyConsistency(size1, size2, root1, root2, consistency.proof.map((p: string) => Buffer.from(p, 'base64'))), { ok: true });
  }

  const note = join(dataDir, 'checkpoint.txt');
  writeFileSync(note, second.text);
  assert.equal(moteur('audit', 'verify-note', '--key', key, note).status, 0);
  writeFileSync(note, second.text.replace(`\n${size2}\n`, `\n${size2 + 1}\n`));
  const forged = moteur('audit', 'verify-note', '--key', key, note);
  assert.equal(forged.status, 1);
  assert.match(forged.stdout, /does not verify/);
});

test('bad ledger queries get a 400 that names the field', async () => {
  for (const path of ['/v1/ledger/entries?start=5&end=2', '/v1/ledger/proofs/inclusion?index=0&size=999999', '/v1/ledger/proofs/consistency?from=0&to=1', '/v1/ledger/entries?start=x&end=1']) {
    const res = await get(path);
    assert.equal(res.status, 400, path);
    assert.ok(JSON.parse(res.text).field, path);
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
  const watch = (...extra: string[]) => {
    const child = spawn(process.execPath, ['bin/moteur.js', 'audit', 'watch', '--url', server.url, '--key', key, '--api-key', auditorKey, '--state', state, ...extra]);
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    return new Promise<{ code: number | null; out: string }>((resolve) => child.once('exit', (code) => resolve({ code, out })));
  };
  for (const user of ['w1', 'w2', 'w3']) await get(`/v1/users/${user}/feed?n=2`);
  await server.moteur.counts();
  let run = await watch('--entries');
  assert.equal(run.code, 0, run.out);
  assert.match(run.out, /ok: moteur\.ledger at size \d+, \d+ entries re-hashed/);

  await get('/v1/users/w4/feed?n=2');
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
