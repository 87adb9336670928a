/**
 * The aggregate figures a DSA Art. 15/24 transparency report needs, over a period: reports by reason, decisions by
 * action and by automation, the median time from the first report to a moderator's decision, appeals and their
 * outcomes, and the views of videos before their removal. Counts only: no one is named.
 */
import type { Appeal, Decision, StoredReport } from './safety-store.ts';

export interface TransparencyReport {
  from: string;
  to: string;
  reports: { total: number; byReason: Record<string, number>; discounted: { newAccount: number; burst: number } };
  decisions: { total: number; byAction: Record<string, number>; automated: number; human: number; statementsOfReasons: number };
  /** Hours from a case's first report to the moderator's decision (decisions taken on reports). */
  medianHoursToDecision: number | null;
  appeals: { received: number; upheld: number; reversed: number; open: number };
  removals: { videos: number; viewsBeforeRemoval: number };
}

const count = <T>(items: readonly T[], key: (item: T) => string): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
};

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The figures for decisions, reports and appeals made in [from, to). */
export function transparencyReport(all: { reports: StoredReport[]; decisions: Decision[]; appeals: Appeal[] }, from: number, to: number): TransparencyReport {
  const inPeriod = (ts: number) => ts >= from && ts < to;
  const reports = all.reports.filter((r) => inPeriod(r.ts));
  const decisions = all.decisions.filter((d) => inPeriod(d.ts));
  const appeals = all.appeals.filter((a) => inPeriod(a.ts));
  // A human decision taken on reports: from the first report since the video's previous human decision.
  const waits: number[] = [];
  const previousHuman = new Map<string, number>();
  for (const d of all.decisions) {
    if (d.decidedBy !== 'human') continue;
    const since = previousHuman.get(d.videoId) ?? -Infinity;
    previousHuman.set(d.videoId, d.ts);
    if (!inPeriod(d.ts) || d.source !== 'notice') continue;
    const first = all.reports.find((r) => r.videoId === d.videoId && r.ts > since && r.ts <= d.ts);
    if (first !== undefined) waits.push((d.ts - first.ts) / 3_600_000);
  }
  const removals = decisions.filter((d) => d.action === 'remove');
  const hours = median(waits);
  return {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    reports: {
      total: reports.length,
      byReason: count(reports, (r) => r.reason),
      discounted: { newAccount: reports.filter((r) => r.discounted === 'new_account').length, burst: reports.filter((r) => r.discounted === 'burst').length },
    },
    decisions: {
      total: decisions.length,
      byAction: count(decisions, (d) => d.action),
      automated: decisions.filter((d) => d.decidedBy === 'automated').length,
      human: decisions.filter((d) => d.decidedBy === 'human').length,
      statementsOfReasons: decisions.filter((d) => d.action !== 'restore').length,
    },
    medianHoursToDecision: hours === null ? null : Number(hours.toFixed(2)),
    appeals: {
      received: appeals.length,
      upheld: appeals.filter((a) => a.status === 'upheld').length,
      reversed: appeals.filter((a) => a.status === 'reversed').length,
      open: appeals.filter((a) => a.status === 'open').length,
    },
    removals: { videos: removals.length, viewsBeforeRemoval: removals.reduce((sum, d) => sum + d.reach, 0) },
  };
}
