import { InvalidArgumentError, Option, type Command } from 'commander';
import { basename } from 'node:path';
import { readConfigOverrides } from '../../app/config-file.ts';
import { MoteurError } from '../../core/errors.ts';
import { DEFAULT_SCENARIO, type SafetyScenario } from '../../eval/sim/bad-actors.ts';
import {
  abTest,
  comparePolicies,
  POLICY_NAMES,
  safetyEffect,
  type AbComparison,
  type ArmFigures,
  type PolicyComparison,
  type PolicyName,
} from '../../eval/sim/evaluate.ts';
import { METRICS } from '../../eval/sim/metrics.ts';
import { abReport, policiesReport } from '../../eval/sim/report.ts';
import { parsePositiveInt } from '../options.ts';
import { runEvaluation, withReportOptions, type ReportOptions } from './eval.ts';

interface EvalSimOptions extends ReportOptions {
  days: number;
  users: number;
  videos: number;
  seed: number;
  policies: PolicyName[];
  ab?: [string, string];
  resamples: number;
  harmfulShare: number;
  reportRate: number;
  badCreatorShare: number;
  harmResemblance: number;
  moderatorCapacity: number;
  minorShare: number;
}

function parseShare(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('expected a share from 0 to 1');
  return n;
}

/** Harmful views, removals and the minors' dispersal check, per arm. */
function safetyTable(arms: readonly ArmFigures[]): string[] {
  if (!arms.some((a) => a.safety !== undefined)) return [];
  const lines = [
    '',
    'safety: harmful views before removal, time to removal, 1-in-10 dispersal violations in the feeds of people under 18',
    ...table([
      ['', 'harmful videos', 'harmful views', 'per 1,000 impressions', 'removed', 'median h to removal', 'minor impressions', 'dispersal violations'],
      ...arms.map((a) => {
        const s = a.safety!;
        return [
          a.name,
          s.harmfulVideos,
          s.harmfulViews,
          s.harmfulViewsPer1000Impressions,
          s.harmfulRemoved,
          s.medianHoursToRemoval ?? '–',
          s.minorImpressions,
          s.dispersalViolationsUnder18,
        ];
      }),
    ]),
  ];
  const on = arms.find((a) => a.name === 'engine');
  const off = arms.find((a) => a.name === 'engine-safety-off');
  const effect = on && off ? safetyEffect(on, off) : undefined;
  if (effect !== undefined) {
    lines.push(
      `safety on vs off: ${(100 * effect.harmfulViewsReduction).toFixed(1)} % fewer harmful views per 1,000 impressions, watch time per session ${(100 * effect.watchTimeChange).toFixed(1)} %`,
    );
  }
  return lines;
}

function parsePolicies(value: string): PolicyName[] {
  const names = value.split(',').map((s) => s.trim());
  const unknown = names.filter((n) => !(POLICY_NAMES as string[]).includes(n));
  if (unknown.length > 0)
    throw new InvalidArgumentError(`expected policies among ${POLICY_NAMES.join(', ')}, separated by commas; unknown: ${unknown.join(', ')}`);
  return [...new Set(names)] as PolicyName[];
}

function parseAbFiles(value: string): [string, string] {
  const files = value.split(',').map((s) => s.trim());
  if (files.length !== 2 || files.some((f) => f === ''))
    throw new InvalidArgumentError('expected two configuration files separated by a comma, e.g. A.json,B.json');
  return [files[0]!, files[1]!];
}

const cell = (v: number | string) => (typeof v === 'number' ? String(Number(v.toPrecision(4))) : v);

function table(rows: (string | number)[][]): string[] {
  const text = rows.map((r) => r.map(cell));
  const widths = text[0]!.map((_, c) => Math.max(...text.map((r) => r[c]!.length)));
  return text.map((r) => r.map((v, c) => (c === 0 ? v.padEnd(widths[c]!) : v.padStart(widths[c]!))).join('  '));
}

function armsTable(arms: readonly ArmFigures[]): string[] {
  return table([
    ['', 'people', 'sessions', 'watch min/session', 'likes/100 impr', 'new-creator share', 'diversity', 'hidden affinity', 'retention', 'affinity s1→s5'],
    ...arms.map((a) => [
      a.name,
      a.people,
      a.overall.sessions,
      ...METRICS.map((m) => a.overall[m.key]),
      a.convergence.bySession
        .filter((s) => s.session === 1 || s.session === 5)
        .map((s) => (s.people === 0 ? '–' : cell(s.meanAffinity)))
        .join('→'),
    ]),
  ]);
}

function policiesSummary(c: PolicyComparison): string[] {
  return [
    `${c.parameters.days} simulated days, ${c.parameters.users} people, ${c.parameters.videos} videos, seed ${c.parameters.seed} (${c.seconds} s)`,
    '',
    ...armsTable(c.policies),
    ...safetyTable(c.policies),
    '',
    'watch minutes per session by day',
    ...table([['', ...c.days.map((d) => `day ${d.day + 1}`)], ...c.policies.map((p) => [p.name, ...p.byDay.map((d) => d.watchMinutesPerSession)])]),
  ];
}

