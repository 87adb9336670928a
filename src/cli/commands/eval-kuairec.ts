import { InvalidArgumentError, type Command } from 'commander';
import { evaluateKuaiRec, kuaiRecJson, kuaiRecReportPage } from '../../eval/protocols/kuairec.ts';
import { parsePositiveInt } from '../options.ts';
import { parsePositiveList, runEvaluation, summaryLines, withReportOptions, type ReportOptions } from './eval.ts';

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
      .description('KuaiRec fully observed matrix: rank each person’s held-out videos by predicted watch; NDCG@10 (gain min(watch ratio, 5)) and AUC of watch ratio ≥ 2')
      .requiredOption('--data <dir>', 'folder with small_matrix_subset.csv')
      .option('--residue <r>', 'hold out rows with (user_id*31 + video_id) % 5 == r; "all" runs the five splits', parseResidue, [0, 1, 2, 3, 4])
      .option('--ease-lambdas <list>', 'EASE λ values to tune over (on a split inside the training rows)', parsePositiveList, [500])
      .option('--seed <n>', 'seed of the random baseline', parsePositiveInt, 1),
  ).action(async (opts: KuaiRecCliOptions) => {
    await runEvaluation(opts, async (progress) => {
      const result = await evaluateKuaiRec({ dataDir: opts.data, residues: opts.residue, easeLambdas: opts.easeLambdas, seed: opts.seed, progress });
      const json = kuaiRecJson(result);
      return {
        json,
        page: () => kuaiRecReportPage(result),
        summary: [`mean over residues ${result.residues.map((r) => r.residue).join(', ')} (${json['rows']} held-out rows)`, ...summaryLines(json['models'] as Record<string, Record<string, unknown>>, ['ndcg@10', 'auc', 'userAuc', 'trainSeconds'])],
      };
    });
  });
}
