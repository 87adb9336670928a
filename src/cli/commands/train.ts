import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_CONFIG, resolveConfig } from '../../app/config.ts';
import { lockDataDir, unwritable } from '../../app/data-dir.ts';
import { rebuildFromLog } from '../../app/learning.ts';
import { learnerSnapshotPath, LOCAL_OPERATOR } from '../../app/moteur.ts';
import { MoteurError } from '../../core/errors.ts';
import { openRegions, regionsIn } from '../../residency/open-regions.ts';
import { Ledger } from '../../trust/ledger/ledger.ts';
import { engineOverrides, serverSettings } from '../../app/config-file.ts';
import { configOption, loadSettings } from '../config-option.ts';
import { parseSeed } from '../options.ts';

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description(
      'Rebuild every model from the event log, deterministically for a seed, and write the snapshot the engine starts from (run it with the server stopped: a running one replaces the snapshot when it closes)',
    )
    .option('--data <dir>', 'data directory (default: dataDir of the configuration)')
    .option('--seed <n>', 'seed of every random draw: the same log and seed give a byte-identical snapshot (default: seed of the configuration, 1)', parseSeed)
    .option('--json', 'print the summary as JSON', false)
    .addOption(configOption())
    .action(async (given: { data?: string; seed?: number; config?: string; json: boolean }) => {
      const started = performance.now();
      // The snapshot is learned as the configuration says (its content dimension, its learning rates), so the server starts from it.
      const settings = loadSettings(given.config);
      const engine = engineOverrides(settings);
      const opts = {
        ...given,
        data: given.data ?? serverSettings(settings).dataDir,
        seed: given.seed ?? engine.learning?.seed ?? DEFAULT_CONFIG.learning.seed,
      };
      if (!existsSync(join(opts.data, 'store.db'))) {
        throw new MoteurError('no_data_dir', `${opts.data} holds no engine data: give the --data of a 'moteur serve' or 'moteur import'`);
      }
      const path = learnerSnapshotPath(opts.data);
      const lock = lockDataDir(opts.data);
      // Every region the directory holds, so the models learn from everyone's events.
      const regions = regionsIn(opts.data);
      const { store, log, directory } = await openRegions(opts.data, regions.length > 0 ? regions : undefined, regions[0] ?? DEFAULT_CONFIG.region).catch(
        (error: unknown) => {
          lock.release();
          throw unwritable(opts.data, error);
        },
      );
      const ledger = await Ledger.open(join(opts.data, 'ledger'));
      try {
        // Training reads everyone's events: an administrative access to personal data, so it is on the record.
        await ledger.append([
          {
            time: new Date().toISOString(),
            principal: LOCAL_OPERATOR.principal,
            purpose: 'model training',
            action: 'trainModels',
            resource: 'system',
            decision: 'allow',
            policyVersion: LOCAL_OPERATOR.policyVersion,
          },
        ]);
        const learning = await rebuildFromLog(
          store,
          log,
          resolveConfig({ ...engine, learning: { ...engine.learning, seed: opts.seed, snapshotPath: path } }),
          directory,
        );
        const bytes = learning.writeSnapshot(path);
        const summary = {
          events: learning.learners.eventCount,
          lastSeq: learning.lastAppliedSeq,
          seed: opts.seed,
          snapshot: path,
          bytes,
          seconds: Number(((performance.now() - started) / 1000).toFixed(2)),
        };
        if (opts.json) console.log(JSON.stringify(summary));
        else
          console.log(
            `trained on ${summary.events} events (log up to ${summary.lastSeq}) with seed ${summary.seed} in ${summary.seconds} s: ${path} (${bytes} bytes)`,
          );
      } finally {
        await log.close();
        await store.close();
        await ledger.close();
        lock.release();
      }
    });
}
