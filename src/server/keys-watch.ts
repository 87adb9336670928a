/**
 * A running server picks up the keys file when it changes on disk (`moteur keys create` or `revoke` beside
 * it), within a second: no signal, and no admin key needed to ask for a reload. The file is polled (a stat
 * every half second, compared with the version loaded) rather than watched through inotify, which loses a
 * file replaced by a rename, as `moteur keys` writes it.
 */
import { statSync } from 'node:fs';
import type { AccessControl } from '../app/access.ts';
import { messageOf } from '../core/thrown.ts';

const POLL_MS = 500;

/** What tells one version of the keys file from another: its inode (a rename replaces it), size and time. */
export type KeysFileStamp = string;

/** The keys file's stamp now; take it before the keys are read, so that a change made meanwhile is seen. */
export function keysFileStamp(file: string): KeysFileStamp {
  const s = statSync(file, { throwIfNoEntry: false });
  return s === undefined ? 'missing' : `${s.ino}:${s.size}:${s.mtimeMs}`;
}

/**
 * Starts watching a keys file read as it was at `loaded`; returns the function that stops. Each change is
 * reloaded, recorded in the ledger and reported.
 */
export function watchKeysFile(access: AccessControl, file: string, loaded: KeysFileStamp, report: (message: string) => void): () => void {
  let current = loaded;
  const poll = () => {
    const stamp = keysFileStamp(file);
    if (stamp === current) return;
    current = stamp;
    try {
      const { keys } = access.reloadKeys('keys-file');
      report(`keys file changed: ${keys} key${keys === 1 ? '' : 's'} in force (${file})`);
    } catch (err) {
      report(`keys file not reloaded: ${messageOf(err)}`);
    }
  };
  const timer = setInterval(poll, POLL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
