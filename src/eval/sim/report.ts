/** The HTML page of `moteur eval sim --report`: tables of the overall figures and charts over the simulated days. */
import type { ReportPage, ReportSection, ReportTable } from '../report/html.ts';
import { lineChart, type Chart } from '../report/svg.ts';
import type { AbComparison, ArmFigures, PolicyComparison } from './evaluate.ts';
import type { DayFacts } from './run.ts';
import { METRICS, type Figures } from './metrics.ts';

const LABELS: Record<(typeof METRICS)[number]['key'], string> = {
  watchMinutesPerSession: 'watch minutes per session',
  likesPer100Impressions: 'likes per 100 impressions',
  newCreatorShare: 'share of impressions to new creators',
  newVideoShare: 'share of impressions to videos posted in the last day',
  intraSessionDiversity: 'intra-session diversity',
  meanAffinity: 'hidden affinity of served videos',
  retention: 'people still there after a session',
};

function figuresTable(arms: readonly ArmFigures[]): ReportTable {
  return {
    columns: ['policy', 'people', 'sessions', 'impressions', ...METRICS.map((m) => LABELS[m.key])],
    rows: arms.map((a) => [a.name, a.people, a.overall.sessions, a.overall.impressions, ...METRICS.map((m) => a.overall[m.key])]),
  };
}

function chartsOverDays(arms: readonly ArmFigures[], days: readonly DayFacts[], idPrefix: string): Chart[] {
  return METRICS.map(({ key }) => {
    const series = arms.map((a) => ({
      name: a.name,
      points: a.byDay.filter((d) => d.sessions > 0).map((d): [number, number] => [d.day + 1, d[key as keyof Figures]]),
    }));
    // What a feed blind to audience size would give new creators: their share of the catalog.
    if (key === 'newCreatorShare')
      series.push({ name: 'share of the catalog', points: days.map((d): [number, number] => [d.day + 1, d.newCreatorCatalogShare]) });
    return lineChart({
      id: `${idPrefix}-${key}`,
      title: `${LABELS[key]}, by day`,
      xLabel: 'simulated day',
      yLabel: LABELS[key],
      xTicks: days.map((d) => d.day + 1),
      series,
    });
  });
}

function convergenceSection(arms: readonly ArmFigures[], idPrefix: string): ReportSection {
  return {
    heading: "How fast a new person's feed gets good",
    paragraphs: ["Mean hidden affinity of the videos served in a person's 1st, 2nd, ... session, and by how many impressions they had had."],
    charts: [
      lineChart({
        id: `${idPrefix}-convergence-by-session`,
        title: 'hidden affinity by session number',
        xLabel: "the person's session number",
        yLabel: 'mean hidden affinity',
        series: arms.map((a) => ({
          name: a.name,
          points: a.convergence.bySession.filter((s) => s.people > 0).map((s): [number, number] => [s.session, s.meanAffinity]),
        })),
      }),
      lineChart({
        id: `${idPrefix}-convergence-by-impressions`,
        title: 'hidden affinity by impressions so far',
        xLabel: "the person's impressions so far (bucket end)",
        yLabel: 'mean hidden affinity',
        logX: true,
        series: arms.map((a) => ({
          name: a.name,
          points: a.convergence.byImpressions.filter((b) => b.impressions > 0).map((b): [number, number] => [b.to ?? 2 * b.from, b.meanAffinity]),
        })),
      }),
    ],
  };
}

function settingsLine(c: PolicyComparison | AbComparison): string {
  const p = c.parameters;
  return `${p.days} simulated days, ${p.users} people, ${p.videos} videos at the start, seed ${p.seed}; ${c.seconds} s`;
}

export function policiesReport(c: PolicyComparison, command: string): ReportPage {
  return {
    title: 'Online evaluation with simulated people',
    subtitle: `${settingsLine(c)} — ${command}`,
    sections: [
      {
        heading: 'Overall',
        paragraphs: [
          'Each policy served the same simulated people on its own fresh engine. People arrive over the days, scroll sessions of feed pages, and leave for good when a session bores them; creators keep posting and some join during the run.',
        ],
        tables: [figuresTable(c.policies)],
      },
      { heading: 'Over the simulated days', charts: chartsOverDays(c.policies, c.days, 'policies') },
      convergenceSection(c.policies, 'policies'),
    ],
    data: c,
  };
}

export function abReport(c: AbComparison, command: string): ReportPage {
  const arms = [c.arms.A, c.arms.B];
  return {
    title: `A/B test with simulated people: ${c.arms.A.name} (A) vs ${c.arms.B.name} (B)`,
    subtitle: `${settingsLine(c)} — ${command}`,
    sections: [
      {
        heading: 'Differences (B − A) with 95 % confidence intervals',
        paragraphs: [
          `People were assigned to A or B by a hash of their id; intervals from ${c.parameters.resamples} bootstrap resamples of people within each arm.`,
        ],
        tables: [
          {
            columns: ['metric', 'A', 'B', 'B − A', 'relative', '95 % CI low', '95 % CI high', 'verdict'],
            rows: c.differences.map((d) => [
              LABELS[d.metric as keyof typeof LABELS] ?? d.metric,
              d.a,
              d.b,
              d.difference,
              d.relative === null ? undefined : `${(100 * d.relative).toFixed(1)} %`,
              d.ci95[0],
              d.ci95[1],
              d.verdict,
            ]),
          },
        ],
      },
      { heading: 'Each arm overall', tables: [figuresTable(arms)] },
      { heading: 'Over the simulated days', charts: chartsOverDays(arms, c.days, 'ab') },
      convergenceSection(arms, 'ab'),
    ],
    data: c,
  };
}
