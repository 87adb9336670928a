/**
 * The node master key: 32 random bytes that wrap every person's data key. Kept in the data directory
 * with mode 0600 so the embedded store runs with no other service; a production deployment keeps it in a
 * KMS or HSM instead (docs/access-control.md, "Personal data at rest"), so that a copy of the data
 * directory alone decrypts nothing. A cluster's nodes share one key, made once (`moteur keys master
 * create`); its fingerprint names it without revealing it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MoteurError } from '../../core/errors.ts';
import { readOrCreateSecret } from '../secret-file.ts';

export const MASTER_KEY_BYTES = 32;

export const masterKeyFileIn = (dataDir: string): string => join(dataDir, 'master.key');

/** Reads the master key, creating it on first use; refuses a key file that others than its owner may read. */
export function loadMasterKey(file: string): Buffer {
  const key = readOrCreateSecret(file, () => randomBytes(MASTER_KEY_BYTES));
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new MoteurError('master_key_exposed', `${file} is readable by others (mode ${mode.toString(8)}): chmod 600 it`);
  }
  if (key.length !== MASTER_KEY_BYTES) throw new MoteurError('master_key_invalid', `${file} must hold exactly ${MASTER_KEY_BYTES} bytes`);
  return key;
}

/** A cluster node's master key: it must exist already (a node never makes one), since every node needs the same. */
export function readClusterMasterKey(file: string): Buffer {
  if (!existsSync(file)) {
    throw new MoteurError(
      'master_key_missing',
      `no master key at ${file}: every node of a cluster needs the cluster's key; copy it (mode 0600) from a node of the cluster, or for a new cluster make it once with 'moteur keys master create --master-key ${file}'`,
    );
  }
  return loadMasterKey(file);
}

/** Makes a new master key file; refuses to replace one, since the data keys it wraps would no longer open. */
export function createMasterKey(file: string): Buffer {
  if (existsSync(file)) {
    throw new MoteurError(
      'master_key_exists',
      `${file} already exists (fingerprint ${masterKeyFingerprint(loadMasterKey(file))}): a master key is never replaced, the data keys it wraps would stop opening`,
    );
  }
  return loadMasterKey(file);
}

/** Names a master key without revealing it: the first 16 bytes of a SHA-256 over a fixed label and the key, in hex. */
export function masterKeyFingerprint(key: Buffer): string {
  return createHash('sha256').update('moteur master key fingerprint\u0000').update(key).digest('hex').slice(0, 32);
}
