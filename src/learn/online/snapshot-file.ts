/** Learner snapshots on disk: written to a temporary file and renamed, so a crash never leaves half a snapshot. */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { MoteurError } from '../../core/errors.ts';
import { OnlineLearners } from './learners.ts';

export function writeSnapshotFile(learners: OnlineLearners, path: string): number {
  const bytes = learners.snapshot();
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, bytes);
  renameSync(temporary, path);
  return bytes.length;
}

export function readSnapshotFile(path: string): OnlineLearners {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new MoteurError('snapshot_missing', `cannot read learner snapshot ${path}: ${(error as Error).message}`, 500);
  }
  try {
    return OnlineLearners.restore(bytes);
  } catch (error) {
    if (error instanceof MoteurError) throw new MoteurError(error.code, `${path}: ${error.message}`, error.status);
    throw error;
  }
}
