/**
 * A data directory as a whole: held by one process at a time, and refused in one line when it cannot be written.
 *
 * Two processes writing one directory break both (the ledger's tree, the log's sequence numbers), so whatever
 * writes its stores, log or ledger (a server, `moteur train`, `moteur import`) first takes `moteur.lock`, a
 * file holding its pid, made with O_EXCL. A lock whose process is gone (killed, crashed) is stale: it is
 * taken over. `moteur keys` does not take it: it only replaces the keys file, which the server watches.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MoteurError } from '../core/errors.ts';
import { makePrivateDir, PRIVATE_FILE } from '../core/private-files.ts';
import { messageOf } from '../core/thrown.ts';

export const lockFileIn = (dataDir: string): string => join(dataDir, 'moteur.lock');

export interface DataDirLock {
  /** Removes the lock file if this process still holds it. */
  release(): void;
}

/** Takes the data directory for this process, or throws `DIR is in use by process N`. */
export function lockDataDir(dataDir: string): DataDirLock {
  const file = lockFileIn(dataDir);
  try {
    makePrivateDir(dataDir);
  } catch (error) {
    throw unwritable(dataDir, error);
  }
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: PRIVATE_FILE });
      return { release: () => releaseLock(file) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw unwritable(dataDir, error);
    }
    const holder = holderOf(file);
    if (holder !== undefined && isAlive(holder)) {
      throw new MoteurError('data_dir_in_use', `${dataDir} is in use by process ${holder}: stop it first, or use another data directory`);
    }
    // Stale (its process is gone) or unreadable: taken over, once. Another process taking it over at the same time wins or loses the O_EXCL create above.
    if (attempt > 0) throw new MoteurError('data_dir_in_use', `${dataDir} is in use by another process (its lock file ${file} keeps changing)`);
    rmSync(file, { force: true });
  }
}

function holderOf(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function releaseLock(file: string): void {
  if (holderOf(file) === process.pid) rmSync(file, { force: true });
}

const UNWRITABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'SQLITE_READONLY', 'SQLITE_CANTOPEN', 'SQLITE_READONLY_DIRECTORY']);

/** Whether an error says the data directory (or a file in it) cannot be written by this process. */
export function isUnwritable(error: unknown): boolean {
  return UNWRITABLE.has(String((error as { code?: unknown })?.code));
}

/** One line for a data directory this process cannot write; any other error is returned as it is. */
export function unwritable(dataDir: string, error: unknown): unknown {
  if (!isUnwritable(error)) return error;
  const reason = messageOf(error);
  return new MoteurError('data_dir_unwritable', `${dataDir} cannot be written by this user (${reason}): give it write access, or use another data directory`);
}
