/**
 * A feed is a declared pipeline of small named stages, in the shape of Twitter's product mixer:
 * candidate sources propose videos, filters veto them, a scorer orders them, a re-ranker picks the page.
 */
import type { User, Video } from '../core/types.ts';
import type { RequestFilters } from './filters/request-filters.ts';

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
  /** With explanations: how the sensitive-topic dispersal changed this slot. */
  dispersal?: string;
}

export interface CandidateSource {
  readonly name: string;
  /** Up to `limit` candidates that `accept` lets through. */
  fetch(request: FeedRequest, limit: number, accept: (video: Video) => boolean): Candidate[];
  /** Drops anything kept about the person (a source that caches per person must implement it). */
  forgetUser?(userId: string): void;
}

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

export interface Reranker {
  readonly name: string;
  select(request: FeedRequest, candidates: Candidate[]): Candidate[];
}

export interface PipelineStages {
  sources: { source: CandidateSource; limit: (n: number) => number }[];
  /** Asked only when the sources together proposed fewer than a page. */
  fallback: CandidateSource;
  filters: Filter[];
  scorer: Scorer;
  reranker: Reranker;
}

const FALLBACK_HEADROOM = 3;

export class FeedPipeline {
  constructor(readonly stages: PipelineStages) {}

  forgetUser(userId: string): void {
    for (const { source } of this.stages.sources) source.forgetUser?.(userId);
  }

  /**
   * Builds a page. `exhausted` is true when even the fallback found too little: the person has seen
   * everything the filters let through, and only starting the catalog over can fill the page.
   */
  run(request: FeedRequest): { page: Candidate[]; exhausted: boolean } {
    const { sources, fallback, filters, scorer, reranker } = this.stages;
    const byId = new Map<string, Candidate>();
    const acceptFrom = (source: string, from: readonly Filter[]) => (video: Video) => !byId.has(video.id) && from.every((f) => f.keep(request, video, source));
    for (const { source, limit } of sources) {
      for (const candidate of source.fetch(request, limit(request.n), acceptFrom(source.name, filters))) byId.set(candidate.video.id, candidate);
    }
    let exhausted = false;
    if (byId.size < FALLBACK_HEADROOM * request.n) {
      // Headroom beyond one page, so the re-ranker's diversity rules can still fill it.
      const hard = filters.filter((f) => f.soft !== true);
      const wanted = FALLBACK_HEADROOM * request.n - byId.size;
      const found = fallback.fetch(request, wanted, acceptFrom(fallback.name, byId.size < request.n ? hard : filters));
      for (const candidate of found) byId.set(candidate.video.id, candidate);
      exhausted = found.length < wanted && byId.size < request.n;
    }
    const candidates = [...byId.values()];
    scorer.score(request, candidates);
    const page = reranker.select(request, candidates);
    if (request.explain) scorer.explain(request, page);
    return { page, exhausted };
  }
}
