/** `moteur ab report`: a live experiment's figures per variant, with 95 % intervals, from the logged events. */
import { InvalidArgumentError, type Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { engineOverrides, serverSettings } from '../../app/config-file.ts';
import { DEFAULT_CONFIG, resolveConfig } from '../../app/config.ts';
import { LOCAL_OPERATOR } from '../../app/moteur.ts';
import { MoteurError } from '../../core/errors.ts';
import { liveAbReport, LiveTotalsByPerson, type LiveAbReport } from '../../eval/live-ab.ts';
import { openRegions, regionsIn } from '../../residency/open-regions.ts';
import { Ledger } from '../../trust/ledger/ledger.ts';
import { CONFIG_FILE_NAME } from './init.ts';
import { loadSettings } from '../config-option.ts';
import { parsePositiveInt, parseSeed } from '../options.ts';

const PAGE = 5000;

function parseSince(value: string): number {
  const ts = Date.parse(value);
  if (Number.isNaN(ts)) throw new InvalidArgumentError('expected a date and time, e.g. 2026-12-01T00:00:00Z');
  return ts;
}

interface AbReportOptions {
  data?: string;
  config?: string;
  experiment: string;
  since?: number;
  resamples: number;
  seed: number;
  json: boolean;
}

function summary(report: LiveAbReport): string {
  const lines = [`experiment ${report.experiment}: ${report.variants.map((v) => `${v.name} ${v.people} people, ${v.impressions} impressions`).join('; ')}`];
  const f = (x: number) => x.toPrecision(4);
  for (const c of report.comparisons) {
    lines.push(`${c.variant} against ${c.control} (B − A, 95 % interval):`);
    for (const d of c.differences)
      lines.push(
        `  ${d.metric.padEnd(26)} ${f(d.a)} → ${f(d.b)}  ${f(d.difference)} [${f(d.ci95[0])}, ${f(d.ci95[1])}]  ${d.verdict.replace('A', c.control).replace('B', c.variant)}`,
      );
  }
  return lines.join('\n');
}

export function registerAb(program: Command): void {
  const ab = program.command('ab').description('Live A/B experiments (the experiments of the configuration)');
  ab.command('report')
    .description(
      'Each metric of an experiment per variant with its 95 % interval, and each variant against the first, from the logged events (run it with the server stopped, or on a copy)',
    )
    .option('--data <dir>', 'data directory (default: dataDir of the configuration)')
    .option('--config <file>', `the configuration the server ran with (default: ${CONFIG_FILE_NAME} in the data directory)`)
    .requiredOption('--experiment <name>', 'the experiment to report')
    .option('--since <time>', 'only events from this time on (when the experiment started)', parseSince)
    .option('--resamples <n>', 'bootstrap resamples for the intervals', parsePositiveInt, 2000)
    .option('--seed <n>', 'seed of the bootstrap', parseSeed, 1)
    .option('--json', 'print the report as JSON', false)
    .action(async (opts: AbReportOptions) => {
      const settings = loadSettings(
        opts.config ?? (opts.data !== undefined && existsSync(join(opts.data, CONFIG_FILE_NAME)) ? join(opts.data, CONFIG_FILE_NAME) : undefined),
      );
      const dataDir = opts.data ?? serverSettings(settings).dataDir;
      const experiments = resolveConfig(engineOverrides(settings)).experiments;
      const experiment = experiments.find((e) => e.name === opts.experiment);
      if (experiment === undefined) {
        const known = experiments.length === 0 ? 'it has none' : `it has ${experiments.map((e) => e.name).join(', ')}`;
        throw new MoteurError(
          'unknown_experiment',
          `the configuration has no experiment ${opts.experiment} (${known}): pass --config with the file the server ran with`,
          { field: 'experiment' },
        );
      }
      if (!existsSync(dataDir)) throw new MoteurError('no_data', `${dataDir} does not exist: pass --data with the server's data directory`, { field: 'data' });
      const regions = regionsIn(dataDir);
      const { store, log } = await openRegions(dataDir, regions.length > 0 ? regions : undefined, regions[0] ?? DEFAULT_CONFIG.region);
      const ledger = await Ledger.open(join(dataDir, 'ledger'));
      try {
        // The report reads everyone's events: an administrative access to personal data, so it is on the record.
        await ledger.append([
          {
            time: new Date().toISOString(),
            principal: LOCAL_OPERATOR.principal,
            purpose: `experiment report: ${experiment.name}`,
            action: 'experimentReport',
            resource: 'system',
            decision: 'allow',
            policyVersion: LOCAL_OPERATOR.policyVersion,
          },
        ]);
        const totals = new LiveTotalsByPerson();
        for (let after = 0; ; ) {
          const events = await log.readAfter(after, PAGE);
          for (const event of events) if (opts.since === undefined || event.ts >= opts.since) totals.add(event);
          if (events.length < PAGE) break;
          after = events[events.length - 1]!.seq;
        }
        const report = liveAbReport(totals, experiment, { resamples: opts.resamples, seed: opts.seed });
        console.log(opts.json ? JSON.stringify(report) : summary(report));
      } finally {
        await log.close();
        await store.close();
        await ledger.close();
      }
    });
}
