/**
 * API keys. The keys file maps the SHA-256 of each key to the principal it stands for; the key itself is
 * shown once, when it is created, and never stored, so a leaked keys file lets no one call the API.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { invalid, MoteurError } from '../../core/errors.ts';
import { isRole, ROLES, type Role } from './vocabulary.ts';
import { makePrivateDir } from '../../core/private-files.ts';
import { messageOf } from '../../core/thrown.ts';

export interface Principal {
  id: string;
  role: Role;
  /** Regions whose nodes accept this key. */
  regions: readonly string[];
}

export interface KeyRecord extends Principal {
  createdAt: string;
}

/** The file's shape: `{"keys": {"<sha256 hex of key>": {id, role, regions, createdAt}}}`. */
interface KeysFileJson {
  keys: Record<string, KeyRecord>;
}

const KEY_PREFIX = 'mk_';

/** Where a data directory keeps its keys file. */
export const keysFileIn = (dataDir: string): string => join(dataDir, 'keys.json');

export const hashKey = (apiKey: string): string => createHash('sha256').update(apiKey).digest('hex');

const bad = (file: string, message: string) => new MoteurError('keys_invalid', `${file}: ${message}`);

function checkRecord(file: string, hash: string, value: unknown): KeyRecord {
  const where = `key ${hash.slice(0, 12)}…`;
  if (!/^[0-9a-f]{64}$/.test(hash)) throw bad(file, `"${hash}" is not a SHA-256 hex digest; the file holds hashes of keys, never keys`);
  const r = value as Partial<KeyRecord> | null;
  if (typeof r !== 'object' || r === null) throw bad(file, `${where}: expected an object {id, role, regions, createdAt}`);
  if (typeof r.id !== 'string' || r.id === '') throw bad(file, `${where}: id must be a non-empty string`);
  if (!isRole(r.role)) throw bad(file, `${where}: role must be one of ${ROLES.join(', ')} (got ${JSON.stringify(r.role)})`);
  if (!Array.isArray(r.regions) || r.regions.length === 0 || !r.regions.every((x) => typeof x === 'string' && x !== '')) {
    throw bad(file, `${where}: regions must be a non-empty list of region names`);
  }
  // Frozen: principals are handed out as is, and policies must see what the file says.
  return Object.freeze({ id: r.id, role: r.role, regions: Object.freeze([...r.regions]), createdAt: String(r.createdAt ?? '') });
}

/** Reads a keys file; a missing file is an empty one (no key is accepted). */
export function readKeysFile(file: string): Map<string, KeyRecord> {
  if (!existsSync(file)) return new Map();
  let json: KeysFileJson;
  try {
    json = JSON.parse(readFileSync(file, 'utf8')) as KeysFileJson;
  } catch (err) {
    throw bad(file, `not valid JSON (${messageOf(err)})`);
  }
  if (typeof json !== 'object' || json === null || typeof json.keys !== 'object' || json.keys === null || Array.isArray(json.keys)) {
    throw bad(file, 'expected {"keys": {"<sha256 of key>": {id, role, regions, createdAt}}}');
  }
  return new Map(Object.entries(json.keys).map(([hash, record]) => [hash, checkRecord(file, hash, record)]));
}

function writeKeysFile(file: string, keys: Map<string, KeyRecord>): void {
  const json: KeysFileJson = { keys: Object.fromEntries(keys) };
  // Written beside and renamed over, so a reader never sees half a file.
  makePrivateDir(dirname(file));
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(json, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, file);
}

/**
 * Creates a key for a principal, stores only its hash, and returns the key: the only time anyone sees it.
 * With `replacing`, the principal's earlier keys are revoked in the same write (for a tool that makes its own key each run).
 */
export function createKey(file: string, principal: Principal, replacing = false): string {
  const { apiKey, hash, record } = newKey(file, principal);
  const keys = readKeysFile(file);
  if (replacing) for (const [other, known] of keys) if (known.id === principal.id) keys.delete(other);
  keys.set(hash, record);
  writeKeysFile(file, keys);
  return apiKey;
}

/** A new random key for a principal (checked; `where` names the key store in errors), its hash and the record to store. */
export function newKey(where: string, principal: Principal): { apiKey: string; hash: string; record: KeyRecord } {
  const record = checkRecord(where, '0'.repeat(64), { ...principal, createdAt: new Date().toISOString() });
  const apiKey = KEY_PREFIX + randomBytes(32).toString('base64url');
  return { apiKey, hash: hashKey(apiKey), record };
}

/** Revokes the one key whose hash starts with `hashPrefix` (at least 8 hex digits, as `listKeys` shows). */
export function revokeKey(file: string, hashPrefix: string): KeyRecord {
  const keys = readKeysFile(file);
  const hash = oneHashStartingWith(hashPrefix, [...keys.keys()], file);
  const record = keys.get(hash)!;
  keys.delete(hash);
  writeKeysFile(file, keys);
  return record;
}

/** The one hash among `hashes` that starts with `hashPrefix` (at least 8 hex digits); a 400 naming `where` otherwise. */
export function oneHashStartingWith(hashPrefix: string, hashes: readonly string[], where: string): string {
  if (!/^[0-9a-f]{8,64}$/.test(hashPrefix)) throw invalid('hash', 'give at least 8 hex digits of the key hash');
  const matches = hashes.filter((h) => h.startsWith(hashPrefix));
  if (matches.length !== 1) {
    throw new MoteurError('invalid_field', `hash: ${matches.length === 0 ? 'no key' : `${matches.length} keys`} in ${where} start with ${hashPrefix}`, {
      field: 'hash',
    });
  }
  return matches[0]!;
}

/** Where an authorizer finds the principal behind a key: a keys file (`KeyRing`) or a cluster's shared store. */
export interface KeySource {
  principalForKey(apiKey: string): Principal | undefined;
  list(): Array<KeyRecord & { hash: string }>;
  /** Picks up keys created or revoked since. */
  reload(): void;
  /** How an operator creates a key for this source, for the 401's message. */
  readonly howToCreate: string;
}

/** Looks principals up by key in a keys file; `reload()` picks up keys created or revoked since. */
export class KeyRing implements KeySource {
  private byHash: Map<string, KeyRecord>;
  readonly howToCreate = 'an operator creates one with `moteur keys create --data DIR --id NAME --role app|analyst|auditor|admin --regions REGION`';

  constructor(readonly file: string) {
    this.byHash = readKeysFile(file);
  }

  /** Re-reads the file; if it is malformed, the keys already loaded stay in force and the error is thrown. */
  reload(): void {
    this.byHash = readKeysFile(this.file);
  }

  principalForKey(apiKey: string): Principal | undefined {
    return this.byHash.get(hashKey(apiKey));
  }

  list(): Array<KeyRecord & { hash: string }> {
    return [...this.byHash].map(([hash, record]) => ({ hash, ...record }));
  }
}
