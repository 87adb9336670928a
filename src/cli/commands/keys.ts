/** `moteur keys`: create, list and revoke API keys. A key is printed once, at creation; only its hash is kept. */
import { InvalidArgumentError, type Command } from 'commander';
import { MoteurError } from '../../core/errors.ts';
import { regionsIn } from '../../residency/open-regions.ts';
import { createKey, KeyRing, keysFileIn, revokeKey } from '../../trust/policy/keys.ts';
import { isRole, ROLES, type Role } from '../../trust/policy/vocabulary.ts';
import { parseRegions } from '../options.ts';

function parseRole(value: string): Role {
  if (!isRole(value)) throw new InvalidArgumentError(`expected one of ${ROLES.join(', ')}`);
  return value;
}

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('Manage API keys: each maps to a principal with a role and the regions it may be used in');
  keys
    .command('create')
    .description('Create a key and print it once; the data directory keeps only its SHA-256')
    .requiredOption('--data <dir>', 'data directory (keys live in <dir>/keys.json)')
    .requiredOption('--id <principal>', 'who holds the key, as it will appear in the audit ledger (e.g. ios-app, bi-team)')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`, parseRole)
    .requiredOption('--regions <list>', 'regions whose nodes accept the key, comma-separated', parseRegions)
    .action((opts: { data: string; id: string; role: Role; regions: string[] }) => {
      // A directory a node has served knows its regions: a key for another one would be accepted nowhere.
      const held = regionsIn(opts.data);
      const unserved = opts.regions.filter((r) => held.length > 0 && !held.includes(r));
      if (unserved.length > 0) {
        throw new MoteurError('invalid_field', `--regions: ${opts.data} holds no region ${unserved.join(', ')} (it holds ${held.join(', ')}); a key works only where a node serves its regions`, 400, 'regions');
      }
      const apiKey = createKey(keysFileIn(opts.data), { id: opts.id, role: opts.role, regions: opts.regions });
      console.log(apiKey);
      console.error(`key for ${opts.id} (${opts.role}, ${opts.regions.join(',')}) stored as a hash; this is the only time it is shown`);
    });
  keys
    .command('list')
    .description('List keys: hash prefix, principal, role, regions, creation time (never the keys themselves)')
    .requiredOption('--data <dir>', 'data directory')
    .action((opts: { data: string }) => {
      for (const k of new KeyRing(keysFileIn(opts.data)).list()) {
        console.log([k.hash.slice(0, 12), k.id, k.role, k.regions.join(','), k.createdAt].join('\t'));
      }
    });
  keys
    .command('revoke <hash-prefix>')
    .description('Revoke the key whose hash starts with <hash-prefix> (8 or more hex digits, as `keys list` shows)')
    .requiredOption('--data <dir>', 'data directory')
    .action((hashPrefix: string, opts: { data: string }) => {
      const record = revokeKey(keysFileIn(opts.data), hashPrefix);
      console.log(`revoked a key of ${record.id} (${record.role}); a running server on this directory stops accepting it within a second`);
    });
}
