/**
 * The node master key: 32 random bytes that wrap every person's data key. Kept in the data directory
 * with mode 0600 so the embedded store runs with no other service; a production deployment keeps it in a
 * KMS or HSM instead (docs/access-control.md, "Personal data at rest"), so that a copy of the data
 * directory alone decrypts nothing.
 */
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
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
    throw new MoteurError('master_key_exposed', `${file} is readable by others (mode ${mode.toString(8)}): chmod 600 it`, 500);
  }
  if (key.length !== MASTER_KEY_BYTES) throw new MoteurError('master_key_invalid', `${file} must hold exactly ${MASTER_KEY_BYTES} bytes`, 500);
  return key;
}