function abSummary(c: AbComparison): string[] {
  return [
    `A = ${c.arms.A.name}, B = ${c.arms.B.name}; ${c.parameters.days} simulated days, ${c.parameters.users} people, seed ${c.parameters.seed} (${c.seconds} s)`,
    '',
    ...armsTable([c.arms.A, c.arms.B]),
    ...safetyTable([c.arms.A, c.arms.B]),
    '',
    `B − A with 95 % bootstrap confidence intervals (${c.parameters.resamples} resamples of people)`,
    ...table([['metric', 'B − A', 'CI low', 'CI high', 'verdict'], ...c.differences.map((d) => [d.metric, d.difference, d.ci95[0], d.ci95[1], d.verdict])]),
  ];
}

/** `moteur eval sim`: online evaluation with simulated people. */
export function registerEvalSim(evalCommand: Command): void {
  withReportOptions(
    evalCommand
      .command('sim')
      .description(
        'Online evaluation with simulated people, in process on a simulated clock: people arrive over the days, scroll sessions, ' +
          'watch, like, follow and leave when bored. Compares feed policies side by side (random, most popular, the engine, the engine ' +
          'without personalisation), or A/B-tests two engine configurations with 95 % confidence intervals',
      )
      .option('--days <n>', 'simulated days', parsePositiveInt, 7)
      .option('--users <n>', 'simulated people (half there on day 1, the others arriving over the following days)', parsePositiveInt, 500)
      .option('--videos <n>', 'videos in the catalog at the start (creators post 15 % more each day)', parsePositiveInt, 3000)
      .option('--seed <n>', 'seed of the simulated world and people', parsePositiveInt, 1)
      .addOption(new Option('--policies <list>', `policies to compare, among ${POLICY_NAMES.join(', ')}`).argParser(parsePolicies).default(POLICY_NAMES, 'all'))
      .option(
        '--ab <A.json,B.json>',
        'A/B test: two configuration files, each a variant (the schema of --config, e.g. {"exploreShare":0.3}); people are split by a hash of their id',
        parseAbFiles,
      )
      .option('--resamples <n>', 'bootstrap resamples for the A/B confidence intervals', parsePositiveInt, 2000)
      .option('--harmful-share <x>', 'share of videos that are harmful (0: no bad actors, no moderator, no minors)', parseShare, DEFAULT_SCENARIO.harmfulShare)
      .option('--report-rate <x>', 'chance that someone who watches a harmful video reports it', parseShare, DEFAULT_SCENARIO.reportRate)
      .option('--bad-creator-share <x>', 'share of creators who post harm again and again (half their videos)', parseShare, DEFAULT_SCENARIO.badCreatorShare)
      .option(
        '--harm-resemblance <x>',
        "how much a harm kind's videos look alike: weight of its hidden direction in their content vectors (0: not at all)",
        parseShare,
        DEFAULT_SCENARIO.harmResemblance,
      )
      .option('--moderator-capacity <n>', 'cases the simulated moderator decides per day', parsePositiveInt, DEFAULT_SCENARIO.moderatorCapacity)
      .option('--minor-share <x>', 'share of people under 18 (half 13-15, half 16-17)', parseShare, DEFAULT_SCENARIO.minorShare),
  ).action(async (opts: EvalSimOptions, command: Command) => {
    if (opts.ab !== undefined && command.getOptionValueSource('policies') === 'cli') {
      throw new MoteurError('invalid_option', '--ab and --policies cannot be used together: an A/B test compares the two configuration files', { field: 'ab' });
    }
    // Both files are read before anything is simulated, so a typo fails at once.
    const ab = opts.ab?.map((file) => ({ name: basename(file).replace(/\.(json|toml)$/i, ''), config: readConfigOverrides(file) }));
    if (ab !== undefined && ab[0]!.name === ab[1]!.name) ab[1]!.name += ' (B)';
    const commandLine = `moteur ${process.argv.slice(2).join(' ')}`;
    await runEvaluation(opts, async (progress) => {
      const scenario: SafetyScenario = {
        ...DEFAULT_SCENARIO,
        harmfulShare: opts.harmfulShare,
        reportRate: opts.reportRate,
        badCreatorShare: opts.badCreatorShare,
        harmResemblance: opts.harmResemblance,
        moderatorCapacity: opts.moderatorCapacity,
        minorShare: opts.minorShare,
      };
      const options = {
        days: opts.days,
        users: opts.users,
        videos: opts.videos,
        seed: opts.seed,
        progress,
        ...(opts.harmfulShare > 0 ? { badActors: scenario } : {}),
      };
      if (ab !== undefined) {
        const result = await abTest(options, ab[0]!, ab[1]!, opts.resamples);
        return { json: { ...result }, page: () => abReport(result, commandLine), summary: abSummary(result) };
      }
      const result = await comparePolicies(options, opts.policies);
      return { json: { ...result }, page: () => policiesReport(result, commandLine), summary: policiesSummary(result) };
    });
  });
}
