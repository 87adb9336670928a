/**
 * Secret files made on first use (mode 0600). Nodes of one cluster may start together on one key
 * directory: the file is written whole under a private name, then linked into place, which fails if
 * another process got there first. Every process then reads the one file that won, never a partial one.
 */
import { linkSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { MoteurError } from '../core/errors.ts';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { makePrivateDir } from '../core/private-files.ts';

export function readOrCreateSecret(path: string, make: () => Buffer): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  makePrivateDir(dirname(path));
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temporary, make(), { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(temporary, { force: true });
  }
  return readFileSync(path);
}

/** Refuses a secret file that others than its owner may read (or write): whoever can read it can sign or unmask as this node. */
export function assertOwnerOnly(path: string): void {
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new MoteurError('secret_exposed', `${path} is readable by others (mode ${mode.toString(8)}): chmod 600 it`);
  }
}
