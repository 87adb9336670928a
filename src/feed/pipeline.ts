/**
 * A feed is a declared pipeline of small named stages, in the shape of Twitter's product mixer: candidate sources
 * propose videos, filters veto them, a scorer orders them, and a selection of small selectors and placement rules
 * fills the page slot by slot (src/feed/select/).
 */
import type { User, Video } from '../core/types.ts';
import type { RequestFilters } from './filters/request-filters.ts';
import type { PipelineReport, SourceReport } from './pipeline-report.ts';
import type { SlotSelection } from './select/slot-selection.ts';

export interface FeedRequest {
  user: User;
  /** False when the feed must not read anything learned about the person (`settings.personalized: false`). */
  personalized: boolean;
  /** Videos already served to the person: apart from learned state, since even an unprofiled feed must not repeat itself. */
  seen: ReadonlySet<string>;
  n: number;
  /** Whether each item must carry the figures behind its score. */
  explain: boolean;
  /** Seeded per request so a page can be reproduced from its session and position. */
  random: () => number;
  /** The request's own narrowing (hashtags, creator, videos to leave out), if any. */
  filters?: RequestFilters;
  /** Whether the person is (or, of unknown age, is treated as) under 18. */
  minor: boolean;
  /** When the page is served (the clock of the day's limits). */
  now: number;
  /**
   * The caller gave the candidates (`rank`): they are ordered by the ranker's predictions of how each will be
   * engaged with, without the item graph's score, which says which videos a person may want and only adds noise
   * to an order of videos they are shown anyway (KuaiRec's inner split: docs/evaluation.md, "Measured").
   */
  candidatesGiven?: boolean;
}

export interface Explanation {
  predictions: Record<string, number>;
  weights: Record<string, number>;
  /** The signals that moved the score most, strongest first. */
  topSignals: { signal: string; value: number; contribution: number }[];
}

export interface Candidate {
  video: Video;
  /** The source that proposed it first. */
  source: string;
  score: number;
  reasons: string[];
  /** The source's own figures about it (similarity, popularity, times served...). */
  signals: Record<string, number>;
  /** Filled by the scorer for the page's items when the request asks for explanations. */
  explanation?: Explanation;
  /** With explanations: the better candidate a told placement rule (the sensitive-topic dispersal) held back from this slot, and why. */
  dispersal?: string;
}

export interface CandidateSource {
  readonly name: string;
  /** Whether the source applies to this request (a source reading what was learned about the person does not to an unpersonalised feed). */
  enabled(request: FeedRequest): boolean;
  /** Up to `limit` candidates that `accept` lets through. */
  fetch(request: FeedRequest, limit: number, accept: (video: Video) => boolean): Candidate[];
  /** Drops anything kept about the person (a source that caches per person must implement it). */
  forgetUser?(userId: string): void;
}

/** `enabled` of a source that reads what was learned about the person. */
export const whenPersonalized = (request: FeedRequest): boolean => request.personalized;
/** `enabled` of a source that reads nothing about the person but what any request carries. */
export const always = (): boolean => true;

export interface Filter {
  readonly name: string;
  /** A soft filter is a preference: the fallback source ignores it when the page cannot be filled otherwise. */
  readonly soft?: boolean;
  /** `source` is the candidate source proposing the video (some limits depend on how a video reaches someone). */
  keep(request: FeedRequest, video: Video, source: string): boolean;
}

export interface Scorer {
  readonly name: string;
  score(request: FeedRequest, candidates: Candidate[]): void;
  /** Adds the figures behind each score (called for the page only). */
  explain(request: FeedRequest, candidates: Candidate[]): void;
}

export interface PipelineStages {
  sources: { source: CandidateSource; limit: (n: number) => number }[];
  /** Asked only when the sources together proposed fewer than a page. */
  fallback: CandidateSource;
  filters: Filter[];
  scorer: Scorer;
  selection: SlotSelection;
}

const FALLBACK_HEADROOM = 3;

export class FeedPipeline {
  constructor(
    /** The name configuration chooses it by (`feed.policy`). */
    readonly name: string,
    readonly stages: PipelineStages,
  ) {}

  forgetUser(userId: string): void {
    for (const { source } of this.stages.sources) source.forgetUser?.(userId);
  }

  /**
   * Builds a page, and reports what each stage did. `exhausted` is true when even the fallback found too little:
   * the person has seen everything the filters let through, and only starting the catalog over can fill the page.
   */
  run(request: FeedRequest): { page: Candidate[]; exhausted: boolean; report: PipelineReport } {
    const { sources, fallback, filters, scorer, selection } = this.stages;
    const byId = new Map<string, Candidate>();
    const removed = filters.map(() => 0);
    const asked: SourceReport[] = [];
    const acceptFrom = (source: string, relaxSoft: boolean) => (video: Video) => {
      if (byId.has(video.id)) return false;
      for (let i = 0; i < filters.length; i++) {
        const filter = filters[i]!;
        if (relaxSoft && filter.soft === true) continue;
        if (!filter.keep(request, video, source)) {
          removed[i]!++;
          return false;
        }
      }
      return true;
    };
    const ask = (source: CandidateSource, limit: number, relaxSoft: boolean) => {
      const start = performance.now();
      const before = byId.size;
      const found = source.fetch(request, limit, acceptFrom(source.name, relaxSoft));
      for (const candidate of found) byId.set(candidate.video.id, candidate);
      asked.push({ name: source.name, added: byId.size - before, ms: msSince(start) });
      return found;
    };
    for (const { source, limit } of sources) if (source.enabled(request)) ask(source, limit(request.n), false);
    let exhausted = false;
    if (byId.size < FALLBACK_HEADROOM * request.n) {
      // Headroom beyond one page, so the selection's rules can still fill it; soft filters give way when even a page is missing.
      const wanted = FALLBACK_HEADROOM * request.n - byId.size;
      const found = fallback.enabled(request) ? ask(fallback, wanted, byId.size < request.n) : [];
      exhausted = found.length < wanted && byId.size < request.n;
    }
    const candidates = [...byId.values()];
    let start = performance.now();
    scorer.score(request, candidates);
    const scored = { name: scorer.name, ms: msSince(start) };
    start = performance.now();
    const { page, filledBy } = selection.select(request, candidates);
    const selected = { name: selection.name, ms: msSince(start), filledBy };
    if (request.explain) scorer.explain(request, page);
    const report = {
      pipeline: this.name,
      sources: asked,
      filters: filters.map((f, i) => ({ name: f.name, removed: removed[i]! })),
      scorer: scored,
      selection: selected,
    };
    return { page, exhausted, report };
  }
}

function msSince(start: number): number {
  return Math.round((performance.now() - start) * 1000) / 1000;
}
