// The console's in-browser ledger verifiers (WebCrypto hashing; proof walks shared with the server) run here under
// Node's WebCrypto, held to the server's verifiers: every proof they must accept, and the same proofs altered.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import {
  consistencyPath,
  inclusionPath,
  leafHash,
  nodeHash,
  verifyConsistency as serverConsistency,
  verifyInclusion as serverInclusion,
  type RangeHash,
} from '../../src/trust/ledger/merkle.ts';
import { canonicalEntry } from '../../src/trust/ledger/ledger.ts';
import { checkpointBody, signNote, verifierKey } from '../../src/trust/ledger/note.ts';
import type { LedgerEntry } from '../../src/trust/ledger/ledger.ts';

// A browser module, loaded as it is served (no types: it is plain JavaScript).
const browser: any = await import(pathToFileURL(resolve('src/console/ledger-verify.js')).href);

const LEAVES = Array.from({ length: 24 }, (_, i) => leafHash(Buffer.from(`entry ${i}`)));
const rangeHash: RangeHash = (start, end) => {
  if (end - start === 1) return LEAVES[start]!;
  let k = 1;
  while (k * 2 < end - start) k *= 2;
  return nodeHash(rangeHash(start, start + k), rangeHash(start + k, end));
};
const flipped = (h: Uint8Array) => Uint8Array.from(h, (b, i) => (i === 0 ? b ^ 1 : b));

test('inclusion: the browser accepts every valid proof and refuses each altered one, as the server verifier does', async () => {
  for (let size = 1; size <= LEAVES.length; size++) {
    const root = rangeHash(0, size);
    assert.deepEqual(Buffer.from(await browser.rootOf(LEAVES.slice(0, size))), Buffer.from(root));
    for (let index = 0; index < size; index++) {
      const proof = inclusionPath(index, 0, size, rangeHash);
      assert.equal((await browser.verifyInclusion(index, size, LEAVES[index], proof, root)).ok, true, `${index} in ${size}`);
      assert.equal(serverInclusion(index, size, LEAVES[index]!, proof, root).ok, true);
      const wrongLeaf = await browser.verifyInclusion(index, size, LEAVES[(index + 1) % LEAVES.length], proof, root);
      assert.equal(wrongLeaf.ok, false);
      if (proof.length > 0) {
        const tampered = [flipped(proof[0]!), ...proof.slice(1)];
        assert.equal((await browser.verifyInclusion(index, size, LEAVES[index], tampered, root)).ok, false, `${index} in ${size}, altered`);
        assert.equal(serverInclusion(index, size, LEAVES[index]!, tampered, root).ok, false);
        assert.equal((await browser.verifyInclusion(index, size, LEAVES[index], proof.slice(1), root)).ok, false, 'a shortened proof');
      }
    }
  }
});

test('consistency: the browser accepts every valid proof and refuses each altered one, as the server verifier does', async () => {
  for (let size2 = 1; size2 <= LEAVES.length; size2++) {
    for (let size1 = 1; size1 <= size2; size1++) {
      const [root1, root2] = [rangeHash(0, size1), rangeHash(0, size2)];
      const proof = consistencyPath(size1, size2, rangeHash);
      assert.equal((await browser.verifyConsistency(size1, size2, root1, root2, proof)).ok, true, `${size1} to ${size2}`);
      assert.equal(serverConsistency(size1, size2, root1, root2, proof).ok, true);
      for (let i = 0; i < proof.length; i++) {
        const tampered = proof.map((p, j) => (j === i ? flipped(p) : p));
        assert.equal((await browser.verifyConsistency(size1, size2, root1, root2, tampered)).ok, false, `${size1} to ${size2}, hash ${i} altered`);
      }
      if (size1 < size2) assert.equal((await browser.verifyConsistency(size1, size2, flipped(root1), root2, proof)).ok, false, 'another earlier root');
    }
  }
});

test('a checkpoint verifies with the WebCrypto Ed25519 key, and not with another key or an altered body', async () => {
  const { privateKey } = generateKeyPairSync('ed25519');
  const root = rangeHash(0, 7);
  const note = signNote(checkpointBody('moteur.ledger', 7, root), 'moteur.ledger', privateKey);
  const key = verifierKey('moteur.ledger', privateKey);
  const verified = await browser.verifyCheckpoint(note, key);
  assert.equal(verified.ok, true, verified.reason);
  assert.equal(verified.size, 7);
  assert.deepEqual(verified.root, new Uint8Array(root));

  const other = verifierKey('moteur.ledger', generateKeyPairSync('ed25519').privateKey);
  assert.match((await browser.verifyCheckpoint(note, other)).reason, /no signature by moteur.ledger/);
  assert.match((await browser.verifyCheckpoint(note.replace('\n7\n', '\n8\n'), key)).reason, /does not verify/);
  assert.match((await browser.verifyCheckpoint(note, 'not a key')).reason, /not of the form/);
  // name+keyid+key: the key id is the 8 hex digits after the first '+' (the base64 key may hold '+' too).
  const id = key.slice(key.indexOf('+') + 1, key.indexOf('+') + 9);
  const wrongId = key.replace(`+${id}+`, `+${id === '00000000' ? '00000001' : '00000000'}+`);
  assert.match((await browser.verifyCheckpoint(note, wrongId)).reason, /key id does not match/);
});

test("an entry is hashed from the same bytes as the ledger's, whatever order its fields come in", async () => {
  const entry: LedgerEntry = {
    time: '2026-11-22T10:00:00.000Z',
    principal: 'app',
    purpose: 'feed',
    action: 'readFeed',
    resource: 'user:ab',
    decision: 'allow',
    policyVersion: 'v1',
  };
  const shuffled = Object.fromEntries(Object.entries(entry).reverse());
  assert.deepEqual(Buffer.from(browser.entryBytes(shuffled)), canonicalEntry(entry));
});
