// Verifies the audit ledger in the browser with WebCrypto alone: the checkpoint's Ed25519 signature (C2SP signed
// note), and RFC 9162 inclusion and consistency proofs. Nothing here trusts the server's own answer.
import { consistencyWalk, inclusionWalk, runWalkAsync } from './merkle-proofs.js';

const encoder = new TextEncoder();

export const fromBase64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
export const toBase64 = (bytes) => btoa(String.fromCharCode(...bytes));
const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, at), (at += p.length);
  return out;
};
const equal = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
const sha256 = async (bytes) => new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
const fail = (reason) => ({ ok: false, reason });

export const leafHash = (entryBytes) => sha256(concat(Uint8Array.of(0), entryBytes));
export const nodeHash = (left, right) => sha256(concat(Uint8Array.of(1), left, right));

/** The bytes the ledger hashed for an entry: its JSON with the fields in this fixed order. */
const ENTRY_FIELDS = ['time', 'principal', 'purpose', 'action', 'resource', 'decision', 'policyVersion'];
export const entryBytes = (entry) => encoder.encode(JSON.stringify(Object.fromEntries(ENTRY_FIELDS.map((k) => [k, entry[k]]))));

/** RFC 9162 MTH of leaf hashes. */
export async function rootOf(leaves) {
  if (leaves.length === 0) return sha256(new Uint8Array());
  if (leaves.length === 1) return leaves[0];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(await rootOf(leaves.slice(0, k)), await rootOf(leaves.slice(k)));
}

/** RFC 9162 2.1.3.2, the same walk the server runs, hashed with WebCrypto. */
export const verifyInclusion = (index, size, leaf, proof, root) => runWalkAsync(inclusionWalk(index, size, leaf, proof, root), nodeHash);

/** RFC 9162 2.1.4.2, likewise. */
export const verifyConsistency = (size1, size2, root1, root2, proof) => runWalkAsync(consistencyWalk(size1, size2, root1, root2, proof), nodeHash);

/** A C2SP verifier key `name+keyid+base64(0x01 || Ed25519 public key)`, its key id checked. */
export async function parseVerifierKey(text) {
  const match = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]+=*)$/.exec(text.trim());
  if (!match) return fail('the verifier key is not of the form name+keyid+base64(0x01 || ed25519 public key)');
  const [, name, keyId] = match;
  let key;
  try {
    key = fromBase64(match[3]);
  } catch {
    return fail('the verifier key is not valid base64');
  }
  if (key.length !== 33 || key[0] !== 1) return fail('the verifier key is not an Ed25519 key');
  const id = (await sha256(concat(encoder.encode(`${name}\n`), key))).slice(0, 4);
  if ([...id].map((b) => b.toString(16).padStart(2, '0')).join('') !== keyId) return fail('the verifier key id does not match its name and key');
  return { ok: true, name, keyId: id, publicKey: key.slice(1) };
}

/** Checks the checkpoint's signature by the key; returns its origin, size and root when it verifies. */
export async function verifyCheckpoint(note, keyText) {
  const key = await parseVerifierKey(keyText);
  if (!key.ok) return key;
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) return fail('the checkpoint has no signature block');
  const body = note.slice(0, split + 1);
  const publicKey = await crypto.subtle.importKey('raw', key.publicKey, { name: 'Ed25519' }, false, ['verify']);
  let signed = false;
  for (const line of note.slice(split + 2, -1).split('\n')) {
    const match = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!match) return fail(`malformed signature line: ${line}`);
    const blob = fromBase64(match[2]);
    if (match[1] !== key.name || blob.length !== 68 || !equal(blob.slice(0, 4), key.keyId)) continue;
    signed = await crypto.subtle.verify({ name: 'Ed25519' }, publicKey, blob.slice(4), encoder.encode(body));
    if (!signed) return fail(`the signature by ${key.name} does not verify`);
  }
  if (!signed) return fail(`no signature by ${key.name}`);
  const [origin, size, root] = body.split('\n');
  if (origin !== key.name || !/^\d+$/.test(size ?? '') || !root) return fail('the signed body is not a checkpoint of this log');
  return { ok: true, origin, size: Number(size), root: fromBase64(root) };
}
