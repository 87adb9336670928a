/**
 * A thread that seals large batches of events (AES-256-GCM, about 10 µs an event), so the thread answering
 * requests does not. Each plaintext comes with its person's key and its context, sealed exactly as
 * `PersonalEventLog` seals a small batch itself.
 */
import { answerRequests } from '../../core/request-worker.ts';
import { encrypt } from './aead.ts';

export interface SealingRequest {
  /** 32 bytes per plaintext: the key of the person it belongs to. */
  keys: Uint8Array;
  plaintexts: string[];
  contexts: string[];
}

const KEY_BYTES = 32;

/** Sealed bytes, base64, in request order. */
export function sealAll({ keys, plaintexts, contexts }: SealingRequest): string[] {
  const keyBytes = Buffer.from(keys.buffer, keys.byteOffset, keys.byteLength);
  return plaintexts.map((plaintext, i) =>
    encrypt(keyBytes.subarray(i * KEY_BYTES, (i + 1) * KEY_BYTES), Buffer.from(plaintext), contexts[i]!).toString('base64'),
  );
}

answerRequests(sealAll);
