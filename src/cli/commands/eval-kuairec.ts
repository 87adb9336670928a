import { InvalidArgumentError, type Command } from 'commander';
import { intervalText } from '../../eval/metrics/bootstrap.ts';
import { evaluateKuaiRec, kuaiRecJson, kuaiRecReportPage, WITH_INTERVALS, type ResidueResult } from '../../eval/protocols/kuairec.ts';
import { parsePositiveInt } from '../options.ts';
import { parsePositiveList, runEvaluation, withReportOptions, type ReportOptions } from './eval.ts';

interface KuaiRecCliOptions extends ReportOptions {
  data: string;
  residue: number[];
  easeLambdas: number[];
  seed: number;
}

function parseResidue(value: string): number[] {
  if (value === 'all') return [0, 1, 2, 3, 4];
  const r = Number(value);
  if (!Number.isInteger(r) || r < 0 || r > 4) throw new InvalidArgumentError('expected a residue from 0 to 4, or "all"');
  return [r];
}

export function registerEvalKuaiRec(evalCommand: Command): void {
  withReportOptions(
    evalCommand
      .command('kuairec')
      .description(
        'KuaiRec fully observed matrix: the served engine (training rows replayed through the API, then `rank`) and batch baselines order each person’s held-out videos; NDCG@10 (gain min(watch ratio, 5)) and per-person AUC of watch ratio ≥ 2, with 95 % intervals',
      )
      .requiredOption('--data <dir>', 'folder with small_matrix_subset.csv')
      .option('--residue <r>', 'hold out rows with (user_id*31 + video_id) % 5 == r; "all" runs the five splits', parseResidue, [0, 1, 2, 3, 4])
      .option('--ease-lambdas <list>', 'EASE λ values to tune over (on a split inside the training rows)', parsePositiveList, [500])
      .option('--seed <n>', 'seed of the random baseline and of the bootstrap intervals', parsePositiveInt, 1),
  ).action(async (opts: KuaiRecCliOptions) => {
    await runEvaluation(opts, async (progress) => {
      const result = await evaluateKuaiRec({ dataDir: opts.data, residues: opts.residue, easeLambdas: opts.easeLambdas, seed: opts.seed, progress });
      const json = kuaiRecJson(result);
      return {
        json,
        page: () => kuaiRecReportPage(result),
        summary: [
          ...result.residues.flatMap((r) => [
            `residue ${r.residue}: ${r.rows} held-out rows, ${r.users} people (userAuc over the ${r.aucUsers} with both liked and not-liked videos)`,
            ...residueLines(r),
            '',
          ]),
          `mean over residues ${result.residues.map((r) => r.residue).join(', ')} (${json['rows']} held-out rows; pooledAuc is over all rows at once, secondary)`,
          ...meanLines(json['models'] as Record<string, Record<string, number>>),
        ],
      };
    });
  });
}

/** One residue's models (the served engine's rows first), each figure with its 95 % interval and its paired difference to the engine. */
function residueLines(residue: ResidueResult): string[] {
  const header = ['model'.padEnd(26), ...WITH_INTERVALS.flatMap((m) => [m.padEnd(26), 'vs engine'.padEnd(28)]), 'pooledAuc'].join('');
  const rows = Object.entries(residue.models).map(([name, m]) =>
    [
      name.padEnd(26),
      ...WITH_INTERVALS.flatMap((k) => [
        (m.intervals ? intervalText(m.intervals[k]) : (m.metrics[k]?.toFixed(4) ?? '–')).padEnd(26),
        (m.vsEngine ? intervalText(m.vsEngine[k]) : '').padEnd(28),
      ]),
      m.metrics['pooledAuc']?.toFixed(4) ?? '–',
    ].join(''),
  );
  return [header, ...rows];
}

/** Each model's mean over the residues (train s: the served engine's replay, learning included; rank s: its `rank` calls). */
function meanLines(models: Record<string, Record<string, number>>): string[] {
  const columns: Array<[string, string, number]> = [
    ['ndcg@10', 'ndcg@10', 4],
    ['userAuc', 'userAuc', 4],
    ['pooledAuc', 'pooledAuc', 4],
    ['trainSeconds', 'train s', 2],
    ['evaluateSeconds', 'rank s', 2],
  ];
  const header = ['model'.padEnd(26), ...columns.map(([, label]) => label.padStart(12))].join('');
  const rows = Object.entries(models).map(([name, m]) =>
    [name.padEnd(26), ...columns.map(([key, , digits]) => (typeof m[key] === 'number' ? m[key].toFixed(digits) : '–').padStart(12))].join(''),
  );
  return [header, ...rows];
}
