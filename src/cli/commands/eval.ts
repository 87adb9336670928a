import { type Command, InvalidArgumentError } from 'commander';
import { chartsOf, writeChartPngs, writeHtmlReport } from '../../eval/report/outputs.ts';
import type { ReportPage } from '../../eval/report/html.ts';
import type { StageProgress } from '../../eval/progress.ts';
import type { ModelResult } from '../../eval/implicit-benchmark.ts';
import { intervalText } from '../../eval/metrics/bootstrap.ts';
import { stageProgress } from '../stage-progress.ts';
import { registerEvalKuaiRec } from './eval-kuairec.ts';
import { registerEvalMl100k } from './eval-ml100k.ts';
import { registerEvalSim } from './eval-sim.ts';
import { registerEvalTiktok } from './eval-tiktok.ts';

/**
 * `moteur eval <protocol>`: offline evaluation on real data. Each protocol is one subcommand in its own file,
 * registered on the `eval` command below; `withReportOptions` and `runEvaluation` give every one of them the same
 * --json, --report and --png outputs and the same progress bars.
 */
const SUBCOMMANDS: Array<(evalCommand: Command) => void> = [registerEvalTiktok, registerEvalKuaiRec, registerEvalMl100k, registerEvalSim];

export function registerEval(program: Command): void {
  const evalCommand = program.command('eval').description('Measure the engine and baselines offline on a real data set (see docs/evaluation.md)');
  for (const register of SUBCOMMANDS) register(evalCommand);
}

export interface ReportOptions {
  json: boolean;
  report?: string;
  png?: string;
}

/** Adds --json, --report FILE.html and --png DIR to a subcommand. */
export function withReportOptions(command: Command): Command {
  return command
    .option('--json', 'print the figures as one JSON object on stdout', false)
    .option('--report <file.html>', 'write a self-contained HTML report with charts')
    .option('--png <dir>', 'write each chart of the report as a PNG file in this folder');
}

/** What a protocol hands back: its figures as JSON and, for --report/--png, a report page. */
export interface Evaluation {
  json: Record<string, unknown>;
  page: () => ReportPage;
  /** Lines printed when --json is not given. */
  summary: string[];
}

/** Runs a protocol with progress bars on stderr, then prints and writes what the options ask for. */
export async function runEvaluation(options: ReportOptions, evaluate: (progress: StageProgress) => Promise<Evaluation>): Promise<void> {
  const bars = stageProgress();
  let result: Evaluation;
  try {
    result = await evaluate(bars.report);
  } finally {
    bars.stop();
  }
  if (options.json) console.log(JSON.stringify(result.json));
  else console.log(result.summary.join('\n'));
  if (options.report !== undefined || options.png !== undefined) {
    const page = result.page();
    if (options.report !== undefined) {
      writeHtmlReport(options.report, page);
      console.error(`report written to ${options.report}`);
    }
    if (options.png !== undefined) console.error(`charts written: ${(await writeChartPngs(options.png, chartsOf(page))).join(', ')}`);
  }
}

/** Parses "25,100" into numbers, each positive. */
export function parsePositiveList(value: string): number[] {
  const list = value.split(',').map((s) => Number(s.trim()));
  if (list.length === 0 || list.some((x) => !Number.isFinite(x) || x <= 0))
    throw new InvalidArgumentError('expected positive numbers separated by commas, e.g. 25,100');
  return list;
}

/** A table of the main figures of each model, for the terminal. */
export function summaryLines(models: Record<string, Record<string, unknown>>, metrics: string[]): string[] {
  const width = Math.max(10, ...metrics.map((m) => m.length)) + 2;
  const header = ['model'.padEnd(16), ...metrics.map((m) => m.padStart(width))].join('');
  const rows = Object.entries(models).map(([name, m]) =>
    [name.padEnd(16), ...metrics.map((k) => (typeof m[k] === 'number' ? (m[k] as number).toFixed(4) : '–').padStart(width))].join(''),
  );
  return [header, ...rows];
}

/** Each model's figures with their 95 % intervals, and the paired difference to the engine, for the terminal. */
export function intervalLines(models: Record<string, ModelResult>, metrics: string[]): string[] {
  const header = ['model'.padEnd(26), ...metrics.flatMap((m) => [m.padEnd(26), `vs engine`.padEnd(28)])].join('');
  const rows = Object.entries(models).map(([name, m]) =>
    [
      name.padEnd(26),
      ...metrics.flatMap((k) => {
        const own = m.intervals?.[k];
        const diff = m.vsEngine?.[k];
        return [(own ? intervalText(own) : (m.metrics[k]?.toFixed(4) ?? '–')).padEnd(26), (diff ? intervalText(diff) : '').padEnd(28)];
      }),
    ].join(''),
  );
  return [header, ...rows];
}
