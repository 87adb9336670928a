import type { Command } from 'commander';
import { evaluateTiktok, tiktokJson, tiktokReportPage } from '../../eval/protocols/tiktok.ts';
import { parsePositiveInt } from '../options.ts';
import { intervalLines, parsePositiveList, runEvaluation, withReportOptions, type ReportOptions } from './eval.ts';

interface TiktokCliOptions extends ReportOptions {
  data: string;
  test?: string;
  easeLambdas: number[];
  seed: number;
  leakProbe: boolean;
  tuningHalf: boolean;
  engineOnly: boolean;
}

export function registerEvalTiktok(evalCommand: Command): void {
  withReportOptions(
    evalCommand
      .command('tiktok')
      .description('TikTok micro-video split: train on DIR/train.csv (+ image/audio features), full ranking of every video, Recall/NDCG/HitRate@10,20,50')
      .requiredOption('--data <dir>', 'folder with train.csv, val.csv and optionally image_feat.npy, audio_feat.npy')
      .option('--test <file>', 'report on this user,item file instead of the reported half of DIR/val.csv (settings are then tuned on all of val.csv)')
      .option('--engine-only', 'measure only the served engine, without the baselines', false)
      .option('--tuning-half', 'report on the half of val.csv that tunes settings (to choose the engine’s; such figures are not reportable)', false)
      .option('--ease-lambdas <list>', 'EASE λ values to tune over on val.csv', parsePositiveList, [25, 100])
      .option('--seed <n>', 'seed of the random baseline', parsePositiveInt, 1)
      .option('--leak-probe', 'also report the item-id order leak probe (not a model; see docs/evaluation.md)', false),
  ).action(async (opts: TiktokCliOptions) => {
    await runEvaluation(opts, async (progress) => {
      const result = await evaluateTiktok({
        dataDir: opts.data,
        ...(opts.test ? { testFile: opts.test } : {}),
        easeLambdas: opts.easeLambdas,
        seed: opts.seed,
        leakProbe: opts.leakProbe,
        half: opts.tuningHalf ? 'tuning' : 'reported',
        engineOnly: opts.engineOnly,
        progress,
      });
      const json = tiktokJson(result);
      return {
        json,
        page: () => tiktokReportPage(result),
        summary: [
          `${result.users} people evaluated on ${result.heldOutFile} (${result.heldOutPeople})`,
          ...intervalLines(result.models, ['recall@20', 'ndcg@20']),
        ],
      };
    });
  });
}
