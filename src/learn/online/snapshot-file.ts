/**
 * Snapshots on disk: written to a temporary file, synced, and renamed, so a crash never leaves half a snapshot
 * and a reader finds either the previous file or the new one, whole.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { MoteurError } from '../../core/errors.ts';
import { PRIVATE_FILE } from '../../core/private-files.ts';
import { OnlineLearners } from './learners.ts';
import { messageOf } from '../../core/thrown.ts';

export function writeFileAtomically(path: string, bytes: Uint8Array): number {
  const temporary = `${path}.tmp`;
  const fd = openSync(temporary, 'w', PRIVATE_FILE);
  try {
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
  return bytes.length;
}

/**
 * The same without blocking the thread while the bytes go to disk. `stillWanted` is asked just before the
 * rename (in the same turn of the event loop, so nothing can change in between): when it says no (a person
 * named in the bytes was erased meanwhile), the temporary file is removed and false returned.
 */
export async function writeFileAtomicallyInBackground(path: string, bytes: Uint8Array, stillWanted: () => boolean = () => true): Promise<boolean> {
  const temporary = `${path}.tmp`;
  const file = await open(temporary, 'w', PRIVATE_FILE);
  try {
    await file.writeFile(bytes);
    await file.sync();
  } finally {
    await file.close();
  }
  if (!stillWanted()) {
    rmSync(temporary, { force: true });
    return false;
  }
  renameSync(temporary, path);
  return true;
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
    throw new MoteurError('snapshot_missing', `cannot read snapshot ${path}: ${messageOf(error)}`);
  }
  try {
    return decode(bytes);
  } catch (error) {
    if (error instanceof MoteurError) throw new MoteurError(error.code, `${path}: ${error.message}`, { status: error.status });
    throw error;
  }
}

export function readSnapshotFile(path: string): OnlineLearners {
  return readSnapshotBytes(path, (bytes) => OnlineLearners.restore(bytes));
}
