import { InvalidArgumentError, type Command } from 'commander';
import { evaluateMl100k, ml100kJson, ml100kReportPage, type Ml100kVariant } from '../../eval/protocols/ml100k.ts';
import { parsePositiveInt } from '../options.ts';
import { parsePositiveList, runEvaluation, summaryLines, withReportOptions, type ReportOptions } from './eval.ts';

interface Ml100kCliOptions extends ReportOptions {
  data: string;
  split: Ml100kVariant[];
  easeLambdas: number[];
  seed: number;
}

function parseSplit(value: string): Ml100kVariant[] {
  if (value === 'both') return ['random', 'time'];
  if (value === 'random' || value === 'time') return [value];
  throw new InvalidArgumentError('expected random, time or both');
}

export function registerEvalMl100k(evalCommand: Command): void {
  withReportOptions(
    evalCommand
      .command('ml100k')
      .description('MovieLens 100K, every rating a positive, full ranking: RecBole’s random 80/10/10 split, and a time-ordered split replayed through the online learners')
      .requiredOption('--data <dir>', 'folder with ml-100k.inter (and ml-100k.item for genres)')
      .option('--split <which>', 'random, time or both', parseSplit, ['random', 'time'])
      .option('--ease-lambdas <list>', 'EASE λ values to tune over on the validation ratings', parsePositiveList, [100, 400])
      .option('--seed <n>', 'seed of the random split, the random baseline and the online learners', parsePositiveInt, 1),
  ).action(async (opts: Ml100kCliOptions) => {
    await runEvaluation(opts, async (progress) => {
      const result = await evaluateMl100k({ dataDir: opts.data, variants: opts.split, easeLambdas: opts.easeLambdas, seed: opts.seed, progress });
      const json = ml100kJson(result);
      const summary: string[] = [];
      for (const variant of ['random', 'time'] as const) {
        const part = json[variant] as { users: number; models: Record<string, Record<string, unknown>> } | undefined;
        if (part) summary.push(`${variant} split, ${part.users} people:`, ...summaryLines(part.models, ['recall@10', 'ndcg@10', 'hit@10', 'trainSeconds']));
      }
      return { json, page: () => ml100kReportPage(result), summary };
    });
  });
}
