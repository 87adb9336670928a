import { InvalidArgumentError, type Command } from 'commander';
import { evaluateMl100k, ML100K_VARIANTS, ml100kJson, ml100kReportPage, type Ml100kVariant } from '../../eval/protocols/ml100k.ts';
import { parsePositiveInt } from '../options.ts';
import { intervalLines, parsePositiveList, runEvaluation, withReportOptions, type ReportOptions } from './eval.ts';

interface Ml100kCliOptions extends ReportOptions {
  data: string;
  split: Ml100kVariant[];
  easeLambdas: number[];
  seed: number;
}

/** "last", "random,last", "both" (random and time, as before `last` existed) or "all". */
export function parseSplit(value: string): Ml100kVariant[] {
  if (value === 'all') return [...ML100K_VARIANTS];
  if (value === 'both') return ['random', 'time'];
  const names = value.split(',').map((s) => s.trim());
  if (names.length === 0 || names.some((n) => !(ML100K_VARIANTS as readonly string[]).includes(n)))
    throw new InvalidArgumentError('expected random, time, last, a comma-separated list of them, both (random,time) or all');
  return ML100K_VARIANTS.filter((v) => names.includes(v));
}

/** A table of point figures, the model column as wide as `intervalLines`' (served rows have long names). */
function figureLines(models: Record<string, Record<string, unknown>>, metrics: string[]): string[] {
  const width = Math.max(10, ...metrics.map((m) => m.length)) + 2;
  const cell = (v: unknown) => (typeof v === 'number' ? v.toFixed(4) : '–').padStart(width);
  return [
    ['model'.padEnd(30), ...metrics.map((m) => m.padStart(width))].join(''),
    ...Object.entries(models).map(([name, m]) => [name.padEnd(30), ...metrics.map((k) => cell(m[k]))].join('')),
  ];
}

export function registerEvalMl100k(evalCommand: Command): void {
  withReportOptions(
    evalCommand
      .command('ml100k')
      .description(
        'MovieLens 100K, every rating a positive: RecBole’s random 80/10/10 split (batch baselines), a time-ordered split and leave-last-out, both with the served engine next to the baselines',
      )
      .requiredOption('--data <dir>', 'folder with ml-100k.inter (and ml-100k.item for genres)')
      .option('--split <which>', 'random, time, last, a comma-separated list of them, both (random,time) or all', parseSplit, [...ML100K_VARIANTS])
      .option('--ease-lambdas <list>', 'EASE λ values to tune over on the validation ratings', parsePositiveList, [100, 400])
      .option('--seed <n>', 'seed of the random split, the random baseline, the online learners and the bootstrap intervals', parsePositiveInt, 1),
  ).action(async (opts: Ml100kCliOptions) => {
    await runEvaluation(opts, async (progress) => {
      const result = await evaluateMl100k({ dataDir: opts.data, variants: opts.split, easeLambdas: opts.easeLambdas, seed: opts.seed, progress });
      const json = ml100kJson(result);
      const summary: string[] = [];
      for (const variant of ['random', 'time'] as const) {
        const part = json[variant] as { users: number; models: Record<string, Record<string, unknown>> } | undefined;
        if (part)
          summary.push(
            `${variant} split, ${part.users} people:`,
            ...figureLines(part.models, ['recall@10', 'ndcg@10', 'hit@10', 'recall@20', 'trainSeconds']),
            '',
          );
      }
      if (result.time)
        summary.push(
          'time split, 95 % intervals (engine rows: the served feed, pages of 20):',
          ...intervalLines(result.time.models, ['recall@20', 'ndcg@20']),
          '',
        );
      if (result.last) {
        const { models, users, served } = result.last;
        summary.push(
          `last split (leave-last-out), ${users} people, 95 % intervals (engine rows: the served feed, pages of 20):`,
          ...intervalLines(models, ['recall@10', 'ndcg@10']),
          ...intervalLines(models, ['recall@20', 'ndcg@20']),
          ...figureLines((json['last'] as { models: Record<string, Record<string, unknown>> }).models, ['hit@10', 'hit@20', 'coverage@20', 'trainSeconds']),
          `served replay: ${served.events} events, ${served.replaySeconds.map((s) => `${s.toFixed(1)} s`).join(' / ')} to replay and learn`,
        );
      }
      return { json, page: () => ml100kReportPage(result), summary: summary[summary.length - 1] === '' ? summary.slice(0, -1) : summary };
    });
  });
}
