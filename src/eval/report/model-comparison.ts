import type { ModelResult } from '../implicit-benchmark.ts';
import { CUTOFFS, type MetricReport } from '../full-ranking.ts';
import type { ReportSection, ReportTable } from './html.ts';
import { boxPlot, lineChart, type Chart } from './svg.ts';

/** Report pieces that compare models on the same metrics: tables, metric-by-K charts and per-person spreads. */

/** A table with one row per model and one column per metric (missing metrics shown as a dash). */
export function metricsTable(
  models: Record<string, MetricReport>,
  metrics: string[],
  extra: Record<string, Record<string, number | string>> = {},
): ReportTable {
  const extraColumns = [...new Set(Object.values(extra).flatMap((e) => Object.keys(e)))];
  return {
    columns: ['model', ...metrics, ...extraColumns],
    rows: Object.entries(models).map(([name, m]) => [name, ...metrics.map((k) => m[k]), ...extraColumns.map((c) => extra[name]?.[c])]),
  };
}

/** `metric@K` for K in `ks` (10, 20, 50 by default), one line per model. */
export function metricByKChart(id: string, title: string, metric: string, models: Record<string, MetricReport>, ks: readonly number[] = CUTOFFS): Chart {
  return lineChart({
    id,
    title,
    xLabel: 'K (length of the list)',
    yLabel: `${metric}@K`,
    logX: true,
    xTicks: [...ks],
    series: Object.entries(models).map(([name, m]) => ({ name, points: ks.map((k): [number, number] => [k, m[`${metric}@${k}`] ?? NaN]) })),
  });
}

/** How a per-person metric is spread across people, one box per model. */
export function perUserChart(id: string, title: string, metric: string, perUser: Record<string, ArrayLike<number>>): Chart {
  return boxPlot({ id, title, yLabel: metric, groups: Object.entries(perUser).map(([name, values]) => ({ name, values })) });
}

/** Every model's figures for JSON output (per-person arrays left out). */
export function modelsJson(models: Record<string, ModelResult>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(models).map(([name, m]) => [
      name,
      {
        ...m.metrics,
        ...(m.intervals ? { intervals: m.intervals } : {}),
        ...(m.vsEngine ? { vsEngine: m.vsEngine } : {}),
        settings: m.settings,
        trainSeconds: m.trainSeconds,
        evaluateSeconds: m.evaluateSeconds,
        ...(m.tuning.length > 0 ? { tuning: m.tuning } : {}),
      },
    ]),
  );
}

const ACCURACY = CUTOFFS.flatMap((k) => [`recall@${k}`, `ndcg@${k}`, `hit@${k}`]).concat('mrr');
const BEYOND = ['coverage@20', 'novelty@20', 'diversity@20', 'gini@20', 'coldShare@20', 'coldCoverage@20'];

/** The sections of a full-ranking report: accuracy and beyond-accuracy tables, metrics by K, per-person spreads. */
export function implicitReportSections(id: string, models: Record<string, ModelResult>, protocol: string): ReportSection[] {
  const metrics = Object.fromEntries(Object.entries(models).map(([name, m]) => [name, m.metrics]));
  const timing = Object.fromEntries(
    Object.entries(models).map(([name, m]) => [
      name,
      { 'train s': round(m.trainSeconds), 'rank s': round(m.evaluateSeconds), settings: settingsText(m.settings) },
    ]),
  );
  return [
    { heading: 'Protocol', paragraphs: [protocol] },
    {
      heading: 'Accuracy',
      tables: [metricsTable(metrics, ACCURACY)],
      charts: [metricByKChart(`${id}-recall-by-k`, 'Recall@K', 'recall', metrics), metricByKChart(`${id}-ndcg-by-k`, 'NDCG@K', 'ndcg', metrics)],
    },
    { heading: 'Beyond accuracy (lists of 20)', tables: [metricsTable(metrics, BEYOND, timing)] },
    {
      heading: 'Per person',
      paragraphs: [
        'Where each person’s best-placed held-out item lands in their ranking of the whole catalog (log10 of the rank: 0 = first, 1 = tenth, 2 = hundredth; lower is better). With one or two held-out items per person, this shows the spread that per-person Recall or NDCG (mostly 0 or 1) hides.',
      ],
      charts: [perUserChart(`${id}-best-rank-per-user`, 'Rank of the best-placed held-out item, per person', 'log10(rank)', logRanks(models))],
    },
  ];
}

function logRanks(models: Record<string, ModelResult>): Record<string, Float64Array> {
  return Object.fromEntries(Object.entries(models).map(([name, m]) => [name, m.perUser.bestRank.map(Math.log10)]));
}

export function settingsText(settings: Record<string, number>): string {
  return (
    Object.entries(settings)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ') || '–'
  );
}

const round = (x: number) => Math.round(x * 100) / 100;
