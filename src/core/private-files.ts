/**
 * Modes of what a data directory holds: people's ids, settings and events are readable by the server's own
 * user only. Every folder is made 0700 and every file 0600 by the code that creates it.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';

export const PRIVATE_FILE = 0o600;
export const PRIVATE_DIR = 0o700;

/** Makes a folder (and any missing parent) readable by the owner only. */
export function makePrivateDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: PRIVATE_DIR });
}

/**
 * Creates an empty private file if there is none (so a library that then opens it keeps its mode), and takes
 * group and other access away from one made by an earlier version.
 */
export function ensurePrivateFile(path: string): void {
  if (!existsSync(path)) {
    closeSync(openSync(path, 'a', PRIVATE_FILE));
    return;
  }
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, PRIVATE_FILE);
}
