/** AES-256-GCM with a random 96-bit nonce: `nonce || ciphertext || tag`, bound to `context` (authenticated, not stored). */
import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';

const NONCE = 12;
const TAG = 16;

/**
 * Random nonces drawn from the CSPRNG a few thousand at a time: one `randomBytes(12)` call costs about as
 * much as the encryption itself. A nonce is copied out of the pool and the pool refilled before reuse.
 */
const noncePool = Buffer.alloc(NONCE * 4096);
let nonceAt = noncePool.length;

function nextNonce(): Buffer {
  if (nonceAt === noncePool.length) {
    randomFillSync(noncePool);
    nonceAt = 0;
  }
  const nonce = Buffer.from(noncePool.subarray(nonceAt, nonceAt + NONCE));
  nonceAt += NONCE;
  return nonce;
}

export function encrypt(key: Buffer, plaintext: Buffer, context: string): Buffer {
  const nonce = nextNonce();
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(context));
  const body = cipher.update(plaintext);
  cipher.final(); // GCM is a stream mode: everything came out of update()
  return Buffer.concat([nonce, body, cipher.getAuthTag()]);
}

/** Throws when the bytes were altered, or were sealed under another key or context. */
export function decrypt(key: Buffer, sealed: Buffer, context: string): Buffer {
  if (sealed.length < NONCE + TAG) throw new Error('sealed data is too short');
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, NONCE));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG));
  const plaintext = decipher.update(sealed.subarray(NONCE, sealed.length - TAG));
  decipher.final();
  return plaintext;
}
