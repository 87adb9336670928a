/**
 * C2SP signed notes with Ed25519 signatures, and the tlog-checkpoint body they carry.
 * Key id = SHA-256(name || "\n" || 0x01 || public key)[0:4]; verifier key = name+hex(key id)+base64(0x01 || public key).
 */
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { Verdict } from './merkle.ts';

const ED25519 = 0x01;
// DER prefix of an Ed25519 SubjectPublicKeyInfo: the raw 32-byte key follows it.
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

function rawPublicKey(key: KeyObject): Buffer {
  return createPublicKey(key).export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length);
}

function keyId(name: string, publicKey: Buffer): Buffer {
  return createHash('sha256')
    .update(Buffer.concat([Buffer.from(`${name}\n`), Buffer.of(ED25519), publicKey]))
    .digest()
    .subarray(0, 4);
}

export function verifierKey(name: string, privateKey: KeyObject): string {
  const publicKey = rawPublicKey(privateKey);
  return `${name}+${keyId(name, publicKey).toString('hex')}+${Buffer.concat([Buffer.of(ED25519), publicKey]).toString('base64')}`;
}

/** The checkpoint body: origin, tree size, base64 root hash, one per line. */
export function checkpointBody(origin: string, size: number, root: Uint8Array): string {
  return `${origin}\n${size}\n${Buffer.from(root).toString('base64')}\n`;
}

export function signNote(body: string, name: string, privateKey: KeyObject): string {
  const signature = sign(null, Buffer.from(body), privateKey);
  const line = Buffer.concat([keyId(name, rawPublicKey(privateKey)), signature]).toString('base64');
  return `${body}\n\u2014 ${name} ${line}\n`;
}

interface VerifierKey {
  name: string;
  idHex: string;
  publicKey: Buffer;
}

/** A verifier key's parts, or why the text is not one (a mistake in the key given, not a sign of tampering). */
export function parseVerifierKey(verifierKeyText: string): VerifierKey | string {
  // The name holds no '+', the key id is 8 hex digits; the base64 key may itself contain '+'.
  const match = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]+=*)$/.exec(verifierKeyText.trim());
  const [, name, idHex, keyB64] = match ?? [];
  const key = Buffer.from(keyB64 ?? '', 'base64');
  if (!name || !idHex || key.length !== 33 || key[0] !== ED25519) {
    return 'the verifier key is not of the form name+keyid+base64(0x01 || ed25519 public key)';
  }
  const publicKey = key.subarray(1);
  if (keyId(name, publicKey).toString('hex') !== idHex) return 'the verifier key id does not match its name and key';
  return { name, idHex, publicKey };
}

/** Checks that the note carries a valid signature by the verifier key; returns the signed body when it does. */
export function verifyNote(note: string, verifierKeyText: string): Verdict & { body?: string } {
  const parsed = parseVerifierKey(verifierKeyText);
  if (typeof parsed === 'string') return { ok: false, reason: parsed };
  const { name, idHex, publicKey } = parsed;
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) return { ok: false, reason: 'the note has no signature block' };
  const body = note.slice(0, split + 1);
  const spki = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
  for (const line of note.slice(split + 2, -1).split('\n')) {
    const match = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (match === null) return { ok: false, reason: `malformed signature line: ${line}` };
    if (match[1] !== name) continue;
    const blob = Buffer.from(match[2]!, 'base64');
    if (blob.length !== 68 || blob.subarray(0, 4).toString('hex') !== idHex) continue;
    return verify(null, Buffer.from(body), spki, blob.subarray(4)) ? { ok: true, body } : { ok: false, reason: `the signature by ${name} does not verify` };
  }
  return { ok: false, reason: `no signature by ${name} with key id ${idHex}` };
}
