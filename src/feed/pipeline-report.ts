/**
 * What each stage of a pipeline did for one page: shown with `explain=1`, and timed per stage in `/metrics`, so the
 * next slow or over-eager stage is found without a profiler. Times are milliseconds.
 */

export interface SourceReport {
  name: string;
  /** Candidates it added (what the filters let through and no earlier source had proposed). */
  added: number;
  /** Its time, the filters it asked included. */
  ms: number;
}

export interface PipelineReport {
  /** The pipeline's name, as configuration chooses it (`feed.policy`). */
  pipeline: string;
  /** The sources asked, in order (one that does not apply to the request is not asked); the fallback last, when asked. */
  sources: SourceReport[];
  /** Candidates a source offered that the filter turned away (the first filter to refuse one counts it). */
  filters: { name: string; removed: number }[];
  scorer: { name: string; ms: number };
  /** How many slots of the page each selector filled. */
  selection: { name: string; ms: number; filledBy: Record<string, number> };
}

/** Each timed stage's name and time: the sources, the scorer, then the selection. */
export function stageTimes(report: PipelineReport): { stage: string; ms: number }[] {
  return [
    ...report.sources.map((s) => ({ stage: s.name, ms: s.ms })),
    { stage: report.scorer.name, ms: report.scorer.ms },
    { stage: report.selection.name, ms: report.selection.ms },
  ];
}
