/**
 * `moteur keys`: create, list and revoke API keys (a key is printed once, at creation; only its hash is kept),
 * in a node's data directory or, for a cluster, in its shared store; and make a cluster's master key.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { MoteurError } from '../../core/errors.ts';
import { regionsIn } from '../../residency/open-regions.ts';
import { openPool, parsePostgresUrl, type PostgresTarget } from '../../store/postgres/connection.ts';
import { createMasterKey, masterKeyFingerprint, readClusterMasterKey } from '../../trust/crypto/master-key.ts';
import { createKey, KeyRing, keysFileIn, revokeKey, type KeyRecord } from '../../trust/policy/keys.ts';
import { SharedKeys } from '../../trust/policy/postgres-keys.ts';
import { isRole, ROLES, type Role } from '../../trust/policy/vocabulary.ts';
import { parseRegions } from '../options.ts';
import { messageOf } from '../../core/thrown.ts';

function parseRole(value: string): Role {
  if (!isRole(value)) throw new InvalidArgumentError(`expected one of ${ROLES.join(', ')}`);
  return value;
}

interface Where {
  data?: string;
  store?: string;
}

/** Runs `work` on the keys the options name: a data directory's keys file, or a cluster's shared store. */
async function onKeys<T>(where: Where, file: (keysFile: string) => T, shared: (keys: SharedKeys) => Promise<T>): Promise<T> {
  if ((where.data === undefined) === (where.store === undefined)) {
    throw new MoteurError('invalid_option', "give --data DIR (a single node's keys) or --store postgres://... (a cluster's), one of them", { field: 'data' });
  }
  if (where.data !== undefined) return file(keysFileIn(where.data));
  let target: PostgresTarget;
  try {
    target = parsePostgresUrl(where.store!);
  } catch (err) {
    throw new MoteurError('invalid_option', `--store ${where.store}: ${messageOf(err)}`, { field: 'store' });
  }
  const pool = openPool(target, 1);
  try {
    return await shared(await SharedKeys.open(pool, target.schema));
  } finally {
    await pool.end();
  }
}

const whereOptions = (command: Command) =>
  command
    .option('--data <dir>', "a single node's data directory (keys live in <dir>/keys.json)")
    .option('--store <url>', "a cluster's shared store, postgres://...?schema=NAME: every serving node accepts its keys");

/** A directory a node has served knows its regions: a key for another one would be accepted nowhere. */
function refuseRegionsNotHeld(dataDir: string, regions: readonly string[]): void {
  const held = regionsIn(dataDir);
  const unserved = regions.filter((r) => held.length > 0 && !held.includes(r));
  if (unserved.length > 0) {
    throw new MoteurError(
      'invalid_field',
      `--regions: ${dataDir} holds no region ${unserved.join(', ')} (it holds ${held.join(', ')}); a key works only where a node serves its regions`,
      { field: 'regions' },
    );
  }
}

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('Manage API keys: each maps to a principal with a role and the regions it may be used in');
  whereOptions(keys.command('create'))
    .description('Create a key and print it once; only its SHA-256 is kept')
    .requiredOption('--id <principal>', 'who holds the key, as it will appear in the audit ledger (e.g. ios-app, bi-team)')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`, parseRole)
    .requiredOption('--regions <list>', 'regions whose nodes accept the key, comma-separated', parseRegions)
    .action(async (opts: Where & { id: string; role: Role; regions: string[] }) => {
      const principal = { id: opts.id, role: opts.role, regions: opts.regions };
      const apiKey = await onKeys(
        opts,
        (file) => {
          refuseRegionsNotHeld(opts.data!, opts.regions);
          return createKey(file, principal);
        },
        async (shared) => (await shared.create(principal)).apiKey,
      );
      console.log(apiKey);
      const where = opts.store === undefined ? '' : '; every serving node of the cluster accepts it within a second';
      console.error(`key for ${opts.id} (${opts.role}, ${opts.regions.join(',')}) stored as a hash; this is the only time it is shown${where}`);
    });
  whereOptions(keys.command('list'))
    .description('List keys: hash prefix, principal, role, regions, creation time (never the keys themselves)')
    .action(async (opts: Where) => {
      const list = await onKeys(
        opts,
        (file) => new KeyRing(file).list(),
        (shared) => shared.list(),
      );
      for (const k of list) console.log([k.hash.slice(0, 12), k.id, k.role, k.regions.join(','), k.createdAt].join('\t'));
    });
  whereOptions(keys.command('revoke <hash-prefix>'))
    .description('Revoke the key whose hash starts with <hash-prefix> (8 or more hex digits, as `keys list` shows)')
    .action(async (hashPrefix: string, opts: Where) => {
      const record: KeyRecord = await onKeys(
        opts,
        (file) => revokeKey(file, hashPrefix),
        (shared) => shared.revoke(hashPrefix),
      );
      const when =
        opts.store === undefined
          ? 'a running server on this directory stops accepting it within a second'
          : 'every serving node stops accepting it within a second';
      console.log(`revoked a key of ${record.id} (${record.role}); ${when}`);
    });
  const master = keys.command('master').description("The master key wrapping people's data keys: one per cluster, the same file on every node");
  master
    .command('create')
    .description("Make a cluster's master key (32 random bytes, mode 0600) and print its fingerprint; copy the file to every node")
    .requiredOption('--master-key <file>', 'where to write it (refused if it exists)')
    .action((opts: { masterKey: string }) => {
      console.log(masterKeyFingerprint(createMasterKey(opts.masterKey)));
      console.error(`master key written to ${opts.masterKey}; give every node of the cluster this file (--master-key or MOTEUR_MASTER_KEY)`);
    });
  master
    .command('fingerprint')
    .description("Print a master key's fingerprint, to compare with the cluster's (`moteur cluster status`)")
    .requiredOption('--master-key <file>', 'the key file')
    .action((opts: { masterKey: string }) => console.log(masterKeyFingerprint(readClusterMasterKey(opts.masterKey))));
}
