/**
 * A live experiment's report from the logged events: each person put back in their variant (the same hash the
 * server serves them by), per-person sums of what they did, and each metric per variant with its 95 % interval,
 * and each variant against the first with the simulation's bootstrap over people (src/eval/sim/ab.ts).
 */
import type { Experiment } from '../app/config.ts';
import { variantOf } from '../app/experiments.ts';
import type { LoggedEvent } from '../core/types.ts';
import { compareGroups, type ArmStatistics, type MetricDifference } from './sim/ab.ts';

/** What one person (or a group of people) did under the experiment. */
interface LiveTotals {
  people: number;
  sessions: number;
  impressions: number;
  watchMs: number;
  likes: number;
  shares: number;
  skips: number;
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

const LIVE: ArmStatistics<LiveTotals, LiveMetric> = {
  empty: () => ({ people: 0, sessions: 0, impressions: 0, watchMs: 0, likes: 0, shares: 0, skips: 0 }),
  add: (into, from) => {
    for (const key of Object.keys(into) as (keyof LiveTotals)[]) into[key] += from[key];
  },
  figures: (t) => ({
    watchSecondsPerImpression: ratio(t.watchMs / 1000, t.impressions),
    likesPer100Impressions: ratio(100 * t.likes, t.impressions),
    sharesPer100Impressions: ratio(100 * t.shares, t.impressions),
    skipsPer100Impressions: ratio(100 * t.skips, t.impressions),
    watchMinutesPerSession: ratio(t.watchMs / 60_000, t.sessions),
  }),
  metrics: [
    { key: 'watchSecondsPerImpression', higherIsBetter: true },
    { key: 'likesPer100Impressions', higherIsBetter: true },
    { key: 'sharesPer100Impressions', higherIsBetter: true },
    { key: 'skipsPer100Impressions', higherIsBetter: false },
    { key: 'watchMinutesPerSession', higherIsBetter: true },
  ],
};

export type LiveMetric =
  | 'watchSecondsPerImpression'
  | 'likesPer100Impressions'
  | 'sharesPer100Impressions'
  | 'skipsPer100Impressions'
  | 'watchMinutesPerSession';

/** Sums per person as events arrive in log order. */
export class LiveTotalsByPerson {
  private readonly people = new Map<string, { totals: LiveTotals; sessions: Set<string> }>();

  add(event: LoggedEvent): void {
    let person = this.people.get(event.userId);
    if (person === undefined) this.people.set(event.userId, (person = { totals: { ...LIVE.empty(), people: 1 }, sessions: new Set() }));
    const t = person.totals;
    if (event.sessionId !== undefined) person.sessions.add(event.sessionId);
    if (event.type === 'impression') t.impressions++;
    else if (event.type === 'play') t.watchMs += event.watchMs ?? 0;
    else if (event.type === 'like') t.likes++;
    else if (event.type === 'share') t.shares++;
    else if (event.type === 'skip') t.skips++;
  }

  /** People with at least one impression, by the variant `experiment` assigns them. */
  byVariant(experiment: Experiment): Map<string, LiveTotals[]> {
    const out = new Map(experiment.variants.map((v) => [v.name, [] as LiveTotals[]]));
    for (const [userId, { totals, sessions }] of this.people) {
      if (totals.impressions === 0) continue;
      out.get(variantOf(experiment, userId).name)!.push({ ...totals, sessions: sessions.size });
    }
    return out;
  }
}

export interface LiveAbReport {
  experiment: string;
  parameters: { resamples: number; seed: number };
  /** Each variant's figures with their 95 % interval (from the comparison against the first variant). */
  variants: { name: string; people: number; impressions: number; metrics: Record<LiveMetric, { value: number; ci95: [number, number] }> }[];
  /** Each later variant against the first: B − A per metric with its 95 % interval and a verdict. */
  comparisons: { control: string; variant: string; differences: MetricDifference<LiveMetric>[] }[];
}

export function liveAbReport(totals: LiveTotalsByPerson, experiment: Experiment, options: { resamples: number; seed: number }): LiveAbReport {
  const groups = totals.byVariant(experiment);
  const [control, ...others] = experiment.variants.map((v) => ({ name: v.name, people: groups.get(v.name)! }));
  const tooFew = 'wait for more people to be served, or check --experiment names the running experiment';
  const comparisons = others.map((other) => ({
    control: control!.name,
    variant: other.name,
    differences: compareGroups(LIVE, control!.people, other.people, { ...options, tooFew }),
  }));
  const metricsOf = (pick: (d: MetricDifference<LiveMetric>) => { value: number; ci95: [number, number] }, differences: MetricDifference<LiveMetric>[]) =>
    Object.fromEntries(differences.map((d) => [d.metric, pick(d)])) as Record<LiveMetric, { value: number; ci95: [number, number] }>;
  const sum = (people: LiveTotals[]) => people.reduce((n, p) => n + p.impressions, 0);
  const variants = [
    {
      name: control!.name,
      people: control!.people.length,
      impressions: sum(control!.people),
      metrics: metricsOf((d) => ({ value: d.a, ci95: d.aCi95 }), comparisons[0]!.differences),
    },
    ...others.map((other, i) => ({
      name: other.name,
      people: other.people.length,
      impressions: sum(other.people),
      metrics: metricsOf((d) => ({ value: d.b, ci95: d.bCi95 }), comparisons[i]!.differences),
    })),
  ];
  return { experiment: experiment.name, parameters: options, variants, comparisons };
}
