/** Snapshots on disk: written to a temporary file and renamed, so a crash never leaves half a snapshot. */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { MoteurError } from '../../core/errors.ts';
import { OnlineLearners } from './learners.ts';

export function writeFileAtomically(path: string, bytes: Uint8Array): number {
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, bytes);
  renameSync(temporary, path);
  return bytes.length;
}

export function writeSnapshotFile(learners: OnlineLearners, path: string): number {
  return writeFileAtomically(path, learners.snapshot());
}

/** Decodes a snapshot file with `decode`, naming the file in any error. */
export function readSnapshotBytes<T>(path: string, decode: (bytes: Uint8Array) => T): T {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new MoteurError('snapshot_missing', `cannot read snapshot ${path}: ${(error as Error).message}`, 500);
  }
  try {
    return decode(bytes);
  } catch (error) {
    if (error instanceof MoteurError) throw new MoteurError(error.code, `${path}: ${error.message}`, error.status);
    throw error;
  }
}

export function readSnapshotFile(path: string): OnlineLearners {
  return readSnapshotBytes(path, (bytes) => OnlineLearners.restore(bytes));
}
