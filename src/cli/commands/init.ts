/** `moteur init DIR`: a data directory ready to serve, with its keys and a configuration file to edit. */
import type { Command } from 'commander';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { commentedConfigFile } from '../../app/config-file.ts';
import { DEFAULT_CONFIG } from '../../app/config.ts';
import { MoteurError } from '../../core/errors.ts';
import { loadMasterKey, masterKeyFileIn } from '../../trust/crypto/master-key.ts';
import { loadLedgerSecrets } from '../../trust/ledger/ledger.ts';
import { createKey, keysFileIn } from '../../trust/policy/keys.ts';
import { parseRegions } from '../options.ts';

export const CONFIG_FILE_NAME = 'moteur.toml';

export function registerInit(program: Command): void {
  program
    .command('init <dir>')
    .description(
      `Create a data directory: its master key, the ledger's signing key and salt, an admin API key (printed once) and a commented ${CONFIG_FILE_NAME}`,
    )
    .option('--regions <list>', 'regions the admin key may be used in, comma-separated', parseRegions, [DEFAULT_CONFIG.region])
    .action((dir: string, opts: { regions: string[] }) => {
      const dataDir = resolve(dir);
      if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
        throw new MoteurError('not_empty', `${dir} already exists and is not empty: init makes a new data directory, choose another`, { field: 'dir' });
      }
      mkdirSync(dataDir, { recursive: true });
      loadMasterKey(masterKeyFileIn(dataDir));
      loadLedgerSecrets(join(dataDir, 'ledger'));
      const adminKey = createKey(keysFileIn(dataDir), { id: 'admin', role: 'admin', regions: opts.regions });
      const configFile = join(dataDir, CONFIG_FILE_NAME);
      writeFileSync(configFile, commentedConfigFile(dataDir));
      console.log(adminKey);
      console.error(
        [
          `created ${dataDir}: master.key, ledger/ledger.key, ledger/ledger.salt, keys.json and ${CONFIG_FILE_NAME}`,
          'the line above is the admin API key, shown this once (only its hash is kept): store it now',
          `start with: moteur serve --config ${configFile}`,
        ].join('\n'),
      );
    });
}
