/**
 * `moteur eval sim`: the policies side by side over the same simulated days, or an A/B test of two engine
 * configurations within one run. Every figure is per simulated day and overall.
 */
import type { MoteurConfigOverrides } from '../../app/config.ts';
import { compareArms, armOfPerson, type MetricDifference } from './ab.ts';
import type { SafetyFigures } from './bad-actors.ts';
import { convergence, figures, totalsByPerson, totalsOf, type Convergence, type Figures, type SessionRecord } from './metrics.ts';
import { simulate, type Arm, type DayFacts, type SimulationOptions } from './run.ts';

/** The policies compared by default, in the order they are reported. */
export const POLICIES = {
  random: { overrides: { feed: { policy: 'random' } }, personalized: true },
  popular: { overrides: { feed: { policy: 'popular' } }, personalized: true },
  engine: { overrides: {}, personalized: true },
  'engine-unpersonalized': { overrides: {}, personalized: false },
  /** The engine without its safety layer: no reach freezes, no moderator, no age limits or dispersal. */
  'engine-safety-off': { overrides: { safety: { enabled: false } }, personalized: true },
} satisfies Record<string, Omit<Arm, 'name'>>;
export type PolicyName = keyof typeof POLICIES;
export const POLICY_NAMES = Object.keys(POLICIES) as PolicyName[];

export type SimParameters = Pick<SimulationOptions, 'days' | 'users' | 'videos' | 'seed' | 'badActors'>;

export interface ArmFigures {
  name: string;
  /** People this arm served. */
  people: number;
  overall: Figures;
  byDay: (Figures & { day: number })[];
  convergence: Convergence;
  /** With bad actors: harmful views and removals, dispersal violations in minors' feeds. */
  safety?: SafetyFigures;
}

export interface PolicyComparison {
  kind: 'policies';
  parameters: SimParameters;
  days: DayFacts[];
  policies: ArmFigures[];
  seconds: number;
}

export interface AbComparison {
  kind: 'ab';
  parameters: SimParameters & { resamples: number };
  days: DayFacts[];
  arms: { A: ArmFigures & { config: MoteurConfigOverrides }; B: ArmFigures & { config: MoteurConfigOverrides } };
  differences: MetricDifference[];
  seconds: number;
}

const fourDigits = (v: unknown): unknown =>
  typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(4)) : Array.isArray(v) ? v.map(fourDigits) : v;

/** Keeps the JSON readable: figures to 4 significant digits. */
function rounded<T extends object>(figures: T): T {
  return Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, fourDigits(v)])) as T;
}

function armFigures(name: string, sessions: readonly SessionRecord[], days: number): ArmFigures {
  const conv = convergence(sessions);
  return {
    name,
    people: new Set(sessions.map((s) => s.userId)).size,
    overall: rounded(figures(totalsOf(sessions))),
    byDay: Array.from({ length: days }, (_, day) => ({ day, ...rounded(figures(totalsOf(sessions.filter((s) => s.day === day)))) })),
    convergence: { bySession: conv.bySession.map(rounded), byImpressions: conv.byImpressions.map(rounded) },
  };
}

export async function comparePolicies(options: SimulationOptions, names: readonly PolicyName[]): Promise<PolicyComparison> {
  const started = performance.now();
  const policies: ArmFigures[] = [];
  let days: DayFacts[] = [];
  for (const name of names) {
    // Each policy runs alone on its own fresh engine; the people, their schedule and the catalog are the same.
    const run = await simulate(options, [{ name, ...POLICIES[name] }], () => 0);
    const arm = armFigures(name, run.sessions[0]!, options.days);
    if (run.safety !== undefined) arm.safety = rounded(run.safety[0]!);
    policies.push(arm);
    days = run.days;
  }
  return { kind: 'policies', parameters: parametersOf(options), days: days.map(rounded), policies, seconds: elapsed(started) };
}

export interface AbArmSpec {
  name: string;
  config: MoteurConfigOverrides;
}

export async function abTest(options: SimulationOptions, a: AbArmSpec, b: AbArmSpec, resamples = 2000): Promise<AbComparison> {
  const started = performance.now();
  const arms: Arm[] = [a, b].map((spec) => ({ name: spec.name, overrides: spec.config, personalized: true }));
  const run = await simulate(options, arms, (userId) => armOfPerson(userId, options.seed));
  const perPerson = run.sessions.map((sessions) => [...totalsByPerson(sessions).values()]);
  return {
    kind: 'ab',
    parameters: { ...parametersOf(options), resamples },
    days: run.days.map(rounded),
    arms: {
      A: { ...armFigures(a.name, run.sessions[0]!, options.days), config: a.config, ...(run.safety ? { safety: rounded(run.safety[0]!) } : {}) },
      B: { ...armFigures(b.name, run.sessions[1]!, options.days), config: b.config, ...(run.safety ? { safety: rounded(run.safety[1]!) } : {}) },
    },
    differences: compareArms(perPerson[0]!, perPerson[1]!, { resamples, seed: options.seed }).map(rounded),
    seconds: elapsed(started),
  };
}

function parametersOf(options: SimulationOptions): SimParameters {
  const parameters: SimParameters = { days: options.days, users: options.users, videos: options.videos, seed: options.seed };
  if (options.badActors !== undefined) parameters.badActors = options.badActors;
  return parameters;
}

/** The safety layer's effect: how much fewer harmful views, and how much watch time per session it costs. */
export function safetyEffect(on: ArmFigures, off: ArmFigures): { harmfulViewsReduction: number; watchTimeChange: number } | undefined {
  if (on.safety === undefined || off.safety === undefined || off.safety.harmfulViewsPer1000Impressions === 0) return undefined;
  return {
    harmfulViewsReduction: Number((1 - on.safety.harmfulViewsPer1000Impressions / off.safety.harmfulViewsPer1000Impressions).toPrecision(4)),
    watchTimeChange: Number((on.overall.watchMinutesPerSession / off.overall.watchMinutesPerSession - 1).toPrecision(4)),
  };
}

const elapsed = (started: number) => Number(((performance.now() - started) / 1000).toFixed(1));
