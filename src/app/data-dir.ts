/**
 * A data directory as a whole: held by one process at a time, and refused in one line when it cannot be written.
 *
 * Two processes writing one directory break both (the ledger's tree, the log's sequence numbers), so whatever
 * writes its stores, log or ledger (a server, `moteur train`, `moteur import`) first takes `moteur.lock`, a
 * file holding its pid and its start time, made with O_EXCL. A lock whose process is gone (killed, crashed)
 * is stale: it is taken over; so is one whose pid now belongs to another process (pids are reused, after a
 * reboot say), told by its other start time. `moteur keys` does not take it: it only replaces the keys
 * file, which the server watches.
 */
import { execFileSync } from 'node:child_process';
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
      writeFileSync(file, `${process.pid}\n${processStartTime(process.pid) ?? ''}\n`, { flag: 'wx', mode: PRIVATE_FILE });
      return { release: () => releaseLock(file) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw unwritable(dataDir, error);
    }
    const holder = holderOf(file);
    if (holder !== undefined && isAlive(holder.pid) && !pidReused(holder)) {
      throw new MoteurError('data_dir_in_use', `${dataDir} is in use by process ${holder.pid}: stop it first, or use another data directory`);
    }
    // Stale (its process is gone, or its pid is another process's now) or unreadable: taken over, once. Another process taking it over at the same time wins or loses the O_EXCL create above.
    if (attempt > 0) throw new MoteurError('data_dir_in_use', `${dataDir} is in use by another process (its lock file ${file} keeps changing)`);
    rmSync(file, { force: true });
  }
}

/** The lock's holder: its pid, and its start time when the lock records one (locks of older versions do not). */
function holderOf(file: string): { pid: number; startTime: string | undefined } | undefined {
  try {
    const [first, second] = readFileSync(file, 'utf8').split('\n');
    const pid = Number(first);
    return Number.isSafeInteger(pid) && pid > 0 ? { pid, startTime: second?.trim() || undefined } : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the holder's pid now names another process: both start times known, and different. */
function pidReused(holder: { pid: number; startTime: string | undefined }): boolean {
  if (holder.startTime === undefined) return false;
  const now = processStartTime(holder.pid);
  return now !== undefined && now !== holder.startTime;
}

/**
 * When a process started, as a text that tells it from a later process given the same pid: on Linux the
 * `starttime` of /proc/PID/stat (clock ticks since boot), elsewhere what `ps -o lstart=` prints; undefined
 * when neither answers (the pid alone then decides).
 */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'. starttime is field 22.
    const starttime = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    if (starttime !== undefined && /^\d+$/.test(starttime)) return `proc:${starttime}`;
  } catch {
    // No /proc (macOS, the BSDs), or no such process.
  }
  try {
    const started = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return started === '' ? undefined : `ps:${started}`;
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
  if (holderOf(file)?.pid === process.pid) rmSync(file, { force: true });
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
